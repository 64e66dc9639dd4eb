"""Step mode's app, driven by Textual's Pilot: every documented key, the explain pane
(keys and mouse), `g NAME`, scrolling a tall step, the exit statuses."""

from __future__ import annotations

import re

import pytest

from appkit import drive, make_app, settle


def header(app) -> str:
    return app.shown[0]


async def press(pilot, *keys):
    await pilot.press(*keys)
    await pilot.pause()


def test_next_back_and_bounds():
    async def script(app, pilot):
        seen = []
        for key in ("right", "enter", "space"):
            await press(pilot, key)
            seen.append(app.nav.index)
        for key in ("left", "backspace", "b"):
            await press(pilot, key)
            seen.append(app.nav.index)
        await press(pilot, "left")
        seen.append(app.shown[2])
        return seen

    seen = drive(make_app("logistic-4x2"), script)
    assert seen[:6] == [1, 2, 3, 2, 1, 0]
    assert "this is the first step" in seen[6]


def test_header_counts_and_the_step_is_drawn_with_its_formula():
    async def script(app, pilot):
        await press(pilot, "right")
        return app.text()

    text = drive(make_app("height-weight"), script)
    assert " 2/21 " in text and "min-max scaling of the targets" in text
    assert "working out the formula" not in text
    assert "y[2]′ = (y[2] - y_min)/(y_max - y_min) = (64 - 62)/(66 - 62) = 0.5" in text


def test_goto_number_name_and_entry():
    async def script(app, pilot):
        found = []
        await press(pilot, "g", "1", "2", "enter")
        found.append(header(app))
        await press(pilot, "g", *"dJ/dW2", "enter")
        found.append(header(app))
        await press(pilot, "g", *"dJ/dw12^(1)", "enter")
        found.append((header(app), app.selected))
        await press(pilot, "g", *"z1^(2)", "enter")  # four samples: which row? it says so
        found.append(app.shown[2])
        await press(pilot, "g", "9", "9", "enter")
        found.append(app.shown[2])
        await press(pilot, "g", "3", "escape")
        found.append((header(app), app.nav.goto))
        return found

    found = drive(make_app("logistic-4x2"), script)
    assert " 12/17 " in found[0] and "∂J/∂W1" in found[0]
    assert " 8/17 " in found[1] and "∂J/∂W2" in found[1]
    assert " 12/17 " in found[2][0] and found[2][1] == "dJ/dW1[0,1]"
    assert "ambiguous" in found[3] and "4 rows" in found[3]
    assert "no step 99" in found[4]
    assert " 12/17 " in found[5][0] and found[5][1] is None


def test_goto_a_quantity_of_the_notes():
    async def script(app, pilot):
        await press(pilot, "g", *"z1^(1)", "enter")
        first = (header(app), app.selected)
        await press(pilot, "g", *"w21^(2)", "enter")
        return first, (header(app), app.selected)

    (z, z_pick), (w, w_pick) = drive(make_app("height-weight"), script)
    assert " 5/21 " in z and " Z1 " in z and z_pick == "dL/dZ1[0,0]"
    assert " 20/21 " in w and " W2 " in w and w_pick == "dL/dW2[1,0]"


def test_phase_jumps_home_end_and_help():
    async def script(app, pilot):
        found = []
        for key in ("r", "f", "end", "home"):
            await press(pilot, key)
            found.append(app.nav.index)
        await press(pilot, "question_mark")
        found.append(app.text())
        await press(pilot, "question_mark")
        found.append(app.nav.help)
        return found

    found = drive(make_app("height-weight", "projector"), script)
    assert found[:4] == [9, 4, 20, 0]
    assert "scroll the step" in found[4] and "g NAME Enter" in found[4] and "explain the picked value" in found[4]
    assert found[5] is False


def test_a_tall_step_scrolls_at_80_by_24():
    async def script(app, pilot):
        await press(pilot, "g", "1", "1", "enter")
        first = app.text()
        seen = first
        for _ in range(6):
            await press(pilot, "pagedown")
            seen += app.text()
        last = app.text()
        await press(pilot, "pagedown")
        end = app.shown[2]
        for _ in range(40):
            await press(pilot, "k")
        top = app.text()
        await press(pilot, "j")
        return first, seen, last, end, top, app.nav.scroll

    first, seen, last, end, top, scroll = drive(make_app("logistic-4x2"), script, size=(80, 24))
    assert "11/17" in first and "-0.002468" in first and "saturated σ: unit 2" in first
    assert "chain rule: reuses" in first and "more lines below" in first
    assert "0.000911051" in seen and "on its row" in seen  # an input matrix, then the picture
    assert "lines above" in last and "end of the step" in end
    assert top.split("\n")[1:-1] == first.split("\n")[1:-1] and scroll == 1


