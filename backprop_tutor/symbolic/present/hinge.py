"""How the multiclass hinge (SVM) loss and its gradient are presented.

Every term of a row reads the score of the row's true class, so the lines go a row at a
time: ℓ[i] = Σ_{j ≠ y_i} max(0, ŷ_ij − ŷ_i,y_i + Δ), and each dL/dŷ_ij is sympy's
derivative of the row's sum with respect to ŷ_ij. sympy writes the derivative of max(0, u)
as θ(u); at a margin of exactly 0 the step θ(0) = 0 is taken (the subgradient 0), as the
engine does.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ...ops.base import exact_number
from ..elements import Lines, _2d, _cells, _Collected, _element, _Formula, _grad, _loss_prefix
from .loss import penalty_lines, with_penalty


def _row(op, f: _Formula, name: str, Yh, Y, s: int):
    """(ℓ of row s in symbols whose numbers are the scores, the symbols by column)."""
    m, k = Yh.shape
    t = int(np.argmax(Y[s]))
    syms = [f.sym(_element(name, j, k, s, m), Yh[s, j]) for j in range(k)]
    delta = exact_number(sp, op.margin)
    return sp.Add(*[sp.Max(0, syms[j] - syms[t] + delta) for j in range(k) if j != t]), syms


def _step(expr):
    """θ(u) as the subgradient convention has it: 0 at u = 0."""
    return expr.replace(sp.Heaviside, lambda u, *h0: sp.Heaviside(u, 0))


def hinge_elements(step, fmt, limit):
    op, name = step.op, step.names["yhat"]
    Yh, Y = _2d(step.args["yhat"]), _2d(step.args["y"])
    m, k = Yh.shape
    rows = op.term(Yh, Y).sum(axis=1)
    cells, omitted, total = _cells((m, 1), limit - 1)
    lines = _Collected()
    for s, _j in cells:
        f = _Formula(fmt)
        expr, _syms = _row(op, f, name, Yh, Y, s)
        lines.add(f, f"ℓ[{s + 1}]", expr, rows[s])
    scale = op.scale_symbolic(sp, sp.Integer(m), sp.Integer(k))
    lines.append(f"{step.symbol} = {scale} * (ℓ[1] + … + ℓ[{m}]) = {fmt(step.extra['data_loss'])}")
    penalty_lines(step, fmt, lines)
    return Lines(lines, omitted, total + 1)


def grad_elements(step, fmt, limit):
    op, name = step.op, step.names["yhat"]
    Yh, Y = _2d(step.args["yhat"]), _2d(step.args["y"])
    m, k = Yh.shape
    out, prefix = _2d(step.value), _loss_prefix(step)
    scale = op.scale_symbolic(sp, sp.Integer(m), sp.Integer(k))
    cells, omitted, total = _cells((m, k), limit)
    lines = _Collected()
    for s, j in cells:
        f = _Formula(fmt)
        expr, syms = _row(op, f, name, Yh, Y, s)
        lines.add(f, _grad(prefix, _element(name, j, k, s, m)), _step(sp.diff(scale * expr, syms[j])), out[s, j])
    return Lines(lines, omitted, total)


def _symbols():
    i, j, l = sp.symbols("i j l", integer=True)
    return i, j, l, sp.IndexedBase("ŷ"), sp.IndexedBase("y"), sp.Symbol("m", positive=True), sp.Symbol("k", positive=True)


def _margin(yh, y, i, j, delta):
    return yh[i, j] - yh[i, y[i]] + delta


def hinge_equation(step):
    i, j, _l, yh, y, m, k = _symbols()
    delta, c = exact_number(sp, step.op.margin), step.op.scale_symbolic(sp, m, k)
    term = (1 - sp.KroneckerDelta(j, y[i])) * sp.Max(0, _margin(yh, y, i, j, delta))
    total = sp.Mul(c, sp.Sum(term, (j, 1, k), (i, 1, m)), evaluate=False)
    return sp.Eq(sp.Symbol(step.symbol), with_penalty(step, total), evaluate=False)


def grad_equation(step):
    """dL/dŷ_ij in the row's margins M_ij = ŷ_ij − ŷ_i,y_i + Δ: θ of its own margin (j ≠ y_i),
    minus the count of the row's active margins (j = y_i); θ is sympy's derivative of max(0, u)."""
    i, j, l, _yh, y, m, k = _symbols()
    u, M = sp.Symbol("u"), sp.IndexedBase("M")
    theta = sp.diff(sp.Max(0, u), u)  # θ(u)
    c = step.op.scale_symbolic(sp, m, k)
    others = sp.Sum((1 - sp.KroneckerDelta(l, y[i])) * theta.subs(u, M[i, l]), (l, 1, k))
    grad = sp.Piecewise((c * theta.subs(u, M[i, j]), sp.Ne(j, y[i])), (-c * others, True))
    return sp.Eq(sp.Indexed(step.symbol, i, j), grad, evaluate=False)
