"""How a layer with one shared bias is presented: z_sj = Σ_i h_si w_ij + b, dL/db = Σ_s Σ_j dL/dz_sj."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..elements import (Lines, _2d, _cells, _Collected, _element, _Formula, _grad, _loss_prefix,
                        _scalar_name, _weight_names)
from .affine import bias_equation, forward_equation  # noqa: F401  (the matrix forms, from the op's rules)


def forward_elements(step, fmt, limit):
    (hname, H), (wname, W), (bname, B) = step.inputs.items()
    H, W, b, Z = _2d(H), _2d(W), float(np.ravel(B)[0]), _2d(step.value)
    m, n_in = H.shape
    cells, omitted, total = _cells(Z.shape, limit)
    lines = _Collected()
    for s, j in cells:
        f = _Formula(fmt)
        hs = [f.sym(_element(hname, i, n_in, s, m), H[s, i]) for i in range(n_in)]
        ws = [f.sym(_weight_names(wname)(i, j), W[i, j]) for i in range(n_in)]
        expr = step.op.symbolic(sp, hs, ws, f.sym(_scalar_name(bname), b))
        lines.add(f, _element(step.symbol, j, Z.shape[1], s, Z.shape[0]), expr, Z[s, j])
    return Lines(lines, omitted, total)


def bias_elements(step, fmt, limit):
    """dL/db = Σ over samples and units of dL/dz_sj (dz_sj/db = 1 for every one of them)."""
    G = _2d(step.args["g"])
    m, k = G.shape
    prefix, names = _loss_prefix(step), step.names
    lines = _Collected()
    f = _Formula(fmt)
    expr = sp.Add(*[f.sym(_grad(prefix, _element(names["g"], j, k, s, m)), G[s, j])
                    for s in range(m) for j in range(k)], evaluate=False)
    lines.add(f, _grad(prefix, _scalar_name(names["out"])), expr, float(np.ravel(step.value)[0]))
    return Lines(lines, 0, 1)
