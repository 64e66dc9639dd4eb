"""How a maxout step is presented: a_u = max_p z_{u·k+p}, and dL/dZ routed to the winning piece."""

from __future__ import annotations

import sympy as sp

from ...i18n import _
from ..formulas import _mat, activation_function
from ..elements import Lines, _2d, _cells, _Collected, _element, _Formula, _grad, _loss_prefix


def forward_equation(step):
    zname, zv = step.names["z"], step.args["z"]
    return sp.Eq(_mat(step.symbol, step.value), activation_function(step.op)(_mat(zname, zv)), evaluate=False)


def forward_elements(step, fmt, limit):
    k, zname = step.op.pieces, step.names["z"]
    Zv, A = _2d(step.args["z"]), _2d(step.value)
    m, n = A.shape
    cells, omitted, total = _cells(A.shape, limit)
    lines = _Collected()
    for s, u in cells:
        f = _Formula(fmt)
        pieces = [f.sym(_element(zname, u * k + p, n * k, s, m), Zv[s, u * k + p]) for p in range(k)]
        names = ", ".join(str(piece) for piece in pieces)
        numbers = ", ".join(fmt(Zv[s, u * k + p]) for p in range(k))
        lines.append(f"{_element(step.symbol, u, n, s, m)} = max({names}) = max({numbers}) = {fmt(A[s, u])}")
        lines.check(f, sp.Max(*pieces), A[s, u])
    return Lines(lines, omitted, total)


def backward_equation(step):
    """dL/dZ = (dL/dA with each column repeated k times) ⊙ M, M the 0/1 mask of the winning pieces."""
    (g, gv), *_rest = step.inputs.items()
    lhs = _mat(step.symbol, step.value)
    m, width = _2d(step.value).shape
    repeated = sp.MatrixSymbol(f"{g}⊗1ₖᵀ", m, width)
    mask = sp.MatrixSymbol(f"M_{step.op.label}({step.names['z']})", m, width)
    return sp.Eq(lhs, sp.HadamardProduct(repeated, mask), evaluate=False)


def backward_elements(step, fmt, limit):
    k, zname, aname = step.op.pieces, step.names["z"], step.names["g"]
    G, Zv, out = _2d(step.args["g"]), _2d(step.args["z"]), _2d(step.value)
    m, width = out.shape
    winners = step.op.winners(Zv)
    prefix = _loss_prefix(step)
    cells, omitted, total = _cells(out.shape, limit)
    lines = _Collected()
    for s, j in cells:
        u, p = divmod(j, k)
        f = _Formula(fmt)
        lhs = _grad(prefix, _element(step.names["out"], j, width, s, m))
        ga = _grad(prefix, _element(aname, u, width // k, s, m))
        zel = _element(zname, j, width, s, m)
        if winners[s, u] == p:
            expr = f.sym(ga, G[s, u])
            lines.append(_("{lhs} = {ga} = {value}   ({zel} is the largest piece of unit {unit})").format(
                lhs=lhs, ga=ga, value=fmt(out[s, j]), zel=zel, unit=u + 1))
        else:
            expr = sp.Integer(0)
            lines.append(_("{lhs} = 0   ({zel} is not the largest piece of unit {unit})").format(
                lhs=lhs, zel=zel, unit=u + 1))
        lines.check(f, expr, out[s, j])
    return Lines(lines, omitted, total)
