"""Element-by-element formulas with the numbers put in (see `elements` for how a line is
built, and `present/` for each op's rule)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..i18n import _
from . import printed

__all__ = ["Lines", "count", "default_format", "element_lines", "wants_elements", "too_wide", "SMALL",
           "MAX_TERMS"]

@dataclass
class Lines:
    """The element lines of one step; `omitted` counts those left out to fit."""

    lines: list[str]
    omitted: int = 0
    total: int = 0

    @property
    def checks(self) -> list[tuple[float, float]]:
        return getattr(self.lines, "checks", [])


def __getattr__(name: str):
    if name == "default_format":  # sympy's module, imported when first asked for
        from .elements import default_format

        return default_format
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    return _("element lines for steps whose entries sum at most {max_terms} terms; each entry here "
             "sums {terms}, so it is shown as matrices").format(max_terms=MAX_TERMS, terms=format(n, ","))


def count(step) -> int:
    """How many element lines the step has (0 when it has none)."""
    if step.op is None:
        return 0
    return step.op.entries(step)


def element_lines(step, fmt: Callable[[float], str] | None = None, limit: int = 8) -> Lines | None:
    """The step's element lines with numbers, or None if it has none (read back from the cache
    inside `printed.kept`: its key holds every number of the step)."""
    if step.op is None or too_wide(step):
        return None

    def compute():
        from .elements import default_format
        from .present import rule

        return rule(step)[1](step, fmt or default_format, limit)

    def plain():
        found = compute()
        return None if found is None else [list(found.lines), found.omitted, found.total]

    if not printed.keeps(step):  # the lines as sympy made them, with their value checks
        return compute()
    kept = printed.recall(step, f"elements {limit}", plain, _is_lines)
    return None if kept is None else Lines(*kept)


def _is_lines(value) -> bool:
    return value is None or (isinstance(value, list) and len(value) == 3 and isinstance(value[0], list)
                             and all(isinstance(t, str) for t in value[0])
                             and all(type(n) is int and n >= 0 for n in value[1:]))
