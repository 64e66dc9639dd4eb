"""The names on an answer sheet: explain's target grammar, plus values, updates and the loss.

    z1^(1)  a2^(1)  ŷ  Z1[0,1]  A2                     a value of the forward pass
    L   (or J: the scenario's loss symbol)             the loss
    dL/dw12^(1)  dL/db1^(2)  dL/dz1^(2)  dL/dW1        a gradient (as `tutor explain` reads it)
    w11^(1)'  b1^(2)'  W1'  (′ or ' : the updated)     a parameter after the update

Entries are 1-based in the notes' form (w12^(1): from unit 1 to unit 2 of layer 1) and
0-based in brackets (W1[0,1], as numpy). A whole matrix (dL/dW1, W1', Z1) takes a list
of rows. Everything is read by `symbolic.targets.parse`, the grammar `explain` uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..i18n import _
from ..symbolic.targets import KINDS, TargetError, parse

PRIMES = ("'", "′", "’")


class UnknownName(ValueError):
    """A name the scenario has no value for; the message says what is allowed."""


@dataclass(frozen=True)
class Name:
    key: str  # the step's key: Z1, A2, L, dL/dW1, W1 (after the update)
    index: tuple | None  # the entry (0-based, in the step value's shape), or None for all of it


def resolve(text: str, model, shapes: dict[str, tuple]) -> Name:
    """What an answer's name refers to; `shapes` maps each step key to its value's shape."""
    plain = "".join(str(text).split())
    loss = model.notation.loss
    if not plain:
        raise UnknownName(_("the name is empty; write e.g. z1^(1), d{loss}/dw11^(1), w11^(1)'").format(loss=loss))
    if plain in ("L", "J", loss):
        return Name("L", None)
    updated = plain.endswith(PRIMES)
    stem = plain.rstrip("".join(PRIMES)) if updated else plain
    grad = stem.replace("∂", "d").startswith(("dL/d", "dJ/d", f"d{loss}/d"))
    try:
        target = parse(stem if grad else f"d{loss}/d{stem}", model)
    except TargetError as err:
        reason = str(err).split(": ", 1)[-1] if grad else _as_value(str(err), loss)
        raise UnknownName(reason) from None
    if grad and updated:
        raise UnknownName(_("a gradient is not updated; write the parameter after the update as w11^(1)'"))
    if grad:
        key = target.key
    elif updated:
        if target.kind not in ("W", "b") and not target.parameter:
            raise UnknownName(_("only parameters are updated (w11^(1)', b1^(1)'), not {stem}").format(stem=stem))
        key = f"{target.kind}{target.layer}"
    else:
        if target.kind in ("W", "b") or target.parameter:
            raise UnknownName(_("{stem} is given by the scenario; write its value after the update as "
                                "{stem2}' (or its gradient as d{loss}/d{stem3})").format(
                                  stem=stem, stem2=stem, loss=loss, stem3=stem))
        key = f"{target.kind}{target.layer}"
    if key not in shapes:
        raise UnknownName(_("this scenario has no value {key}").format(key=key))
    index = target.index
    if index is not None and len(index) != len(shapes[key]):
        index = None if shapes[key] == () else index
    return Name(key, index)


def _as_value(message: str, loss: str) -> str:
    """explain's message about a gradient, said of a value (z1^(1) rather than dL/dz1^(1))."""
    reason = message.split(": ", 1)[-1].split("; this scenario offers")[0]
    return (_("{reason}; a value is written z1^(1), a1^(1), ŷ, Z1[0,1] (0-based), the loss {loss}, a "
              "gradient d{loss2}/dw11^(1), an update w11^(1)'").format(reason=reason, loss=loss, loss2=loss))


def entry_name(step, index: tuple, model) -> str:
    """The sheet's name of one entry of a step, in the scenario's notation (1-based)."""
    loss = model.notation.loss
    if step.quantity == "L":
        return loss
    base = _entry(step.quantity, step.layer, index, model, np.shape(step.value))
    if step.grad:
        return f"d{loss}/d{base}"
    return f"{base}'" if step.phase == "update" else base


def _entry(quantity: str, layer: int, index: tuple, model, shape: tuple) -> str:
    act = model.notation.activation.lower()
    if quantity == "W":
        i, j = index
        return f"w{i + 1}{j + 1}^({layer})" if max(shape) < 10 else f"W{layer}[{i},{j}]"
    if quantity == "b":
        return f"b{index[0] + 1}^({layer})" if shape[0] < 10 else f"b{layer}[{index[0]}]"
    if quantity in KINDS:  # Z or A: one row, the notes' z1^(1); several rows, Z1[sample,unit]
        letter = "z" if quantity == "Z" else act
        s, j = index
        if shape[0] == 1 and shape[1] < 10:
            return f"{letter}{j + 1}^({layer})"
        return f"{'Z' if quantity == 'Z' else model.notation.activation.upper()}{layer}[{s},{j}]"
    return f"{quantity}{layer}"  # an activation's own parameter (alpha1): a scalar


def entries(shape: tuple) -> list[tuple]:
    """Every index of a value of this shape, in row-major order (() for a scalar)."""
    return [tuple(int(i) for i in ix) for ix in np.ndindex(*shape)]
