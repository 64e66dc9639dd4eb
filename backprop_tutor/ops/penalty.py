"""The penalties beside L2 (`loss.penalty`): L1 and elastic net, and L2 under either
convention.  Each penalises the weights only (not biases or slopes) and has one
interface: forward (the term added to the loss), backward (its gradient by one weight
matrix), symbolic (the term on one weight entry, which explain differentiates).

Conventions (`convention`):
  half   the notebook's λ/2 ‖W‖² for the squared part
  plain  the slides' λ R(W): R = Σ W² (L2), Σ |W| (L1), Σ (β W² + |W|) (elastic net)
L1 has no squared part, so both conventions give λ Σ |W|.
|W| has no derivative at W = 0; the subgradient used there is 0 (sign(0) = 0)."""

from __future__ import annotations

from ..lazy import numpy as np

from .base import Op
from ..i18n import N_

CONVENTIONS = ("half", "plain")


class Penalty(Op):
    """λ Σ (c_sq W² + c_abs |W|) over the weights; c_sq and c_abs set by type and convention."""

    name = "penalty"
    title = N_("penalty")
    squared = 0.0  # the factor of Σ W² per unit λ, under `plain`
    absolute = 0.0  # the factor of Σ |W| per unit λ

    def __init__(self, convention: str = "half", beta: float = 1.0) -> None:
        self.convention, self.beta = convention, float(beta)

    @property
    def c_sq(self) -> float:
        sq = self.squared * (self.beta if self.uses_beta else 1.0)
        return sq / 2 if self.convention == "half" else sq

    uses_beta = False

    def spec(self) -> dict:
        """What the penalty is, as plain data (for records and --json)."""
        return {"type": self.name, "convention": self.convention,
                **({"beta": self.beta} if self.uses_beta else {})}

    def forward(self, weights: list, lam: float) -> float:
        total = 0.0
        for w in weights:
            if self.c_sq:
                total += self.c_sq * float((w * w).sum())
            if self.absolute:
                total += self.absolute * float(np.abs(w).sum())
        return lam * total

    def backward(self, w: np.ndarray, lam: float) -> np.ndarray:
        """dR/dW: 2 c_sq W + c_abs sign(W); sign(0) = 0, the subgradient taken at W = 0."""
        g = np.zeros_like(w)
        if self.c_sq:
            g = g + (2 * lam * self.c_sq) * w
        if self.absolute:
            g = g + (lam * self.absolute) * np.sign(w)
        return g

    @staticmethod
    def applies_to(slot: str) -> bool:
        return slot == "W"

    def symbolic(self, sp, w, lam):
        """The penalty on one weight entry (w real, so sympy's d|w|/dw is sign(w))."""
        term = 0
        if self.c_sq:
            term += sp.nsimplify(self.c_sq) * w**2
        if self.absolute:
            term += sp.nsimplify(self.absolute) * sp.Abs(w)
        return lam * term

    def whole(self, sp):
        """The term over the whole of W, as the loss step prints it."""
        w = sp.Symbol("w", real=True)
        return self.symbolic(sp, w, sp.Symbol("λ")).subs(
            {w**2: sp.Symbol("‖W‖²"), sp.Abs(w): sp.Symbol("‖W‖₁")})


class L2Term(Penalty):
    name = "l2"
    title = N_("L2 penalty")
    squared = 1.0


class L1Penalty(Penalty):
    name = "l1"
    title = N_("L1 penalty")
    absolute = 1.0


class ElasticNetPenalty(Penalty):
    name = "elastic_net"
    title = N_("elastic-net penalty")
    squared, absolute, uses_beta = 1.0, 1.0, True


PENALTIES = {cls.name: cls for cls in (L1Penalty, L2Term, ElasticNetPenalty)}


def penalty_of(spec: dict | None) -> Penalty:
    """The penalty op a record's spec names (None: the `loss.l2` one, λ/2 ‖W‖²)."""
    if not spec:
        return L2Term()
    return PENALTIES[spec["type"]](spec.get("convention", "half"), spec.get("beta", 1.0))


def penalty_title(spec: dict | None) -> str:
    """The penalty's name as a step shows it, with β for the elastic net."""
    from ..i18n import _
    op = penalty_of(spec)
    title = _(op.title)
    return f"{title} (β = {op.beta:g})" if op.uses_beta else title


def _whole_text(self) -> str:
    import sympy as sp
    return sp.sstr(self.whole(sp)).replace("*", "·")


Penalty.whole_text = _whole_text


def _gradient_text(self, name: str) -> str:
    """d(term)/dW entry by entry, as sympy derives it from `symbolic` and written over the
    matrix `name` (e.g. λ·sign(W1)); w is real, so d|w|/dw = sign(w)."""
    import sympy as sp
    real = sp.Dummy("w", real=True)
    derived = sp.diff(self.symbolic(sp, real, sp.Symbol("λ")), real).subs(real, sp.Symbol(name))
    return sp.sstr(derived).replace("*", "·")


Penalty.gradient_text = _gradient_text
