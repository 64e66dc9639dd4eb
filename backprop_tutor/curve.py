"""An activation and its derivative sampled over a range, for `tutor plot`.

The values come from the op itself: f from its `apply`, f' from its `grads` with
dL/dA = 1 (so f'(z) is exactly what the backward step multiplies by). Where the op
saturates (|f'| below SATURATED x the largest |f'| over the range, the same 1% the
run's warnings use, over a stretch that reaches an end of the range) or dies (f' = 0 over
an interval) is found from those samples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import TutorError
from .i18n import _
from .lazy import numpy as np
from .ops import ACTIVATIONS
from .ops.diagnostics import SATURATED

#: the points the slides ask about ("what happens at x = -10, 0, 10?")
SLIDE_POINTS = (-10.0, 0.0, 10.0)
#: samples over the range
SAMPLES = 801


@dataclass
class Curve:
    name: str
    params: dict
    lo: float
    hi: float
    x: list = field(default_factory=list)
    f: list = field(default_factory=list)
    df: list = field(default_factory=list)
    #: [start, end] intervals of x where f' = 0 (dead) or |f'| < threshold (saturated)
    dead: list = field(default_factory=list)
    saturated: list = field(default_factory=list)
    threshold: float = 0.0
    #: rows (x, f(x), f'(x)) at the slides' points and the asked ones
    table: list = field(default_factory=list)

    def as_json(self) -> dict:
        return {"activation": self.name, "parameters": self.params, "from": self.lo, "to": self.hi,
                "saturation_threshold": self.threshold, "saturated_share_of_max": SATURATED,
                "x": self.x, "f": self.f, "df": self.df, "dead": self.dead, "saturated": self.saturated,
                "table": [{"x": x, "f": f, "df": d} for x, f, d in self.table]}


def activation(name: str, settings: list[str]):
    """The op `name` with its parameters set by `param=value` settings (swish's beta=0)."""
    if name not in ACTIVATIONS or not ACTIVATIONS[name].elementwise:
        allowed = ", ".join(n for n, c in ACTIVATIONS.items() if c.elementwise)
        raise TutorError(_("unknown activation {name}; allowed: {allowed}").format(name=repr(name), allowed=allowed))
    cls = ACTIVATIONS[name]
    params = {}
    for item in settings:
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq or key not in cls.parameters:
            raise TutorError(_("--set {item}: {name} takes {allowed}").format(
                item=item, name=name, allowed=", ".join(f"{p}=NUMBER" for p in cls.parameters) or _("no parameter")))
        try:
            params[key] = float(value)
        except ValueError:
            raise TutorError(_("--set {item}: expected a number after '='").format(item=item)) from None
        if not np.isfinite(params[key]):
            raise TutorError(_("--set {item}: expected a finite number").format(item=item))
    return cls(**params)


def values(op, x):
    """(f(x), f'(x)) by the op's own forward and backward rules."""
    x = np.asarray(x, dtype=float).reshape(1, -1)
    theta = {slot: np.asarray(op.params[slot], dtype=float) for slot in op.learnable}
    with np.errstate(all="ignore"):
        a = op.apply(x, theta)
        d, _grads = op.grads(np.ones_like(x), x, a, theta)
    return np.asarray(a, dtype=float).ravel(), np.asarray(d, dtype=float).ravel()


def _intervals(x, mask) -> list:
    """[start, end] of each run of at least two consecutive samples where `mask` holds."""
    out, start = [], None
    for i, on in enumerate(list(mask) + [False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            if i - start >= 2:
                out.append([float(x[start]), float(x[i - 1])])
            start = None
    return out


def sample(name: str, lo: float = -10.0, hi: float = 10.0, settings: list[str] = (),
           at: list[float] = ()) -> Curve:
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi:
        raise TutorError(_("--from {lo} --to {hi}: the range must go from a smaller to a larger finite "
                           "number").format(lo=lo, hi=hi))
    bad = [p for p in at if not np.isfinite(p)]
    if bad:
        raise TutorError(_("--at {value}: a point must be a finite number").format(value=bad[0]))
    op = activation(name, list(settings))
    x = np.linspace(lo, hi, SAMPLES)
    f, d = values(op, x)
    peak = float(np.nanmax(np.abs(d))) if np.isfinite(d).any() else 0.0
    threshold = SATURATED * peak
    dead = d == 0
    saturated = (np.abs(d) < threshold) & ~dead
    points = sorted(set(SLIDE_POINTS) | {float(p) for p in at})
    pf, pd = values(op, points)
    # saturation is where f' stays small as z goes out to an end of the range (sigmoid's tails);
    # |f'| passing through 0 inside the range (GELU's minimum at z = -0.75) is not saturation
    ends = [iv for iv in _intervals(x, saturated) if iv[0] == x[0] or iv[1] == x[-1]]
    return Curve(name, dict(op.params), float(lo), float(hi), x.tolist(), f.tolist(), d.tolist(),
                 _intervals(x, dead), ends, threshold,
                 [(p, float(a), float(b)) for p, a, b in zip(points, pf, pd)])
