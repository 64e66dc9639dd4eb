"""Activation functions: each one's forward, backward and symbolic form together.

An activation works element by element on a pre-activation matrix Z (samples x
units) and gives A = f(Z). Its backward rule turns dL/dA into dL/dZ. Its symbolic
form is the same function written with sympy; the symbolic layer differentiates
it, so the derivative a student sees is derived, never typed.

`symbolic` receives the sympy module as `sp`, so importing this file never
imports sympy (the `--json` and `list` paths stay fast).
"""

from __future__ import annotations

from ..lazy import numpy as np

from .base import Op, presents
from .update import GradientDescent
from .diagnostics import dead_units, saturated_units


def real(x) -> np.dtype:
    """The floating type results about x are computed in: x's own (float32 when training
    by epochs in float32), float64 for anything else (integers, Python numbers)."""
    dtype = np.asarray(x).dtype
    return dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)


class Activation(Op):
    """One element-wise activation. Subclasses set `name` and the three forms.

    The network calls `apply` and `grads`, which take the op's learnable
    parameters (`theta`, by slot) as they stand in the current iteration; an
    activation without learnable parameters has them as `forward` / `backward`.
    """

    #: the z where the derivative jumps and the rule takes a subgradient (none for a smooth one)
    kinks: tuple = ()

    name: str = ""
    title: str = ""
    elementwise = True
    #: names of the numeric parameters this activation takes (e.g. leaky ReLU's slope)
    parameters: tuple[str, ...] = ()
    #: every output lies in (0, 1) (a loss may take its log and the log of 1 minus it)
    probabilities = False
    #: each row of outputs is a probability distribution (sums to 1)
    distribution = False

    def __init__(self, **params: float) -> None:
        self.params = {k: float(v) for k, v in params.items()}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v:g}" for k, v in self.params.items())
        return f"{self.name}({args})" if args else self.name

    # numeric forms --------------------------------------------------------
    def forward(self, z: np.ndarray) -> np.ndarray:
        self.missing("forward")

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """f'(z) element by element, given z and a = f(z)."""
        self.missing("derivative")

    def backward(self, z: np.ndarray, a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
        """dL/dZ = dL/dA (element-wise times) f'(Z)   (eq. 18.18)."""
        return grad_a * self.derivative(z, a)

    def apply(self, z: np.ndarray, theta: dict) -> np.ndarray:
        """A = f(Z) with the learnable parameters `theta` (by slot)."""
        return self.forward(z)

    def grads(self, grad_a: np.ndarray, z: np.ndarray, a: np.ndarray, theta: dict):
        """(dL/dZ, {slot: dL/dparameter}) from dL/dA."""
        return self.backward(z, a, grad_a), {}

    def updater(self, slot: str):
        """The update rule of a learnable parameter of this activation."""
        return GradientDescent()

    def terms(self, step) -> int:
        """dL/dparameter sums over every entry of the layer; the other lines sum nothing."""
        return int(np.size(step.args["g"])) if step.role == "param_grad" else 1

    def blocked_ratio(self, z: np.ndarray) -> float | None:
        """For an op whose backward blocks part of the gradient: the share blocked."""
        return None

    def step_extra(self, z: np.ndarray) -> dict:
        """Op-specific numbers its forward and backward steps show."""
        return {}

    def complement(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """1 - a, computed without cancellation where the op knows how (a loss on a
        probability reads it: log(1 - yhat) near yhat = 1)."""
        return 1.0 - a

    # symbolic form --------------------------------------------------------
    def symbolic(self, sp, z):
        """f(z) as a sympy expression of the scalar symbol z."""
        self.missing("symbolic form")

    def diagnose(self, step) -> list:
        """Warnings about this activation's units, from its forward or backward step."""
        if step.role not in ("forward", "backward"):
            return []
        return self.unit_warnings(step.args["z"], step.args["a"], step.layer)

    def unit_warnings(self, z: np.ndarray, a: np.ndarray, layer: int | None) -> list:
        return []


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # exp(-|z|) never overflows; both branches are the same function
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class Identity(Activation):
    name = "identity"
    title = "id"

    def forward(self, z):
        return np.array(z, dtype=real(z), copy=True)

    def derivative(self, z, a):
        return np.ones_like(z, dtype=real(z))

    def symbolic(self, sp, z):
        return z


class Sigmoid(Activation):
    name = "sigmoid"
    title = "σ"
    probabilities = True

    def forward(self, z):
        return _sigmoid(z)

    def derivative(self, z, a):
        # a (1 - a), computed as sigma(z) sigma(-z): the same number without the
        # cancellation in 1 - a, so a saturated unit shows f'(z) = 1.5e-36, not 0
        return _sigmoid(z) * _sigmoid(-z)

    def complement(self, z, a):
        return _sigmoid(-z)  # 1 - sigma(z) exactly: 1 - a would keep only the rounding of a near 1

    def symbolic(self, sp, z):
        return 1 / (1 + sp.exp(-z))

    def unit_warnings(self, z, a, layer):
        return saturated_units(self, z, a, 0.25, layer)


class Tanh(Activation):
    name = "tanh"
    title = "tanh"

    def forward(self, z):
        return np.tanh(z)

    def derivative(self, z, a):
        # 1 - a^2, computed as 1 / cosh(z)^2 so that it stays accurate (not 0) when |a| rounds to 1
        with np.errstate(over="ignore"):
            return 1.0 / np.cosh(z) ** 2

    def symbolic(self, sp, z):
        return sp.tanh(z)

    def unit_warnings(self, z, a, layer):
        return saturated_units(self, z, a, 1.0, layer)


class ReLU(Activation):
    name = "relu"
    title = "ReLU"
    #: where the derivative jumps (a subgradient is taken there)
    kinks = (0.0,)

    def forward(self, z):
        return np.maximum(z, 0.0)

    def derivative(self, z, a):
        # the subgradient at 0 is taken as 0, as in every framework
        return (z > 0).astype(real(z))

    def symbolic(self, sp, z):
        return sp.Piecewise((z, z > 0), (0, True))

    def unit_warnings(self, z, a, layer):
        return dead_units(z, layer)


class LeakyReLU(Activation):
    name = "leaky_relu"
    title = "LeakyReLU"
    kinks = (0.0,)
    parameters = ("slope",)

    def __init__(self, slope: float = 0.01) -> None:
        super().__init__(slope=slope)

    def forward(self, z):
        return np.where(z > 0, z, self.params["slope"] * z)

    def derivative(self, z, a):
        return np.where(z > 0, 1.0, self.params["slope"]).astype(real(z), copy=False)

    def symbolic(self, sp, z):
        return sp.Piecewise((z, z > 0), (sp.Float(self.params["slope"]) * z, True))


class ELU(Activation):
    name = "elu"
    title = "ELU"
    parameters = ("alpha",)

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__(alpha=alpha)

    def forward(self, z):
        alpha = self.params["alpha"]
        return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))

    def derivative(self, z, a):
        alpha = self.params["alpha"]
        return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))

    def symbolic(self, sp, z):
        return sp.Piecewise((z, z > 0), (sp.Float(self.params["alpha"]) * (sp.exp(z) - 1), True))


