"""Dead units at a set of parameters: the units each activation reports dead (a ReLU with
z <= 0 for every record) on one recorded forward pass over the whole table."""

from __future__ import annotations

from .diagnostics import diagnose
from .engine import Engine


def dead_units(scenario, params) -> dict[int, tuple[int, int]]:
    """{layer: (dead units, units)} for each layer with a dead unit, on the whole (preprocessed) table."""
    engine = Engine(scenario)
    data = engine.data(full=True)
    out: dict[int, tuple[int, int]] = {}
    for st in engine.forward_backward(params, data.x, data.y):
        if st.phase != "forward":
            continue
        for found in diagnose(st):
            if found.kind == "dead" and found.layer is not None:
                out[found.layer] = (len(found.units), scenario.layers[found.layer - 1].units)
    return out
