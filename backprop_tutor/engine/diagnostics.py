"""Warnings that belong to a step: saturated units, dead ReLUs, a loss near log(0).

Computation only (numpy): the renderer draws what `diagnose(step)` returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: a sigmoid/tanh unit is saturated when f'(z) is below this fraction of its largest value
SATURATED = 0.01
#: f'(0), the largest local derivative, of the activations that saturate
PEAK = {"sigmoid": 0.25, "tanh": 1.0}
#: a prediction this close to 0 or 1 makes a cross-entropy take log of (almost) 0
LOG_EDGE = 1e-12


@dataclass(frozen=True)
class Diagnostic:
    kind: str  # "saturated", "dead", "log0"
    layer: int | None
    units: tuple[int, ...]  # 0-based unit (column) indices
    message: str


def _by_symbol(step, symbol_prefix: str):
    for name, value in step.inputs.items():
        if name.startswith(symbol_prefix):
            return value
    return None


def _activation_values(step):
    """(z, a) of an activation's forward or backward step, else None."""
    name = getattr(step.op, "name", "")
    if step.role not in ("forward", "backward") or name == "linear":
        return None
    values = list(step.inputs.values())
    if step.role == "forward":
        return values[0], step.value
    return values[1], values[2]


def diagnose(step) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    op = step.op
    name = getattr(op, "name", "")
    za = _activation_values(step)
    if za is not None:
        z, a = (np.atleast_2d(np.asarray(v, dtype=float)) for v in za)
        if name in PEAK:
            local = op.derivative(z, a)
            worst = local.max(axis=0)  # the best case over the batch, per unit
            units = tuple(int(j) for j in np.flatnonzero(worst < SATURATED * PEAK[name]))
            if units:
                listing = ", ".join(f"unit {j + 1} (f′ ≈ {worst[j]:.2g})" for j in units)
                found.append(Diagnostic(
                    "saturated", step.layer, units,
                    f"saturated {op.label}: {listing}. Its local derivative is almost 0, so almost no "
                    f"gradient flows back through it and its weights barely move "
                    f"(scaling the inputs keeps z small)."))
        if name == "relu":
            units = tuple(int(j) for j in np.flatnonzero((z <= 0).all(axis=0)))
            if units:
                listing = ", ".join(f"unit {j + 1}" for j in units)
                found.append(Diagnostic(
                    "dead", step.layer, units,
                    f"dead ReLU: {listing} has z ≤ 0 for every sample, so its output and its gradient "
                    f"are 0 and its weights cannot change."))
    if step.role in ("loss", "loss_grad") and "cross_entropy" in name:
        yhat, y = (np.atleast_2d(np.asarray(v, dtype=float)) for v in list(step.inputs.values())[:2])
        if name == "binary_cross_entropy":
            edge = ((yhat <= LOG_EDGE) & (y > 0)) | ((yhat >= 1 - LOG_EDGE) & (y < 1))
        else:
            edge = (yhat <= LOG_EDGE) & (y > 0)
        if edge.any():
            where = ", ".join(f"(sample {i + 1}, output {j + 1})" for i, j in zip(*np.nonzero(edge)))
            found.append(Diagnostic(
                "log0", step.layer, tuple(sorted({int(j) for j in np.nonzero(edge)[1]})),
                f"log(0) ahead: the prediction at {where} is 0 or 1 to within float precision while the "
                f"target is not, so the loss takes the log of (almost) 0 and becomes huge or infinite."))
    return found
