"""Training: repeat the iteration until the stopping rule holds.

Each iteration is the network pass `tutor run` shows (forward, loss, backward),
followed by the update unless every gradient norm is already below epsilon
(eq. 18.20: the update is made only while the rule does not hold).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..scenario.model import Scenario
from .engine import Engine
from .network import run_pass, update


@dataclass
class TrainResult:
    iterations: int  # parameter updates made
    loss: list[float] = field(default_factory=list)  # loss of each update's iteration, before the update
    final_loss: float = 0.0  # at the parameters after the last update, on the whole data set
    grad_norms: dict[str, float] = field(default_factory=dict)  # likewise
    stopped_by: str = "max_iterations"  # or "epsilon"
    params: dict[str, np.ndarray] = field(default_factory=dict)
    #: (iterations done, dead units per layer, saturated units per layer) over the whole data
    #: set, sampled UNIT_SAMPLES times during training (engine/epochviews.py)
    units: list[tuple[int, list[int], list[int]]] = field(default_factory=list)


#: how many times training by iterations samples the dead and saturated units
UNIT_SAMPLES = 20


def evaluate(engine: Engine, params: dict[str, np.ndarray]) -> tuple[float, dict[str, float]]:
    """Loss and gradient norms on the whole (preprocessed) data set."""
    data = engine.data(full=True)
    result = run_pass(engine.network, params, data.x, data.y)
    return result.loss, {name: float(np.linalg.norm(result.grads[name])) for name in engine.network.param_names()}


def train(scenario: Scenario, iterations: int | None = None,
          progress: Callable[[int, float], None] | None = None) -> TrainResult:
    engine = Engine(scenario)
    net, t = engine.network, scenario.training
    total = iterations if iterations is not None else t.max_iterations
    params = {k: v.copy() for k, v in engine.params.items()}
    full = engine.data(full=True)
    m = full.x.shape[0]
    result = TrainResult(iterations=0)
    every = max(1, total // UNIT_SAMPLES)
    sample_units(result, net, params, full)
    for i in range(total):
        if t.batch == "record":
            k = (t.record + i) % m
            x, y = full.x[k:k + 1], full.y[k:k + 1]
        else:
            x, y = full.x, full.y
        step = run_pass(net, params, x, y, draw=i)
        if t.epsilon and all(np.linalg.norm(g) < t.epsilon for g in step.grads.values()):
            result.stopped_by = "epsilon"  # no update: final_loss holds this loss
            break
        result.loss.append(step.loss)
        params = update(net, params, step.grads, t.learning_rate, running=step.running)
        result.iterations += 1
        if progress is not None:
            progress(i + 1, result.loss[-1])
        if result.iterations % every == 0:
            sample_units(result, net, params, full)
    if result.units[-1][0] != result.iterations:
        sample_units(result, net, params, full)
    result.final_loss, result.grad_norms = evaluate(engine, params)
    result.params = params
    return result


def sample_units(result: TrainResult, net, params, data) -> None:
    from .epochviews import evaluate as on_rows

    found = on_rows(net, params, data.x, data.y, units=True)
    result.units.append((result.iterations, found.dead, found.saturated))
