"""Quiz mode as a state machine: no terminal, no printing; `tutor quiz` and the app drive it.

    quiz = Quiz(model)                    # a validated scenario (tutor's load: sample, --set);
                                          # Quiz(model, phases=("forward",), digits=3) narrows it
    quiz.questions                        # one Question per value asked, in step order
    q = quiz.current()                    # the question now (None when finished)
    attempt = quiz.answer("0.25")         # an Attempt: verdict, diagnosis, hint or revealed answer
    quiz.skip(); quiz.back()              # move on unanswered; return to the question before
    quiz.position, quiz.finished          # index of the current question; past the last one
    quiz.score()                          # a Score: points, total, right, credited, wrong, skipped
    quiz.record()                         # plain data of every question and attempt (--json)

A Question has: `name` (the answer sheet's name, the target grammar: z1^(1), dL/dw12^(1),
w11^(1)'), `key` and `index` (the step's key and the entry, 0-based), `step` (the
step's 0-based index in `Truth.steps`), `expected` (the value), `hint` (the step's
own element line with the numbers put in, its result left out) and `formula`.

`answer(text)` marks the text with `check`'s tolerance (the digits written decide),
follow-through (a value computed correctly from the student's own earlier answers in
this quiz is credited) and diagnosis (the classic mistake that gives the number). An
Attempt has `verdict` ("right", "follow-through", "wrong", or "invalid" for text that
is not a number, which costs no try), `diagnosis`, `computed` (the follow-through
value), `hint` (set on the first wrong try), `revealed` (the value, on the second wrong
try) and `moved_on` (the quiz went to the next question). A right or credited answer,
or a second wrong try, moves on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import _
from ..errors import UnsupportedError
from ..scenario import limits
from .marking import BLANK, CREDITED, RIGHT, WRONG, Judge
from .marks import ALLOWED, written
from .sheet import Hints, sheet_entries
from .world import Truth

INVALID, SKIPPED = "invalid", "skipped"
TRIES = 2


@dataclass(frozen=True)
class Question:
    name: str
    key: str
    index: tuple
    step: int
    expected: float
    hints: Hints | None = field(default=None, repr=False, compare=False)

    @property
    def hint(self) -> str:
        """The step's element line for this entry, numbers put in, result left out."""
        return "" if self.hints is None else self.hints.hint(self.key, self.index)

    @property
    def formula(self) -> str:
        """The step's formula (matrix form)."""
        return "" if self.hints is None else self.hints.formula(self.key)


@dataclass(frozen=True)
class Attempt:
    question: Question
    text: str
    verdict: str  # right, follow-through, wrong, invalid
    diagnosis: str = ""
    computed: float | None = None
    hint: str | None = None
    revealed: float | None = None
    moved_on: bool = False
    message: str = ""


@dataclass(frozen=True)
class Score:
    points: int
    total: int
    right: int
    credited: int
    wrong: int
    skipped: int


@dataclass
class _State:
    tries: int = 0
    text: str | None = None  # the last number written
    verdict: str = ""  # the final verdict, once the question is done
    attempts: list = field(default_factory=list)


class Quiz:
    """The student predicts each value before it is shown; see the module's docstring."""

    def __init__(self, model, phases: tuple[str, ...] | None = None, digits: int = 1) -> None:
        self.truth = Truth.of(model)
        self.digits = digits  # the fewest significant digits a right answer carries
        found = sheet_entries(self.truth, phases)
        if len(found) > limits.MAX_QUESTIONS:
            raise UnsupportedError(_("{name}: {len} values to ask, more than {max_questions}; ask one "
                                     "phase (--only forward) or one record (--sample K)").format(
                                       name=model.name, len=format(len(found), ","), max_questions=format(limits.MAX_QUESTIONS, ",")))
        hints = Hints(self.truth)  # made when a question first needs one
        self.questions = [Question(e.name, e.key, e.index, self.truth.position[e.key],
                                   self.truth.value(e.key, e.index), hints) for e in found]
        self.position = 0
        self._states = [_State() for _question in self.questions]

    @property
    def finished(self) -> bool:
        return self.position >= len(self.questions)

    def current(self) -> Question | None:
        return None if self.finished else self.questions[self.position]

    def state(self, i: int) -> str:
        """The verdict of question i so far ("" if not yet done)."""
        return self._states[i].verdict

    def answer(self, text: str) -> Attempt:
        q = self.current()
        if q is None:
            raise IndexError(_("the quiz is finished"))
        st = self._states[self.position]
        text = str(text).strip()
        if written(text) is None:
            return self._log(st, Attempt(q, text, INVALID, message=_("not a number: write {allowed}, or s "
                                                                     "to skip, b to go back").format(
                                                                       allowed=ALLOWED)))
        st.tries += 1
        st.text = text
        found = Judge(self.truth, self._numbers(), self.digits).judge(q.key, q.index, text)
        if found.verdict in (RIGHT, CREDITED):
            st.verdict = found.verdict
            return self._advance(st, Attempt(q, text, found.verdict, computed=found.computed, moved_on=True))
        if st.tries < TRIES:
            return self._log(st, Attempt(q, text, WRONG, found.diagnosis, hint=q.hint or q.formula))
        st.verdict = WRONG
        return self._advance(st, Attempt(q, text, WRONG, found.diagnosis, revealed=q.expected, moved_on=True))

    def skip(self) -> None:
        """Move on; an unanswered question counts as skipped."""
        if self.finished:
            return
        st = self._states[self.position]
        if not st.verdict:
            st.verdict, st.text = SKIPPED, None
        self.position += 1

    def back(self) -> None:
        """Return to the question before (to answer it again: its tries start afresh)."""
        if self.position > 0:
            self.position -= 1
            st = self._states[self.position]
            st.tries, st.verdict = 0, ""

    def score(self) -> Score:
        verdicts = [s.verdict for s in self._states]
        right, credited = verdicts.count(RIGHT), verdicts.count(CREDITED)
        return Score(right + credited, len(verdicts), right, credited, verdicts.count(WRONG),
                     sum(v in (SKIPPED, "", BLANK) for v in verdicts))

    def record(self) -> dict:
        """Every question, its final verdict and its attempts, and the score: plain data."""
        sc = self.score()
        return {"scenario": self.truth.model.name,
                "score": sc.points, "max_score": sc.total,
                "questions": [{"name": q.name, "key": q.key, "index": list(q.index), "step": q.step + 1,
                               "expected": q.expected, "verdict": s.verdict or SKIPPED, "answer": s.text,
                               "attempts": [{"answer": a.text, "verdict": a.verdict, "diagnosis": a.diagnosis}
                                            for a in s.attempts]}
                              for q, s in zip(self.questions, self._states)]}

    # ---------------------------------------------------------------------------------------
    def _numbers(self) -> dict:
        """The student's numbers so far: the last one written for each question answered."""
        return {(q.key, q.index): float(written(s.text)) for q, s in zip(self.questions, self._states)
                if s.text is not None}

    def _log(self, st: _State, attempt: Attempt) -> Attempt:
        st.attempts.append(attempt)
        return attempt

    def _advance(self, st: _State, attempt: Attempt) -> Attempt:
        self.position += 1
        return self._log(st, attempt)