def test_auto_plays_and_any_key_pauses():
    async def script(app, pilot):
        await pilot.pause(0.5)
        moved = app.nav.index
        await press(pilot, "x")
        paused = app.nav.index
        await pilot.pause(0.3)
        return moved, paused, app.nav.index, app.nav.playing

    app = make_app("height-weight")
    app.nav.playing, app.beat = True, 0.1
    moved, paused, later, playing = drive(app, script)
    assert moved >= 2 and later == paused and not playing


@pytest.mark.parametrize("key, status", [("q", 0), ("ctrl+c", 130)])
def test_quit_statuses(key, status):
    async def script(app, pilot):
        await pilot.press(key)
        await pilot.pause()

    app = make_app("logistic-4x2")
    drive(app, script)
    assert app.return_code == status


# the explain pane -------------------------------------------------------------------

def test_tab_picks_and_e_explains_beside_the_step():
    async def script(app, pilot):
        await press(pilot, "g", "1", "2", "enter")  # ∂J/∂W1, a 2 x 3 matrix
        await press(pilot, "tab", "tab", "tab")
        picked = app.selected
        await press(pilot, "e")
        await settle(app, pilot)
        text = app.text()
        await press(pilot, "right")  # the derivation stays beside the next step
        beside = (app.explaining, " 13/17 " in header(app))
        await press(pilot, "escape")
        return picked, text, beside, app.explaining, app.query_one("#explain").display

    picked, text, beside, after, shown = drive(make_app("logistic-4x2"), script, size=(140, 40))
    assert picked == "dJ/dW1[0,2]"
    assert "explain" in text and "∂J/∂w₁₃⁽¹⁾" in text and "chain rule" in text
    assert "0.00565382" in text  # the value, in the step's matrix and in the derivation
    assert beside == ("dJ/dW1[0,2]", True)
    assert after is None and shown is False


def test_e_without_a_pick_explains_the_step_value_and_says_when_there_is_none():
    async def script(app, pilot):
        await press(pilot, "e")  # X′: data, nothing to derive
        none = app.shown[2]
        await press(pilot, "g", *"dL/dZ2", "enter", "e")
        await settle(app, pilot)
        return none, app.explaining, app.derivation

    none, target, derivation = drive(make_app("height-weight"), script, size=(140, 40))
    assert "nothing to explain on this step" in none
    assert target == "dL/dZ2" and "ŷ - y" in derivation.replace("ŷ₁₁", "ŷ").replace("y₁₁", "y") or "σ" in derivation


def _where(app, text: str) -> tuple[int, int]:
    """The (x, y) of `text` in the step pane."""
    for y, line in enumerate(app.shown[1].split("\n")):
        if text in line:
            return line.index(text) + 1, y
    raise AssertionError(f"{text!r} is not on the screen")


def test_a_click_on_a_matrix_entry_explains_it():
    async def script(app, pilot):
        await press(pilot, "g", "1", "2", "enter")
        x, y = _where(app, "-0.00108862")  # ∂J/∂w₂₁⁽¹⁾ in the ∂J/∂W1 matrix
        await pilot.click("#step", offset=(x, y))
        await settle(app, pilot)
        return app.selected, app.derivation

    picked, derivation = drive(make_app("logistic-4x2", view="matrix"), script, size=(140, 40))
    assert picked == "dJ/dW1[1,0]"
    assert "∂J/∂w₂₁⁽¹⁾" in derivation and "-0.00108862" in derivation


def test_a_click_on_a_weight_in_the_picture_explains_it():
    async def script(app, pilot):
        await press(pilot, "g", "2", "0", "enter")  # W2 updated: the picture shows W2's new values
        lines = app.shown[1].split("\n")
        y = next(k for k, line in enumerate(lines) if line.startswith("x "))
        x = lines[y].rindex("→w") + 3  # the first weight into the output unit: w11 of layer 2
        await pilot.click("#step", offset=(x, y))
        await settle(app, pilot)
        return app.selected, app.derivation

    picked, derivation = drive(make_app("height-weight"), script, size=(140, 40))
    assert picked == "dL/dW2[0,0]"
    assert "∂L/∂w₁₁⁽²⁾" in derivation


