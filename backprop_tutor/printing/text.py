"""Fitting a formula to the console's width: in 2D as it is when it fits, else broken into
rows at its top-level = + - ⋅, else (one factor alone too wide) in its one-line form."""

from __future__ import annotations

import textwrap

import sympy as sp
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm

from .numbers import wrap  # noqa: F401  (prose, wrapped: read from here too)
from .printers import _Pretty, _sum_head, linear

_MUL_DOT = "⋅"


def _printer() -> _Pretty:
    return _Pretty({"use_unicode": True, "order": "none", "wrap_line": False})


def _paren(printer, expr) -> prettyForm:
    from sympy.printing.precedence import PRECEDENCE, precedence

    form = printer._print(expr)
    wrap_it = precedence(expr) < PRECEDENCE["Mul"] or isinstance(expr, sp.Piecewise)
    return prettyForm(*form.parens()) if wrap_it else form


def _pieces(printer, expr, budget: int) -> list[tuple[str, prettyForm]]:
    """expr as (joiner, 2D form) pieces that a row may end between (= + - ⋅), split only
    as far as needed for each piece to fit in `budget` columns."""
    form = printer._print(expr)
    if form.width() <= budget:
        return [("", form)]
    if isinstance(expr, sp.Eq):
        left, right = _pieces(printer, expr.lhs, budget), _pieces(printer, expr.rhs, budget)
        return left + [(" = ", right[0][1])] + right[1:]
    if isinstance(expr, sp.Sum):
        head = prettyForm(_sum_head(expr) + " ")
        parts = _pieces(printer, expr.function, budget - head.width())
        return [(parts[0][0], prettyForm(*head.right(parts[0][1])))] + parts[1:]
    if isinstance(expr, sp.Add):
        out = []
        for i, term in enumerate(expr.args):
            joiner = " + "
            if i and isinstance(term, sp.Mul) and term.args[0].is_Number and term.args[0] < 0:
                coeff = -term.args[0]
                term = sp.Mul(*(([coeff] if coeff != 1 else []) + list(term.args[1:])), evaluate=False)
                joiner = " - "
            parts = _pieces(printer, term, budget - 3)
            out += [(joiner if i else "", parts[0][1])] + parts[1:]
        return out
    if isinstance(expr, sp.Mul):
        args = list(expr.args)
        sign = ""
        if args[0] == -1 and len(args) > 1:
            sign, args = "-", args[1:]
        if args[0].is_Rational and len(args) > 1:  # (ŷ - y)/4 stays one fraction
            args = [sp.Mul(args[0], args[1], evaluate=False)] + args[2:]
        out = [("" if i == 0 else _MUL_DOT, _paren(printer, a)) for i, a in enumerate(args)]
        if sign:
            out[0] = ("", prettyForm(*prettyForm(sign).right(out[0][1])))
        return out
    return [("", form)]


def _rows(pieces: list[tuple[str, prettyForm]], width: int, indent: int) -> str | None:
    """Pack the pieces into rows of at most `width` columns; a continuation row starts,
    indented, with the operator it continues. None when one piece alone is too wide."""
    rows, cur = [], None
    for joiner, form in pieces:
        if cur is None:
            cur = form
            continue
        joined = prettyForm(*cur.right(joiner, form))
        if joined.width() <= width:
            cur = joined
        else:
            rows.append(cur)
            cur = prettyForm(*prettyForm(" " * indent + joiner.strip() + " ").right(form))
    rows.append(cur)
    if any(r.width() > width for r in rows):
        return None
    tall = any(r.height() > 1 for r in rows)
    return ("\n\n" if tall else "\n").join(r.render(wrap_line=False) for r in rows)


def fit(expr, width: int | None, suffix: str = "") -> str:
    """expr in 2D for a console of `width` columns: as it is when it fits; else broken into
    rows at its top-level = + - ⋅; else (one factor alone too wide) the one-line form."""
    printer = _printer()
    form = printer._print(expr)
    if suffix:
        form = prettyForm(*form.right(suffix))
    if width is None or form.width() <= width:
        return form.render(wrap_line=False)
    lead = printer._print(expr.lhs).width() + 3 if isinstance(expr, sp.Eq) else 0
    indent = lead if 0 < lead <= width // 3 else 4
    pieces = _pieces(printer, expr, width - indent - 2)
    if suffix:
        pieces.append(("", prettyForm(suffix)))
    out = _rows(pieces, width, indent)
    return out if out is not None else wrap(linear(expr) + suffix, width)


def fit_chain(exprs, width: int | None, indent: int = 0) -> str:
    """e1 = e2 = e3 in 2D (ordinary Derivative printing), rows broken at the = signs."""
    printer = PrettyPrinter({"use_unicode": True, "order": "none"})
    pieces = [("" if i == 0 else " = ", printer._print(e)) for i, e in enumerate(exprs)]
    if width is None:
        width = 10 ** 6
    out = _rows(pieces, width - indent, 4)
    if out is None:
        out = wrap(" = ".join(linear(e) for e in exprs), width - indent)
    return textwrap.indent(out, " " * indent)
