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

from ..ops import AFFINE, Frozen, affine_of
from ..ops.penalty import L2Term
from ..ops.dropout import Dropout
from .lazy import Rowwise, is_lazy, wide
from .norm import norm_backward, norm_forward, running_names

FROZEN = Frozen()


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
    #: the layer's dropout op (None: no dropout)
    drop: object = None
    #: the layer's batch normalisation op (None: none) and the names of its γ and β
    norm: object = None
    norm_names: dict = field(default_factory=dict)


class Network:
    """What a network is, for the pass: its layers, loss and penalty."""

    def __init__(self, kinds: list[str], activations: list, loss, l2: float = 0.0, clip: float = 1.0,
                 affines: list | None = None, drops: list | None = None, frozen=(),
                 norms: list | None = None, penalty=None) -> None:
        self.layers = []
        for l, (kind, act) in enumerate(zip(kinds, activations), start=1):
            affine = AFFINE[kind].of(clip) if affines is None else affines[l - 1]
            norm = None if norms is None else norms[l - 1]
            self.layers.append(LayerOps(
                l, affine, act, {slot: f"{slot}{l}" for slot in affine.learnable},
                {slot: f"{slot}{l}" for slot in act.learnable}, None if drops is None else drops[l - 1],
                norm, {slot: f"{slot}{l}" for slot in (norm.learnable if norm is not None else ())}))
        self.loss = loss
        self.l2 = l2  # λ of the penalty (0: none)
        self.penalty = penalty if penalty is not None else L2Term()
        self.frozen = frozenset(frozen)
        self.params = [Param(name, lay.layer, slot, op) for lay in self.layers
                       for op, names in ((lay.affine, lay.affine_names), (lay.norm, lay.norm_names),
                                         (lay.act, lay.act_names))
                       for slot, name in names.items()]

    @classmethod
    def of(cls, scenario) -> "Network":
        t = scenario.training
        drops = [Dropout(lay.dropout, t.seed, l, t.mode) if lay.dropout else None
                 for l, lay in enumerate(scenario.layers, start=1)]
        norms = [lay.norm.of_mode(t.mode) if lay.norm is not None else None for lay in scenario.layers]
        return cls([lay.kind for lay in scenario.layers], [lay.activation for lay in scenario.layers],
                   scenario.loss, scenario.l2, t.clip, [affine_of(lay, t.clip) for lay in scenario.layers],
                   drops, t.frozen, norms, scenario.penalty)

    def for_inference(self) -> "Network":
        """The same network at inference: no dropout, batch normalisation from its running statistics."""
        if all(lay.drop is None and lay.norm is None for lay in self.layers):
            return self
        import copy
        from dataclasses import replace

        other = copy.copy(self)
        other.layers = [replace(lay, drop=None, norm=None if lay.norm is None else lay.norm.of_mode("inference"))
                        for lay in self.layers]
        return other

    def updater(self, p: Param):
        """The update rule of a parameter: its op's, or θ′ = θ for a frozen one."""
        return FROZEN if p.name in self.frozen else p.updater

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
            if lay.norm is not None:
                for slot, name in lay.norm_names.items():
                    params[name] = np.array(lay.norm.params[slot], dtype=float)
                for key, name in zip(("mean", "var"), running_names(lay.layer)):
                    params.setdefault(name, np.array(lay.norm.running[key], dtype=float))
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
    #: names of the gradients that came out already multiplied by the learning rate (`fold_lr`)
    folded: set = field(default_factory=set)
    #: batch normalisation's running statistics after this pass (running_mean1 ...), for `update`
    running: dict = field(default_factory=dict)


def _theta(params: dict, names: dict) -> dict:
    return {slot: params[name] for slot, name in names.items()}


def _same(key: str, value):
    return value


