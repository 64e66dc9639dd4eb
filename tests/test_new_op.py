"""A new operation is one class: an activation with a learnable parameter, written here in
the test alone (nothing outside this file knows it), runs through every mode: the pass
records its parameter's gradient and update, JSON and train carry it, step mode draws it,
and explain derives its parameter's gradient from its symbolic form."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.ops.activations import ACTIVATIONS, Activation, register


class ScaledTanh(Activation):
    """a = g * tanh(z), with a learnable gain g."""

    name = "scaled_tanh"
    title = "g·tanh"
    parameters = ("gain",)
    learnable = ("gain",)
    symbols = {"gain": "g"}

    def __init__(self, gain: float = 1.0) -> None:
        super().__init__(gain=gain)

    def apply(self, z, theta):
        return theta["gain"] * np.tanh(z)

    def forward(self, z):
        return self.apply(z, self.params)

    def derivative(self, z, a):
        return self.params["gain"] / np.cosh(z) ** 2

    def grads(self, grad_a, z, a, theta):
        return grad_a * theta["gain"] / np.cosh(z) ** 2, {"gain": np.array((grad_a * np.tanh(z)).sum())}

    def symbolic(self, sp, z, gain=None):
        return (sp.Float(self.params["gain"]) if gain is None else gain) * sp.tanh(z)


SCENARIO = """\
name: gain-demo
title: a learnable gain
data: {inputs: [[0.5, -1], [1, 2], [-0.3, 0.4]], targets: [[1], [0], [1]]}
network:
  inputs: 2
  layers:
    - {units: 2, activation: {name: scaled_tanh, gain: 1.5}}
    - {units: 1, activation: sigmoid}
parameters: {W1: [[0.2, -0.4], [0.3, 0.1]], b1: [0, 0.1], W2: [[0.6], [-0.5]], b2: [0.05]}
loss: {type: binary_cross_entropy}
training: {learning_rate: 0.5, batch: full, max_iterations: 20}
"""


@pytest.fixture
def path(tmp_path):
    register(ScaledTanh)
    file = tmp_path / "gain.yaml"
    file.write_text(SCENARIO, encoding="utf-8")
    yield str(file)
    ACTIVATIONS.pop("scaled_tanh")


def tutor(*args):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def reference(gain, x, y, p):
    z1 = x @ p["W1"] + p["b1"]
    a1 = gain * np.tanh(z1)
    z2 = a1 @ p["W2"] + p["b2"]
    return np.mean(np.logaddexp(0, -z2) * y + np.logaddexp(0, z2) * (1 - y))


def test_every_mode_reads_the_new_op(path):
    steps = {s["key"]: s["value"] for s in json.loads(tutor("run", path, "--json"))["steps"]}
    x, y = np.array([[0.5, -1], [1, 2], [-0.3, 0.4]]), np.array([[1.0], [0.0], [1.0]])
    p = {"W1": np.array([[0.2, -0.4], [0.3, 0.1]]), "b1": np.array([0, 0.1]), "W2": np.array([[0.6], [-0.5]]),
         "b2": np.array([0.05])}
    h = 1e-6
    numeric = (reference(1.5 + h, x, y, p) - reference(1.5 - h, x, y, p)) / (2 * h)
    assert steps["dL/dgain1"] == pytest.approx(numeric, rel=1e-7)
    assert steps["gain1"] == pytest.approx(1.5 - 0.5 * steps["dL/dgain1"], rel=1e-15)
    trained = json.loads(tutor("train", path, "--json"))
    assert "gain1" in trained["final"]["grad_norms"] and len(trained["loss"]) == 20
    printed = tutor("run", path)
    assert "∂L/∂g1" in printed and "g⁽¹⁾′ = g⁽¹⁾ - η * ∂L/∂g⁽¹⁾" in printed
    assert "∂L/∂g1" in tutor("run", path, "--step")  # no terminal: every frame printed
    explained = json.loads(tutor("explain", "dL/dg1", "-s", path, "--json"))
    assert explained["value"] == pytest.approx(numeric, rel=1e-7)
    assert explained["finite_difference"] == pytest.approx(numeric, rel=1e-6)
    assert "g1" in tutor("explain", "dL/dgain1", "-s", path)
