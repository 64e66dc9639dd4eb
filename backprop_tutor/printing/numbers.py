"""Numbers and prose as text, without sympy: a matrix as numpy prints it, prose wrapped to a
width, and explain's value section (its numbers are computed on every call, so this is what
a warm `tutor explain` prints without importing sympy)."""

from __future__ import annotations

import textwrap

import numpy as np

from ..i18n import _
from ..symbolic.numeric import value_warnings


def fmt(v, width: int | None = None) -> str:
    if not np.ndim(v):
        return f"{float(v):.6g}"
    return np.array2string(np.asarray(v, dtype=float), threshold=36, edgeitems=3,
                           max_line_width=min(width, 76) if width else 76,
                           formatter={"float_kind": lambda x: f"{x:.6g}"})


def wrap(text: str, width: int | None, indent: str = "") -> str:
    """Prose and one-line formulas, broken at spaces to `width` columns."""
    if width is None:
        return indent + text
    return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent + "    ",
                         break_on_hyphens=False)


def value_text(head: str, value, engine_value, finite_difference, surrogates: list[str],
               width: int | None) -> str:
    """The value section: the value chained from the derived formulas, the engine's, the
    finite difference (or why none applies), and the self-check's warnings."""
    if finite_difference is None:
        check = wrap(_("central finite difference: does not apply. Through {surrogates} the loss is "
                       "piecewise constant (its true derivative is 0 almost everywhere); the "
                       "straight-through estimator is a chosen surrogate gradient, so the value is checked "
                       "against the surrogate's definition, not against a finite difference.").format(
            surrogates=", ".join(surrogates)), width)
    else:
        check = _("central finite difference:") + f"\n{fmt(finite_difference, width)}"
    text = (f"{head} =\n{fmt(value, width)}\n"
            + _("engine (tutor run):") + f"\n{fmt(engine_value, width)}\n{check}")
    for warning in value_warnings(value, engine_value):
        text += "\n" + wrap("⚠ " + warning, width)
    return text
