"""Warnings that belong to a step: saturated units, dead ReLUs, a loss near log(0).

Numbers only (numpy). Each op says which of these its steps carry (`Op.diagnose`);
the renderers draw what `diagnose(step)` returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..lazy import numpy as np

from ..i18n import _

#: a sigmoid/tanh unit is saturated when f'(z) is below this fraction of its largest value
SATURATED = 0.01
#: a prediction this close to 0 or 1 makes a cross-entropy take log of (almost) 0
LOG_EDGE = 1e-12


@dataclass(frozen=True)
class Diagnostic:
    kind: str  # "saturated", "dead", "log0", "nonfinite"
    layer: int | None
    units: tuple[int, ...]  # 0-based unit (column) indices
    message: str


def diagnose(step) -> list[Diagnostic]:
    """The warnings of one step, as its op reports them."""
    op = step.op
    found = list(op.diagnose(step)) if op is not None and hasattr(op, "diagnose") else []
    return found


def _2d(v) -> np.ndarray:
    return np.atleast_2d(np.asarray(v, dtype=float))


def saturated_units(op, z, a, peak: float, layer: int | None) -> list[Diagnostic]:
    """Units whose local derivative stays below SATURATED * peak for every sample."""
    z, a = _2d(z), _2d(a)
    worst = op.derivative(z, a).max(axis=0)  # the best case over the batch, per unit
    units = tuple(int(j) for j in np.flatnonzero(worst < SATURATED * peak))
    if not units:
        return []
    listing = ", ".join(_("unit {unit} (f′ ≈ {slope})").format(unit=j + 1, slope=f"{worst[j]:.2g}") for j in units)
    return [Diagnostic(
        "saturated", layer, units,
        _("saturated {operation}: {units}. Its local derivative is almost 0, so almost no "
          "gradient flows back through it and its weights barely move "
          "(scaling the inputs keeps z small).").format(operation=_(op.label), units=listing))]


def dead_units(z, layer: int | None) -> list[Diagnostic]:
    """ReLU units with z <= 0 for every sample."""
    units = tuple(int(j) for j in np.flatnonzero((_2d(z) <= 0).all(axis=0)))
    if not units:
        return []
    listing = ", ".join(_("unit {unit}").format(unit=j + 1) for j in units)
    return [Diagnostic(
        "dead", layer, units,
        _("dead ReLU: {units} has z ≤ 0 for every sample, so its output and its gradient "
          "are 0 and its weights cannot change.").format(units=listing))]


def log_edge(edge: np.ndarray, layer: int | None) -> list[Diagnostic]:
    """A cross-entropy about to take the log of (almost) 0 where `edge` is True."""
    edge = _2d(edge)
    if not edge.any():
        return []
    where = ", ".join(_("(sample {sample}, output {output})").format(sample=i + 1, output=j + 1)
                      for i, j in zip(*np.nonzero(edge)))
    return [Diagnostic(
        "log0", layer, tuple(sorted({int(j) for j in np.nonzero(edge)[1]})),
        _("log(0) ahead: the prediction at {where} is 0 or 1 to within float precision while the "
          "target is not, so the loss takes the log of (almost) 0 and becomes huge or infinite.").format(
            where=where))]
