"""The multiclass hinge (SVM) loss on raw class scores.

For a row i with scores s (the identity output ŷ) and its one-hot target y (the class y_i):

    margin_ij = s_ij - s_i,y_i + Δ       (j ≠ y_i)
    L_i       = Σ_{j ≠ y_i} max(0, margin_ij)
    L         = c · Σ_i L_i              (c = 1/m for samples: mean, 1 for sum)

dL/ds_ij = c · 1[margin_ij > 0] for j ≠ y_i and dL/ds_i,y_i = -c · Σ_{j ≠ y_i} 1[margin_ij > 0].
At a kink (margin exactly 0) the subgradient 0 is taken: a margin counts as active only
when it is strictly positive.

Unlike the other losses, a row's terms depend on each other (every margin reads the score of
the true class), so forward and backward are written for the whole row here.
"""

from __future__ import annotations

from ..lazy import numpy as np

from ..errors import UnsupportedError
from ..i18n import N_, _
from .base import presents
from .losses import LOSSES, REDUCTIONS, Loss, Number


class Hinge(Loss):
    name = "hinge"
    title = N_("multiclass hinge (SVM) loss")
    options = {"samples": REDUCTIONS, "margin": Number(0.0)}
    #: the output activations this loss takes (scores, not probabilities)
    outputs = ("identity",)
    #: each row of targets must be one-hot
    one_hot = True

    def __init__(self, samples: str = "mean", margin: float = 1.0) -> None:
        super().__init__(samples)
        self.margin = float(margin)

    @staticmethod
    def classes(y: np.ndarray) -> np.ndarray:
        """The true class of each row: where its one-hot target is 1."""
        return np.argmax(y, axis=1)

    def margins(self, yhat: np.ndarray, y: np.ndarray) -> np.ndarray:
        """margin_ij = s_ij - s_i,y_i + Δ, with the true class's own entry set to 0 (it is not a term)."""
        out, own = self._margins(yhat, y)
        out[own] = 0.0
        return out

    def _margins(self, yhat, y):
        """(every s_ij - s_i,y_i + Δ, where j is the row's true class)."""
        yhat = np.atleast_2d(yhat)
        rows, classes = np.arange(yhat.shape[0]), self.classes(np.atleast_2d(y))
        own = np.zeros(yhat.shape, dtype=bool)
        own[rows, classes] = True
        return yhat - yhat[rows, classes][:, None] + self.margin, own

    def term(self, yhat, y, one_minus=None):
        return np.maximum(self.margins(yhat, y), 0.0)

    def term_grad(self, yhat, y, one_minus=None):
        active = (self.margins(yhat, y) > 0).astype(float)
        rows = np.arange(active.shape[0])
        active[rows, self.classes(np.atleast_2d(y))] = -active.sum(axis=1)
        return active

    def step_extra(self, yhat, y) -> dict:
        """The margins the loss counts, how many are active, and the convention at a kink."""
        margins, own = self._margins(yhat, y)
        terms = margins[~own]
        note = _("M[i, j] = ŷ[i, j] − ŷ[i, y[i]] + Δ for j ≠ y[i] (y[i]: the true class of row i): "
                 "{active} of {count} above 0 (active); θ(u) = 1 for u > 0, else 0").format(
                     active=int((terms > 0).sum()), count=int(terms.size))
        if (terms == 0).any():
            note += "; " + _("{kinks} at exactly 0 (a kink: the subgradient 0 is taken)").format(
                kinks=int((terms == 0).sum()))
        return {"note": note}

    def symbolic_term(self, sp, yhat, y):
        raise UnsupportedError(_("explain does not derive through the multiclass hinge loss: each of its "
                                 "terms reads the whole row's scores (the true class's score is in every "
                                 "margin), and the derivation here goes one output at a time; `tutor run` "
                                 "shows the margins and dL/dŷ, each line derived by sympy"))

    def entries(self, step) -> int:
        m = int(np.atleast_2d(step.args["yhat"]).shape[0])
        return m + 1 if step.role == "loss" else int(np.size(step.args["yhat"]))

    def terms(self, step) -> int:
        return max(1, int(np.atleast_2d(step.args["yhat"]).shape[1]) - 1)

    def describe(self) -> str:
        over = N_("averaged over {what}") if self.samples == "mean" else N_("summed over {what}")
        how = _(over).format(what=_("samples"))
        return _("multiclass hinge (SVM) loss, margin Δ = {margin}, {how}").format(
            margin=format(self.margin, "g"), how=how)


LOSSES[Hinge.name] = Hinge
presents(Hinge, "loss", rule="hinge.hinge")
presents(Hinge, "loss_grad", rule="hinge.grad")
