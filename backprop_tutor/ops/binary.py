"""Binarized-network operations: sign with a straight-through estimator, and the
binary linear layer whose forward pass uses sign(W) of real-valued latent weights.

Neither op is differentiable in the ordinary sense (sign is flat almost everywhere),
so each one's backward rule is a *definition*, the straight-through estimator:

    sign + STE      a = sign(z) in {-1, +1}        dL/dz = dL/da * 1{|z| <= t}
    binary linear   Z = H sign(W) + 1 b^T          dL/dH = G sign(W)^T
                                                   dL/dW = H^T G      (straight through sign)
                                                   dL/db = G^T 1

The window t of the sign is the scenario's single `ste.threshold` field: every sign
layer reads it. An entry with |z| > t is *saturated*: its gradient is blocked.

Symbolic forms: sympy's own `sign` differentiates to a Dirac delta, which is not the
rule used here. So `symbolic` returns a sympy function `sgn_t` that prints as sign
and whose derivative rule (its `fdiff`) is the straight-through factor written as
an indicator, Piecewise((1, |z| <= t), (0, True)). `sp.diff` of the symbolic form
therefore gives exactly the factor the numeric backward multiplies by, and a chain
rule shows 1{|z| <= t} where the student expects it.

Latent-weight clipping (BinaryConnect, Courbariaux et al. 2015): after each update
the latent weights are clipped to [-c, c] (c = `clip`, 1 by default), so a weight
never drifts so far from 0 that its sign can no longer flip. The clipping is part of
the update (`ClippedGradientDescent`), not of the backward rule.

`symbolic` receives the sympy module as `sp`; importing this file never imports sympy.
"""

from __future__ import annotations

from ..lazy import numpy as np

from .activations import Activation, real, register
from .linear import Linear
from .update import GradientDescent
from ..i18n import N_

_SYMBOLIC_CACHE: dict = {}


def sign(x: np.ndarray) -> np.ndarray:
    """sign with sign(0) = +1, so every output is -1 or +1 (never 0).

    Written as 2 * 1{x >= 0} - 1 in place: the same numbers as
    np.where(x >= 0, 1.0, -1.0), about three times faster on large matrices.
    """
    out = (np.asarray(x) >= 0).astype(real(x))
    out *= 2.0
    out -= 1.0
    return out


def passed(mask: np.ndarray, g: np.ndarray) -> np.ndarray:
    """np.where(mask, g, 0.0): g where the mask is true, +0.0 elsewhere (even where g is
    inf or nan). For a float32 or float64 g of the mask's shape this is done on the bits,
    g AND (all ones or all zeros): the same numbers, several times faster than np.where
    on a mask with no pattern (the straight-through backward of every training batch)."""
    g = np.asarray(g)
    if g.dtype not in (np.float32, np.float64) or g.shape != np.shape(mask):
        return np.where(mask, g, 0.0)
    ints = np.dtype(f"i{g.dtype.itemsize}")
    keep = np.negative(np.asarray(mask, dtype=bool).view(np.int8), dtype=ints)  # 0 or -1 (every bit set)
    return np.bitwise_and(g.view(ints), keep, out=keep).view(g.dtype)


def ste_mask(z: np.ndarray, threshold: float) -> np.ndarray:
    """True where the gradient passes: |z| <= t."""
    return np.abs(z) <= threshold


def saturated_ratio(z: np.ndarray, threshold: float) -> float:
    """The share of entries whose gradient is blocked (|z| > t), in [0, 1]."""
    z = np.asarray(z)
    return float(np.count_nonzero(np.abs(z) > threshold)) / z.size if z.size else 0.0


