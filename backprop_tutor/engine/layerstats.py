"""Per-layer statistics of one recorded pass: for each layer, the mean, the standard deviation
and a histogram of its activations A_l, of dL/dZ_l and of dL/dW_l, and how many of its units are
dead or saturated.

Read from the Step records (`quantity`, `grad`, `layer`), never from display text. The mean and
std are `summary.stats` (the same numbers, and the same cached objects, as a frame's view of a
large matrix); the histogram takes one more sweep over each value with the stats' min and max as
its range. A wide layer's dL/dW is computed a block of rows at a time and never held whole
(engine/lazy.py): its mean and std come from the sweep the view makes anyway, and it gets no
histogram (that would compute the whole matrix product a second time).

Dead and saturated units are what the layer's activation itself reports (`unit_warnings`, the
op's rule in ops/diagnostics.py): a dead unit has z <= 0 (ReLU) on every sample of the batch; a
saturated unit has |f'(z)| < SATURATED x the largest f' (0.01: 0.25 for a sigmoid, 1 for tanh)
on every sample.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import summary
from .lazy import is_lazy

#: bars of a histogram
BINS = 12
#: the values each layer's row shows, in order: (quantity, is a gradient)
QUANTITIES = (("A", False), ("Z", True), ("W", True))


@dataclass(frozen=True)
class Histogram:
    """Counts of entries in BINS equal bins from `lo` to `hi`: the value's min and max (numpy's
    rule: min - 0.5 and max + 0.5 when they are equal)."""

    lo: float
    hi: float
    counts: tuple[int, ...]

    def as_json(self) -> dict:
        step = (self.hi - self.lo) / len(self.counts) if self.counts else 0.0
        edges = [self.lo + i * step for i in range(len(self.counts))] + [self.hi]
        return {"edges": edges, "counts": list(self.counts)}


@dataclass(frozen=True)
class ValueStats:
    """One value of one layer: its step key (A3, dL/dZ3, dL/dW3), shape, statistics, histogram."""

    key: str
    shape: tuple[int, ...]
    stats: summary.Stats
    histogram: Histogram | None  # None: a wide layer's lazily computed dL/dW

    def as_json(self) -> dict:
        st = self.stats
        return {"key": self.key, "shape": list(self.shape), "count": st.count, "mean": st.mean,
                "std": st.std, "min": st.min, "max": st.max,
                "histogram": self.histogram.as_json() if self.histogram is not None else None}


@dataclass(frozen=True)
class LayerStats:
    layer: int
    units: int
    activation: str
    values: dict[str, ValueStats] = field(default_factory=dict)  # by name: "A", "dL/dZ", "dL/dW"
    dead: int = 0
    saturated: int = 0

    def as_json(self) -> dict:
        return {"layer": self.layer, "units": self.units, "activation": self.activation,
                "dead_units": self.dead, "saturated_units": self.saturated,
                **{name: v.as_json() for name, v in self.values.items()}}


def histogram(value, st: summary.Stats, bins: int = BINS) -> Histogram:
    """Counts over [min, max] (numpy's rule: the last bin holds max). A nan or an inf is left
    out, the range then being that of the finite entries (none: every count 0)."""
    counts = np.zeros(bins, dtype=np.int64)
    lo, hi = st.min, st.max
    if st.count and not (np.isfinite(lo) and np.isfinite(hi)):
        finite = [b[np.isfinite(b)] for b in map(np.asarray, summary.row_blocks(value))]
        finite = [b for b in finite if b.size]
        lo, hi = (min(float(b.min()) for b in finite), max(float(b.max()) for b in finite)) if finite else (lo, hi)
        if not finite:
            return Histogram(lo, hi, tuple(int(c) for c in counts))
    if not st.count:
        return Histogram(lo, hi, tuple(int(c) for c in counts))
    span = (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)  # one value: numpy's own widening
    for block in summary.row_blocks(value):
        b = np.asarray(block, dtype=float)
        finite = np.isfinite(b)
        counts += _counts(b if finite.all() else b[finite], bins, span)
    return Histogram(*span, tuple(int(c) for c in counts))


def _counts(b: np.ndarray, bins: int, span: tuple) -> np.ndarray:
    """numpy's histogram counts; for a range numpy cannot cut into bins (wider than the largest
    float, as from -1e308 to 1e308, or too narrow for distinct edges) each entry's bin is worked
    out from halves of the numbers (no overflow), the last bin holding the maximum."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            return np.histogram(b, bins, span)[0]
    except ValueError:
        lo, hi = span[0] / 2, span[1] / 2
        counts = np.zeros(bins, dtype=np.int64)
        if not hi > lo:  # one value so large that widening by 0.5 left it one value: the middle bin
            counts[bins // 2] = np.size(b)
            return counts
        at = np.floor((np.ravel(b) / 2 - lo) / (hi - lo) * bins)
        return np.bincount(np.clip(np.nan_to_num(at), 0, bins - 1).astype(np.int64), minlength=bins)[:bins]


def value_stats(step) -> ValueStats:
    st = summary.stats(step.value, riders=False)  # the update of a wide gradient is not shown here
    return ValueStats(step.key, step.shape, st, None if is_lazy(step.value) else histogram(step.value, st))


def name_of(quantity: str, grad: bool) -> str:
    return f"dL/d{quantity}" if grad else quantity


def _units(diagnostics, kind: str) -> int:
    return sum(len(d.units) for d in diagnostics if d.kind == kind)


def layer_stats(steps) -> list[LayerStats]:
    """The statistics of every layer of a recorded pass, from its Step records, layer 1 first."""
    found: dict[int, dict] = {}
    for st in steps:
        if st.layer is None or st.phase not in ("forward", "backward") or st.unit is not None:
            continue
        if (st.quantity, st.grad) in QUANTITIES:
            found.setdefault(st.layer, {})[name_of(st.quantity, st.grad)] = st
    out = []
    for layer in sorted(found):
        by_name = found[layer]
        act = by_name.get("A")
        values = {name_of(q, g): value_stats(by_name[name_of(q, g)])
                  for q, g in QUANTITIES if name_of(q, g) in by_name}
        dead = saturated = 0
        if act is not None:
            args = act.args
            warned = act.op.unit_warnings(args["z"], args["a"], layer) if hasattr(act.op, "unit_warnings") else []
            dead, saturated = _units(warned, "dead"), _units(warned, "saturated")
        units = act.shape[-1] if act is not None else 0
        name = getattr(act.op, "label", "") if act is not None else ""
        out.append(LayerStats(layer, int(units), str(name), values, dead, saturated))
    return out

