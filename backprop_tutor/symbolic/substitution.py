"""Element-by-element formulas with the numbers put in (see `elements` for how a line is
built, and `present/` for each op's rule)."""

from __future__ import annotations

from collections.abc import Callable

from .elements import Lines, default_format

__all__ = ["Lines", "count", "default_format", "element_lines", "wants_elements", "SMALL"]

#: a step with at most this many entries is shown element by element (the "auto" view)
SMALL = 6


def wants_elements(step, view: str = "auto") -> bool:
    """Whether a step is shown element by element under the --view choice."""
    return view == "element" or (view == "auto" and 0 < count(step) <= SMALL)


def count(step) -> int:
    """How many element lines the step has (0 when it has none)."""
    if step.op is None:
        return 0
    return step.op.entries(step)


def element_lines(step, fmt: Callable[[float], str] | None = None, limit: int = 8) -> Lines | None:
    """The step's element lines with numbers, or None if it has none."""
    if step.op is None:
        return None
    from .present import rule

    return rule(step)[1](step, fmt or default_format, limit)
