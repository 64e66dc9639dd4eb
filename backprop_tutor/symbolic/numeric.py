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


@dataclass(frozen=True)
class Sampled:
    """Some entries of a matrix (a central difference where every entry would cost too much):
    the values at rows x cols (0-based; nan where not computed), and which they are."""

    shape: tuple
    rows: list
    cols: list
    values: np.ndarray
    count: int  # how many were computed, in row-major order
    why: str  # "the entries shown, of 200,704"

    def as_json(self) -> dict:
        return {"shape": list(self.shape), "rows": list(self.rows), "columns": list(self.cols),
                "values": [[None if np.isnan(x) else float(x) for x in row] for row in self.values],
                "computed": self.count, "of": int(np.prod(self.shape))}


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
    engine_value = p.steps[target.key].value
    if target.index is not None:
        engine_value = np.asarray(engine_value[target.index], dtype=float)
    elif not hasattr(engine_value, "take_rows"):  # a wide layer's dL/dW stays lazy, read a block of rows at a time
        engine_value = np.asarray(engine_value, dtype=float)
    surrogates = straight_through(scenario, target)
    fd = None if surrogates else _finite_difference(p.engine, scenario, target, p.data)
    p.kinks = kink_notes(p, engine_value, fd)
    return engine_value, fd, surrogates


def kink_notes(p, engine_value, fd) -> list[str]:
    """Why a central difference may differ from the rule: a pre-activation exactly at a kink of
    its activation (ReLU's z = 0, ReLU6's 0 and 6), where the rule takes a subgradient and the
    difference straddles the jump, averaging the slopes on both sides."""
    if fd is None or isinstance(fd, Sampled) or hasattr(engine_value, "take_rows"):
        return []
    fd, engine = np.asarray(fd, dtype=float), np.asarray(engine_value, dtype=float)
    scale = float(np.abs(engine).max()) if engine.size else 0.0
    if np.allclose(fd, engine, rtol=1e-5, atol=1e-7 * max(scale, 1.0)):
        return []
    out = []
    for q, layer in enumerate(p.scenario.layers, start=1):
        key = f"Y{q}" if f"Y{q}" in p.steps else f"Z{q}"
        z = np.asarray(p.steps[key].value, dtype=float)
        at = [k for k in getattr(layer.activation, "kinks", ()) if (z == k).any()]
        if at:
            out.append(_("a pre-activation of layer {q} is exactly at a kink of {act} (z = {at}): there the rule "
                         "takes a subgradient, while the central difference straddles the jump and averages "
                         "the slopes on its two sides, so the two differ by design").format(
                             q=q, act=layer.activation.title or layer.activation.name,
                             at=", ".join(format(k, "g") for k in at)))
    return out


def value_warnings(value, engine_value) -> list[str]:
    """What a student must know about the numbers: a value that is not finite, or the value
    chained from the derived formulas differing from the network pass's (the self-check). A
    wide layer's lazily computed matrix is judged on the entries shown."""
    engine, derived = _shown(engine_value), _shown(value)
    if not np.all(np.isfinite(engine)):
        return [_("the value is not a finite number (inf or nan): on the way the loss took the log of 0 or "
                  "a number overflowed; `tutor run` marks the step where it happens (⚠).")]
    scale = float(np.abs(engine).max()) if engine.size else 0.0
    if not np.allclose(derived, engine, rtol=1e-9, atol=1e-9 * scale, equal_nan=False):
        return [_("the derivation evaluated in floating point differs from the network pass (engine) here: "
                  "a saturated unit's rounding; the engine's value is computed without it.")]
    return []


def _shown(value) -> np.ndarray:
    """The value as an array; of a lazily computed matrix, the entries a printed one shows."""
    if hasattr(value, "take_rows"):
        from ..engine.summary import edge_sample

        return edge_sample(value)[2]
    return np.asarray(value, dtype=float)
