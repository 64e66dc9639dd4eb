"""How the affine map's steps are presented: Z = H W + 1 b^T and its three gradient rules."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ...ops.penalty import penalty_of
from ..formulas import _mat
from ..elements import (Lines, _2d, _base, _bias_name, _cells, _Collected, _element, _Formula, _grad,
                        _linear_term, _linear_z, _loss_prefix, _weight_names)


def forward_elements(step, fmt, limit):
    (hname, H), (wname, W), *bias = step.inputs.items()
    Z = _2d(step.value)
    # a layer without a bias (bias: none) reads none; its op's symbolic form has no b term
    bname, B = bias[0] if bias else ("b", np.zeros(Z.shape[1]))
    H, W, B = _2d(H), _2d(W), np.ravel(B)
    cells, omitted, total = _cells(Z.shape, limit)
    lines = _Collected()
    for s, j in cells:
        f = _Formula(fmt)
        expr, *_ = _linear_z(step.op, f, hname, H, wname, W, bname, B, s, j)
        lines.add(f, _element(step.symbol, j, Z.shape[1], s, Z.shape[0]), expr, Z[s, j])
    return Lines(lines, omitted, total)


def _terms(f, op, pick, i, hname, H, wname, W, G, gname, prefix, s, j, m, k):
    """dL/dz_sj * dz_sj/d(entry): one term of a gradient entry, the derivative taken by sympy
    (of z's terms on input i, the only ones the entry appears in)."""
    z, h, w, b = _linear_term(op, f, hname, H, wname, W, "b", np.zeros(k), s, j, i)
    g = f.sym(_grad(prefix, _element(gname, j, k, s, m)), G[s, j])
    return g * sp.diff(z, pick(h, w, b))


def weight_elements(step, fmt, limit):
    """dL/dw_ij = sum over samples of dL/dz_sj * dz_sj/dw_ij (+ lambda w_ij)."""
    H, G, out = _2d(step.args["h"]), _2d(step.args["g"]), _2d(step.value)
    prefix, names = _loss_prefix(step), step.names
    wname = names["out"]
    m, n_in = H.shape
    k = G.shape[1]
    cells, omitted, total = _cells((n_in, k), limit)
    lines = _Collected()
    for i, j in cells:
        f = _Formula(fmt)
        expr = sp.Add(*[_terms(f, step.op, lambda h, w, b: w, i, names["h"], H, wname,
                               np.zeros((n_in, k)), G, names["g"], prefix, s, j, m, k) for s in range(m)])
        for sym in list(f.values):  # the zero weights and biases only served the derivative
            if sym.name.startswith(_base(wname)) or sym.name.startswith("b"):
                f.values.pop(sym, None)
        if "l2" in step.extra and len(step.inputs) > 2:
            lam = f.sym("λ", step.extra["l2"])
            w = f.sym(_weight_names(names["w"])(i, j), _2d(step.args["w"])[i, j])
            expr = expr + penalty_gradient(step.extra.get("penalty_of"), w, lam)
        lines.add(f, _grad(prefix, _weight_names(wname)(i, j)), expr, out[i, j])
    return Lines(lines, omitted, total)


def bias_elements(step, fmt, limit):
    """dL/db_j = sum over samples of dL/dz_sj * dz_sj/db_j."""
    G = _2d(step.args["g"])
    m, k = G.shape
    prefix, names = _loss_prefix(step), step.names
    cells, omitted, total = _cells((1, k), limit)
    lines = _Collected()
    for _, j in cells:
        f = _Formula(fmt)
        expr = sp.Add(*[_terms(f, step.op, lambda h, w, b: b, 0, "h", np.zeros((m, 1)), "w", np.zeros((1, k)),
                               G, names["g"], prefix, s, j, m, k) for s in range(m)])
        lines.add(f, _grad(prefix, _bias_name(names["out"])(j)), expr, np.ravel(step.value)[j])
    return Lines(lines, omitted, total)


def input_elements(step, fmt, limit):
    """dL/dh_si = sum over units of dL/dz_sj * dz_sj/dh_si."""
    G, W, out = _2d(step.args["g"]), _2d(step.args["w"]), _2d(step.value)
    m, k = G.shape
    n_in = W.shape[0]
    prefix, names = _loss_prefix(step), step.names
    hname = names["out"]
    cells, omitted, total = _cells((m, n_in), limit)
    lines = _Collected()
    for s, i in cells:
        f = _Formula(fmt)
        expr = sp.Add(*[_terms(f, step.op, lambda h, w, b: h, i, hname, np.zeros((m, n_in)), names["w"],
                               W, G, names["g"], prefix, s, j, m, k) for j in range(k)])
        lines.add(f, _grad(prefix, _element(hname, i, n_in, s, m)), expr, out[s, i])
    return Lines(lines, omitted, total)


def forward_equation(step):
    (h, hv), (w, wv), *bias = step.inputs.items()
    b = _mat(*bias[0]) if bias else None  # None: a layer without a bias, Z = H W
    return sp.Eq(_mat(step.symbol, step.value), step.op.matrix_forward(sp, _mat(h, hv), _mat(w, wv), b),
                 evaluate=False)


def _rules(step, H, W, G):
    b = sp.MatrixSymbol("b", G.shape[1], 1)
    return step.op.matrix_rules(sp, H, W, b, G)


def weight_equation(step):
    """dL/dW = H^T G (+ lambda W): the op's own matrix rule."""
    (h, hv), (g, gv), *rest = step.inputs.items()
    H, G = _mat(h, hv), _mat(g, gv)
    rule = _rules(step, H, sp.MatrixSymbol("W", H.shape[1], G.shape[1]), G)["W"]
    if rest:
        (wname, wv), = rest
        spec = step.extra.get("penalty_of")
        if spec and spec != {"type": "l2", "convention": "half"}:
            rule = rule + sp.MatrixSymbol(penalty_of(spec).gradient_text(wname), *np.shape(_2d(wv)))
        else:
            rule = rule + sp.Symbol("λ") * _mat(wname, wv)
    return sp.Eq(_mat(step.symbol, step.value), rule, evaluate=False)


def bias_equation(step):
    """dL/db = G^T 1."""
    (g, gv), = step.inputs.items()
    G = _mat(g, gv)
    rule = _rules(step, sp.MatrixSymbol("H", G.shape[0], 1), sp.MatrixSymbol("W", 1, G.shape[1]), G)["b"]
    return sp.Eq(_mat(step.symbol, step.value), rule, evaluate=False)


def input_equation(step):
    """dL/dH = G W^T (sign(W)^T for a binary layer)."""
    (g, gv), (w, wv) = step.inputs.items()
    G, W = _mat(g, gv), _mat(w, wv)
    rule = _rules(step, sp.MatrixSymbol("H", G.shape[0], W.shape[0]), W, G)["H"]
    return sp.Eq(_mat(step.symbol, step.value), rule, evaluate=False)


def penalty_gradient(spec, w, lam):
    """d(penalty)/dw on one entry, derived by sympy from the penalty's symbolic form (w taken
    real, so d|w|/dw = sign(w), 0 at w = 0: the subgradient the pass uses)."""
    real = sp.Dummy("w", real=True)
    return sp.diff(penalty_of(spec).symbolic(sp, real, lam), real).subs(real, w)