def forward(net: Network, params: dict, x: np.ndarray, rec=None, work: dict | None = None,
            shift: tuple | None = None, given=_same, draw: int = 0):
    """The forward pass; returns (hs, zs, ws, acts, normed): inputs of each layer, the
    activations' inputs (Z, or Y after batch normalisation), matrices used, each layer's
    activations before its dropout (hs[l] after it), and for a batch-normalised layer l
    normed[l] = (Z, the op's intermediate values).

    `shift` = ("Z" or "A", layer, array) adds the array to that layer's Z or A as it is
    computed (a central difference with respect to a value of the pass). `given(key, value)`
    sees each value as it is computed, by its step key (Z1, A1, dL/dZ1, W1 ...), and returns
    the value the pass goes on with: a student's own numbers put in where they gave them
    (`tutor check`'s follow-through marking)."""
    hs, zs, ws, acts, normed = [x], [], [], [], {}
    for lay in net.layers:
        l = lay.layer
        W, b = params[lay.affine_names["W"]], params.get(lay.affine_names.get("b"))  # b: None without a bias
        buf = None if work is None else _buffer(work, f"w{l}", W)
        # the in-place update of the last batch may have written this W's weights into buf already
        ready = work is not None and work.pop(f"w{l} ready", None) is W
        w_used = buf if ready else lay.affine.weights(W, out=buf)
        if rec is not None and lay.affine.weight_op is not None:
            rec.weight_transform(lay, W, w_used)
        z = lay.affine.apply(hs[-1], w_used, b)
        if shift is not None and shift[:2] == ("Z", l):
            z = z + shift[2]
        z = given(f"Z{l}", z)
        if rec is not None:
            rec.affine(lay, hs[-1], w_used, b, z)
        if lay.norm is not None:
            y, parts = norm_forward(lay, params, z, rec, given)
            normed[l] = (z, parts)
            z = y
        a = lay.act.apply(z, _theta(params, lay.act_names))
        if shift is not None and shift[:2] == ("A", l):
            a = a + shift[2]
        a = given(f"A{l}", a)
        if rec is not None:
            rec.activation(lay, z, a, _theta(params, lay.act_names))
        acts.append(a)
        if lay.drop is not None:
            mask = lay.drop.mask(a.shape, draw)
            d = given(f"D{l}", lay.drop.apply(a, mask))
            if rec is not None:
                rec.dropout(lay, a, mask, d)
            a = d
        hs.append(a)
        zs.append(z)
        ws.append(w_used)
    return hs, zs, ws, acts, normed


def loss_of(net: Network, params: dict, yhat, z_out, y, rec=None) -> tuple[float, float, float, object]:
    """(loss, data loss, penalty, 1 - yhat as the output activation computes it).

    `z_out` None: yhat is not f(z) of the output layer (a value shifted by a central
    difference), so 1 - yhat is taken as it stands."""
    one_minus = 1.0 - yhat if z_out is None else net.layers[-1].act.complement(z_out, yhat)
    data_loss = net.loss.forward(yhat, y, one_minus)
    penalty = 0.0
    if net.l2:
        weights = [params[name] for lay in net.layers for slot, name in lay.affine_names.items()
                   if net.penalty.applies_to(slot)]
        penalty = net.penalty.forward(weights, net.l2)
    if rec is not None:
        rec.loss(net, yhat, y, data_loss, penalty)
    return data_loss + penalty, data_loss, penalty, one_minus


def run_pass(net: Network, params: dict, x: np.ndarray, y: np.ndarray, rec=None,
             work: dict | None = None, backward: bool = True, shift: tuple | None = None,
             given=_same, fold_lr: float | None = None, draw: int = 0) -> PassResult:
    """Forward, loss and (unless `backward` is False) backward; the gradients by parameter name.

    `given`: see `forward` (the loss is shown to it too, as "L").
    `draw`: which training pass this is (0 for a recorded one), so that dropout draws a new
    mask every iteration or batch (the same one again for the same `draw`).
    `fold_lr` (float32 training by epochs, no penalty, no recording): each dL/dW comes out
    multiplied by the learning rate, as H^T (eta G): eta multiplies the batch-sized G instead
    of a pass over the weight-sized product; `result.folded` names them, for `update`."""
    hs, zs, ws, acts, normed = forward(net, params, x, rec, work, shift, given, draw)
    yhat = hs[-1]
    shifted_out = shift is not None and shift[:2] == ("A", len(net.layers))
    loss, data_loss, penalty, one_minus = loss_of(net, params, yhat, None if shifted_out else zs[-1], y, rec)
    given("L", loss)
    result = PassResult(loss, data_loss, penalty, yhat)
    for _z, parts in normed.values():
        result.running.update(parts.get("running", {}))
    if not backward:
        return result
    g = given(f"dL/dA{len(net.layers)}", net.loss.backward(yhat, y, one_minus))
    if rec is not None:
        rec.loss_grad(net, yhat, y, g)
    for lay in reversed(net.layers):
        if lay.drop is not None:
            g = _dropout_backward(lay, g, acts[lay.layer - 1], rec, given, draw)
        g = _layer_backward(net, lay, params, hs, zs, ws, acts, g, result, rec, work, given, fold_lr,
                            normed.get(lay.layer))
    result.saturation.reverse()
    return result


def _dropout_backward(lay, g, a, rec, given, draw: int = 0):
    """dL/dA of a layer with dropout: the same mask (and scaling) times dL/dD."""
    mask = lay.drop.mask(a.shape, draw)
    ga = given(f"dL/dA{lay.layer}", lay.drop.backward(g, mask))
    if rec is not None:
        rec.dropout_grad(lay, g, mask, ga)
    return ga


