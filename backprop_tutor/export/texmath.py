"""Values and formulas as LaTeX math, shared by the Markdown and LaTeX handouts."""

from __future__ import annotations

import numpy as np

#: a value larger than this is shown by its first rows and columns and its last
MAX_ROWS, MAX_COLS = 8, 8


def number(x: float, digits: int) -> str:
    """A number as the tutor prints it (6 significant digits), in math: 1.5 \\times 10^{-7}."""
    from ..render.matrix import number as text

    shown = text(x, digits)
    if shown in ("inf", "-inf"):
        return shown.replace("inf", r"\infty")
    if shown == "nan":
        return r"\mathrm{nan}"
    if "e" in shown:
        mant, exp = shown.split("e")
        return rf"{mant} \times 10^{{{int(exp)}}}"
    return shown


def cut(count: int, limit: int) -> list[int | None]:
    """Which rows (or columns) are shown: all, or the first ones, a gap (None) and the last."""
    if count <= limit:
        return list(range(count))
    return list(range(limit - 2)) + [None, count - 1]


def matrix(value, digits: int) -> str:
    """A scalar as a number; a vector as one row; a matrix in brackets, cut to fit."""
    if np.ndim(value) == 0:
        return number(float(value), digits)
    m = np.asarray(value, dtype=float)
    m = m.reshape(1, -1) if m.ndim == 1 else m.reshape(m.shape[0], -1)
    rows = []
    for r in cut(m.shape[0], MAX_ROWS):
        if r is None:  # the gap between the first rows and the last
            rows.append(" & ".join(r"\ddots" if c is None else r"\vdots" for c in cut(m.shape[1], MAX_COLS)))
        else:
            rows.append(" & ".join(r"\cdots" if c is None else number(m[r, c], digits)
                                   for c in cut(m.shape[1], MAX_COLS)))
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def formula(step) -> str:
    """The step's formula from the op's symbolic form, by the tutor's LaTeX printer."""
    from ..printing.printers import latex
    from ..symbolic import formulas

    eq = formulas.equation(step)
    return "" if eq is None else latex(eq)


def chain(parts: list) -> str:
    """Expressions that are equal, one after another: f′(z) = σ(z)(1 − σ(z)) = a(1 − a)."""
    from ..printing.printers import latex

    return " = ".join(latex(p) for p in parts)


def symbol(name: str) -> str:
    """A symbol the scenario's notation names (∂L/∂W1, ŷ, Z1), as math."""
    import sympy as sp

    from ..printing.printers import latex

    return latex(sp.Symbol(name))
