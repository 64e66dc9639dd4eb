"""Maxout (Goodfellow et al. 2013): each unit is the largest of k affine pieces.

    a_u = max_p (w_{u,p}ᵀ x + b_{u,p}),   p = 1 .. k

Not element-wise: a unit reads k numbers. The layer's affine map produces them all, so a
maxout layer of n units has a pre-activation Z of width n·k, W of shape n_in x (n·k) and
n·k biases. Piece p of unit u (both counted from 0) is column u·k + p of Z, W and b:
unit 0's pieces come first, then unit 1's, and so on.

The backward rule routes dL/da_u to the piece that won (the first one on a tie) and gives
0 to the others, the same subgradient as max-pooling in every framework.
"""

from __future__ import annotations

from ..lazy import numpy as np

from .activations import Activation, real, register
from .base import presents


@register
class Maxout(Activation):
    name = "maxout"
    title = "maxout"
    elementwise = False
    #: a hidden layer may take it (unlike softmax, which normalises the output row)
    hidden = True
    parameters = ("pieces",)

    def __init__(self, pieces: float = 2) -> None:
        super().__init__(pieces=pieces)
        #: the number k of affine pieces per unit: Z has k columns per unit
        self.pieces = int(pieces)

    def __repr__(self) -> str:
        return f"maxout(pieces={self.pieces})"

    def _blocks(self, z):
        z = np.asarray(z)
        return z.reshape(z.shape[0], -1, self.pieces)

    def winners(self, z) -> np.ndarray:
        """For each sample and unit, the piece that gives the maximum (the first on a tie)."""
        return self._blocks(z).argmax(axis=2)

    def forward(self, z):
        return self._blocks(z).max(axis=2).astype(real(z), copy=False)

    def backward(self, z, a, grad_a):
        blocks = self._blocks(z)
        out = np.zeros(blocks.shape, dtype=np.result_type(real(z), np.asarray(grad_a).dtype))
        np.put_along_axis(out, self.winners(z)[..., None], np.asarray(grad_a)[..., None], axis=2)
        return out.reshape(np.shape(z))

    def derivative(self, z, a):
        self.missing("element-wise derivative (maxout reads k pieces per unit; use backward)")

    def symbolic(self, sp, z):
        """z is a list of one unit's k piece symbols; returns max of them."""
        return sp.Max(*z)


presents(Maxout, "forward", rule="maxout.forward")
presents(Maxout, "backward", rule="maxout.backward")
