"""How the loss and its gradient are presented."""

from __future__ import annotations

import sympy as sp

from ...i18n import _
from ...ops.penalty import penalty_of
from ..formulas import loss_element
from ..elements import (Lines, _2d, _cells, _Collected, _element, _Formula, _grad,
                        _loss_prefix)


def _loss_symbols(step):
    return step.names["yhat"], _2d(step.args["yhat"]), step.names["y"], _2d(step.args["y"])


def loss_elements(step, fmt, limit):
    op = step.op
    yhname, Yh, yname, Y = _loss_symbols(step)
    m, k = Yh.shape
    lines = _Collected()
    terms = []
    cells, omitted, total = _cells((m, k), limit - 1 if m * k > 1 else limit)
    loss_symbol = step.symbol
    if m * k == 1:
        f = _Formula(fmt)
        yh = f.sym(_element(yhname, 0, 1, 0, 1), Yh[0, 0])
        y = f.sym(_element(yname, 0, 1, 0, 1), Y[0, 0])
        expr = op.scale_symbolic(sp, sp.Integer(m), sp.Integer(k)) * op.symbolic_term(sp, yh, y)
        lines.add(f, loss_symbol, expr, step.extra["data_loss"])
    else:
        values = op.term(Yh, Y)
        for s, j in cells:
            f = _Formula(fmt)
            yh = f.sym(_element(yhname, j, k, s, m), Yh[s, j])
            y = f.sym(_element(yname, j, k, s, m), Y[s, j])
            name = "ℓ" + (f"[{s + 1}]" if k == 1 else f"[{s + 1},{j + 1}]")
            lines.add(f, name, op.symbolic_term(sp, yh, y), values[s, j])
            terms.append(name)
        scale = op.scale_symbolic(sp, sp.Integer(m), sp.Integer(k))
        names = "ℓ[1] + … + ℓ[m]".replace("m", str(m)) if k == 1 else "Σ ℓ"
        lines.append(f"{loss_symbol} = {scale} * ({names}) = {fmt(step.extra['data_loss'])}")
    penalty_lines(step, fmt, lines)
    return Lines(lines, omitted, total + (1 if m * k > 1 else 0))


def penalty_lines(step, fmt, lines) -> None:
    """The loss as data loss plus the weight penalty, when there is one."""
    loss_symbol, spec = step.symbol, step.extra.get("penalty_of")
    if step.extra.get("penalty") and spec and spec != {"type": "l2", "convention": "half"}:
        lines.append(_("{loss_symbol} = data loss + {term} = {fmt} + {fmt2} = {fmt3}").format(
            loss_symbol=loss_symbol, term=penalty_of(spec).whole_text(), fmt=fmt(step.extra['data_loss']),
            fmt2=fmt(step.extra['penalty']), fmt3=fmt(step.value)))
    elif step.extra.get("penalty"):
        lines.append(_("{loss_symbol} = data loss + λ/2 ‖W‖² = {fmt} + {fmt2} = {fmt3}").format(loss_symbol=loss_symbol, fmt=fmt(step.extra['data_loss']), fmt2=fmt(step.extra['penalty']), fmt3=fmt(step.value)))


def grad_elements(step, fmt, limit):
    op = step.op
    yhname, Yh, yname, Y = _loss_symbols(step)
    m, k = Yh.shape
    out = _2d(step.value)
    prefix = _loss_prefix(step)
    cells, omitted, total = _cells((m, k), limit)
    lines = _Collected()
    for s, j in cells:
        f = _Formula(fmt)
        yel = _element(yhname, j, k, s, m)
        yh = f.sym(yel, Yh[s, j])
        y = f.sym(_element(yname, j, k, s, m), Y[s, j])
        scale = op.scale_symbolic(sp, sp.Integer(m), sp.Integer(k))
        expr = sp.diff(scale * op.symbolic_term(sp, yh, y), yh)
        lines.add(f, _grad(prefix, yel), expr, out[s, j])
    return Lines(lines, omitted, total)




def loss_equation(step):
    total, _grad = loss_element(step.op, step.extra["m"], step.extra["k"])
    return sp.Eq(sp.Symbol(step.symbol), with_penalty(step, total), evaluate=False)


def with_penalty(step, total):
    """The data loss's formula, plus the weight penalty's when there is one."""
    if step.extra.get("l2"):
        return total + penalty_of(step.extra.get("penalty_of")).whole(sp)
    return total


def grad_equation(step):
    _total, grad = loss_element(step.op, step.extra["m"], step.extra["k"])
    i, j = sp.symbols("i j", integer=True)
    target = sp.Indexed(step.symbol, i, j) if step.extra["k"] > 1 else sp.Indexed(step.symbol, i)
    return sp.Eq(target, grad, evaluate=False)