class Swish(Activation):
    """swish(z) = z * sigmoid(beta z)  (beta = 1 is also called SiLU). As beta -> 0 it tends to
    z/2 (sigmoid(0) = 1/2; the MLP notebook's "tends to x" is a slip), as beta -> inf to ReLU."""

    name = "swish"
    title = "swish"
    parameters = ("beta",)

    def __init__(self, beta: float = 1.0) -> None:
        super().__init__(beta=beta)

    def forward(self, z):
        return z * _sigmoid(self.params["beta"] * z)

    def derivative(self, z, a):
        beta = self.params["beta"]
        s = _sigmoid(beta * z)
        return s + beta * z * s * (1.0 - s)

    def symbolic(self, sp, z):
        return z / (1 + sp.exp(-self._beta(sp) * z))

    def _beta(self, sp):
        return sp.Float(self.params["beta"]) if self.params["beta"] != 1 else sp.Integer(1)

    def symbolic_derivative(self, sp, z):
        """f'(z) = σ(βz) + βzσ(βz)(1 − σ(βz)), as the MLP notebook writes it: sympy differentiates
        z·σ(βz), the symbolic form with σ(x) = 1/(1 + e^(−x)) kept as a function (ops/sigmafn.py).
        As β → 0, swish(z) → z/2 (not z); as β → ∞, it tends to ReLU."""
        from .sigmafn import sigmoid_function, textbook_order

        sigma = sigmoid_function(sp)
        return textbook_order(sp, sp.diff(z * sigma(self._beta(sp) * z), z), sigma)


def _sum_of_others(v: np.ndarray, top: np.ndarray) -> np.ndarray:
    """For each entry, the sum of the other entries of its row. At the row's dominant entry
    `top` the others are summed directly: the total minus that entry would keep only the
    rounding of its large value."""
    others = v.sum(axis=1, keepdims=True) - v
    rows = np.arange(v.shape[0])
    masked = v.copy()
    masked[rows, top] = 0.0
    others[rows, top] = masked.sum(axis=1)
    return others


class Softmax(Activation):
    """Softmax over the units of each sample (row); allowed at the output only."""

    name = "softmax"
    title = "softmax"
    elementwise = False
    probabilities = True
    distribution = True

    def forward(self, z):
        shifted = z - z.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=1, keepdims=True)

    def backward(self, z, a, grad_a):
        # Jacobian-vector product of softmax, one row at a time:
        #   dL/dz_j = a_j (dL/da_j - sum_k dL/da_k a_k)
        #           = a_j (dL/da_j (1 - a_j) - sum_{k != j} dL/da_k a_k)
        # the second form, with 1 - a_j from `complement` (exact where a_j is near 1)
        with np.errstate(invalid="ignore", over="ignore"):
            return a * (grad_a * self.complement(z, a) - _sum_of_others(grad_a * a, a.argmax(axis=1)))

    def complement(self, z, a):
        """1 - a_j as the sum of the row's other probabilities (no cancellation near a_j = 1)."""
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return _sum_of_others(e, e.argmax(axis=1)) / e.sum(axis=1, keepdims=True)

    def derivative(self, z, a):
        self.missing("element-wise derivative (softmax mixes its row; use backward)")

    def symbolic(self, sp, z):
        """z is a list of the row's symbols; returns the list of softmax outputs."""
        total = sum(sp.exp(zk) for zk in z)
        return [sp.exp(zj) / total for zj in z]


ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (Identity, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Swish, Softmax)
}



def register(cls: type[Activation]) -> type[Activation]:
    """Add an activation to the table (later operations use this, e.g. sign + STE)."""
    ACTIVATIONS[cls.name] = cls
    return cls

presents(Activation, "forward", rule="activation.forward")
presents(Activation, "backward", rule="activation.backward")
presents(Activation, "param_grad", rule="activation.param")
presents(Softmax, "forward", rule="activation.mixing_forward")
presents(Softmax, "backward", rule="activation.mixing_backward")
