"""An activation and its derivative over a range, from the op itself (`tutor plot`).

f(x) is the op's own `apply` and f'(x) its own `grads` (dL/dz for dL/da = 1), the very
functions the network pass calls: nothing is typed here a second time. Along the sampled
points the curve says where the unit dies (f'(x) = 0: no gradient passes) and where it
saturates (0 < |f'(x)| < SATURATED times the largest |f'| on the range: almost none passes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import TutorError
from ..i18n import _
from ..lazy import numpy as np

#: |f'(x)| below this share of the largest |f'| on the range counts as saturated
SATURATED = 0.01
#: the points the slides ask about ("what happens at x = -10, 0, 10?")
ASKED = (-10.0, 0.0, 10.0)
MAX_POINTS = 10_000
MAX_AT = 20
#: the range's ends and every --at point lie within this
MAX_ABS = 1e6


class PlotError(TutorError):
    """A plot that cannot be drawn as asked (an unknown activation, a bad range or setting)."""


@dataclass
class Curve:
    """f and f' of one activation at evenly spaced x, and where it dies or saturates."""

    name: str
    params: dict
    x: list
    f: list
    df: list
    #: (first x, last x) of each run of sampled points where f' = 0 / where it saturates
    dead: list = field(default_factory=list)
    saturated: list = field(default_factory=list)
    #: (x, f(x), f'(x), "dead" | "saturated" | "") at the asked points
    at: list = field(default_factory=list)
    #: |f'| below this share of the largest |f'| on the range counts as saturated
    share: float = SATURATED

    def as_json(self) -> dict:
        return {"activation": self.name, "parameters": self.params, "saturated_below": self.share,
                "x": self.x, "f": self.f, "df": self.df,
                "dead": [list(r) for r in self.dead], "saturated": [list(r) for r in self.saturated],
                "at": [{"x": x, "f": f, "df": d, "state": s or None} for x, f, d, s in self.at]}


def activation_of(name: str, settings: list[str]):
    """The registered element-wise activation `name` with its parameters set from
    `key=value` texts (each a number)."""
    from ..ops import ACTIVATIONS

    cls = ACTIVATIONS.get(name)
    if cls is None:
        raise PlotError(_("{name}: not an activation; allowed: {allowed}").format(
            name=repr(name), allowed=", ".join(n for n, k in ACTIVATIONS.items() if k.elementwise)))
    if not cls.elementwise:
        raise PlotError(_("{name} is not element-wise (each output reads every unit of its row), so it has no "
                          "curve of one variable; allowed: {allowed}").format(
            name=name, allowed=", ".join(n for n, k in ACTIVATIONS.items() if k.elementwise)))
    params = {}
    for text in settings:
        key, eq, value = text.partition("=")
        key = key.strip()
        if not eq or key not in cls.parameters:
            allowed = ", ".join(cls.parameters) or _("none")
            raise PlotError(_("--set {text}: {name} takes key=value for its parameters ({allowed})").format(
                text=repr(text), name=name, allowed=allowed))
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise PlotError(_("--set {text}: {key} must be a finite number").format(text=repr(text), key=key))
        params[key] = number
    return cls(**params)


def sample(act, lo: float = -10.0, hi: float = 10.0, points: int = 401, at: tuple = ()) -> Curve:
    """f and f' of `act` at `points` evenly spaced x from `lo` to `hi`, and at ASKED + `at`."""
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi and max(abs(lo), abs(hi)) <= MAX_ABS):
        raise PlotError(_("--from {lo:g} --to {hi:g}: --from must be below --to, both finite numbers within "
                          "±{limit:g}").format(lo=lo, hi=hi, limit=MAX_ABS))
    if not 2 <= points <= MAX_POINTS:
        raise PlotError(_("--points {points}: between 2 and {max}").format(points=points, max=MAX_POINTS))
    if len(at) > MAX_AT or not all(math.isfinite(a) and abs(a) <= MAX_ABS for a in at):
        raise PlotError(_("--at: at most {count} finite points, each within ±{limit:g}").format(
            count=MAX_AT, limit=MAX_ABS))
    x = np.linspace(lo, hi, points)
    f, df = _values(act, x)
    top = float(np.max(np.abs(df[np.isfinite(df)]), initial=0.0))
    state = _states(df, top)
    asked = np.array(sorted(set(ASKED) | set(float(a) for a in at)))
    fa, dfa = _values(act, asked)
    return Curve(act.name, dict(act.params), x.tolist(), f.tolist(), df.tolist(),
                 _runs(x, state == "dead"), _runs(x, state == "saturated"),
                 [(float(xa), float(a), float(d), str(s)) for xa, a, d, s in zip(asked, fa, dfa, _states(dfa, top))])


def _values(act, x):
    theta = {slot: np.asarray(act.params[slot], dtype=float) for slot in act.learnable}
    with np.errstate(all="ignore"):
        a = act.apply(x, theta)
        d, _grads = act.grads(np.ones_like(x), x, a, theta)
    return np.asarray(a, dtype=float), np.asarray(d, dtype=float)


def _states(df, top: float):
    state = np.full(df.shape, "", dtype=object)
    state[df == 0] = "dead"
    if top > 0:
        state[(df != 0) & (np.abs(df) < SATURATED * top)] = "saturated"
    return state


def _runs(x, mask) -> list[tuple[float, float]]:
    """(first x, last x) of each run of consecutive sampled points where `mask` holds."""
    runs, start = [], None
    for i, on in enumerate(mask):
        if on and start is None:
            start = i
        if start is not None and (not on or i == len(mask) - 1):
            end = i if on else i - 1
            runs.append((float(x[start]), float(x[end])))
            start = None
    return runs
