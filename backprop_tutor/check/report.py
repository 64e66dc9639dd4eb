"""A marking as plain data: `--json`, and Gradescope's results.json."""

from __future__ import annotations

from ..i18n import _
from .marking import BLANK, CREDITED, RIGHT, Mark, Marking
from .marks import shown


def as_json(scenario: str, markings: list[Marking], summary: dict | None = None) -> dict:
    out = {"scenario": scenario, "sheets": [sheet_json(mk) for mk in markings]}
    if summary is not None:
        out["summary"] = {"sheets": summary["sheets"], "all_right": summary["all_right"],
                          **{k: [{"name": n, "count": c} for n, c in summary[k]]
                             for k in ("mistakes", "missed", "first_mistakes")}}
    return out


def sheet_json(mk: Marking) -> dict:
    first = mk.first_mistake
    return {"file": mk.file, "score": mk.score, "max_score": mk.max_score,
            "first_mistake": first.entry.name if first else None,
            "marks": [mark_json(m) for m in mk.marks]}


def mark_json(m: Mark) -> dict:
    return {"name": m.entry.name, "key": m.entry.key, "index": list(m.entry.index), "step": m.step,
            "answer": m.entry.text, "expected": m.expected, "verdict": m.verdict, "computed": m.computed,
            "diagnosis": m.diagnosis or None, "uses": list(m.uses), "revisit": m.revisit}


def explanation(m: Mark) -> str:
    """One sentence about a mark, as the report and a Gradescope test's output say it."""
    expected = shown(m.expected)
    if m.verdict == RIGHT:
        return _("right: {text} (the value is {expected})").format(text=m.entry.text, expected=expected)
    if m.verdict == BLANK:
        return _("not answered (the value is {expected}); revisit: {revisit}").format(expected=expected, revisit=m.revisit)
    if m.verdict == CREDITED:
        uses = ", ".join(m.uses) or _("your earlier values")
        return (_("right from your own earlier numbers (follow-through): {text} is {shown} computed from "
                  "{uses}; from the exact values it is {expected}").format(
                    text=m.entry.text, shown=shown(m.computed), uses=uses, expected=expected))
    why = _("; looks like: {diagnosis}").format(diagnosis=m.diagnosis) if m.diagnosis else ""
    return _("wrong: {text}, the value is {expected}{why}; revisit: {revisit}").format(text=m.entry.text, expected=expected, why=why, revisit=m.revisit)


def gradescope(mk: Marking) -> dict:
    """The results.json Gradescope's autograder reads: one test per value, one point each."""
    first = mk.first_mistake
    note = _("First mistake: {name} (step {step}).").format(name=first.entry.name, step=first.step) if first else _("Every value is right.")
    return {"score": mk.score, "max_score": mk.max_score, "output": f"{mk.score}/{mk.max_score}. {note}",
            "tests": [{"name": f"step {m.step}: {m.entry.name}", "score": m.points, "max_score": 1,
                       "output": explanation(m)} for m in mk.marks]}
