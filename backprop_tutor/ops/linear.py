"""The affine layer Z = H W + 1 b^T (eq. 18.8, 18.13), with W of shape n_in x n_out.

Forward, the three backward rules (18.14)-(18.16) and the symbolic forms sit here
together. `matrix_rules` writes the same rules as sympy matrix expressions; the
tests evaluate them and compare with `backward`, so the matrix formula a student
reads is the one the numbers come from.
"""

from __future__ import annotations

from ..lazy import numpy as np

from .base import Op, presents
from .update import GradientDescent
from ..i18n import N_


class Linear(Op):
    name = "linear"
    title = N_("affine map")
    learnable = ("W", "b")
    #: the op that turns the stored W into the matrix multiplied by (None: W itself)
    weight_op = None
    #: the update of each learnable parameter
    update_op = GradientDescent()
    #: a fused in-place update of W that also writes the matrix multiplied by (None: W itself is)
    update_weights = None

    @classmethod
    def of(cls, clip: float = 1.0) -> "Linear":
        """The op for a layer whose latent weights are clipped to [-clip, clip] (if it clips)."""
        return cls()

    def forward(self, h: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        return h @ w + b

    def weights(self, w: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """The matrix the layer multiplies by (`out`: a buffer it may be written into)."""
        return w

    def apply(self, h: np.ndarray, w_used: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Z = H W + b with the matrix from `weights` (the network's forward)."""
        z = h @ w_used
        z += b
        return z

    def terms(self, step) -> int:
        """z_j sums over the inputs, dL/dw_ij and dL/db_j over the samples, dL/dh_i over the units."""
        if step.role == "forward":
            return int(np.shape(step.args["h"])[-1])
        if step.role in ("weight_grad", "bias_grad"):
            return int(np.shape(step.args["g"])[0]) if np.ndim(step.args["g"]) > 1 else 1
        return int(np.shape(step.args["g"])[-1])

    def backward(self, grad_z: np.ndarray, h: np.ndarray, w: np.ndarray):
        """(dL/dH, dL/dW, dL/db) from dL/dZ, with W as stored."""
        return self.backward_used(grad_z, h, self.weights(w))

    def backward_used(self, grad_z: np.ndarray, h: np.ndarray, w: np.ndarray, need_input: bool = True,
                      out: np.ndarray | None = None, scale: float | None = None, lazy: bool = False):
        """(dL/dH, dL/dW, dL/db) from dL/dZ; `w` is the matrix the forward multiplied by.

        dL/db is a sum over the batch, not a mean: any 1/m already sits inside L,
        so each sample's contribution arrives pre-scaled. `need_input=False` skips
        dL/dH (the first layer's inputs are data); `out` is a buffer for dL/dW, which may
        be the one `w` is in: dL/dW is written after the last read of w. `scale` (the
        learning rate, float32 training) gives scale * dL/dW instead, as H^T (scale G);
        `lazy`: dL/dW = Hᵀ G kept as its factors, worked out a block of rows at a time.
        """
        grad_h = grad_z @ w.T if need_input else None
        g_w = grad_z if scale is None else grad_z * scale
        if lazy:
            from ..engine.lazy import Product

            return grad_h, Product(h.T, g_w), grad_z.sum(axis=0)
        return grad_h, np.matmul(h.T, g_w, out=out), grad_z.sum(axis=0)

    def updater(self, slot: str):
        """The update rule of the learnable parameter in `slot`."""
        return self.update_op

    # symbolic forms --------------------------------------------------------
    def symbolic(self, sp, h, w_column, b):
        """One output unit: z_j = sum_i h_i w_ij + b_j (h and w_column are lists)."""
        return sp.Add(*[hi * wi for hi, wi in zip(h, w_column)]) + b

    def matrix_forward(self, sp, H, W, b):
        """Z = H W + 1 b^T with sympy matrix symbols (b is a column n_out x 1)."""
        ones = sp.OneMatrix(H.shape[0], 1)
        return sp.MatMul(H, W) + sp.MatMul(ones, b.T)

    def matrix_rules(self, sp, H, W, b, G):
        """The backward rules as sympy matrix expressions of G = dL/dZ."""
        ones = sp.OneMatrix(G.shape[0], 1)
        return {
            "H": sp.MatMul(G, W.T),  # (18.14)
            "W": sp.MatMul(H.T, G),  # (18.15)
            "b": sp.MatMul(G.T, ones),  # (18.16)
        }


presents(Linear, "forward", rule="affine.forward")
presents(Linear, "weight_grad", rule="affine.weight")
presents(Linear, "bias_grad", rule="affine.bias")
presents(Linear, "input_grad", rule="affine.input")
