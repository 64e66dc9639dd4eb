"""An explanation as text sections, in the order a student reads them, every formula
fitted to the console's width."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from ..symbolic.names import row_symbols
from ..symbolic.records import Sampled
from .matrices import _fmt, matrix_numbers_text, sampled_text
from .printers import pretty
from .text import fit, fit_chain, wrap

if TYPE_CHECKING:
    from ..symbolic.records import Explanation, Factor


def title(ex: Explanation) -> str:
    """∂J/∂W1 for a whole matrix, ∂L/∂w₁₂⁽¹⁾ for one element."""
    t = ex.target
    return pretty(ex.lhs) if t.index is not None else f"∂{ex.loss}/∂{t.name}{t.layer}"


def text_sections(ex: Explanation, width: int | None = None) -> list[tuple[str, str]]:
    """(heading, body) pairs in the order a student reads them, every formula fitted to
    `width` columns (None: as wide as it comes)."""
    out = [("path", wrap(" ← ".join(ex.path), width))]
    out.append(("chain rule", fit(ex.chain, width)))
    out.append(("local derivatives (each derived by sympy)", _locals_text(ex, width)))
    out.append(("substituted", fit(ex.substituted, width)))
    out.append(("simplified", _simplified_text(ex, width)))
    mat = [fit(st.equation, width, f"    [{st.shapes}]") + "\n" + wrap(st.why, width, "    ") for st in ex.matrix]
    out.append(("matrix form", "\n".join(mat)))
    if ex.bias_reason:
        out.append(("the bias gradient", wrap(ex.bias_note, width)))
    if ex.numbers:
        with sp.evaluate(False):
            terms = sp.Add(*ex.numbers, evaluate=False) if len(ex.numbers) > 1 else ex.numbers[0]
        out.append(("numbers", fit(sp.Eq(ex.lhs, terms, evaluate=False), width)))
    elif ex.matrix_numbers is not None:
        out.append(("numbers", matrix_numbers_text(ex.matrix_numbers, width)))
    out.append(("value", _value_text(ex, width)))
    return out


def _locals_text(ex: Explanation, width: int | None) -> str:
    lines = []
    for f in ex.factors + ([ex.penalty] if ex.penalty is not None else []):
        if f.cases:
            lines.append(_jacobian_text(f, width))
            continue
        chain = [sp.Derivative(f.form, f.wrt), f.derived]
        if f.output_form is not None and f.output_form != f.derived:
            chain.append(f.output_form)
        how = f"from {f.op}" + (", with a = f(z)" if len(chain) > 2 else "") + ":"
        if f is ex.penalty:
            how = (f"from the {f.op}, a term of its own beside the chain: λ/2 ‖W‖² depends on "
                   f"{pretty(f.leibniz.variables[0])} directly, not through the network:")
        lines.append(fit(sp.Eq(f.leibniz, f.local, evaluate=False), width) + "\n" + wrap(how, width, "  ")
                     + "\n" + fit_chain(chain, width, indent=4))
    return "\n".join(lines)


def _simplified_text(ex: Explanation, width: int | None) -> str:
    simp = fit(ex.simplified, width)
    if ex.assumption:
        simp += "\n" + wrap(ex.assumption, width)
    if ex.other_form is not None:
        label = "for general targets" if ex.assumption_holds else "with Σₖ yₖ = 1 (one-hot targets)"
        simp += f"\n{label}:\n{fit(ex.other_form, width)}"
    if ex.sums:
        simp += "\n" + wrap("; ".join(f"{i} runs over {what}" for i, what in ex.sums), width)
    return simp


def _value_text(ex: Explanation, width: int | None) -> str:
    if ex.finite_difference is None:
        check = wrap("central finite difference: does not apply. Through " + ", ".join(ex.surrogates) +
                     " the loss is piecewise constant (its true derivative is 0 almost everywhere); the "
                     "straight-through estimator is a chosen surrogate gradient, so the value is checked "
                     "against the surrogate's definition, not against a finite difference.", width)
    elif isinstance(ex.finite_difference, Sampled):
        fd = ex.finite_difference
        where, grid = sampled_text(fd, width).split("\n", 1)
        left = " (· not computed)" if fd.count < np.size(fd.values) else ""
        check = wrap(f"central finite difference at {fd.why}, {where.rstrip(':')}{left}:", width) + "\n" + grid
    else:
        check = f"central finite difference:\n{_fmt(ex.finite_difference, width)}"
    text = (f"{title(ex)} =\n{_fmt(ex.value, width)}\n"
            f"engine (tutor run):\n{_fmt(ex.engine_value, width)}\n{check}")
    for warning in ex.warnings:
        text += "\n" + wrap("⚠ " + warning, width)
    return text


def _jacobian_text(f: Factor, width: int | None = None) -> str:
    """A mixing op's local derivative: both cases as sympy derives them on a row of three
    units, in terms of the outputs, then joined with Kronecker's delta."""
    out = [fit(sp.Eq(f.leibniz, f.local, evaluate=False), width),
           wrap(f"from {f.op}, a row a = {f.op}(z₁, z₂, z₃); sympy differentiates each case:", width, "  ")]
    for case in f.cases:
        chain = [sp.Derivative(case.form, case.wrt), case.derived]
        if case.output_form is not None:
            chain.append(case.output_form)
        out.append(f"  {case.label}:\n" + fit_chain(chain, width, indent=4))
    out.append(wrap(f"joined (δₖⱼ = 1 if k = j, else 0): ∂aₖ/∂zⱼ = {pretty(row_symbols(f.output_form))}",
                    width, "  "))
    return "\n".join(out)
