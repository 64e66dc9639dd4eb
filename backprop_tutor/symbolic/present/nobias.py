"""How a layer without a bias is presented: z_sj = Σ_i h_si w_ij, Z = H W (the op's own
symbolic form and matrix rule: no b term anywhere)."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..elements import Lines, _2d, _cells, _Collected, _element, _Formula, _linear_z
from ..formulas import _mat


def forward_elements(step, fmt, limit):
    (hname, H), (wname, W) = step.inputs.items()
    H, W, Z = _2d(H), _2d(W), _2d(step.value)
    cells, omitted, total = _cells(Z.shape, limit)
    lines = _Collected()
    for s, j in cells:
        f = _Formula(fmt)
        expr, *_ = _linear_z(step.op, f, hname, H, wname, W, "b", np.zeros(Z.shape[1]), s, j)
        lines.add(f, _element(step.symbol, j, Z.shape[1], s, Z.shape[0]), expr, Z[s, j])
    return Lines(lines, omitted, total)


def forward_equation(step):
    (h, hv), (w, wv) = step.inputs.items()
    return sp.Eq(_mat(step.symbol, step.value), step.op.matrix_forward(sp, _mat(h, hv), _mat(w, wv)),
                 evaluate=False)