def _straight_through_function(sp, name: str, factor):
    """A sympy function printed as `name` whose derivative is `factor(z)`.

    Built on demand (and cached) so that importing this module never imports sympy.
    `factor` is a callable taking the argument and returning the STE factor.
    """

    key = (id(sp), name, factor.__qualname__, getattr(factor, "threshold", None))
    if key in _SYMBOLIC_CACHE:
        return _SYMBOLIC_CACHE[key]

    class _STE(sp.Function):
        nargs = 1

        @classmethod
        def eval(cls, x):
            if x.is_number and x.is_real:
                return sp.Integer(1) if x >= 0 else sp.Integer(-1)
            return None

        def fdiff(self, argindex=1):
            return factor(self.args[0])

        def _sympystr(self, printer):
            return f"{name}({printer._print(self.args[0])})"

        def _latex(self, printer):
            return rf"\operatorname{{{name}}}\left({printer._print(self.args[0])}\right)"

    _STE.__name__ = name
    _SYMBOLIC_CACHE[key] = _STE
    return _STE


class SignSTE(Activation):
    """a = sign(z) in {-1, +1}; backward passes dL/da where |z| <= t, blocks it elsewhere."""

    name = "sign"
    title = N_("sign")
    #: its backward rule is a chosen surrogate (the straight-through estimator), not a derivative
    straight_through = True
    #: the window t; a scenario sets it once for every sign layer (`ste.threshold`)
    parameters = ("threshold",)

    def __init__(self, threshold: float = 1.0) -> None:
        super().__init__(threshold=threshold)  # in params, like every activation's parameters

    @property
    def threshold(self) -> float:
        return self.params["threshold"]

    def __repr__(self) -> str:
        return f"sign(STE |z| <= {self.threshold:g})"

    # numeric forms --------------------------------------------------------
    def forward(self, z):
        return sign(z)

    def mask(self, z: np.ndarray) -> np.ndarray:
        """1{|z| <= t}: where the straight-through gradient passes."""
        return ste_mask(z, self.threshold)

    def saturation(self, z: np.ndarray) -> float:
        """Share of entries with |z| > t (their gradient is blocked)."""
        return saturated_ratio(z, self.threshold)

    def derivative(self, z, a):
        """Not sign's derivative (0 almost everywhere): the straight-through factor."""
        return self.mask(z).astype(real(z))

    def backward(self, z, a, grad_a):
        return passed(self.mask(z), grad_a)

    def blocked_ratio(self, z):
        return self.saturation(z)

    def step_extra(self, z) -> dict:
        """What a sign step shows besides its values: the mask, the saturated ratio, t."""
        return {"mask": self.mask(z), "saturated": self.saturation(z), "threshold": self.threshold}

    # symbolic forms -------------------------------------------------------
    def ste_factor(self, sp, z):
        """The straight-through factor 1{|z| <= t} as a sympy expression."""
        t = sp.Integer(int(self.threshold)) if self.threshold == int(self.threshold) else sp.Float(self.threshold)
        return sp.Piecewise((sp.Integer(1), sp.Abs(z) <= t), (sp.Integer(0), True))

    def symbolic(self, sp, z):
        factor = lambda x: self.ste_factor(sp, x)  # noqa: E731
        factor.threshold = self.threshold
        return _straight_through_function(sp, "sign", factor)(z)


register(SignSTE)


class WeightSign(Activation):
    """W^b = sign(W) of the latent weights; backward straight through: dL/dW = dL/dW^b.

    The step-by-step engine shows this as its own operation before the affine map,
    so the student sees the binarized matrix the layer really multiplies by.
    """

    name = "binarize"
    title = N_("sign of the latent weights")
    straight_through = True

    @property
    def label(self) -> str:
        return "sign"

    def forward(self, z):
        return sign(z)

    def derivative(self, z, a):
        return np.ones_like(z, dtype=float)

    def backward(self, z, a, grad_a):
        return np.array(grad_a, dtype=float, copy=True)

    def ste_factor(self, sp, w):
        return sp.Integer(1)

    def symbolic(self, sp, z):
        factor = lambda x: sp.Integer(1)  # noqa: E731
        factor.threshold = None
        return _straight_through_function(sp, "sign", factor)(z)


