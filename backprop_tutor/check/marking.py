"""Marking a sheet as a teacher marks an exam: right, right from your own earlier numbers
(follow-through), or wrong, and then which classic mistake gives the number written.

Every number is compared with the tolerance of `marks.agrees` (the digits written
decide). A wrong number is compared with the same value computed from the student's
own earlier numbers (`world.student_values`: the engine's pass with them put in); if it
agrees, it is credited and the report says from which of their numbers. Otherwise each
rule of `mistakes.MISTAKES` computes the value under its mistake, again from the
student's own numbers, and the first that agrees names the mistake.
"""

from __future__ import annotations

import shlex
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .answers import Entry, Sheet
from .marks import agrees
from .mistakes import variants
from .names import entry_name
from .world import Truth, readings, student_values

RIGHT, CREDITED, WRONG, BLANK = "right", "follow-through", "wrong", "blank"


@dataclass(frozen=True)
class Verdict:
    verdict: str  # right, follow-through, wrong or blank
    computed: float | None = None  # follow-through: the value from the student's own numbers
    diagnosis: str = ""  # wrong: the classic mistake that gives the number written


@dataclass(frozen=True)
class Mark:
    entry: Entry
    step: int  # 1-based, as step mode numbers the steps
    expected: float
    verdict: str
    computed: float | None
    diagnosis: str
    uses: tuple[str, ...]  # the student's own numbers the value was computed from ("name = text")
    revisit: str  # the command that shows the step

    @property
    def points(self) -> int:
        return int(self.verdict in (RIGHT, CREDITED))


@dataclass
class Marking:
    file: str
    marks: list[Mark]

    @property
    def score(self) -> int:
        return sum(m.points for m in self.marks)

    @property
    def max_score(self) -> int:
        return len(self.marks)

    @property
    def first_mistake(self) -> Mark | None:
        return next((m for m in self.marks if m.verdict == WRONG), None)

    @property
    def all_right(self) -> bool:
        return all(m.points for m in self.marks)


class Judge:
    """Marks entries against one scenario, from one set of the student's numbers."""

    def __init__(self, truth: Truth, numbers: dict, digits: int = 1) -> None:
        self.truth = truth
        self.numbers = numbers
        self.digits = digits  # the fewest significant digits a right number carries
        self.follow = [student_values(truth, numbers, net) for net in readings(truth.net)]
        self._mistaken: list | None = None

    def mistaken(self) -> list[tuple[str, dict]]:
        """Every mistake's values from the student's numbers (computed once, when first needed)."""
        if self._mistaken is None:
            self._mistaken = [(name, student_values(self.truth, self.numbers, net))
                              for reading in readings(self.truth.net)
                              for name, net in variants(reading, self.truth)]
        return self._mistaken

    def judge(self, key: str, index: tuple, text: str | None) -> Verdict:
        if text is None:
            return Verdict(BLANK)
        if agrees(text, self.truth.value(key, index), self.digits):
            return Verdict(RIGHT)
        for values in self.follow:
            v = _at(values, key, index)
            if agrees(text, v, self.digits):
                return Verdict(CREDITED, v)
        found = [(name, values) for name, values in self.mistaken() if agrees(text, _at(values, key, index), self.digits)]
        # a mistake made at this step (its inputs as the student's own) before one made earlier
        found.sort(key=lambda nv: not self._local(nv[1], key))
        return Verdict(WRONG, diagnosis=found[0][0]) if found else Verdict(WRONG)

    def _local(self, values: dict, key: str) -> bool:
        """Whether a mistake's values agree with the follow-through ones at the step's inputs."""
        inputs = [k for k in self.truth.by_key[key].reuses if k in values]
        return any(all(np.allclose(values[k], follow[k], rtol=1e-12, atol=0, equal_nan=True) for k in inputs)
                   for follow in self.follow)


def _at(values: dict, key: str, index: tuple) -> float | None:
    if key not in values:
        return None
    return float(np.asarray(values[key])[index])


