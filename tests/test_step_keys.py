"""Step mode's keys, without a terminal: bytes to key names, key names to moves."""

from backprop_tutor.stepper.keys import Navigator, decode


def nav(total=17):
    return Navigator(total, {"forward": 0, "loss": 4, "backward": 5, "update": 13})


def test_decode_arrows_and_letters():
    assert decode(b"\x1b[C\x1b[D q") == ["right", "left", "space", "q"]
    assert decode(b"\r\x7f\x03") == ["enter", "backspace", "ctrl-c"]
    assert decode(b"\x1bOC") == ["right"]
    assert decode(b"\x1b[99;5Zq") == ["q"]  # an unknown sequence is skipped whole


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
