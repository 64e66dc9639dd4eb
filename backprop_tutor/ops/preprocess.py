"""Preprocessing of the data, shown to the student as a step of its own.

Each method computes its statistics on the whole table (every record), then maps
each entry; `symbolic` is the per-entry map in sympy.
"""

from __future__ import annotations

from ..lazy import numpy as np

from .base import Op, presents
from ..i18n import N_


class Preprocess(Op):
    name: str = ""
    title: str = ""

    def fit(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Statistics of the table, column by column."""
        return {}

    def forward(self, x: np.ndarray, stats: dict[str, np.ndarray]) -> np.ndarray:
        raise NotImplementedError

    def symbolic(self, sp, x, stats_symbols: dict):
        raise NotImplementedError


class MinMax(Preprocess):
    """x' = (x - x_min) / (x_max - x_min), per column (the height/weight notes)."""

    name = "minmax"
    title = N_("min-max scaling")

    def fit(self, x):
        return {"min": x.min(axis=0), "max": x.max(axis=0)}

    def forward(self, x, stats):
        span = stats["max"] - stats["min"]
        span = np.where(span == 0, 1.0, span)
        out = np.subtract(x, stats["min"], dtype=float)
        out /= span  # in place: one copy of the table, not two
        return out

    def symbolic(self, sp, x, s):
        return (x - s["min"]) / (s["max"] - s["min"])


class Standardize(Preprocess):
    """x' = (x - mean) / std, per column (z-score; population std)."""

    name = "standardize"
    title = N_("standardisation (z-score)")

    def fit(self, x):
        return {"mean": x.mean(axis=0), "std": x.std(axis=0)}

    def forward(self, x, stats):
        std = np.where(stats["std"] == 0, 1.0, stats["std"])
        out = np.subtract(x, stats["mean"], dtype=float)
        out /= std
        return out

    def symbolic(self, sp, x, s):
        return (x - s["mean"]) / s["std"]


class Pixels(Preprocess):
    """Pixels 0..255 to [-1, 1]: x/255, then - 0.5, then / 0.5 (the binarized-network notes)."""

    name = "pixels"
    title = N_("pixels to [-1, 1]")

    def forward(self, x, stats):
        out = x / 255.0
        out -= 0.5
        out /= 0.5
        return out

    def symbolic(self, sp, x, s):
        return (x / 255 - sp.Rational(1, 2)) / sp.Rational(1, 2)


PREPROCESSING: dict[str, type[Preprocess]] = {
    cls.name: cls for cls in (MinMax, Standardize, Pixels)
}

presents(Preprocess, "preprocess", rule="update.preprocess")
