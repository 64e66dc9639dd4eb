"""Numbers and prose as text, without sympy: a matrix as numpy prints it, prose wrapped to a
width, and explain's value section (its numbers are computed on every call, so this is what
a warm `tutor explain` prints without importing sympy)."""

from __future__ import annotations

import textwrap

import numpy as np

from ..i18n import _
from ..symbolic.numeric import value_warnings


EDGE = 3  # a lazily computed matrix is printed by its first and last EDGE rows and columns


def fmt(v, width: int | None = None) -> str:
    if not np.ndim(v):
        return f"{float(v):.6g}"
    if hasattr(v, "take_rows"):  # a wide layer's lazily computed matrix: its edges, as numpy prints them
        return sampled_text(_edge_sample(v), width).split("\n", 1)[1]
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
               width: int | None, kinks: list[str] = ()) -> str:
    """The value section: the value chained from the derived formulas, the engine's, the
    finite difference (or why none applies), and the self-check's warnings."""
    if finite_difference is None:
        check = wrap(_("central finite difference: does not apply. Through {surrogates} the loss is "
                       "piecewise constant (its true derivative is 0 almost everywhere); the "
                       "straight-through estimator is a chosen surrogate gradient, so the value is checked "
                       "against the surrogate's definition, not against a finite difference.").format(
            surrogates=", ".join(surrogates)), width)
    elif hasattr(finite_difference, "why"):  # a Sampled record: the entries shown of a large matrix
        fd = finite_difference
        where, grid = sampled_text(fd, width).split("\n", 1)
        text = (_("central finite difference at {which}, {where} (· not computed):") if fd.count < np.size(fd.values)
                else _("central finite difference at {which}, {where}:"))
        check = wrap(text.format(which=fd.why, where=where.rstrip(":")), width) + "\n" + grid
    else:
        check = _("central finite difference:") + f"\n{fmt(finite_difference, width)}"
    text = (f"{head} =\n{fmt(value, width)}\n"
            + _("engine (tutor run):") + f"\n{fmt(engine_value, width)}\n{check}")
    for warning in [*value_warnings(value, engine_value), *kinks]:
        text += "\n" + wrap("⚠ " + warning, width)
    return text


def _edge_sample(v):
    """The first and last EDGE rows and columns of a (lazily computed) matrix, read alone."""
    from ..engine.summary import edge_sample
    from ..symbolic.numeric import Sampled

    rows, cols, values = edge_sample(v, EDGE)
    return Sampled(tuple(v.shape), rows, cols, values, values.size, "")


def sampled_text(fd, width: int | None = None) -> str:
    """Some entries of a matrix, laid out as the value above them is printed (a gap in the
    rows or columns written ... as numpy does, an entry not computed ·), after the rows
    and columns they are (1-based)."""

    def gaps(idx):
        return {k for k in range(1, len(idx)) if idx[k] != idx[k - 1] + 1}

    def spans(idx):
        out, start = [], 0
        for k in sorted(gaps(idx)) + [len(idx)]:
            a, b = idx[start] + 1, idx[k - 1] + 1
            out.append(str(a) if a == b else f"{a}-{b}")
            start = k
        return _(" and ").join(out)

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
    where = _("rows {rows}, columns {columns}").format(rows=spans(fd.rows), columns=spans(fd.cols))
    return where + ":\n" + "\n".join(lines)
