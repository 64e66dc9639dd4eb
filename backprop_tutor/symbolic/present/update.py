"""How updates and preprocessing are presented."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..formulas import _mat, _shape
from ..elements import (_scalar_name, Lines, _2d, _base, _bias_name, _cells, _Collected, _element, _Formula, _grad,
                        _loss_prefix, _weight_names)


def update_elements(step, fmt, limit):
    (tname, T), (gname, G) = step.inputs.items()
    rank = 0 if step.extra.get("scalar") else np.ndim(T)
    T, G, out = _2d(T), _2d(G), _2d(step.value)
    prefix = _loss_prefix(step)
    cells, omitted, total = _cells(T.shape, limit)
    lines = _Collected()
    for r, c in cells:
        f = _Formula(fmt)
        el = (_scalar_name(tname), _bias_name(tname)(c), _weight_names(tname)(r, c))[min(rank, 2)]
        theta = f.sym(el, T[r, c])
        lr = f.sym("η", step.extra["learning_rate"])
        grad = f.sym(_grad(prefix, el), G[r, c])
        expr = step.op.symbolic(sp, theta, grad, lr)
        lines.add(f, el + "′", expr, out[r, c])
    return Lines(lines, omitted, total)


def preprocess_elements(step, fmt, limit):
    (xname, X), = step.inputs.items()
    X, out = _2d(X), _2d(step.value)
    stats = step.extra["stats"]
    cells, omitted, total = _cells(X.shape, limit)
    lines = _Collected()
    m, n = X.shape
    for s, c in cells:
        f = _Formula(fmt)
        x = f.sym(_element(xname, c, n, s, m), X[s, c])
        suffix = str(c + 1) if n > 1 else ""
        syms = {k: f.sym(f"{_base(xname)}{suffix}_{k}", np.ravel(v)[c]) for k, v in stats.items()}
        expr = step.op.symbolic(sp, x, syms)
        lines.add(f, x.name + "′", expr, out[s, c])
    return Lines(lines, omitted, total)


def update_equation(step):
    (theta, tv), (g, gv) = step.inputs.items()
    rhs = step.op.symbolic(sp, _mat(theta, tv), _mat(g, gv), sp.Symbol("η"))
    return sp.Eq(sp.MatrixSymbol(theta + "′", *_shape(tv)), rhs, evaluate=False)


def preprocess_equation(step):
    stats = {k: sp.Symbol(f"x_{k}") for k in step.extra["stats"]}
    return sp.Eq(sp.Symbol("x′"), step.op.symbolic(sp, sp.Symbol("x"), stats), evaluate=False)