def _layer_backward(net, lay, params, hs, zs, ws, acts, g, result, rec, work, given=_same, fold_lr=None,
                    normed=None):
    i, l = lay.layer - 1, lay.layer
    theta = _theta(params, lay.act_names)
    gz, act_grads = lay.act.grads(g, zs[i], acts[i], theta)
    gz = given(f"dL/d{'Y' if normed else 'Z'}{l}", gz)
    act_grads = {slot: given(f"dL/d{lay.act_names[slot]}", v) for slot, v in act_grads.items()}
    ratio = lay.act.blocked_ratio(zs[i])
    if ratio is not None:
        result.saturation.append(ratio)
    if rec is not None:
        rec.activation_grad(lay, g, zs[i], acts[i], gz)
    for slot, value in act_grads.items():
        result.grads[lay.act_names[slot]] = value
        if rec is not None:
            rec.param_grad(lay, slot, value, g, zs[i])
    if normed is not None:
        gz = given(f"dL/dZ{l}", norm_backward(lay, params, gz, normed[0], normed[1], result, rec, given))
    W = params[lay.affine_names["W"]]
    # dL/dW goes into the buffer the forward wrote sign(W) into (ws[i], whose last read is
    # dL/dH just before): one weight-sized array fewer going through the cache every batch
    buf = None if work is None else _buffer(work, f"w{lay.layer}", W)
    lazy = rec is not None and work is None and wide(W.shape)  # a recorded pass over a wide layer
    gh, gw, gb = lay.affine.backward_used(gz, hs[i], ws[i], need_input=lay.layer > 1, out=buf,
                                          scale=fold_lr, lazy=lazy)
    if fold_lr is not None:
        result.folded.add(lay.affine_names["W"])
    if net.l2 and lazy:
        gw = Rowwise(lambda g, w: g + net.penalty.backward(w, net.l2), gw, W)
    elif net.l2:
        gw += net.penalty.backward(W, net.l2)
    gw = given(f"dL/d{lay.affine_names['W']}", gw)
    gb = None if gb is None else given(f"dL/d{lay.affine_names['b']}", gb)
    if gh is not None:
        gh = given(f"dL/d{'D' if net.layers[l - 2].drop is not None else 'A'}{l - 1}", gh)
    result.grads[lay.affine_names["W"]] = gw
    if gb is not None:
        result.grads[lay.affine_names["b"]] = gb
    if rec is not None:
        rec.affine_grads(lay, hs[i], gz, ws[i], W, gw, gb, gh, net.l2, net.penalty)
    return gh


def update(net: Network, params: dict, grads: dict, lr: float, rec=None, inplace: bool = False,
           work: dict | None = None, folded: set = frozenset(), given=_same, running: dict | None = None) -> dict:
    """theta <- theta - eta dL/dtheta for every parameter, in order; returns the new parameters.

    In place (the fast path) the gradients are used as scratch and `params` is changed; the
    gradients named in `folded` are already eta dL/dtheta (run_pass's `fold_lr`). With
    `work` (the pass's buffers), a layer whose affine op has a fused `update_weights` also
    writes the matrix the next forward pass multiplies by (sign(W)) into W's gradient buffer,
    block by block while the block is in cache, and marks it ready for that forward pass.
    `given`: see `forward` (each new parameter by its name, W1, b1 ...)."""
    new = params if inplace else dict(params)
    for p in net.params:
        op, name = net.updater(p), p.name
        lay = net.layers[p.layer - 1]
        if (inplace and work is not None and lay.affine_names.get("W") == name and lay.affine.update_weights
                and name not in net.frozen):
            lay.affine.update_weights(params[name], grads[name], lr, scaled=name in folded)
            work[f"w{p.layer} ready"] = params[name]
            continue
        if inplace:
            op.forward_inplace(params[name], grads[name], lr, scaled=name in folded)
            continue
        if is_lazy(grads[name]):  # a wide layer's update, by the op's own rule a block of rows at a time
            new[name] = given(name, Rowwise(op.forward, params[name], grads[name], lr))
        else:
            new[name] = given(name, op.forward(params[name], grads[name], lr))
        if rec is not None:
            rec.update(p, op, params[name], grads[name], new[name], lr)
    if rec is not None and running:
        for lay in net.layers:
            for which, name in zip(("mean", "var"), running_names(lay.layer)):
                if name in running:
                    rec.running(lay, which, name, params[name], running[name])
    new.update(running or {})  # batch normalisation's running statistics (PassResult.running)
    return new


def _buffer(work: dict, key: str, like: np.ndarray) -> np.ndarray:
    """The buffer `key` of `work`, of the shape and floating type of `like`."""
    buf = work.get(key)
    if buf is None or buf.shape != like.shape or buf.dtype != like.dtype:
        buf = work[key] = np.empty(like.shape, like.dtype)
    return buf
