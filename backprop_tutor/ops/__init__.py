"""Operations: every one keeps its numeric forward, numeric backward, symbolic
(sympy) form and human name in one place. Nothing here imports sympy, rich or typer."""

from .activations import ACTIVATIONS, Activation, register
from .bias import Frozen, NoBiasLinear, SharedBiasLinear
from .binary import BinaryLinear, ClippedGradientDescent, SignSTE  # registers `sign`
from .linear import Linear
from .losses import LOSSES, Loss
from .preprocess import PREPROCESSING, Preprocess
from .prelu import PReLU  # registers `prelu`
from . import hinge  # noqa: F401  (registers the `hinge` loss)
from . import moreacts  # registers relu6, softplus, mish, gelu  # noqa: F401
from . import maxout  # registers maxout  # noqa: F401
from . import scaling  # noqa: F401  (registers center, scale255, pixels_stages, ...)
from .update import GradientDescent, L2Penalty

#: a layer's `type` in a scenario -> its affine op
AFFINE = {"linear": Linear, "binary_linear": BinaryLinear}


def affine_of(layer, clip: float = 1.0) -> Linear:
    """The affine op of a scenario's layer (Linear, or BinaryLinear for `type: binary_linear`;
    SharedBiasLinear for `bias: shared`, NoBiasLinear for `bias: none`)."""
    if getattr(layer, "bias", "own") == "shared" and layer.kind == "linear":
        return SharedBiasLinear()
    if getattr(layer, "bias", "own") == "none" and layer.kind == "linear":
        return NoBiasLinear()
    return AFFINE[layer.kind].of(clip)

__all__ = [
    "AFFINE",
    "affine_of",
    "Frozen",
    "SharedBiasLinear",
    "NoBiasLinear",
    "ACTIVATIONS",
    "Activation",
    "register",
    "BinaryLinear",
    "ClippedGradientDescent",
    "SignSTE",
    "Linear",
    "LOSSES",
    "Loss",
    "PREPROCESSING",
    "Preprocess",
    "PReLU",
    "GradientDescent",
    "L2Penalty",
]
