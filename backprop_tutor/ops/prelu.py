"""PReLU: a leaky ReLU whose slope alpha is learned (one alpha per layer).

    a = z            for z > 0            dL/dz     = dL/da * (1 if z > 0 else alpha)
    a = alpha * z    otherwise            dL/dalpha = sum over every entry of dL/da * (0 if z > 0 else z)

alpha is a learnable parameter of the op (`learnable`): the network names it per
layer (alpha1, alpha2 ...), records its gradient step and updates it by gradient
descent like W and b. Its initial value is the scenario's `alpha` (0.25 by default).
"""

from __future__ import annotations

from ..lazy import numpy as np

from .activations import Activation, register


@register
class PReLU(Activation):
    kinks = (0.0,)
    name = "prelu"
    title = "PReLU"
    parameters = ("alpha",)
    learnable = ("alpha",)
    symbols = {"alpha": "α"}
    latex_symbols = {"alpha": r"\alpha"}

    def __init__(self, alpha: float = 0.25) -> None:
        super().__init__(alpha=alpha)

    def apply(self, z, theta):
        return np.where(z > 0, z, theta["alpha"] * z)

    def forward(self, z):
        return self.apply(z, self.params)

    def derivative(self, z, a):
        return np.where(z > 0, 1.0, self.params["alpha"])

    def grads(self, grad_a, z, a, theta):
        alpha = theta["alpha"]
        local = np.where(z > 0, 1.0, alpha)
        return grad_a * local, {"alpha": np.array((grad_a * np.where(z > 0, 0.0, z)).sum())}

    def symbolic(self, sp, z, alpha=None):
        alpha = sp.Float(self.params["alpha"]) if alpha is None else alpha
        return sp.Piecewise((z, z > 0), (alpha * z, True))
