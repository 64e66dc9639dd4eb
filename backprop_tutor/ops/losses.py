"""Losses: each one's forward, backward and symbolic form together.

Every loss here has the shape

    L = c * sum over samples i and outputs j of  term(yhat_ij, y_ij)

where the constant c says how the textbook averages (1/m over samples, 1/k over
outputs, a factor 1/2, or nothing). `term` is the numeric element loss, `term_grad`
its derivative with respect to yhat, and `symbolic_term` the same element loss in
sympy, from which the symbolic layer derives dL/dyhat.
"""

from __future__ import annotations

from ..lazy import numpy as np

from .base import Op, presents
from .diagnostics import LOG_EDGE, log_edge
from ..i18n import N_, _

REDUCTIONS = ("mean", "sum")


class Number:
    """A loss option that takes a number (at least `low`) instead of a choice among names."""

    def __init__(self, low: float) -> None:
        self.low = low


def _log(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """log(p), given q = 1 - p as exactly known: near p = 1, log1p(-q) keeps the digits that
    log(p) has rounded away (p's own rounding), so a tiny loss is not rounded to 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p > 0.5, np.log1p(-q), np.log(p))


def _weighted(w: np.ndarray, log: np.ndarray) -> np.ndarray:
    """w * log, with a term weighted by 0 contributing 0 (even where log is -inf)."""
    with np.errstate(invalid="ignore"):
        return np.where(w == 0, 0.0, w * log)


def _ratio(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x / y, with 0 / y = 0 even where y is 0 (the derivative of a term weighted by 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x == 0, 0.0, x / y)


class Loss(Op):
    name: str = ""
    title: str = ""
    #: options this loss takes in a scenario, with their allowed values
    options: dict[str, tuple] = {"samples": REDUCTIONS}
    #: what the output activation must give for this loss to be defined (an Activation flag)
    needs: str = ""

    def __init__(self, samples: str = "mean") -> None:
        self.samples = samples

    def __repr__(self) -> str:
        return self.name

    def scale(self, m: int, k: int) -> float:
        """The constant c in front of the double sum, for m samples and k outputs."""
        return 1.0 / m if self.samples == "mean" else 1.0

    def scale_symbolic(self, sp, m, k):
        return 1 / m if self.samples == "mean" else sp.Integer(1)

    # numeric forms ---------------------------------------------------------
    # `one_minus` is 1 - yhat as the output activation computes it without
    # cancellation (Activation.complement); losses that never read 1 - yhat ignore it.
    def term(self, yhat: np.ndarray, y: np.ndarray, one_minus=None) -> np.ndarray:
        self.missing("element term")

    def term_grad(self, yhat: np.ndarray, y: np.ndarray, one_minus=None) -> np.ndarray:
        self.missing("element gradient")

    def forward(self, yhat: np.ndarray, y: np.ndarray, one_minus=None) -> float:
        m, k = yhat.shape
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(self.scale(m, k) * self.term(yhat, y, one_minus).sum())

    def backward(self, yhat: np.ndarray, y: np.ndarray, one_minus=None) -> np.ndarray:
        """dL/dYhat, the same shape as yhat."""
        m, k = yhat.shape
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.scale(m, k) * self.term_grad(yhat, y, one_minus)

    # symbolic form -----------------------------------------------------------
    def symbolic_term(self, sp, yhat, y):
        self.missing("symbolic form")

    def entries(self, step) -> int:
        """The loss step shows one line per prediction entry, then the total."""
        n = int(np.size(step.args["yhat"]))
        return n + 1 if step.role == "loss" else n

    def step_extra(self, yhat: np.ndarray, y: np.ndarray) -> dict:
        """What the loss and its gradient's steps show besides the constants (none here)."""
        return {}

    def log_edges(self, yhat: np.ndarray, y: np.ndarray) -> np.ndarray | None:
        """Where the loss takes the log of (almost) 0; None for a loss without a log."""
        return None

    def diagnose(self, step) -> list:
        if step.role not in ("loss", "loss_grad"):
            return []
        edge = self.log_edges(np.atleast_2d(step.args["yhat"]), np.atleast_2d(step.args["y"]))
        return [] if edge is None else log_edge(edge, step.layer)

    def describe(self) -> str:
        return _(self.title)


class BinaryCrossEntropy(Loss):
    name = "binary_cross_entropy"
    title = N_("binary cross-entropy")
    needs = "probabilities"

    def term(self, yhat, y, one_minus=None):
        one_minus = 1.0 - yhat if one_minus is None else one_minus
        return -(_weighted(y, _log(yhat, one_minus)) + _weighted(1.0 - y, _log(one_minus, yhat)))

    def term_grad(self, yhat, y, one_minus=None):
        # (18.23): -y/yhat + (1-y)/(1-yhat); a term weighted by 0 contributes 0, and so
        # does its derivative (no 0/0 where a prediction equals its 0/1 target exactly)
        one_minus = 1.0 - yhat if one_minus is None else one_minus
        return -_ratio(y, yhat) + _ratio(1.0 - y, one_minus)

    def log_edges(self, yhat, y):
        return ((yhat <= LOG_EDGE) & (y > 0)) | ((yhat >= 1 - LOG_EDGE) & (y < 1))

    def symbolic_term(self, sp, yhat, y):
        return -(y * sp.log(yhat) + (1 - y) * sp.log(1 - yhat))


class MeanSquaredError(Loss):
    name = "mse"
    title = N_("squared error")
    options = {"samples": REDUCTIONS, "outputs": REDUCTIONS, "half": (True, False)}

    def __init__(self, samples: str = "mean", outputs: str = "mean", half: bool = False) -> None:
        super().__init__(samples)
        self.outputs = outputs
        self.half = bool(half)

    def scale(self, m, k):
        c = 0.5 if self.half else 1.0
        if self.samples == "mean":
            c /= m
        if self.outputs == "mean":
            c /= k
        return c

    def scale_symbolic(self, sp, m, k):
        c = sp.Rational(1, 2) if self.half else sp.Integer(1)
        if self.samples == "mean":
            c = c / m
        if self.outputs == "mean":
            c = c / k
        return c

    def term(self, yhat, y, one_minus=None):
        return (yhat - y) ** 2

    def term_grad(self, yhat, y, one_minus=None):
        return 2.0 * (yhat - y)

    def symbolic_term(self, sp, yhat, y):
        return (yhat - y) ** 2

    def describe(self) -> str:
        over = {"sum": N_("summed over {what}"), "mean": N_("averaged over {what}")}
        parts = [_(over[self.samples]).format(what=_("samples")) if self.samples in over else
                 _("{how} over samples").format(how=self.samples),
                 _(over[self.outputs]).format(what=_("outputs")) if self.outputs in over else
                 _("{how} over outputs").format(how=self.outputs)]
        if self.half:
            parts.append(_("times 1/2"))
        return _("squared error ({details})").format(details=", ".join(parts))


class CrossEntropy(Loss):
    """Categorical cross-entropy on probabilities (use after a softmax output)."""

    name = "cross_entropy"
    title = N_("softmax cross-entropy")
    needs = "distribution"

    def term(self, yhat, y, one_minus=None):
        return -_weighted(y, _log(yhat, 1.0 - yhat if one_minus is None else one_minus))

    def term_grad(self, yhat, y, one_minus=None):
        return -_ratio(y, yhat)

    def log_edges(self, yhat, y):
        return (yhat <= LOG_EDGE) & (y > 0)

    def symbolic_term(self, sp, yhat, y):
        return -y * sp.log(yhat)


LOSSES: dict[str, type[Loss]] = {
    cls.name: cls for cls in (BinaryCrossEntropy, MeanSquaredError, CrossEntropy)
}

presents(Loss, "loss", rule="loss.loss")
presents(Loss, "loss_grad", rule="loss.grad")
