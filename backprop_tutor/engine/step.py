"""The step record: what one operation did. Everything downstream consumes these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

PHASES = ("preprocess", "forward", "loss", "backward", "update")


@dataclass(frozen=True)
class Step:
    """One operation of one iteration.

    key     stable id used by JSON and tests: Z1, A1, L, dL/dZ2, dL/dW2, W1 ...
    phase   one of PHASES
    symbol  what the scenario's notation calls the result (H1, Ŷ, ∂J/∂W1 ...)
    op      the operation object that computed it (it also carries the symbolic form)
    role    which of the op's rules was applied: forward, backward, weight_grad,
            bias_grad, input_grad, loss, loss_grad, update, preprocess, select
    layer   the layer it belongs to (None for the loss and data steps)
    inputs  the values it read, by display symbol, in the order the op takes them
    value   the result (a float for the loss, otherwise an array)
    reuses  keys of earlier steps whose values it read: the chain-rule links
    extra   op-specific numbers (learning rate, the loss's averaging constant ...)

    What the step is, as data (nothing downstream parses `key` or `symbol`):
    quantity  the value's base name: X, Y, x, y, Z, A, Wb, L, or a parameter slot (W, b, alpha)
    grad      True for dL/d(quantity)
    param     the parameter's name (W1, b2, alpha1) when the quantity is a learnable parameter
    unit      a 0-based unit (column) when the step is about one unit, else None
    slots     the op's own name for each entry of `inputs`, in order (z, g, yhat, y, h, w, theta ...);
              `args` gives the values by these names
    of_symbol what the scenario's notation calls the quantity itself (A1, H1, Ŷ, W1), for a gradient
    names     the display symbol of each slot in args, "out" for the result's quantity and
              "loss" for the loss (J or L): what a presentation writes, without parsing symbols
    """

    key: str
    phase: str
    symbol: str
    op: Any
    role: str
    value: Any
    layer: int | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    reuses: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    quantity: str = ""
    grad: bool = False
    param: str | None = None
    unit: int | None = None
    slots: tuple[str, ...] = ()
    of_symbol: str = ""
    names: dict[str, str] = field(default_factory=dict)

    @property
    def args(self) -> dict[str, Any]:
        """The values the step read, by the op's slot names; "a" is the result of an activation."""
        found = dict(zip(self.slots, self.inputs.values()))
        if self.role == "forward":
            found.setdefault("a", self.value)
        return found

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.value))

    def json_value(self) -> Any:
        """The value as plain JSON data at full float precision."""
        if isinstance(self.value, np.ndarray) or hasattr(self.value, "take_rows"):
            return self.value.tolist()
        return float(self.value)
