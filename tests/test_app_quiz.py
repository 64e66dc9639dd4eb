"""Quiz mode inside step mode's app (c): the value is asked before it is shown, marked as
`tutor quiz` marks it (check/quiz.py), a hint after a first wrong try, the answer after a
second, the score; s skips, b goes back, Esc leaves."""

from __future__ import annotations

from appkit import drive, make_app


async def type_in(pilot, text: str) -> None:
    await pilot.press(*text, "enter")
    await pilot.pause()


def test_quiz_asks_before_it_shows_marks_hints_reveals_and_scores():
    async def script(app, pilot):
        await pilot.press("c")
        await pilot.pause()
        quiz = app.quizzing.quiz
        first = quiz.current()
        seen = {"first": first, "shown_step": app.nav.index, "pane": app.quiz_text()}
        await type_in(pilot, f"{first.expected:.6g}")
        seen["after_right"] = app.quiz_text()
        second = quiz.current()
        seen["second"] = second
        await type_in(pilot, "99")
        seen["after_wrong"] = app.quiz_text()
        seen["still_hidden"] = app.nav.index
        await type_in(pilot, "98")
        seen["after_second_wrong"] = app.quiz_text()
        await type_in(pilot, "s")
        seen["skipped"] = quiz.position
        await type_in(pilot, "b")
        seen["back"] = quiz.position
        seen["score"] = quiz.score()
        await pilot.press("escape")
        await pilot.pause()
        seen["left"] = (app.quizzing, app.shown[2])
        before = app.nav.index
        await pilot.press("right")
        await pilot.pause()
        seen["keys_again"] = (before, app.nav.index)
        return seen

    seen = drive(make_app("height-weight"), script, size=(140, 40))
    first = seen["first"]
    assert seen["shown_step"] == max(0, first.step - 1)  # what is known before the value asked
    assert f"{first.name} = ?" in seen["pane"]
    assert "right" in seen["after_right"] and f"{seen['second'].name} = ?" in seen["after_right"]
    assert "wrong" in seen["after_wrong"] and "hint" in seen["after_wrong"]
    assert seen["still_hidden"] == max(0, seen["second"].step - 1)  # a wrong try reveals nothing
    assert "the answer" in seen["after_second_wrong"]
    assert f"{seen['second'].expected:.6g}"[:5] in seen["after_second_wrong"]
    assert seen["back"] == seen["skipped"] - 1
    assert seen["score"].right == 1 and seen["score"].wrong == 1
    assert seen["left"][0] is None and "quiz left: 1/" in seen["left"][1]
    assert seen["keys_again"][1] == seen["keys_again"][0] + 1  # the keys move the steps again


def test_quiz_marks_with_the_digits_written():
    """a1⁽¹⁾ = 0.5621765...: 0.5621 (truncated to the place written) and 0.562 are right;
    a2⁽¹⁾ = 0.6224593...: 0.63 is not."""
    async def script(app, pilot):
        await pilot.press("c")
        await pilot.pause()
        quiz = app.quizzing.quiz
        await type_in(pilot, "s")
        await type_in(pilot, "s")
        asked = [quiz.current().name]
        await type_in(pilot, "0.5621")
        verdicts = [app.quizzing.last.verdict]
        asked.append(quiz.current().name)
        await type_in(pilot, "0.63")
        verdicts.append(app.quizzing.last.verdict)
        await type_in(pilot, "b")
        await type_in(pilot, "0.562")
        verdicts.append(app.quizzing.last.verdict)
        return asked, verdicts, app.quiz_text()

    asked, verdicts, text = drive(make_app("height-weight"), script, size=(140, 40))
    assert asked == ["a1^(1)", "a2^(1)"]
    assert verdicts == ["right", "wrong", "right"]
