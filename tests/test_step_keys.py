"""Step mode's keys, without a terminal: key names (Textual's) to moves. Textual turns a
terminal's bytes into key names; tests/test_app.py presses them in the app itself."""

from backprop_tutor.stepper.keys import Navigator


def nav(total=17):
    return Navigator(total, {"forward": 0, "loss": 4, "backward": 5, "update": 13})


def test_textual_key_names():
    n = nav()
    n.handle("question_mark")
    assert n.help
    n.handle("question_mark")
    n.handle("end")
    n.handle("page_up")
    assert n.index == 16 and not n.help
    assert n.handle("ctrl+c") == "quit"


def test_next_back_and_bounds():
    n = nav()
    for key in ("right", "enter", "space"):
        n.handle(key)
    assert n.index == 3
    for key in ("left", "backspace", "b"):
        n.handle(key)
    assert n.index == 0
    n.handle("left")
    assert n.index == 0 and "first" in n.message
    n.handle("end")
    n.handle("right")
    assert n.index == 16 and "last" in n.message


def test_goto_number_and_bad_number():
    n = nav()
    for key in ("g", "1", "2", "enter"):
        n.handle(key)
    assert n.index == 11 and n.goto is None
    for key in ("g", "9", "9", "enter"):
        n.handle(key)
    assert n.index == 11 and "no step 99" in n.message
    for key in ("g", "3", "escape"):
        n.handle(key)
    assert n.index == 11 and n.goto is None


def test_phase_jumps_help_and_quit():
    n = nav()
    n.handle("r")
    assert n.index == 5
    n.handle("f")
    assert n.index == 0
    n.handle("?")
    assert n.help
    n.handle("?")
    assert not n.help
    assert n.handle("q") == "quit"
    assert n.handle("ctrl-c") == "quit"


def test_auto_play_pauses_on_any_key_and_stops_at_the_end():
    n = Navigator(3, playing=True)
    n.tick()
    assert n.index == 1
    n.handle("x")
    assert not n.playing and n.index == 1
    n.handle("a")
    n.tick()
    n.tick()
    assert n.index == 2 and not n.playing


def test_goto_a_name_uses_the_locator_and_q_is_typed_there():
    seen = []

    def locate(text):
        seen.append(text)
        if text == "dL/dW1":
            return 11, None
        if text == "dL/dw12^(1)":
            return 11, "dL/dW1[0,1]"
        raise ValueError(f"no step called {text}")

    n = Navigator(17, locate=locate)
    for key in ("g", "space", *"dL/dW1", "enter"):
        assert n.handle(key) == "redraw"
    assert n.index == 11 and seen == ["dL/dW1"] and n.picked is None
    for key in ("g", *"dL/dw12^(1)", "enter"):
        n.handle(key)
    assert n.picked == "dL/dW1[0,1]"
    for key in ("g", "q", "x", "enter"):  # q is a letter of a name here, not quit
        n.handle(key)
    assert "no step called qx" in n.message and n.index == 11
    n.handle("g"), n.handle("z"), n.handle("backspace"), n.handle("escape")
    assert n.goto is None and seen[-1] == "qx"
    n.handle("g"), n.handle("3"), n.handle("g")  # a number still goes on g or space
    assert n.index == 2
