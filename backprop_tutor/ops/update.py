"""Parameter updates and the L2 penalty, each with numeric and symbolic forms."""

from __future__ import annotations

from ..lazy import numpy as np

from .base import Op, presents
from ..i18n import N_


class GradientDescent(Op):
    """theta <- theta - eta * dL/dtheta   (eq. 18.19)."""

    name = "gradient_descent"
    title = N_("gradient descent")

    def forward(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
        return theta - lr * grad

    def forward_inplace(self, theta: np.ndarray, grad: np.ndarray, lr: float, scaled: bool = False) -> np.ndarray:
        """The same update written into theta; `grad` is used as scratch (the fast path).
        `scaled`: grad is already eta dL/dtheta."""
        if not scaled:
            grad *= lr
        theta -= grad
        return theta

    def extra(self) -> dict:
        """The numbers a step of this update shows besides the learning rate."""
        return {}

    def symbolic(self, sp, theta, grad, lr):
        add = sp.MatAdd if getattr(theta, "is_Matrix", False) else sp.Add
        return add(theta, -lr * grad, evaluate=False)


class L2Penalty(Op):
    """s = lambda/2 * sum of squared weights (biases are not penalised); ds/dW = lambda W."""

    name = "l2"
    title = N_("L2 penalty")

    def forward(self, weights: list[np.ndarray], lam: float) -> float:
        return 0.5 * lam * float(sum((w * w).sum() for w in weights))

    def backward(self, w: np.ndarray, lam: float) -> np.ndarray:
        return lam * w

    @staticmethod
    def applies_to(slot: str) -> bool:
        """Which learnable parameters are penalised: the weights, not biases or slopes."""
        return slot == "W"

    def symbolic(self, sp, w, lam):
        """The penalty on one weight entry."""
        return lam / 2 * w**2


presents(GradientDescent, "update", rule="update.update")