class ClippedGradientDescent(GradientDescent):
    """theta <- clip(theta - eta dL/dtheta, -c, c): the latent-weight update of a binary layer."""

    name = "clipped_gradient_descent"
    title = N_("gradient-descent update, latent weights clipped")

    def __init__(self, clip: float = 1.0) -> None:
        self.clip = float(clip)

    def forward(self, theta, grad, lr):
        return np.clip(theta - lr * grad, -self.clip, self.clip)

    def forward_inplace(self, theta: np.ndarray, grad: np.ndarray, lr: float, scaled: bool = False) -> np.ndarray:
        """The same update written into theta (the training loop's fast path)."""
        super().forward_inplace(theta, grad, lr, scaled)
        np.clip(theta, -self.clip, self.clip, out=theta)
        return theta

    def extra(self) -> dict:
        return {"clip": self.clip}

    def symbolic(self, sp, theta, grad, lr):
        """Entry by entry: theta' = min(c, max(-c, theta - eta g))."""
        if getattr(theta, "is_Matrix", False):
            theta, grad = sp.Symbol(f"{theta.name}_ij"), sp.Symbol(f"({grad.name})_ij")
        c = sp.Integer(int(self.clip)) if self.clip == int(self.clip) else sp.Float(self.clip)
        inner = sp.Add(theta, -lr * grad, evaluate=False)
        return sp.Min(c, sp.Max(-c, inner, evaluate=False), evaluate=False)


class BinaryLinear(Linear):
    """Z = H sign(W) + 1 b^T, with real-valued latent weights W (n_in x n_out).

    Backward: dL/dH = G sign(W)^T; dL/dW = H^T G (straight through the sign, as in
    the notes' `grad_weight = grad_output.T @ x`); dL/db = sum of G over the batch.
    """

    name = "binary_linear"
    title = N_("binary affine map")
    binarize = WeightSign()
    weight_op = binarize

    def __init__(self, clip: float = 1.0) -> None:
        self.clipped = ClippedGradientDescent(clip)

    @classmethod
    def of(cls, clip: float = 1.0) -> "BinaryLinear":
        return cls(clip)

    def forward(self, h, w, b):
        return h @ sign(w) + b

    def weights(self, w, out=None):
        """sign(W), written into `out` when given (the same numbers as `sign`)."""
        if out is None:
            return sign(w)
        np.greater_equal(w, 0, out=out)
        out *= 2.0
        out -= 1.0
        return out


    def updater(self, slot):
        return self.clipped if slot == "W" else self.update_op

    #: bytes of W updated and binarized together (that block of W and of the buffer stay in L2)
    BLOCK_BYTES = 1 << 19

    def update_weights(self, theta: np.ndarray, grad: np.ndarray, lr: float, scaled: bool = False) -> np.ndarray:
        """The clipped update written into theta, then sign(theta) into grad, the buffer the
        next forward pass multiplies by: a block of rows at a time, each binarized while it is
        still in cache (a float32 batch of the 784-512-512-10 benchmark measured 1.02x, float64
        1.13x, against one pass over the whole matrix per operation). The same numbers as
        `clipped.forward_inplace` then `weights(theta, out=grad)`; `scaled`: grad is already
        eta dL/dW."""
        rows = max(1, self.BLOCK_BYTES // max(1, theta[:1].nbytes))
        for start in range(0, theta.shape[0], rows):
            block, scratch = theta[start:start + rows], grad[start:start + rows]
            self.clipped.forward_inplace(block, scratch, lr, scaled)
            self.weights(block, out=scratch)
        return grad

    # symbolic forms -------------------------------------------------------
    def symbolic(self, sp, h, w_column, b):
        """One output unit: z_j = sum_i h_i sign(w_ij) + b_j."""
        s = self.binarize.symbolic
        return sp.Add(*[hi * s(sp, wi) for hi, wi in zip(h, w_column)]) + b

    def matrix_forward(self, sp, H, W, b):
        ones = sp.OneMatrix(H.shape[0], 1)
        Wb = sp.MatrixSymbol(f"sign({W.name})", *W.shape)
        return sp.MatMul(H, Wb) + sp.MatMul(ones, b.T)

    def matrix_rules(self, sp, H, W, b, G):
        ones = sp.OneMatrix(G.shape[0], 1)
        Wb = sp.MatrixSymbol(f"sign({W.name})", *W.shape)
        return {
            "H": sp.MatMul(G, Wb.T),
            "W": sp.MatMul(H.T, G),  # straight through sign(W)
            "b": sp.MatMul(G.T, ones),
        }
