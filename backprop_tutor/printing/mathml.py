"""Presentation MathML from sympy's MathML printer, for the HTML handout: a step's formula,
the equal sides of a derivative, and the rows of an explanation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp
from sympy.printing.mathml import MathMLPresentationPrinter

if TYPE_CHECKING:
    from ..symbolic.records import Explanation


class _MathML(MathMLPresentationPrinter):
    """Terms in the order the formula was built (as the LaTeX and text printers keep them)."""

    def _print_Derivative(self, expr):
        frac = self.dom.createElement("mfrac")
        for part in (expr.expr, expr.variables[0]):
            row = self.dom.createElement("mrow")
            d = self.dom.createElement("mo")
            d.appendChild(self.dom.createTextNode("∂"))
            row.appendChild(d)
            row.appendChild(self._print(part))
            frac.appendChild(row)
        return frac


def mathml(expr) -> str:
    """The expression as presentation MathML (the inside of a <math> element)."""
    return _MathML({"order": "none"}).doprint(expr)


def block(inner: str, display: bool = True) -> str:
    kind = ' display="block"' if display else ""
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML"{kind}>{inner}</math>'


def equal(*sides, tail: str = "") -> str:
    """sides joined by =, then `tail` (MathML already printed, e.g. a number)."""
    parts = [mathml(s) for s in sides]
    if tail:
        parts.append(tail)
    return "<mrow>" + "<mo>=</mo>".join(parts) + "</mrow>"


def number(text: str) -> str:
    """A number as the tutor prints it, as MathML (a negative one with its minus sign)."""
    from xml.sax.saxutils import escape

    if text.startswith("-"):
        return f"<mrow><mo>-</mo><mn>{escape(text[1:])}</mn></mrow>"
    return f"<mn>{escape(text)}</mn>"


_TEX_LETTERS = {r"\hat{y}": "ŷ", r"\hat{Y}": "Ŷ", r"\sigma": "σ", r"\alpha": "α", r"\ell": "ℓ"}


def _scripted(names: dict) -> dict:
    """Symbols written with unicode sub- and superscripts (wᵢⱼ⁽²⁾), renamed after their LaTeX
    names (w_{ij}^{(2)} -> w_ij^(2)), which sympy's MathML printer sets as msubsup."""
    out = {}
    for sym, tex in names.items():
        for command, letter in _TEX_LETTERS.items():
            tex = tex.replace(command, letter)
        if "\\" not in tex and isinstance(sym, sp.Symbol):
            out[sym] = sp.Symbol(tex.replace("{", "").replace("}", ""), **sym.assumptions0)
    return out


def explanation_rows(ex: Explanation) -> list[tuple[str, str]]:
    """(MathML of `lhs = rhs`, the shapes of a matrix step or "") for each row of the derivation:
    chain rule, local derivatives, substituted, simplified, matrix form, and the numbers."""
    names = _scripted(ex.latex_names)

    def eq(lhs, rhs) -> str:
        return equal(lhs.xreplace(names), rhs.xreplace(names))

    rows = [(eq(ex.chain.lhs, ex.chain.rhs), "")]
    rows += [(eq(f.leibniz, f.local), "") for f in ex.factors]
    rows += [(eq(e.lhs, e.rhs), "") for e in (ex.substituted, ex.simplified, ex.other_form) if e is not None]
    rows += [(eq(st.equation.lhs, st.equation.rhs), st.shapes) for st in ex.matrix]
    if ex.numbers:
        from .matrices import _fmt

        terms = "<mo>+</mo>".join(mathml(t.xreplace(names)) for t in ex.numbers)
        rows.append((f"<mrow>{mathml(ex.lhs.xreplace(names))}<mo>=</mo>{terms}<mo>=</mo>"
                     f"{number(_fmt(ex.value))}</mrow>", ""))
    return rows


def symbol(name: str) -> str:
    """A name of the scenario's notation (∂L/∂W1, ŷ, Z1) as MathML."""
    return mathml(sp.Symbol(name))