def mark(truth: Truth, sheet: Sheet, scenario: str = "", options: tuple[str, ...] = (),
         digits: int = 1) -> Marking:
    """Mark every entry of the sheet, in step order; `digits`: the fewest significant digits
    a right number carries."""
    judge = Judge(truth, sheet.numbers(), digits)
    order = sorted(sheet.entries, key=lambda e: (truth.position[e.key], e.index))
    marks = []
    for e in order:
        found = judge.judge(e.key, e.index, e.text)
        uses = uses_of(truth, sheet, e) if found.verdict == CREDITED else ()
        marks.append(Mark(e, truth.position[e.key] + 1, truth.value(e.key, e.index), found.verdict,
                          found.computed, found.diagnosis, uses, revisit(truth, e.key, e.index, scenario, options)))
    return Marking(sheet.file, marks)


def uses_of(truth: Truth, sheet: Sheet, entry: Entry) -> tuple[str, ...]:
    """The student's own numbers the value was computed from (through values they did not
    write), the ones that made the difference first: wrong ones, then the same entry."""
    given = [e for e in sheet.entries if e.key in _upstream(truth, sheet, entry.key) and e.text is not None]
    wrong = [e for e in given if not agrees(e.text, truth.value(e.key, e.index))]
    def near(found):  # the same entry, or the same unit (the last index: dL/dz_j for dL/dw_ij)
        return [e for e in found if e.index == entry.index] or [e for e in found if e.index[-1:] == entry.index[-1:]]
    for pick in (near(wrong), wrong, near(given), given):
        if pick:
            return tuple(f"{e.name} = {e.text}" for e in pick[:3])
    return ()


def _upstream(truth: Truth, sheet: Sheet, key: str) -> set[str]:
    """The nearest steps before `key` on the student's sheet, through steps they left out."""
    stands = truth.stands_for()
    answered = {e.key for e in sheet.entries if e.text is not None}
    found, seen = set(), {key}
    todo = list(truth.by_key[key].reuses)
    while todo:
        k = todo.pop()
        if k in seen or k not in truth.by_key or truth.position[k] >= truth.position[key]:
            continue  # (W2 names the updated W2 too: only steps before this one count)
        seen.add(k)
        alias = stands.get(k)
        hits = {x for x in (k, alias) if x and x in answered and x != key}
        if hits:
            found |= hits
        else:
            todo += truth.by_key[k].reuses
    return found


def revisit(truth: Truth, key: str, index: tuple, scenario: str, options: tuple[str, ...]) -> str:
    """`tutor explain` of the gradient behind a value, or step mode at the value's step."""
    step = truth.by_key[key]
    extra = "".join(f" {shlex.quote(o)}" for o in options)
    grad = step if step.grad else (truth.by_key.get(step.reuses[0]) if step.phase == "update" else None)
    name = shlex.quote(scenario or truth.model.name)
    if grad is not None:
        target = shlex.quote(entry_name(grad, index, truth.model))
        return f"tutor explain {target} -s {name}{extra}"
    return f"tutor run {name} --step{extra}  (g {truth.position[key] + 1})"


def summary(markings: list[Marking], top: int = 5) -> dict:
    """A class's most common mistakes and most missed values, each counted in sheets (a
    mistake made twice on one sheet counts once)."""
    mistakes = Counter(d for mk in markings for d in {m.diagnosis for m in mk.marks if m.diagnosis})
    missed = Counter(n for mk in markings for n in {m.entry.name for m in mk.marks if m.verdict == WRONG})
    firsts = Counter(mk.first_mistake.entry.name for mk in markings if mk.first_mistake)
    return {"sheets": len(markings), "all_right": sum(mk.all_right for mk in markings),
            "mistakes": mistakes.most_common(top), "missed": missed.most_common(top),
            "first_mistakes": firsts.most_common(top)}
