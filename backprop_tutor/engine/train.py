"""Training: repeat the iteration until the stopping rule holds.

Each iteration is the same step sequence `tutor run` shows (forward, loss,
backward), followed by the update steps unless every gradient norm is already
below epsilon (eq. 18.20: the update is made only while the rule does not hold).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..scenario.model import Scenario
from .engine import Engine, grad_key, param_names


@dataclass
class TrainResult:
    iterations: int  # parameter updates made
    loss: list[float] = field(default_factory=list)  # loss of each update's iteration, before the update
    final_loss: float = 0.0  # at the parameters after the last update, on the whole data set
    grad_norms: dict[str, float] = field(default_factory=dict)  # likewise
    stopped_by: str = "max_iterations"  # or "epsilon"
    params: dict[str, np.ndarray] = field(default_factory=dict)


def evaluate(engine: Engine, params: dict[str, np.ndarray]) -> tuple[float, dict[str, float]]:
    """Loss and gradient norms on the whole (preprocessed) data set."""
    data = engine.data(full=True)
    loss, norms = 0.0, {}
    for step in engine.forward_backward(params, data.x, data.y):
        if step.key == "L":
            loss = float(step.value)
        elif step.key.startswith("dL/dW") or step.key.startswith("dL/db"):
            norms[step.key[4:]] = float(np.linalg.norm(step.value))
    order = param_names(engine.scenario.depth)
    return loss, {name: norms[name] for name in order}


def train(scenario: Scenario, iterations: int | None = None,
          progress: Callable[[int, float], None] | None = None) -> TrainResult:
    engine = Engine(scenario)
    t = scenario.training
    total = iterations if iterations is not None else t.max_iterations
    params = {k: v.copy() for k, v in engine.params.items()}
    names = param_names(scenario.depth)
    full = engine.data(full=True)
    m = full.x.shape[0]
    result = TrainResult(iterations=0)
    for i in range(total):
        if t.batch == "record":
            k = (t.record + i) % m
            x, y = full.x[k:k + 1], full.y[k:k + 1]
        else:
            x, y = full.x, full.y
        grads, loss = {}, 0.0
        for step in engine.forward_backward(params, x, y):
            if step.key == "L":
                loss = float(step.value)
            elif step.phase == "backward":
                grads[step.key] = step.value
        if t.epsilon and all(np.linalg.norm(grads[grad_key(p)]) < t.epsilon for p in names):
            result.stopped_by = "epsilon"  # no update: final_loss holds this loss
            break
        result.loss.append(loss)
        for step in engine.update(params, grads):
            params[step.key] = step.value
        result.iterations += 1
        if progress is not None:
            progress(i + 1, result.loss[-1])
    result.final_loss, result.grad_norms = evaluate(engine, params)
    result.params = params
    return result
