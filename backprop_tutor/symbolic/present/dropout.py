"""How inverted dropout's steps are presented: D = M ⊙ A / (1 − p), dL/dA = M ⊙ dL/dD / (1 − p)."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..formulas import _mat
from ..elements import Lines, _2d, _cells, _Collected, _element, _Formula, _grad, _loss_prefix


def _lines(step, fmt, limit, name_of, lhs_of, X):
    M, out = _2d(step.args["m"]), _2d(step.value)
    m, k = X.shape
    cells, omitted, total = _cells(X.shape, limit)
    lines = _Collected()
    for s, j in cells:
        f = _Formula(fmt)
        x = f.sym(name_of(s, j, k, m), X[s, j])
        if step.op.training:
            expr = step.op.symbolic(sp, x, f.sym(_element(step.names["m"], j, k, s, m), M[s, j]),
                                    f.sym("1/(1 − p)", step.op.scale))
        else:
            expr = step.op.symbolic(sp, x, None)
        lines.add(f, lhs_of(s, j, k, m), expr, out[s, j])
    return Lines(lines, omitted, total)


def forward_elements(step, fmt, limit):
    names = step.names
    return _lines(step, fmt, limit, lambda s, j, k, m: _element(names["a"], j, k, s, m),
                  lambda s, j, k, m: _element(names["out"], j, k, s, m), _2d(step.args["a"]))


def backward_elements(step, fmt, limit):
    names, prefix = step.names, _loss_prefix(step)
    return _lines(step, fmt, limit, lambda s, j, k, m: _grad(prefix, _element(names["g"], j, k, s, m)),
                  lambda s, j, k, m: _grad(prefix, _element(names["out"], j, k, s, m)), _2d(step.args["g"]))


def _equation(step):
    (name, value), (mname, mv) = list(step.inputs.items())[:2]
    A = _mat(name, value)
    if not step.op.training:
        return sp.Eq(_mat(step.symbol, step.value), A, evaluate=False)
    rhs = sp.HadamardProduct(_mat(mname, mv), A) / (1 - sp.Symbol("p"))
    return sp.Eq(_mat(step.symbol, step.value), rhs, evaluate=False)


def forward_equation(step):
    return _equation(step)


def backward_equation(step):
    return _equation(step)
