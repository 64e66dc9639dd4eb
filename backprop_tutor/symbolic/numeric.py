"""explain's numbers, without sympy: the engine's pass for a target, the value chained from
the derived formulas (as functions, see values.Derived), the engine's value, a central
finite difference, and the self-check between them. derive.py builds the derivation on
top of this; printing/kept.py reads `checks` alone when the printed formulas and the
value they gave are in the cache."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..i18n import _
from ..engine import Engine
from ..errors import UnsupportedError
from ..ops import affine_of


@dataclass
class Pass:
    """The engine's pass an explanation reads: its data, its steps by key, the activations."""

    scenario: object
    target: object
    engine: Engine
    data: object
    steps: dict
    acts: list
    mixing: bool  # a non-element-wise output (softmax) is on the path


def pass_for(scenario, target, record: int | None = None) -> Pass:
    """Run the engine once, and check that the path is one explain can derive."""
    engine = Engine(scenario)
    data = engine.data(record)
    steps = {st.key: st for st in engine.forward_backward(engine.params, data.x, data.y)}
    n = scenario.depth
    acts = [scenario.layers[q - 1].activation for q in range(1, n + 1)]
    for act in acts[:-1]:
        if not act.elementwise:
            raise UnsupportedError(
                _("explain derives a non-element-wise activation ({name}) at the output layer only").format(name=act.name))
    # a non-element-wise output (softmax) is on the path unless the target is Ŷ itself
    mixing = not acts[-1].elementwise and not (target.kind == "A" and target.layer == n)
    return Pass(scenario, target, engine, data, steps, acts, mixing)


def straight_through(scenario, target) -> list[str]:
    """The ops on the path whose backward rule is a chosen surrogate, not a derivative."""
    n, l = scenario.depth, target.layer
    found = []
    for q in range(l, n + 1):
        layer = scenario.layers[q - 1]
        if getattr(layer.activation, "straight_through", False) and (q > l or target.kind != "A"):
            found.append(_("the sign of layer {layer}").format(layer=q))
        if affine_of(layer).weight_op is not None and (q > l or target.kind == "W"):
            found.append(_("the binarized weights of layer {layer}").format(layer=q))
    return found


def values(p, derived, dterm=None) -> tuple:
    """(the value chained from the derived formulas, the engine's value, a central finite
    difference or None, the straight-through ops on the path); `dterm` (the loss's derived
    term) is read for the loss's formula."""
    from .values import _value

    value = _value(p.scenario, p.target, p.steps, p.data, factors_ops=(dterm, p.acts), derived=derived)
    return (value, *checks(p))


def checks(p) -> tuple:
    """What a value is checked against, computed from the pass on every call: (the engine's
    value, a central finite difference or None, the straight-through ops on the path)."""
    from .values import _finite_difference

    scenario, target = p.scenario, p.target
    engine_value = np.asarray(p.steps[target.key].value, dtype=float)
    if target.index is not None:
        engine_value = engine_value[target.index]
    surrogates = straight_through(scenario, target)
    fd = None if surrogates else _finite_difference(p.engine, scenario, target, p.data)
    return engine_value, fd, surrogates


def value_warnings(value, engine_value) -> list[str]:
    """What a student must know about the numbers: a value that is not finite, or the value
    chained from the derived formulas differing from the network pass's (the self-check)."""
    engine = np.asarray(engine_value, dtype=float)
    if not np.all(np.isfinite(engine)):
        return [_("the value is not a finite number (inf or nan): on the way the loss took the log of 0 or "
                  "a number overflowed; `tutor run` marks the step where it happens (⚠).")]
    derived = np.asarray(value, dtype=float)
    scale = float(np.abs(engine).max()) if engine.size else 0.0
    if not np.allclose(derived, engine, rtol=1e-9, atol=1e-9 * scale, equal_nan=False):
        return [_("the derivation evaluated in floating point differs from the network pass (engine) here: "
                  "a saturated unit's rounding; the engine's value is computed without it.")]
    return []
