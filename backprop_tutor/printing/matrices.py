"""Matrices of numbers as a student reads them: in brackets, long ones by their edges,
each with its name and shape beneath it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import sympy as sp
from sympy.printing.pretty.stringpict import prettyForm

from .text import _printer, _rows, fit

if TYPE_CHECKING:
    from ..symbolic.records import MatrixNumbers


def _fmt(v, width: int | None = None) -> str:
    if not np.ndim(v):
        return f"{float(v):.6g}"
    if hasattr(v, "take_rows"):  # a wide layer's lazily computed matrix: its edges, as numpy prints them
        return sampled_text(_edge_sample(v), width).split("\n", 1)[1]
    return np.array2string(np.asarray(v, dtype=float), threshold=36, edgeitems=3,
                           max_line_width=min(width, 76) if width else 76,
                           formatter={"float_kind": lambda x: f"{x:.6g}"})


def sampled_text(fd, width: int | None = None) -> str:
    """Some entries of a matrix, laid out as the value above them is printed (a gap in the
    rows or columns written ... as numpy does, an entry not computed ·), after the rows
    and columns they are (1-based)."""
    import textwrap

    def gaps(idx):
        return {k for k in range(1, len(idx)) if idx[k] != idx[k - 1] + 1}

    def spans(idx):
        out, start = [], 0
        for k in sorted(gaps(idx)) + [len(idx)]:
            a, b = idx[start] + 1, idx[k - 1] + 1
            out.append(str(a) if a == b else f"{a}-{b}")
            start = k
        return " and ".join(out)

    cgap, rgap = gaps(fd.cols), gaps(fd.rows)
    lines = []
    for r, row in enumerate(fd.values):
        cells = []
        for c, x in enumerate(row):
            if c in cgap:
                cells.append("...")
            cells.append("·" if np.isnan(x) else f"{x:.6g}")
        if r in rgap:
            lines.append(" ...")
        text = ("[[" if r == 0 else " [") + " ".join(cells) + ("]]" if r == len(fd.values) - 1 else "]")
        lines += textwrap.wrap(text, min(width, 76) if width else 76, subsequent_indent="  ") or [text]
    where = f"rows {spans(fd.rows)}, columns {spans(fd.cols)}"
    return where + ":\n" + "\n".join(lines)


EDGE = 3  # a matrix longer than 2·EDGE rows or columns is shown by its first and last EDGE


def _edges(count: int) -> list[int | None]:
    return list(range(count)) if count <= 2 * EDGE else list(range(EDGE)) + [None] + list(range(count - EDGE, count))


def _edge_sample(v):
    """The first and last EDGE rows and columns of a (lazily computed) matrix, read alone."""
    from ..engine.summary import edge_sample
    from ..symbolic.records import Sampled

    rows, cols, values = edge_sample(v, EDGE)
    return Sampled(tuple(v.shape), rows, cols, values, values.size, "")


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
        body = "\n".join(f"{label} =\n{_fmt(value, width)}" for _, label, value in mn.operands if value is not None)
    return fit(mn.rule, width) + "\nwith the numbers:\n" + body
