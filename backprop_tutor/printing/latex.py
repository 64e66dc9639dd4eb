"""An explanation as a LaTeX align* block."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .matrices import _fmt
from .printers import latex

if TYPE_CHECKING:
    from ..symbolic.records import Explanation


_SHAPE_TEX = {"×": r"\times ", "→": r"\to ", "⊙": r"\odot ", "·": r"\cdot ", "ᵀ": "^{T}"}


def _row(lhs, rhs, names: dict | None = None) -> str:
    """lhs &= rhs, one row of align*."""
    return f"{latex(lhs, names)} &= {latex(rhs, names)}"


def _shapes(text: str) -> str:
    return "".join(_SHAPE_TEX.get(ch, ch) for ch in text)


def latex_rows(ex: Explanation) -> list[str]:
    """The derivation's rows `lhs &= rhs` (chain rule, local derivatives, substituted,
    simplified, matrix form with shapes), without the numbers."""
    names = ex.latex_names
    rows = [_row(ex.chain.lhs, ex.chain.rhs, names)]
    rows += [_row(f.leibniz, f.local, names) for f in ex.factors]
    rows += [_row(eq.lhs, eq.rhs, names) for eq in (ex.substituted, ex.simplified, ex.other_form) if eq is not None]
    rows += [_row(st.equation.lhs, st.equation.rhs) + rf" \quad ({_shapes(st.shapes)})" for st in ex.matrix]
    return rows


def latex_numbers(ex: Explanation) -> str:
    """`lhs &= term + term = value` with the numbers put in, or "" for a whole matrix."""
    if not ex.numbers:
        return ""
    names = ex.latex_names
    return (latex(ex.lhs, names) + " &= " + " + ".join(latex(t, names) for t in ex.numbers)
            + f" = {_fmt(ex.value)}")


def latex_document(ex: Explanation) -> str:
    lines = [r"\begin{align*}"] + [row + r" \\" for row in latex_rows(ex)]
    numbers = latex_numbers(ex)
    if numbers:
        lines.append(numbers)
    else:
        lines[-1] = lines[-1][:-2]  # the last row ends the block
    lines.append(r"\end{align*}")
    return "\n".join(lines)
