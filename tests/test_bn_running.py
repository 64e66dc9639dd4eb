"""Batch normalisation's running statistics are steps of a training pass (update phase): the
momentum formula with its numbers, the value inference then reads; none at inference."""

from __future__ import annotations

import numpy as np

from backprop_tutor.engine import Engine, train
from backprop_tutor.scenario import load
from backprop_tutor.symbolic.substitution import element_lines


def test_the_running_statistics_are_steps_with_their_formula():
    model = load("batch-norm")
    steps = {s.key: s for s in Engine(model).steps()}
    m = model.layers[0].norm.momentum
    z = np.asarray(steps["Z1"].value)
    assert np.allclose(steps["running_mean1"].value, m * 0 + (1 - m) * z.mean(axis=0), rtol=1e-15, atol=0)
    assert np.allclose(steps["running_var1"].value, m * 1 + (1 - m) * z.var(axis=0), rtol=1e-15, atol=0)
    assert steps["running_mean1"].phase == "update" and steps["running_mean1"].reuses == ("mu1",)
    for key in ("running_mean1", "running_var1"):
        lines = element_lines(steps[key], limit=10)
        assert lines.checks and all(abs(a - b) <= 1e-12 * max(1, abs(b)) for a, b in lines.checks)
    after = train(model, 1).params
    assert np.array_equal(after["running_mean1"], steps["running_mean1"].value)
    inference = {s.key for s in Engine(load("batch-norm", ["training.mode=inference"])).steps()}
    assert "running_mean1" not in inference and "running_var1" not in inference
