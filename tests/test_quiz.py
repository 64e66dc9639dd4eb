"""Quiz mode's state machine, driven directly (no terminal)."""

from __future__ import annotations

import pytest

from backprop_tutor.check import Quiz
from backprop_tutor.scenario import load


@pytest.fixture
def quiz():
    return Quiz(load("height-weight", up_close=True))


def test_questions_follow_the_steps_in_the_notes_grammar(quiz):
    names = [q.name for q in quiz.questions]
    assert names[:6] == ["z1^(1)", "z2^(1)", "a1^(1)", "a2^(1)", "z1^(2)", "a1^(2)"]
    assert names[6] == "L"
    assert "dL/dw12^(1)" in names and names[-1] == "b1^(2)'"
    steps = [q.step for q in quiz.questions]
    assert steps == sorted(steps)
    q = quiz.questions[names.index("dL/dw12^(1)")]
    assert (q.key, q.index) == ("dL/dW1", (0, 1))
    assert q.expected == pytest.approx(0.021552890027907723, rel=1e-12)


def test_right_answer_moves_on(quiz):
    attempt = quiz.answer("0.25")
    assert attempt.verdict == "right" and attempt.moved_on
    assert quiz.position == 1 and quiz.current().name == "z2^(1)"


def test_wrong_answer_gets_the_hint_then_the_answer(quiz):
    quiz.answer("0.25")
    first = quiz.answer("0.6")
    assert first.verdict == "wrong" and not first.moved_on and first.revealed is None
    # the step's own element line, numbers put in, the result left out
    assert first.hint == "z2⁽¹⁾ = x * w12⁽¹⁾ + b2⁽¹⁾ = 0.5 * 1 + 0"
    second = quiz.answer("0.7")
    assert second.verdict == "wrong" and second.moved_on and second.revealed == 0.5
    assert second.hint is None
    assert quiz.current().name == "a1^(1)"


def test_text_that_is_not_a_number_costs_no_try(quiz):
    attempt = quiz.answer("about a quarter")
    assert attempt.verdict == "invalid" and "not a number" in attempt.message
    assert quiz.position == 0
    assert quiz.answer("0.4").hint is not None  # still the first try


def test_skip_back_and_score(quiz):
    quiz.skip()
    assert quiz.current().name == "z2^(1)"
    quiz.back()
    assert quiz.current().name == "z1^(1)"
    assert quiz.answer("0.25").verdict == "right"
    assert quiz.answer("0.5").verdict == "right"
    while not quiz.finished:
        quiz.skip()
    sc = quiz.score()
    assert (sc.points, sc.right, sc.total, sc.skipped) == (2, 2, len(quiz.questions), len(quiz.questions) - 2)
    record = quiz.record()
    assert record["score"] == 2 and record["max_score"] == len(quiz.questions)
    assert record["questions"][0]["verdict"] == "right" and record["questions"][2]["verdict"] == "skipped"


def _go_to(quiz, name):
    while quiz.current().name != name:
        quiz.skip()


def test_follow_through_from_the_students_own_earlier_answer(quiz):
    _go_to(quiz, "dL/dw12^(1)")
    assert quiz.answer("0.0215").verdict == "right"  # truncated: right
    _go_to(quiz, "w12^(1)'")
    attempt = quiz.answer("0.99785")  # 1 - 0.1 * 0.0215, from the student's own 0.0215
    assert attempt.verdict == "follow-through" and attempt.computed == pytest.approx(0.99785, abs=1e-15)
    assert attempt.moved_on


def test_wrong_answer_is_diagnosed(quiz):
    _go_to(quiz, "w11^(1)'")
    attempt = quiz.answer("0.5045")  # 0.5 + 0.1 * 0.045: the update's sign flipped
    assert attempt.verdict == "wrong" and attempt.diagnosis.startswith("the sign of the update flipped")


def test_answer_after_the_end_is_refused(quiz):
    while not quiz.finished:
        quiz.skip()
    assert quiz.current() is None
    with pytest.raises(IndexError):
        quiz.answer("1")
