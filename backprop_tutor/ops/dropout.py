"""Inverted dropout on a layer's activations (drop probability p, `dropout: p` on a layer).

While training (`training.mode: train`) each activation is kept with probability 1 − p
and the kept ones are scaled by 1/(1 − p), so that the expected value of every unit is the
activation itself:

    d_sj = m_sj a_sj / (1 − p)          dL/da_sj = m_sj dL/dd_sj / (1 − p)

The mask m (0 or 1) is drawn from the scenario's seed (`training.seed`), the layer's number
and the training pass's number (`draw`: 0 for the pass `tutor run` shows, then one more
each iteration or minibatch), so a run is repeatable and training sees a new mask every
pass; the backward step multiplies by the same mask as its forward step. At inference
(`training.mode: inference`) inverted dropout is the identity, d = a: the scaling was
already done during training. (The slides' non-inverted variant keeps a unchanged during
training and multiplies by the keep probability at test time instead.)
"""

from __future__ import annotations

from ..lazy import numpy as np

from .base import Op, presents
from ..i18n import N_


class Dropout(Op):
    name = "dropout"
    title = N_("inverted dropout")

    def __init__(self, p: float, seed: int = 0, layer: int = 1, mode: str = "train") -> None:
        self.p, self.seed, self.layer, self.mode = float(p), int(seed), int(layer), mode

    @property
    def training(self) -> bool:
        return self.mode == "train"

    @property
    def scale(self) -> float:
        """1/(1 − p) while training, 1 at inference."""
        return 1.0 / (1.0 - self.p) if self.training else 1.0

    def mask(self, shape, draw: int = 0) -> np.ndarray:
        """The keep mask (1 kept, 0 dropped) of a batch of this shape in training pass `draw`:
        the same for the same pass, another for the next."""
        if not self.training:
            return np.ones(shape)
        rng = np.random.default_rng([self.seed, self.layer] + ([draw] if draw else []))
        return (rng.random(shape) >= self.p).astype(float)

    def apply(self, a: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return a * mask * self.scale

    def backward(self, g: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return g * mask * self.scale

    def symbolic(self, sp, a, m, scale=None):
        """One entry: a m · 1/(1 − p) while training (`scale` a symbol for 1/(1 − p), or its
        number), a at inference; the same for a gradient."""
        if not self.training:
            return a
        return a * m * (sp.Float(self.scale) if scale is None else scale)

    def json_extra(self, step) -> dict:
        """What `tutor run --json` adds to a step of this op: the mask, p, the scale and the mode."""
        return {"mask": step.args["m"], "p": self.p, "scale": self.scale, "mode": self.mode}

    def extra(self) -> dict:
        return {"p": self.p, "scale": self.scale, "mode": self.mode}


presents(Dropout, "forward", rule="dropout.forward")
presents(Dropout, "backward", rule="dropout.backward")
