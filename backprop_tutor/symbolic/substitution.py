"""Element-by-element formulas with the numbers put in (see `elements` for how a line is
built, and `present/` for each op's rule)."""

from __future__ import annotations

from collections.abc import Callable

from .elements import Lines, default_format

__all__ = ["Lines", "count", "default_format", "element_lines", "wants_elements", "too_wide", "SMALL",
           "MAX_TERMS"]

#: a step with at most this many entries is shown element by element (the "auto" view)
SMALL = 6
#: element lines are written where each sums at most this many terms (a layer's inputs,
#: a batch's samples); a wider step is shown as matrices, and says so
MAX_TERMS = 64


def wants_elements(step, view: str = "auto") -> bool:
    """Whether a step is shown element by element under the --view choice."""
    if too_wide(step):
        return False
    return view == "element" or (view == "auto" and 0 < count(step) <= SMALL)


def too_wide(step) -> str:
    """Why a step has no element lines though it could ('' when it has them or none):
    a line would sum more than MAX_TERMS terms."""
    if step.op is None or count(step) == 0:
        return ""
    n = step.op.terms(step)
    if n <= MAX_TERMS:
        return ""
    return (f"element lines for steps whose entries sum at most {MAX_TERMS} terms; each entry here "
            f"sums {n:,}, so it is shown as matrices")


def count(step) -> int:
    """How many element lines the step has (0 when it has none)."""
    if step.op is None:
        return 0
    return step.op.entries(step)


def element_lines(step, fmt: Callable[[float], str] | None = None, limit: int = 8) -> Lines | None:
    """The step's element lines with numbers, or None if it has none."""
    if step.op is None or too_wide(step):
        return None
    from .present import rule

    return rule(step)[1](step, fmt or default_format, limit)
