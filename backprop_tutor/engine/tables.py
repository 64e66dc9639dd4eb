"""The scenario's tables after preprocessing: one place for `run`, `train` and epoch training."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Tables:
    """Training and test tables after preprocessing, each method fitted on the training table."""

    x: np.ndarray
    y: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    #: "inputs" / "targets" -> (method, its statistics, the raw training table)
    fitted: dict = field(default_factory=dict)


def scaled(scenario) -> Tables:
    raw = {"inputs": (scenario.inputs, scenario.test_inputs), "targets": (scenario.targets, scenario.test_targets)}
    out, fitted = {}, {}
    for which, (train, test) in raw.items():
        test = np.zeros((0, train.shape[1])) if test is None else test
        method = scenario.preprocess.get(which)
        if method is not None:
            stats = method.fit(train)
            fitted[which] = (method, stats, train)
            train, test = method.forward(train, stats), method.forward(test, stats)
        out[which] = (train, test)
    return Tables(out["inputs"][0], out["targets"][0], out["inputs"][1], out["targets"][1], fitted)