# never hiding what fits --------------------------------------------------------------

def test_matrices_fill_the_window_and_are_cut_only_when_they_do_not_fit():
    async def step_12(app, pilot):
        await press(pilot, "g", "1", "2", "enter")
        return await _whole_body(app, pilot)

    small = drive(make_app("bnn-saturation"), _whole_body, size=(80, 24))
    large = drive(make_app("bnn-saturation"), _whole_body, size=(640, 90))
    # 64 columns do not fit 80 characters, and it says so; 640 characters hold every column,
    # and 1,348 rows fit no window: cut, and said so
    scaled = [part.split("(cut to fit)")[0] for part in (small, large)]
    assert "1348 x 64 (cut to fit)" in small and " … " in scaled[0]
    assert "1348 x 64 (cut to fit)" in large and " … " not in scaled[1] and "⋮" in scaled[1]
    assert scaled[1].count("\n") > 80  # as many rows as the window holds
    for text in (small, large):
        assert not re.search(r"\d…", text)  # no number is ever shortened to fit
    # a 2 x 3 matrix and its 4 x 2 and 4 x 3 inputs: all shown, nothing cut
    body = drive(make_app("logistic-4x2", view="matrix"), step_12, size=(100, 30))
    assert "2 x 3" in body and "4 x 3" in body and "cut to fit" not in body


async def _whole_body(app, pilot):
    """Every line of the step, scrolled through a page at a time."""
    await pilot.pause()
    seen = [app.shown[1]]
    while app.nav.scroll_max and app.nav.scroll < app.nav.scroll_max:
        await press(pilot, "pagedown")
        seen.append(app.shown[1])
    return "\n".join(seen)


# what goes wrong stays on the screen ----------------------------------------------------

def test_a_formula_or_a_derivation_that_fails_is_said_and_the_lesson_goes_on(monkeypatch):
    from backprop_tutor.stepper.lesson import Lesson
    from backprop_tutor.symbolic import derive

    real = Lesson._content

    def content(self, i):
        if i == 1:
            raise RuntimeError("no printer for this")
        return real(self, i)

    def explain(model, target):
        raise RuntimeError("sympy gave up")

    monkeypatch.setattr(Lesson, "_content", content)
    monkeypatch.setattr(derive, "explain", explain)

    async def script(app, pilot):
        await press(pilot, "right")
        failed = app.text()
        await press(pilot, "g", *"dL/dZ2", "enter", "e")
        for _ in range(100):
            if app.derivation:
                break
            await pilot.pause(0.05)
        await press(pilot, "right")
        return failed, app.derivation, header(app)

    async def main():
        app = make_app("height-weight")
        async with app.run_test(size=(120, 36)) as pilot:
            for _ in range(200):  # every frame but the one that fails
                if all(app.lesson.ready(i) or i in app.lesson.failed for i in range(app.lesson.total)):
                    break
                await pilot.pause(0.05)
            return await script(app, pilot)

    import asyncio

    failed, derivation, last = asyncio.run(main())
    assert "the formula could not be worked out (RuntimeError: no printer for this)" in failed
    assert " 2/21 " in failed and "0.5" in failed  # the values are still drawn
    assert "the derivation failed (RuntimeError: sympy gave up)" in derivation
    assert " 12/21 " in last


def test_the_first_frame_is_drawn_at_once_and_after_a_resize():
    """Before any formula is worked out (no worker here) the step is drawn from its records,
    by Textual itself (its screenshot), at the size the window has, before and after a resize."""
    import asyncio

    def screen(app) -> str:
        return app.export_screenshot().replace("&#160;", " ")

    async def main():
        app = make_app("height-weight")
        app.prepare = None
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            first = screen(app)
            await pilot.resize_terminal(80, 24)
            await pilot.pause()
            await press(pilot, "right")
            return first, screen(app)

    first, resized = asyncio.run(main())
    assert "on its row" in first and "working out the formula" in first and " 1/21 " in first
    assert "working out the formula" in resized and " 2/21 " in resized and "3 x 1" in resized
