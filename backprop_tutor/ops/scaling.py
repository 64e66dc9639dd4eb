"""More preprocessing: zero-centring alone, division by 255, per-channel statistics, and the
binarized notes' pixel recipe shown as its three stages.

"Per channel" (the slides' VGGNet/ResNet recipe: one mean, and one std, per colour
channel): the shipped digits and MNIST have one channel (grey levels), so a channel's
statistics are taken over every value of the table, one number for all columns (where
`center` and `standardize` take one per column, i.e. per pixel: the slides' "mean image").
"""

from __future__ import annotations

from ..i18n import N_
from ..lazy import numpy as np
from .preprocess import PREPROCESSING, Preprocess


class Center(Preprocess):
    """x' = x - mean, per column (zero-centring alone)."""

    name = "center"
    title = N_("zero-centring")

    def fit(self, x):
        return {"mean": x.mean(axis=0)}

    def forward(self, x, stats):
        return np.subtract(x, stats["mean"], dtype=float)

    def symbolic(self, sp, x, s):
        return x - s["mean"]


class Divide255(Preprocess):
    """x' = x / 255 (pixels 0..255 to 0..1)."""

    name = "scale255"
    title = N_("division by 255")

    def forward(self, x, stats):
        return x / 255.0

    def symbolic(self, sp, x, s):
        return x / 255


class MinusHalf(Preprocess):
    """x' = x - 0.5 (the second stage of the pixel recipe)."""

    name = "minus_half"
    title = N_("subtracting 0.5")

    def forward(self, x, stats):
        return x - 0.5

    def symbolic(self, sp, x, s):
        return x - sp.UnevaluatedExpr(sp.Float(0.5))


class OverHalf(Preprocess):
    """x' = x / 0.5 (the third stage of the pixel recipe)."""

    name = "over_half"
    title = N_("division by 0.5")

    def forward(self, x, stats):
        return x / 0.5

    def symbolic(self, sp, x, s):
        return x / sp.Rational(1, 2)


class PixelStages(Preprocess):
    """The `pixels` recipe (x/255, then -0.5, then /0.5) as three steps of its own; the
    same numbers, to the last bit."""

    name = "pixels_stages"
    title = N_("pixels to [-1, 1], stage by stage")
    stages = (Divide255(), MinusHalf(), OverHalf())

    def forward(self, x, stats):
        for stage in self.stages:
            x = stage.forward(x, {})
        return x

    def symbolic(self, sp, x, s):
        return (x / 255 - sp.Rational(1, 2)) / sp.Rational(1, 2)


def _one_value(x, value):
    """One statistic of the whole table, repeated for each column (as the steps show it)."""
    return np.full(x.shape[1], float(value))


class ChannelCenter(Preprocess):
    """x' = x - mean of the channel (one channel: every value of the table)."""

    name = "channel_center"
    title = N_("per-channel zero-centring")

    def fit(self, x):
        return {"mean": _one_value(x, x.mean())}

    def forward(self, x, stats):
        return np.subtract(x, stats["mean"], dtype=float)

    def symbolic(self, sp, x, s):
        return x - s["mean"]


class ChannelStandardize(Preprocess):
    """x' = (x - mean) / std of the channel (one channel: every value of the table)."""

    name = "channel_standardize"
    title = N_("per-channel standardisation")

    def fit(self, x):
        return {"mean": _one_value(x, x.mean()), "std": _one_value(x, x.std())}

    def forward(self, x, stats):
        std = np.where(stats["std"] == 0, 1.0, stats["std"])
        out = np.subtract(x, stats["mean"], dtype=float)
        out /= std
        return out

    def symbolic(self, sp, x, s):
        return (x - s["mean"]) / s["std"]


PREPROCESSING.update({cls.name: cls for cls in (Center, Divide255, PixelStages, ChannelCenter,
                                                 ChannelStandardize)})
