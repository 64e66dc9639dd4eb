"""An explanation as text sections, in the order a student reads them, every formula
fitted to the console's width."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from ..i18n import _
from ..symbolic.names import row_symbols
from .matrices import matrix_numbers_text
from .numbers import value_text
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
    out = [(_("path"), wrap(" ← ".join(ex.path), width))]
    out.append((_("chain rule"), fit(ex.chain, width)))
    out.append((_("local derivatives (each derived by sympy)"), _locals_text(ex, width)))
    out.append((_("substituted"), fit(ex.substituted, width)))
    out.append((_("simplified"), _simplified_text(ex, width)))
    mat = [fit(st.equation, width, f"    [{st.shapes}]") + "\n" + wrap(st.why, width, "    ") for st in ex.matrix]
    out.append((_("matrix form"), "\n".join(mat)))
    if ex.bias_reason:
        out.append((_("the bias gradient"), wrap(ex.bias_note, width)))
    if ex.numbers:
        with sp.evaluate(False):
            terms = sp.Add(*ex.numbers, evaluate=False) if len(ex.numbers) > 1 else ex.numbers[0]
        out.append((_("numbers"), fit(sp.Eq(ex.lhs, terms, evaluate=False), width)))
    elif ex.matrix_numbers is not None:
        out.append((_("numbers"), matrix_numbers_text(ex.matrix_numbers, width)))
    out.append((_("value"), _value_text(ex, width)))
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
        how = (_("from {operation}, with a = f(z):") if len(chain) > 2 else _("from {operation}:")).format(
            operation=_(f.op))
        if f is ex.penalty and f.derived != sp.Symbol("λ") * f.wrt:  # not the λ/2 ‖W‖² of `loss.l2`
            how = _("from the {operation}, a term of its own beside the chain: it depends on {weight} "
                    "directly, not through the network:").format(
                operation=_(f.op), weight=pretty(f.leibniz.variables[0]))
            if f.form.has(sp.Abs):
                how += " " + _("|w| has no derivative at w = 0; there sign(0) = 0 is taken (a subgradient).")
        elif f is ex.penalty:
            how = _("from the {operation}, a term of its own beside the chain: λ/2 ‖W‖² depends on "
                    "{weight} directly, not through the network:").format(
                operation=_(f.op), weight=pretty(f.leibniz.variables[0]))
        lines.append(fit(sp.Eq(f.leibniz, f.local, evaluate=False), width) + "\n" + wrap(how, width, "  ")
                     + "\n" + fit_chain(chain, width, indent=4))
    return "\n".join(lines)


def _simplified_text(ex: Explanation, width: int | None) -> str:
    simp = fit(ex.simplified, width)
    if ex.assumption:
        simp += "\n" + wrap(ex.assumption, width)
    if ex.other_form is not None:
        label = _("for general targets") if ex.assumption_holds else _("with Σₖ yₖ = 1 (one-hot targets)")
        simp += f"\n{label}:\n{fit(ex.other_form, width)}"
    if ex.sums:
        simp += "\n" + wrap("; ".join(_("{index} runs over {what}").format(index=i, what=what) for i, what in ex.sums), width)
    return simp


def _value_text(ex: Explanation, width: int | None) -> str:
    return value_text(title(ex), ex.value, ex.engine_value, ex.finite_difference, ex.surrogates, width, ex.kinks)


def _jacobian_text(f: Factor, width: int | None = None) -> str:
    """A mixing op's local derivative: both cases as sympy derives them on a row of three
    units, in terms of the outputs, then joined with Kronecker's delta."""
    out = [fit(sp.Eq(f.leibniz, f.local, evaluate=False), width),
           wrap(_("from {operation}, a row a = {operation}(z₁, z₂, z₃); sympy differentiates each case:").format(
               operation=_(f.op)), width, "  ")]
    for case in f.cases:
        chain = [sp.Derivative(case.form, case.wrt), case.derived]
        if case.output_form is not None:
            chain.append(case.output_form)
        out.append(f"  {_(case.label)}:\n" + fit_chain(chain, width, indent=4))
    out.append(wrap(_("joined (δₖⱼ = 1 if k = j, else 0): ∂aₖ/∂zⱼ = {jacobian}").format(
        jacobian=pretty(row_symbols(f.output_form))),
                    width, "  "))
    return "\n".join(out)
