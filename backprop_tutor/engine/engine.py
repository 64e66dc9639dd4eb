"""The engine: runs a scenario forward and backward one operation at a time.

`Engine.steps()` yields one Step per operation, in teaching order:
preprocessing, each forward op, the loss, each backward op, each update.
It imports numpy and the operations only; no rich, no typer, no sympy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..scenario.model import Scenario
from .network import Network, run_pass, update
from .records import Recorder
from .step import Step
from .tables import scaled


@dataclass
class Data:
    """The tables one iteration trains on, after preprocessing and record selection."""

    x: np.ndarray
    y: np.ndarray
    steps: list[Step]


class Engine:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.network = Network.of(scenario)
        # the recorded pass and explain's central difference never change them in place
        self.params = self.network.initial(scenario.parameters, copy=False)

    # data ----------------------------------------------------------------
    def data(self, record: int | None = None, full: bool = False) -> Data:
        """Preprocessed tables; one record of them in record mode (unless `full`)."""
        s = self.scenario
        tables = scaled(s)
        x, y = tables.x, tables.y
        steps: list[Step] = []
        for which, sym, value in (("inputs", s.notation.inputs, x), ("targets", s.notation.targets, y)):
            if which in tables.fitted:
                method, stats, raw = tables.fitted[which]
                steps += preprocess_steps(which, sym, method, stats, raw, value)
        if s.training.batch == "record" and not full:
            k = s.training.record if record is None else record
            rx, ry = x[k:k + 1], y[k:k + 1]
            steps.append(Step(key="x", phase="preprocess", symbol="x", op=None, role="select",
                              value=rx, inputs={s.notation.inputs: x}, extra={"record": k}))
            steps.append(Step(key="y", phase="preprocess", symbol="y", op=None, role="select",
                              value=ry, inputs={s.notation.targets: y}, extra={"record": k}))
            x, y = rx, ry
        elif s.training.batch == "minibatch" and not full:
            k = s.training.step_batch
            rows = list(range(k))
            steps.append(Step(key="x", phase="preprocess", symbol="x", op=None, role="select",
                              value=x[:k], inputs={s.notation.inputs: x}, extra={"record": rows}))
            steps.append(Step(key="y", phase="preprocess", symbol="y", op=None, role="select",
                              value=y[:k], inputs={s.notation.targets: y}, extra={"record": rows}))
            x, y = x[:k], y[:k]
        return Data(x=x, y=y, steps=steps)

    # one iteration -------------------------------------------------------
    def forward_backward(self, params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray,
                         x_key: str = "X") -> Iterator[Step]:
        """Forward ops, the loss, then backward ops; the last steps carry every gradient."""
        rec = Recorder(self.scenario, x_key)
        run_pass(self.network, params, x, y, rec)
        yield from rec.steps

    def steps(self, record: int | None = None) -> Iterator[Step]:
        """One full iteration from the scenario's initial parameters, one step per operation."""
        data = self.data(record)
        yield from data.steps
        x_key = "x" if any(st.key == "x" for st in data.steps) else "X"
        rec = Recorder(self.scenario, x_key)
        result = run_pass(self.network, self.params, data.x, data.y, rec)
        update(self.network, self.params, result.grads, self.scenario.training.learning_rate, rec,
               running=result.running)
        yield from rec.steps


def preprocess_steps(which: str, sym: str, method, stats, raw, value) -> list[Step]:
    """The step of a preprocessing method, or one step per stage of a method made of stages
    (the pixel recipe x/255, -0.5, /0.5): each stage's table from the one before."""
    key = "X" if which == "inputs" else "Y"
    stages = getattr(method, "stages", ())
    if not stages:
        return [Step(key=key, phase="preprocess", symbol=f"{sym}′", op=method, role="preprocess", value=value,
                     inputs={sym: raw}, extra={"stats": stats, "table": which})]
    steps, before, name = [], raw, sym
    for i, stage in enumerate(stages, 1):
        last = i == len(stages)
        own = stage.fit(before)
        after = value if last else stage.forward(before, own)
        symbol = sym + "′" * i
        steps.append(Step(key=key if last else f"{key}:{i}", phase="preprocess", symbol=symbol, op=stage,
                          role="preprocess", value=after, inputs={name: before},
                          extra={"stats": own, "table": which, "stage": (i, len(stages))}))
        before, name = after, symbol
    return steps
