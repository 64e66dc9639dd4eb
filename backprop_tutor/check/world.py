"""The scenario's own pass, and the same pass run on a student's numbers.

`Truth` is one iteration as `tutor run` shows it (the engine's steps). `student_values`
runs the engine's one pass (`engine.network.run_pass` and `update`) with the student's
numbers put in wherever they gave one, through the pass's `given` hook: each value the
pass computes is kept as computed from the student's own earlier numbers (what
follow-through marking credits), and the pass goes on with the student's number.

A value can be computed correctly in more than one way: the tutor takes σ′(z) from z
(σ(z)σ(−z), exact where a saturates), a student from their own a as a(1 − a). Both are
"readings" of the same pass; a value agreeing with either is correct.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

import numpy as np

from ..engine import Engine
from ..engine.network import Network, run_pass, update


@dataclass
class Truth:
    """One iteration of the scenario: its steps, and what the pass needs to run again."""

    model: object
    steps: list
    by_key: dict
    x: np.ndarray
    y: np.ndarray
    params: dict
    net: Network
    lr: float
    #: the 0-based position of each step key in `steps`
    position: dict = field(default_factory=dict)

    @classmethod
    def of(cls, model) -> "Truth":
        engine = Engine(model)
        steps = [st for st in engine.steps()]
        data = engine.data()
        by_key = {st.key: st for st in steps}
        return cls(model, steps, by_key, data.x, data.y, engine.params, engine.network,
                   model.training.learning_rate, {st.key: i for i, st in enumerate(steps)})

    def shapes(self) -> dict[str, tuple]:
        return {st.key: tuple(np.shape(st.value)) for st in self.steps if st.phase != "preprocess"}

    def value(self, key: str, index: tuple):
        return float(np.asarray(self.by_key[key].value)[index])

    def stands_for(self) -> dict[str, str]:
        """Gradient keys a student's answer may stand for: with one sample, dL/db of a layer
        is dL/dz of its units (the notes write ∂L/∂b1⁽²⁾ = ŷ − y and go on from it)."""
        out = {}
        for st in self.steps:
            if st.grad and st.quantity == "b" and st.reuses:
                dz = self.by_key.get(st.reuses[0])
                if dz is not None and np.shape(dz.value)[0] == 1:
                    out[dz.key] = st.key
        return out


class Given:
    """The pass's `given` hook: keeps each value as computed, returns the student's numbers."""

    def __init__(self, numbers: dict[tuple[str, tuple], float], stands_for: dict[str, str]) -> None:
        self.by_key: dict[str, list] = {}
        for (key, index), v in numbers.items():
            self.by_key.setdefault(key, []).append((index, v))
        self.stands_for = stands_for
        self.computed: dict[str, np.ndarray] = {}
        self._unaliased: dict[str, np.ndarray] = {}

    def __call__(self, key: str, value):
        arr = np.array(value, dtype=float, copy=True)
        # a bias gradient standing for dL/dz (one sample) is computed from dL/dz as it was
        # before the student's own bias gradient was put in for it (or it would follow from itself)
        self.computed[key] = self._unaliased.pop(key, None) if key in self._unaliased else arr.copy()
        given = dict(self.by_key.get(key, ()))
        alias = self.stands_for.get(key)
        if alias:
            self._unaliased[alias] = arr[0].copy()
            for index, v in self.by_key.get(alias, ()):
                given.setdefault((0,) + tuple(index), v)
        for index, v in given.items():
            arr[index] = v
        return float(arr) if np.ndim(value) == 0 else arr


def student_values(truth: Truth, numbers: dict, net: Network | None = None) -> dict[str, np.ndarray]:
    """Every value of the pass computed from the student's own numbers (before each is
    replaced by the student's), by step key; `net`: a variant network (a reading or a mistake)."""
    net = net or truth.net
    hook = Given(numbers, truth.stands_for())
    with np.errstate(all="ignore"):
        result = run_pass(net, truth.params, truth.x, truth.y, given=hook)
        update(net, truth.params, result.grads, truth.lr, given=hook)
    return hook.computed


# variants of a network: one op swapped for a proxy -----------------------------------------
class Proxy:
    """An op with some of its methods replaced; everything else is the op's own."""

    def __init__(self, op, **methods) -> None:
        self._op = op
        self.__dict__.update(methods)

    def __getattr__(self, name):
        return getattr(self._op, name)


def unwrap(op):
    """The op itself under any proxies."""
    while isinstance(op, Proxy):
        op = op._op
    return op


def variant(net: Network, act=None, affine=None, loss=None, layers=None) -> Network:
    """A copy of `net` with the activation, affine op (given as op -> proxy functions) of
    `layers` (default: all) and/or the loss swapped."""
    new = copy.copy(net)
    chosen = set(layers or [lay.layer for lay in net.layers])
    swapped = {}
    new.layers = []
    for lay in net.layers:
        if lay.layer in chosen:
            changes = {}
            if act is not None and (made := act(lay.act)) is not None:
                changes["act"] = made
            if affine is not None and (made := affine(lay.affine)) is not None:
                changes["affine"] = swapped[id(lay.affine)] = made
            lay = replace(lay, **changes)
        new.layers.append(lay)
    new.params = [replace(p, op=swapped.get(id(p.op), p.op)) for p in net.params]
    if loss is not None:
        new.loss = loss(net.loss)
    return new


def output_form(op):
    """f′ as a function of a = f(z) (a(1 − a) for σ), derived by sympy from the op, or None."""
    op = unwrap(op)
    if not getattr(op, "elementwise", False) or op.learnable:
        return None
    import sympy as sp

    from ..symbolic.formulas import activation_derivative_output_form
    from ..symbolic.local import A

    form = activation_derivative_output_form(op)
    if form is None or form.free_symbols - {A}:
        return None
    fn = sp.lambdify(A, form, "numpy")
    return lambda a: np.broadcast_to(np.asarray(fn(a), dtype=float), np.shape(a))


def from_outputs(op):
    """The activation read as a student reads it: f′ from a (a(1 − a)), 1 − a as it stands."""
    fprime = output_form(op)
    if fprime is None:
        return None
    return Proxy(op, grads=lambda g, z, a, theta: (g * fprime(a), {}),
                 complement=lambda z, a: 1.0 - a)


def readings(net: Network) -> list[Network]:
    """The pass as the tutor computes it, and as the textbook computes it (f′ from a)."""
    textbook = variant(net, act=from_outputs)
    return [net, textbook]
