"""Matrices of numbers as a student reads them: in brackets, long ones by their edges,
each with its name and shape beneath it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import sympy as sp
from sympy.printing.pretty.stringpict import prettyForm

from ..i18n import _
from .numbers import fmt as _fmt
from .numbers import sampled_text  # noqa: F401  (read here)
from .text import _printer, _rows, fit

if TYPE_CHECKING:
    from ..symbolic.records import MatrixNumbers


from .numbers import EDGE  # noqa: E402  (a matrix longer than 2·EDGE rows or columns is shown by its first and last EDGE)


def _edges(count: int) -> list[int | None]:
    return list(range(count)) if count <= 2 * EDGE else list(range(EDGE)) + [None] + list(range(count - EDGE, count))


def _matrix_pict(label: str, a, width: int | None) -> prettyForm:
    """A matrix of numbers in brackets, its name and shape centred beneath it (only the
    entries shown are read)."""
    from ..engine.summary import pick

    if a is None:
        return prettyForm(label)
    if not hasattr(a, "take_rows"):
        a = np.asarray(a, dtype=float)
    if a.ndim == 0:
        return prettyForm(f"{float(a):.6g}")
    a = a.reshape(-1, 1) if a.ndim == 1 else a
    rows, cols = _edges(a.shape[0]), _edges(a.shape[1])
    sub = pick(a, [r for r in rows if r is not None], [c for c in cols if c is not None])
    at_r = {r: k for k, r in enumerate(r for r in rows if r is not None)}
    at_c = {c: k for k, c in enumerate(c for c in cols if c is not None)}
    cells = [[("⋱" if c is None else "⋮") if r is None else ("⋯" if c is None else f"{sub[at_r[r], at_c[c]]:.6g}")
              for c in cols] for r in rows]
    form = _printer()._print(sp.Matrix([[sp.Symbol(t) for t in row] for row in cells]))
    if width is not None and form.width() > width:
        form = prettyForm(_fmt(a, width))
    return prettyForm(*form.below(f"{label} ({a.shape[0]}×{a.shape[1]})"))


def matrix_numbers_text(mn: MatrixNumbers, width: int | None) -> str:
    pieces = []
    for op, label, value in mn.operands:
        pieces.append((f" {op} " if op not in ("", ",") else op + " ", _matrix_pict(label, value, width)))
    pieces.append((" = ", _matrix_pict("", mn.result, width)))
    body = _rows(pieces, width or 10 ** 6, 0)
    if body is None:  # a matrix wider than the console even as numpy prints it
        body = "\n".join(f"{label} =\n{_fmt(value, width)}" for _name, label, value in mn.operands if value is not None)
    return fit(mn.rule, width) + _("\nwith the numbers:\n") + body
