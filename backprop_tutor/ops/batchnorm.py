"""Batch normalisation of a layer's pre-activations (Ioffe & Szegedy 2015), after the affine
map and before the activation (`batch_norm: true` or `batch_norm: {eps: 1e-5, ...}`).

For each unit j, over the m rows of the batch:

    μ_j  = (1/m) Σ_s z_sj                     σ²_j = (1/m) Σ_s (z_sj − μ_j)²
    x̂_sj = (z_sj − μ_j) / sqrt(σ²_j + ε)      y_sj = γ_j x̂_sj + β_j

γ and β are learnable (given, or 1 and 0). Backward, from G = dL/dY (the classic exercise):

    dL/dγ_j  = Σ_s G_sj x̂_sj                  dL/dβ_j = Σ_s G_sj
    dL/dx̂_sj = G_sj γ_j
    dL/dσ²_j = Σ_s dL/dx̂_sj (z_sj − μ_j) · (−1/2) (σ²_j + ε)^(−3/2)
    dL/dμ_j  = Σ_s dL/dx̂_sj · (−1/sqrt(σ²_j + ε)) + dL/dσ²_j · Σ_s (−2 (z_sj − μ_j)) / m
    dL/dz_sj = dL/dx̂_sj / sqrt(σ²_j + ε) + dL/dσ²_j · 2 (z_sj − μ_j) / m + dL/dμ_j / m

Running statistics, for inference: after every training pass
running ← momentum · running + (1 − momentum) · batch statistic (μ_j and the batch's σ²_j,
divided by m as above); at inference (`training.mode: inference`) x̂ uses them instead of
the batch's, so a row no longer depends on the others, and dL/dz = G γ / sqrt(var + ε).
"""

from __future__ import annotations

from ..lazy import numpy as np

from .base import Op, exact_number, presents
from .update import GradientDescent
from ..i18n import N_

#: the steps of a batch-normalised layer, in order: (step name, role)
FORWARD = (("mu", "bn_mean"), ("var", "bn_var"), ("xhat", "bn_normalise"), ("y", "bn_scale"))


