"""How the affine map's steps are presented: Z = H W + 1 b^T and its three gradient rules."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..formulas import _mat
from ..elements import (Lines, _2d, _base, _bias_name, _cells, _Collected, _element, _Formula, _grad,
                        _line, _linear_z, _loss_prefix, _real, _weight_names)


def forward_elements(step, fmt, limit):
    (hname, H), (wname, W), (bname, B) = step.inputs.items()
    H, W, B, Z = _2d(H), _2d(W), np.ravel(B), _2d(step.value)
    cells, omitted, total = _cells(Z.shape, limit)
    lines = _Collected()
    for s, j in cells:
        f = _Formula(fmt)
        expr, *_ = _linear_z(step.op, f, hname, H, wname, W, bname, B, s, j)
        lines.add(f, _element(step.symbol, j, Z.shape[1], s, Z.shape[0]), expr, Z[s, j])
    return Lines(lines, omitted, total)


def grads_elements(step, fmt, limit):
    """Each gradient entry as a sum over the affine map's own derivatives."""
    op, role = step.op, step.role
    prefix = _loss_prefix(step)
    items = list(step.inputs.items())
    out = _2d(step.value)
    lines = _Collected()
    if role == "weight_grad":
        (hname, H), (gname, G), *rest = items
        H, G = _2d(H), _2d(G)
        m, n_in = H.shape
        k = G.shape[1]
        wname = step.names["out"]
        cells, omitted, total = _cells((n_in, k), limit)
        for i, j in cells:
            f = _Formula(fmt)
            terms = []
            for s in range(m):
                W = np.zeros((n_in, k))
                z, hs, ws, b = _linear_z(op, f, hname, H, wname, W, "b", np.zeros(k), s, j)
                g = f.sym(_grad(prefix, _element(step.names["g"], j, k, s, m)), G[s, j])
                terms.append(g * sp.diff(z, ws[i]))
            expr = sp.Add(*terms)
            for s in list(f.values):  # the zero weights and biases only served the derivative
                if s.name.startswith(_base(wname)) or s.name.startswith("b"):
                    f.values.pop(s, None)
            if rest:
                (wn, Wv), = rest
                lam = f.sym("λ", step.extra["l2"])
                expr = expr + lam * f.sym(_weight_names(wn)(i, j), _2d(Wv)[i, j])
            lhs = _grad(prefix, _weight_names(wname)(i, j))
            lines.add(f, lhs, expr, out[i, j])
        return Lines(lines, omitted, total)
    if role == "bias_grad":
        (gname, G), = items
        G = _2d(G)
        m, k = G.shape
        cells, omitted, total = _cells((1, k), limit)
        for _, j in cells:
            f = _Formula(fmt)
            terms = []
            for s in range(m):
                z, hs, ws, b = _linear_z(op, f, "h", np.zeros((m, 1)), "w", np.zeros((1, k)), "b",
                                         np.zeros(k), s, j)
                g = f.sym(_grad(prefix, _element(step.names["g"], j, k, s, m)), G[s, j])
                terms.append(g * sp.diff(z, b))
            expr = sp.Add(*terms)
            bname = step.names["out"]
            lines.add(f, _grad(prefix, _bias_name(bname)(j)), expr, np.ravel(step.value)[j])
        return Lines(lines, omitted, total)
    # input_grad: dL/dh_si = sum_j dL/dz_sj * dz_sj/dh_si
    (gname, G), (wname, W) = items
    G, W = _2d(G), _2d(W)
    m, k = G.shape
    n_in = W.shape[0]
    hname = step.names["out"]
    cells, omitted, total = _cells((m, n_in), limit)
    for s, i in cells:
        f = _Formula(fmt)
        terms = []
        for j in range(k):
            z, hs, ws, b = _linear_z(op, f, hname, np.zeros((m, n_in)), wname, W, "b", np.zeros(k), s, j)
            g = f.sym(_grad(prefix, _element(step.names["g"], j, k, s, m)), G[s, j])
            terms.append(g * sp.diff(z, hs[i]))
        expr = sp.Add(*terms)
        lines.add(f, _grad(prefix, _element(hname, i, n_in, s, m)), expr, out[s, i])
    return Lines(lines, omitted, total)




def forward_equation(step):
    (h, hv), (w, wv), (b, bv) = step.inputs.items()
    return sp.Eq(_mat(step.symbol, step.value), step.op.matrix_forward(sp, _mat(h, hv), _mat(w, wv), _mat(b, bv)),
                 evaluate=False)


def grads_equation(step):
    """dL/dW = H^T G (+ lambda W), dL/db = G^T 1, dL/dH = G W^T: the op's own matrix rules."""
    items, op = list(step.inputs.items()), step.op
    if step.role == "weight_grad":
        (h, hv), (g, gv), *rest = items
        H, G = _mat(h, hv), _mat(g, gv)
        rule = op.matrix_rules(sp, H, sp.MatrixSymbol("W", H.shape[1], G.shape[1]),
                               sp.MatrixSymbol("b", G.shape[1], 1), G)["W"]
        if rest:
            (wname, wv), = rest
            rule = rule + sp.Symbol("λ") * _mat(wname, wv)
    elif step.role == "bias_grad":
        (g, gv), = items
        G = _mat(g, gv)
        rule = op.matrix_rules(sp, sp.MatrixSymbol("H", G.shape[0], 1), sp.MatrixSymbol("W", 1, G.shape[1]),
                               sp.MatrixSymbol("b", G.shape[1], 1), G)["b"]
    else:
        (g, gv), (w, wv) = items
        G, W = _mat(g, gv), _mat(w, wv)
        rule = op.matrix_rules(sp, sp.MatrixSymbol("H", G.shape[0], W.shape[0]), W,
                               sp.MatrixSymbol("b", G.shape[1], 1), G)["H"]
    return sp.Eq(_mat(step.symbol, step.value), rule, evaluate=False)
