"""What the chain-rule derivation of `explain` reaches: a target whose path from the loss
crosses batch normalisation or training-mode dropout, or a shared bias, is refused with the
reason (the numbers of those steps are in `tutor run`, `--json` and step mode)."""

from __future__ import annotations

from ..errors import UnsupportedError
from ..i18n import _


def dropped(scenario, q: int) -> bool:
    """Whether layer q's activations go on through training-mode dropout (as D_q)."""
    return 1 <= q <= len(scenario.layers) and bool(getattr(scenario.layers[q - 1], "dropout", 0)) and \
        scenario.training.mode == "train"


def refuse_unreached(scenario, target) -> None:
    """Raise UnsupportedError, saying why, when the derivation cannot follow the target's path."""
    l = target.layer
    for q, layer in enumerate(scenario.layers, start=1):
        # dropout of layer q sits after A_q: a chain from above crosses it; dL/dW_(q+1) only reads
        # D_q, the dropped inputs, as numbers (named d in the derivation)
        if dropped(scenario, q) and q >= l:
            raise UnsupportedError(_(
                "the chain-rule derivation does not go through dropout (layer {q}); the mask multiplies "
                "dL/dD{q} in the step dL/dA{q} of `tutor run`; with --set training.mode=inference dropout "
                "is the identity and explain derives through it").format(q=q))
        # batch normalisation of layer q sits between Z_q and the activation
        if getattr(layer, "norm", None) is not None and (q > l or (q == l and target.kind in ("W", "b", "Z"))):
            raise UnsupportedError(_(
                "the chain-rule derivation does not go through batch normalisation (layer {q}): there "
                "every x̂_sj reads μ_B and σ²_B of the whole batch, so dL/dz_sj is a sum over every row "
                "of the batch, not one term per unit. The numbers are the steps of `tutor run` (μ{q}, "
                "σ²{q}, X̂{q}, Y{q} and dL/dγ{q}, dL/dβ{q}, dL/dX̂{q}, dL/dσ²{q}, dL/dμ{q}, dL/dZ{q}); "
                "a finite difference checks them in the tests").format(q=q))
        if getattr(layer.activation, "pieces", 1) > 1:  # the derivation reads each layer's activation as f(z)
            raise UnsupportedError(_(
                "the chain-rule derivation does not go through maxout (layer {q}): each unit is the largest "
                "of its {k} pieces, not a function of one z, and dL/dZ{q} goes to the winning piece only. "
                "The numbers are the steps A{q} and dL/dZ{q} of `tutor run`, `--json` and step mode").format(
                    q=q, k=layer.activation.pieces))
    layer = scenario.layers[target.layer - 1]
    if target.kind == "b" and getattr(layer, "bias", "own") == "none":
        raise UnsupportedError(_(
            "layer {l} has no bias (bias: none): z = Σ h w, so there is no b{l} and no dL/db{l}; ask for "
            "dL/dW{l}, or give the layer a bias (network.layers.{index}.bias: own, and parameters.b{l})").format(
                l=target.layer, index=target.layer - 1))
    if target.kind == "b" and getattr(layer, "bias", "own") == "shared":
        raise UnsupportedError(_(
            "b{l} is one bias shared by the {units} units of layer {l}: dL/db{l} is the sum of dL/dZ{l} over "
            "every row and every unit (step dL/db{l} of `tutor run`); the derivation here is written for one "
            "bias per unit").format(l=target.layer, units=layer.units))