class BatchNorm(Op):
    name = "batch_norm"
    title = N_("batch normalisation")
    learnable = ("gamma", "beta")
    symbols = {"gamma": "γ", "beta": "β"}
    latex_symbols = {"gamma": r"\gamma", "beta": r"\beta"}

    def __init__(self, units: int, eps: float = 1e-5, momentum: float = 0.9, gamma=None, beta=None,
                 running_mean=None, running_var=None, mode: str = "train") -> None:
        self.units, self.eps, self.momentum, self.mode = int(units), float(eps), float(momentum), mode
        # kept as given (numbers, or None for the default): checking a file needs no numpy
        self._given = {"gamma": gamma, "beta": beta, "mean": running_mean, "var": running_var}

    def _vector(self, key: str, default: float):
        given = self._given[key]
        return np.full(self.units, default) if given is None else np.array(given, dtype=float).reshape(-1)

    @property
    def params(self) -> dict:
        """The initial γ (1 unless given) and β (0 unless given)."""
        return {"gamma": self._vector("gamma", 1.0), "beta": self._vector("beta", 0.0)}

    @property
    def running(self) -> dict:
        """The initial running mean (0 unless given) and variance (1 unless given)."""
        return {"mean": self._vector("mean", 0.0), "var": self._vector("var", 1.0)}

    update_op = GradientDescent()

    def updater(self, slot: str):
        return self.update_op

    def of_mode(self, mode: str) -> "BatchNorm":
        """The same layer's op in `mode` (train or inference)."""
        g = self._given
        return BatchNorm(self.units, self.eps, self.momentum, g["gamma"], g["beta"], g["mean"], g["var"], mode)

    @property
    def training(self) -> bool:
        return self.mode == "train"

    def statistics(self, z: np.ndarray, running: dict | None = None):
        """(μ, σ²): the batch's while training, the running ones at inference."""
        if not self.training:
            running = running or self.running
            return running["mean"], running["var"]
        mu = z.mean(axis=0)
        return mu, ((z - mu) ** 2).mean(axis=0)

    def forward(self, z, gamma, beta, running: dict | None = None) -> dict:
        """Every intermediate value: mu, var, xhat and y."""
        mu, var = self.statistics(z, running)
        xhat = (z - mu) / np.sqrt(var + self.eps)
        return {"mu": mu, "var": var, "xhat": xhat, "y": gamma * xhat + beta}

    def next_running(self, running: dict, mu, var) -> dict:
        m = self.momentum
        return {"mean": m * running["mean"] + (1 - m) * mu, "var": m * running["var"] + (1 - m) * var}

    def backward(self, g, z, parts: dict, gamma) -> dict:
        """dL/dgamma, dL/dbeta, dL/dxhat, dL/dvar, dL/dmu, dL/dz from g = dL/dY."""
        mu, var, xhat = parts["mu"], parts["var"], parts["xhat"]
        m = z.shape[0]
        inv = 1.0 / np.sqrt(var + self.eps)
        out = {"gamma": (g * xhat).sum(axis=0), "beta": g.sum(axis=0), "xhat": g * gamma}
        if not self.training:  # the running statistics are constants of the pass
            out["z"] = out["xhat"] * inv
            return out
        d = z - mu
        out["var"] = (out["xhat"] * d).sum(axis=0) * -0.5 * (var + self.eps) ** -1.5
        out["mu"] = (out["xhat"] * -inv).sum(axis=0) + out["var"] * (-2.0 * d).sum(axis=0) / m
        out["z"] = out["xhat"] * inv + out["var"] * 2.0 * d / m + out["mu"] / m
        return out

    # symbolic forms, one entry each ---------------------------------------------------
    def symbolic(self, sp, part: str, **s):
        """The formula of one entry of a forward step (`part` one of mu, var, xhat, y)."""
        if part == "mu":
            return sp.Add(*s["z"]) / len(s["z"])
        if part == "var":
            return sp.Add(*[(zi - s["mu"]) ** 2 for zi in s["z"]]) / len(s["z"])
        if part == "xhat":
            return (s["z"] - s["mu"]) / sp.sqrt(s["var"] + s["eps"])
        return s["gamma"] * s["xhat"] + s["beta"]

    def forward_steps(self):
        """(part, role) of each recorded forward step: μ and σ² only while training."""
        return FORWARD if self.training else FORWARD[2:]

    def backward_steps(self):
        """The parts whose gradient is a recorded step, in the order they are worked out."""
        return ("gamma", "beta", "xhat", "var", "mu", "z") if self.training else ("gamma", "beta", "xhat", "z")

    #: what each step of the layer is called (the step's title)
    TITLES = {"mu": N_("batch mean μ_B (batch normalisation)"),
              "var": N_("batch variance σ²_B (batch normalisation)"),
              "xhat": N_("normalised x̂ = (z − μ) / sqrt(σ² + ε)"),
              "y": N_("scale and shift y = γ x̂ + β"),
              "gamma": N_("gradient of the scale γ (a sum over the batch)"),
              "beta": N_("gradient of the shift β (a sum over the batch)"),
              "grad_xhat": N_("back through y = γ x̂ + β"),
              "grad_var": N_("gradient of the batch variance σ²_B"),
              "grad_mu": N_("gradient of the batch mean μ_B"),
              "z": N_("back through batch normalisation to Z"),
              "running_mean": N_("running mean, kept for inference (momentum)"),
              "running_var": N_("running variance, kept for inference (momentum)")}

    def symbolic_running(self, sp, running, batch):
        """running′ = momentum · running + (1 − momentum) · the batch's statistic."""
        m = exact_number(sp, self.momentum)
        return m * running + (1 - m) * batch

    def extra(self) -> dict:
        return {"eps": self.eps, "momentum": self.momentum, "mode": self.mode}


for _part, _role in FORWARD:
    presents(BatchNorm, _role, rule=f"batchnorm.{_part}")
for _part in ("gamma", "beta", "xhat", "var", "mu", "z"):
    presents(BatchNorm, f"bn_grad_{_part}", rule="batchnorm.grad")
presents(BatchNorm, "running", rule="batchnorm.running")
