"""An explanation as a LaTeX align* block."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .matrices import _fmt
from .printers import latex

if TYPE_CHECKING:
    from ..symbolic.records import Explanation


def latex_document(ex: Explanation) -> str:
    names = ex.latex_names
    lines = [r"\begin{align*}"]
    lines.append(latex(ex.chain, names).replace("=", "&=", 1) + r" \\")
    for f in ex.factors:
        lines.append(f"{latex(f.leibniz, names)} &= {latex(f.local, names)}" + r" \\")
    lines.append(latex(ex.substituted, names).replace("=", "&=", 1) + r" \\")
    lines.append(latex(ex.simplified, names).replace("=", "&=", 1) + r" \\")
    if ex.other_form is not None:
        lines.append(latex(ex.other_form, names).replace("=", "&=", 1) + r" \\")
    for st in ex.matrix:
        lines.append(latex(st.equation).replace("=", "&=", 1) + r" \quad (" + st.shapes.replace("×", r"\times ")
                     .replace("→", r"\to ").replace("⊙", r"\odot ").replace("·", r"\cdot ").replace("ᵀ", "^{T}") + r") \\")
    if ex.numbers:
        lines.append(latex(ex.lhs, names) + " &= " + " + ".join(latex(t, names) for t in ex.numbers)
                     + f" = {_fmt(ex.value)}")
    lines.append(r"\end{align*}")
    return "\n".join(lines).replace("\\\\\n\\end", "\n\\end")
