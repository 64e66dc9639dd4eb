"""The one network pass: forward, loss, backward and update, for every mode.

`run_pass` is the only code in the tutor that runs a scenario's network. Step
records for `tutor run` and step mode, `tutor train`, epoch training over
minibatches, explain's value and its finite difference all call it. With a
`Recorder` it hands each operation's inputs and result to the recorder, which
makes the Step records; without one (the training fast path) it makes none, and
with `work` (a dict kept between batches) it writes the weight-sized arrays into
the same buffers every batch and updates in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..ops import AFFINE, L2Penalty
from .lazy import Rowwise, is_lazy, wide

PENALTY = L2Penalty()


@dataclass(frozen=True)
class Param:
    """One learnable parameter: its name (W1, alpha1), layer, slot in its op, and the op."""

    name: str
    layer: int
    slot: str
    op: object

    @property
    def shown(self) -> str:
        """How a formula writes it: W1, b1, α1."""
        return f"{self.op.symbol(self.slot)}{self.layer}"

    @property
    def updater(self):
        return self.op.updater(self.slot)


@dataclass(frozen=True)
class LayerOps:
    """One layer: its affine map, its activation, and the names of their parameters."""

    layer: int
    affine: object
    act: object
    #: slot -> parameter name, for the affine map (W -> W1) and the activation (alpha -> alpha1)
    affine_names: dict
    act_names: dict


class Network:
    """What a network is, for the pass: its layers, loss and penalty."""

    def __init__(self, kinds: list[str], activations: list, loss, l2: float = 0.0, clip: float = 1.0) -> None:
        self.layers = []
        for l, (kind, act) in enumerate(zip(kinds, activations), start=1):
            affine = AFFINE[kind].of(clip)
            self.layers.append(LayerOps(
                l, affine, act, {slot: f"{slot}{l}" for slot in affine.learnable},
                {slot: f"{slot}{l}" for slot in act.learnable}))
        self.loss = loss
        self.l2 = l2
        self.params = [Param(name, lay.layer, slot, op) for lay in self.layers
                       for op, names in ((lay.affine, lay.affine_names), (lay.act, lay.act_names))
                       for slot, name in names.items()]

    @classmethod
    def of(cls, scenario) -> "Network":
        return cls([lay.kind for lay in scenario.layers], [lay.activation for lay in scenario.layers],
                   scenario.loss, scenario.l2, scenario.training.clip)

    def param_names(self) -> list[str]:
        """Every learnable parameter, in update order: W1, b1, (alpha1), W2, ..."""
        return [p.name for p in self.params]

    def initial(self, given: dict[str, np.ndarray], copy: bool = True) -> dict[str, np.ndarray]:
        """The parameters before the first update: the `given` W and b (copied, unless the
        caller never changes them in place), and each activation's learnable parameters
        at their given values."""
        params = {k: np.array(v, dtype=float, copy=True) if copy else np.asarray(v, dtype=float)
                  for k, v in given.items()}
        for lay in self.layers:
            for slot, name in lay.act_names.items():
                params[name] = np.array(lay.act.params[slot], dtype=float)
        return params



@dataclass
class PassResult:
    loss: float  # including any penalty
    data_loss: float
    penalty: float
    yhat: np.ndarray
    grads: dict[str, np.ndarray] = field(default_factory=dict)
    #: per sign layer (in order), the share of entries whose gradient was blocked
    saturation: list[float] = field(default_factory=list)


def _theta(params: dict, names: dict) -> dict:
    return {slot: params[name] for slot, name in names.items()}


def forward(net: Network, params: dict, x: np.ndarray, rec=None, work: dict | None = None,
            shift: tuple | None = None):
    """The forward pass; returns (hs, zs, ws): inputs of each layer, pre-activations, matrices used.

    `shift` = ("Z" or "A", layer, array) adds the array to that layer's Z or A as it is
    computed (a central difference with respect to a value of the pass)."""
    hs, zs, ws = [x], [], []
    for lay in net.layers:
        l = lay.layer
        W, b = params[lay.affine_names["W"]], params[lay.affine_names["b"]]
        buf = None if work is None else _buffer(work, f"w{l}", W.shape)
        w_used = lay.affine.weights(W, out=buf)
        if rec is not None and lay.affine.weight_op is not None:
            rec.weight_transform(lay, W, w_used)
        z = lay.affine.apply(hs[-1], w_used, b)
        if shift is not None and shift[:2] == ("Z", l):
            z = z + shift[2]
        if rec is not None:
            rec.affine(lay, hs[-1], w_used, b, z)
        a = lay.act.apply(z, _theta(params, lay.act_names))
        if shift is not None and shift[:2] == ("A", l):
            a = a + shift[2]
        if rec is not None:
            rec.activation(lay, z, a, _theta(params, lay.act_names))
        hs.append(a)
        zs.append(z)
        ws.append(w_used)
    return hs, zs, ws


def loss_of(net: Network, params: dict, yhat, z_out, y, rec=None) -> tuple[float, float, float, object]:
    """(loss, data loss, penalty, 1 - yhat as the output activation computes it).

    `z_out` None: yhat is not f(z) of the output layer (a value shifted by a central
    difference), so 1 - yhat is taken as it stands."""
    one_minus = 1.0 - yhat if z_out is None else net.layers[-1].act.complement(z_out, yhat)
    data_loss = net.loss.forward(yhat, y, one_minus)
    penalty = 0.0
    if net.l2:
        weights = [params[name] for lay in net.layers for slot, name in lay.affine_names.items()
                   if PENALTY.applies_to(slot)]
        penalty = PENALTY.forward(weights, net.l2)
    if rec is not None:
        rec.loss(net, yhat, y, data_loss, penalty)
    return data_loss + penalty, data_loss, penalty, one_minus


def run_pass(net: Network, params: dict, x: np.ndarray, y: np.ndarray, rec=None,
             work: dict | None = None, backward: bool = True, shift: tuple | None = None) -> PassResult:
    """Forward, loss and (unless `backward` is False) backward; the gradients by parameter name."""
    hs, zs, ws = forward(net, params, x, rec, work, shift)
    yhat = hs[-1]
    shifted_out = shift is not None and shift[:2] == ("A", len(net.layers))
    loss, data_loss, penalty, one_minus = loss_of(net, params, yhat, None if shifted_out else zs[-1], y, rec)
    result = PassResult(loss, data_loss, penalty, yhat)
    if not backward:
        return result
    g = net.loss.backward(yhat, y, one_minus)
    if rec is not None:
        rec.loss_grad(net, yhat, y, g)
    for lay in reversed(net.layers):
        g = _layer_backward(net, lay, params, hs, zs, ws, g, result, rec, work)
    result.saturation.reverse()
    return result


def _layer_backward(net, lay, params, hs, zs, ws, g, result, rec, work):
    i = lay.layer - 1
    theta = _theta(params, lay.act_names)
    gz, act_grads = lay.act.grads(g, zs[i], hs[i + 1], theta)
    ratio = lay.act.blocked_ratio(zs[i])
    if ratio is not None:
        result.saturation.append(ratio)
    if rec is not None:
        rec.activation_grad(lay, g, zs[i], hs[i + 1], gz)
    for slot, value in act_grads.items():
        result.grads[lay.act_names[slot]] = value
        if rec is not None:
            rec.param_grad(lay, slot, value, g, zs[i])
    W = params[lay.affine_names["W"]]
    buf = None if work is None else _buffer(work, f"gw{lay.layer}", W.shape)
    lazy = rec is not None and work is None and wide(W.shape)  # a recorded pass over a wide layer
    gh, gw, gb = lay.affine.backward_used(gz, hs[i], ws[i], need_input=lay.layer > 1, out=buf, lazy=lazy)
    if net.l2 and lazy:
        gw = Rowwise(lambda g, w: g + PENALTY.backward(w, net.l2), gw, W)
    elif net.l2:
        gw += PENALTY.backward(W, net.l2)
    result.grads[lay.affine_names["W"]] = gw
    result.grads[lay.affine_names["b"]] = gb
    if rec is not None:
        rec.affine_grads(lay, hs[i], gz, ws[i], W, gw, gb, gh, net.l2)
    return gh


def update(net: Network, params: dict, grads: dict, lr: float, rec=None, inplace: bool = False) -> dict:
    """theta <- theta - eta dL/dtheta for every parameter, in order; returns the new parameters.

    In place (the fast path) the gradients are used as scratch and `params` is changed."""
    new = params if inplace else dict(params)
    for p in net.params:
        op, name = p.updater, p.name
        if inplace:
            op.forward_inplace(params[name], grads[name], lr)
            continue
        if is_lazy(grads[name]):  # a wide layer's update, by the op's own rule a block of rows at a time
            new[name] = Rowwise(op.forward, params[name], grads[name], lr)
        else:
            new[name] = op.forward(params[name], grads[name], lr)
        if rec is not None:
            rec.update(p, op, params[name], grads[name], new[name], lr)
    return new


def _buffer(work: dict, key: str, shape: tuple) -> np.ndarray:
    buf = work.get(key)
    if buf is None or buf.shape != shape:
        buf = work[key] = np.empty(shape)
    return buf
