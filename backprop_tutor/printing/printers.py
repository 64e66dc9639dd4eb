"""sympy's printers, customised for the tutor: 2D text, one-line text, LaTeX, and the index
notation that prose uses (z_sk = Σ_j h_sj w_jk).

Every printer is a subclass of one of sympy's; nothing is patched into a string after it
is printed.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm
from sympy.printing.str import StrPrinter

from ..symbolic.names import _SUB


def _sum_head(expr) -> str:
    return " ".join(f"Σ[{i}=1..{b}]" for i, _, b in reversed(expr.limits))


class _Pretty(PrettyPrinter):
    def _print_Sum(self, expr):
        body = self._print(expr.function)
        return prettyForm(*prettyForm(_sum_head(expr) + " ").right(body))

    def _print_MatAdd(self, expr):
        """A - B rather than sympy's A -B."""
        form = None
        for term in expr.args:
            coeff, rest = term.as_coeff_mmul()
            negative = bool(coeff.is_number and coeff < 0)
            body = self._print(sp.MatMul(-coeff, rest).doit() if negative else term)
            if form is None:
                form = prettyForm(*body.left("-")) if negative else body
            else:
                form = prettyForm(*form.right(" - " if negative else " + ", body))
        return form

    def _print_Derivative(self, expr):
        num = self._print(expr.expr).render(wrap_line=False)
        den = self._print(expr.variables[0]).render(wrap_line=False)
        return prettyForm(f"∂{num}/∂{den}")


_TEX = {"∂": r"\partial ", "ŷ": r"\hat{y}", "Ŷ": r"\hat{Y}", "σ": r"\sigma ", "′": "'", "ℓ": r"\ell ",
        "λ": r"\lambda ", "ₛ": "_s", "ᵀ": "^{T}"}


def _tex(name: str) -> str:
    return "".join(_TEX.get(ch, ch) for ch in name)


class _Latex(LatexPrinter):
    """LaTeX; the unicode in the tutor's names (∂J/∂Z1, ŷ, σ′(Z1), ℓ′, λ ...) in TeX's own commands."""

    def _print_Symbol(self, expr, style="plain"):  # MatrixSymbol's names come here as well
        return _tex(super()._print_Symbol(expr, style))

    def _hprint_Function(self, func: str) -> str:
        return _tex(super()._hprint_Function(func))

    def _print_Derivative(self, expr):
        return r"\frac{\partial %s}{\partial %s}" % (self._print(expr.expr), self._print(expr.variables[0]))


class _Linear(StrPrinter):
    """The one-line form, for what no 2D layout fits."""

    def _print_Derivative(self, expr):
        return f"∂{self._print(expr.expr)}/∂{self._print(expr.variables[0])}"

    def _print_Sum(self, expr):
        head = _sum_head(expr)
        body = self._print(expr.function)
        return f"{head} ({body})" if isinstance(expr.function, sp.Add) else f"{head} {body}"

    def _print_Equality(self, expr):
        return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"

    # a power as x^2, a product with ⋅ (sympy's str printer writes ** and *)
    def _print_Pow(self, expr, rational=False):
        return super()._print_Pow(expr, rational).replace("**", "^")

    def _print_MatPow(self, expr):
        return super()._print_MatPow(expr).replace("**", "^")

    def _print_Mul(self, expr):
        return super()._print_Mul(expr).replace("*", "⋅")

    def _print_MatMul(self, expr):
        return super()._print_MatMul(expr).replace("*", "⋅")

    def _print_HadamardProduct(self, expr):
        return super()._print_HadamardProduct(expr).replace("*", "⋅")


class _Index(StrPrinter):
    """Index notation for prose: z_sk = Σ_j h_sj w_jk, ∂L/∂h_sj = Σ_k ∂L/∂z_sk · w_jk,
    Z = HW + 1bᵀ. Factors stand side by side; a derivative is set off by a dot."""

    printmethod = "_index_form"  # not Indexed's own _sympystr (z[s, k])

    def _print_IndexedBase(self, expr):
        return self._print(expr.label)

    def _print_Indexed(self, expr):
        return f"{self._print(expr.base)}_" + "".join(self._print(i) for i in expr.indices)

    def _print_Sum(self, expr):
        return " ".join(f"Σ_{self._print(limit[0])}" for limit in reversed(expr.limits)) + " " + \
            self._print(expr.function)

    def _print_Derivative(self, expr):
        return f"∂{self._print(expr.expr)}/∂{self._print(expr.variables[0])}"

    def _print_Equality(self, expr):
        return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"

    def _print_Mul(self, expr):
        joiner = " · " if any(isinstance(a, sp.Derivative) for a in expr.args) else " "
        return joiner.join(self._print(a) for a in expr.args)

    def _print_MatMul(self, expr):
        return "".join(self._print(a) for a in expr.args)

    def _print_MatAdd(self, expr):
        return " + ".join(self._print(a) for a in expr.args)

    def _print_Transpose(self, expr):
        return self._print(expr.arg) + "ᵀ"


class _Subscript(StrPrinter):
    """Index notation in unicode subscripts, for a short formula in a sentence: Σₖ yₖ = 1."""

    printmethod = "_subscript_form"

    def _sub(self, index) -> str:
        return "".join(_SUB.get(ch, ch) for ch in self._print(index))

    def _print_Indexed(self, expr):
        return self._print(expr.base.label) + "".join(self._sub(i) for i in expr.indices)

    def _print_Sum(self, expr):
        return " ".join(f"Σ{self._sub(limit[0])}" for limit in reversed(expr.limits)) + " " + \
            self._print(expr.function)

    def _print_Equality(self, expr):
        return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"


def pretty(expr) -> str:
    return _Pretty({"use_unicode": True, "order": "none", "wrap_line": False}).doprint(expr)


def linear(expr) -> str:
    return _Linear({"order": "none"}).doprint(expr)


def latex(expr, names: dict | None = None) -> str:
    return _Latex({"order": "none", "symbol_names": names or {}, "mul_symbol": "dot"}).doprint(expr)


def index_form(expr) -> str:
    return _Index({"order": "none"}).doprint(expr)


def prose(parts) -> str:
    """Prose parts (str, or an Inline formula from backprop_tutor.symbolic.records) as one line."""
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        else:
            printer = {"unicode": pretty, "subscript": _Subscript({"order": "none"}).doprint}.get(part.form, index_form)
            out.append(printer(part.expr))
    return "".join(out)
