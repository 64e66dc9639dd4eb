"""The classic mistakes of a hand calculation, one small rule each.

A rule makes the network a student with that misconception would compute: the same
pass (`engine.network.run_pass`), with one op swapped for a proxy that makes the
mistake through the op's own forward and backward. `tutor check` runs each rule on
the student's own numbers and names the rule whose result matches a wrong number.

To add a teacher's favourite mistake, write one function here:

    @mistake("the learning rate applied twice")
    def lr_twice(net, truth):
        yield "", variant(net, affine=_updating(lambda up: lambda t, g, lr: up.forward(t, g, lr * lr)))

It yields (where, network) pairs: "" for the mistake made everywhere, or a place
("layer 2") for the mistake made in one place only.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from ..i18n import _
from .world import Proxy, output_form, variant


@dataclass(frozen=True)
class Mistake:
    name: str  # how the report names it
    make: Callable  # (net, truth) -> iterator of (where, variant network)


#: every rule, in the order they are tried
MISTAKES: list[Mistake] = []


def mistake(name: str):
    def register(fn):
        MISTAKES.append(Mistake(name, fn))
        return fn
    return register


def _each_layer(net, **swap) -> Iterator[tuple[str, object]]:
    """The mistake in every layer at once, then in each layer alone."""
    yield "", variant(net, **swap)
    if len(net.layers) > 1:
        for lay in net.layers:
            yield f"layer {lay.layer}", variant(net, layers=[lay.layer], **swap)


# the activation's derivative ------------------------------------------------------------
@mistake(_("activation derivative left out"))
def no_derivative(net, truth):
    def drop(act):
        return Proxy(act, grads=lambda g, z, a, theta: (np.array(g, dtype=float), act.grads(g, z, a, theta)[1]))
    yield from _each_layer(net, act=drop)


@mistake(_("σ′ applied to z instead of a: z(1 − z)"))
def derivative_of_z(net, truth):
    def on_z(act):
        fprime = output_form(act)
        if fprime is None:
            return None
        return Proxy(act, grads=lambda g, z, a, theta: (g * fprime(z), {}))
    yield from _each_layer(net, act=on_z)


# the affine map's backward ------------------------------------------------------------
@mistake(_("the updated weights used in the backward pass"))
def updated_weights(net, truth):
    def early(aff):
        def backward_used(gz, h, w, need_input=True, out=None, scale=None, lazy=False):  # worked out whole
            _gh, gw, gb = aff.backward_used(gz, h, w, need_input=False)
            w_new = aff.updater("W").forward(w, gw, truth.lr)
            gh = aff.backward_used(gz, h, w_new, need_input)[0] if need_input else None
            return gh, gw, gb
        return Proxy(aff, backward_used=backward_used)
    yield from _each_layer(net, affine=early)


@mistake(_("a transpose missed"))
def transpose_missed(net, truth):
    def untransposed(aff):
        def backward_used(gz, h, w, need_input=True, out=None, scale=None, lazy=False):  # worked out whole
            gh, gw, gb = aff.backward_used(gz, h, w, need_input)
            square = w.shape[0] == w.shape[1]
            if square and need_input:
                gh = aff.backward_used(gz, h, w.T, need_input)[0]
            return gh, (gw.T if square else gw), gb
        return Proxy(aff, backward_used=backward_used)
    if any(p.slot == "W" and np.shape(truth.params[p.name])[0] == np.shape(truth.params[p.name])[1]
           for p in net.params):
        yield from _each_layer(net, affine=untransposed)


# the loss -------------------------------------------------------------------------------
def _loss_with(net, **options):
    def change(loss):
        new = copy.copy(loss)
        new.__dict__.update(options)
        return new
    return variant(net, loss=change)


@mistake(_("the 1/m of the mean over the batch dropped (a sum instead of the mean)"))
def batch_sum(net, truth):
    if getattr(net.loss, "samples", "") == "mean" and truth.x.shape[0] > 1:
        yield "", _loss_with(net, samples="sum")


@mistake(_("a mean over the batch instead of the sum (an extra 1/m)"))
def batch_mean(net, truth):
    if getattr(net.loss, "samples", "") == "sum" and truth.x.shape[0] > 1:
        yield "", _loss_with(net, samples="mean")


@mistake(_("the ½ of the loss dropped"))
def half_dropped(net, truth):
    if getattr(net.loss, "half", False):
        yield "", _loss_with(net, half=False)


@mistake(_("the loss derivative's sign flipped"))
def loss_sign(net, truth):
    yield "", variant(net, loss=lambda loss: Proxy(loss, backward=lambda *a: -loss.backward(*a)))


# the update ----------------------------------------------------------------------------
def _updating(rule):
    """Every parameter's update rule swapped for `rule(update_op)` (a function like forward)."""
    def swap(aff):
        return Proxy(aff, updater=lambda slot: Proxy(aff.updater(slot), forward=rule(aff.updater(slot))))
    return swap


@mistake(_("the sign of the update flipped (θ + η·∂L/∂θ)"))
def update_sign(net, truth):
    yield "", variant(net, affine=_updating(lambda up: lambda t, g, lr: up.forward(t, g, -lr)))


@mistake(_("the learning rate applied twice (θ − η²·∂L/∂θ)"))
def lr_twice(net, truth):
    yield "", variant(net, affine=_updating(lambda up: lambda t, g, lr: up.forward(t, g, lr * lr)))


def variants(net, truth) -> Iterator[tuple[str, object]]:
    """(the mistake as the report says it, its network) for every rule and place."""
    for rule in MISTAKES:
        for where, made in rule.make(net, truth):
            yield (f"{rule.name} ({where})" if where else rule.name), made
