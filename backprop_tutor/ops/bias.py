"""A layer's bias shared by its units, a layer without a bias, and frozen parameters.

`bias: shared` (the widely used 2-2-2 worked example writes one bias per layer):

    z_sj = sum_i h_si w_ij + b        dL/db = sum over samples s and units j of dL/dz_sj

b is one number; the same b is broadcast to every unit and every row, so the chain rule
through that broadcast sums dL/dZ over both. `training.frozen` names parameters that keep
their value: the pass still computes and shows their gradient, and their update step
writes θ′ = θ.
"""

from __future__ import annotations

from ..lazy import numpy as np

from .base import presents
from .linear import Linear
from .update import GradientDescent
from ..i18n import N_


class SharedBiasLinear(Linear):
    """Z = H W + b 1 1ᵀ: one bias b for every unit of the layer."""

    name = "linear_shared_bias"
    #: b is one number for the whole layer (a step about it names it b⁽ˡ⁾, not b1⁽ˡ⁾)
    shared_bias = True
    title = N_("affine map, one shared bias")

    def backward_used(self, grad_z, h, w, need_input=True, out=None, scale=None, lazy=False):
        grad_h, grad_w, grad_b = super().backward_used(grad_z, h, w, need_input, out, scale, lazy)
        return grad_h, grad_w, np.atleast_1d(grad_b.sum())

    def symbolic(self, sp, h, w_column, b):
        return sp.Add(*[hi * wi for hi, wi in zip(h, w_column)]) + b

    def matrix_forward(self, sp, H, W, b):
        """Z = H W + 1 b 1ᵀ (b is 1 x 1)."""
        return sp.MatMul(H, W) + sp.MatMul(sp.OneMatrix(H.shape[0], 1), b, sp.OneMatrix(1, W.shape[1]))

    def matrix_rules(self, sp, H, W, b, G):
        rules = super().matrix_rules(sp, H, W, b, G)
        rules["b"] = sp.MatMul(sp.OneMatrix(1, G.shape[0]), G, sp.OneMatrix(G.shape[1], 1))
        return rules


presents(SharedBiasLinear, "forward", rule="shared.forward")
presents(SharedBiasLinear, "bias_grad", rule="shared.bias")


class NoBiasLinear(Linear):
    """Z = H W: a layer without a bias (`bias: none`, the notebook's z = W⁽¹⁾x). There is no
    b to read, draw, update or differentiate by: W is its only parameter."""

    name = "linear_no_bias"
    learnable = ("W",)
    title = N_("linear map, no bias")

    def forward(self, h, w, b=None):
        return h @ w

    def apply(self, h, w_used, b=None):
        return h @ w_used

    def backward_used(self, grad_z, h, w, need_input=True, out=None, scale=None, lazy=False):
        grad_h, grad_w, _grad_b = super().backward_used(grad_z, h, w, need_input, out, scale, lazy)
        return grad_h, grad_w, None

    def symbolic(self, sp, h, w_column, b=None):
        return sp.Add(*[hi * wi for hi, wi in zip(h, w_column)])

    def matrix_forward(self, sp, H, W, b=None):
        return sp.MatMul(H, W)

    def matrix_rules(self, sp, H, W, b, G):
        rules = super().matrix_rules(sp, H, W, b, G)
        del rules["b"]
        return rules


class Frozen(GradientDescent):
    """The update of a frozen parameter: θ′ = θ (its gradient is computed and shown, not used)."""

    name = "frozen"
    title = N_("frozen (not updated)")

    def forward(self, theta, grad, lr):
        return np.array(theta, copy=True)

    def forward_inplace(self, theta, grad, lr, scaled=False):
        return theta

    def extra(self) -> dict:
        from ..i18n import _

        return {"note": _("frozen: this parameter is not updated (training.frozen); θ′ = θ"),
                "title": N_("frozen: not updated")}

    def symbolic(self, sp, theta, grad, lr):
        return theta


presents(Frozen, "update", rule="update.update")
