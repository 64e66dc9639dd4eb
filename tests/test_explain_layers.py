"""explain past training-mode dropout: dL/dW of the layer above a dropped one reads the dropped
activations D as numbers (named d), and is the engine's number and the central difference with
the pass's own mask; a target whose chain crosses the mask is still refused, with the reason."""

from __future__ import annotations

import numpy as np
from typer.testing import CliRunner

from backprop_tutor import api
from backprop_tutor.cli import app
from backprop_tutor.engine import Engine
from backprop_tutor.scenario import load

runner = CliRunner()


def test_dl_dw2_past_a_dropped_layer_is_derived_with_d1():
    model = load("dropout", up_close=True)
    steps = {s.key: s for s in Engine(model).steps()}
    ex = api.explain("dL/dW2", "dropout").explanation
    d1, g = np.asarray(steps["D1"].value), np.asarray(steps["dL/dZ2"].value)
    assert np.allclose(ex.value, d1.T @ g, rtol=1e-12, atol=1e-15)  # Dᵀ dL/dZ2, not Aᵀ
    assert np.allclose(ex.value, steps["dL/dW2"].value, rtol=1e-12, atol=1e-15)
    assert np.allclose(ex.finite_difference, steps["dL/dW2"].value, rtol=1e-6, atol=1e-9)  # the mask held fixed
    assert not np.allclose(np.asarray(steps["A1"].value).T @ g, ex.value)  # it matters which is read


def test_the_printed_derivation_names_the_dropped_inputs():
    result = runner.invoke(app, ["explain", "dL/dW2", "-s", "dropout"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "D1ᵀ" in result.stdout and "d1_si" in result.stdout
    element = runner.invoke(app, ["explain", "dL/dw11^(2)", "-s", "dropout"], env={"COLUMNS": "100"})
    assert element.exit_code == 0 and "dₛ₁⁽¹⁾" in element.stdout


def test_a_chain_through_the_mask_is_still_refused_with_the_reason():
    result = runner.invoke(app, ["explain", "dL/dW1", "-s", "dropout"])
    assert result.exit_code == 2 and "does not go through dropout (layer 1)" in result.output
    inference = runner.invoke(app, ["explain", "dL/dW1", "-s", "dropout", "--set", "training.mode=inference"])
    assert inference.exit_code == 0, inference.output


KINK = """name: kink
title: kink
data:
  inputs: [[1.0, -1.0], [2.0, 1.0]]
  targets: [[1.0], [0.0]]
network:
  inputs: 2
  layers:
    - {units: 2, activation: relu6}
    - {units: 1, activation: sigmoid}
parameters:
  W1: [[1.0, 2.0], [1.0, 2.0]]
  b1: [0.0, 0.0]
  W2: [[0.5], [-0.3]]
  b2: [0.0]
loss: {type: binary_cross_entropy}
training: {learning_rate: 0.1, batch: full, max_iterations: 1}
"""


def test_a_finite_difference_across_a_kink_says_why_it_differs(tmp_path):
    path = tmp_path / "kink.yaml"
    path.write_text(KINK, encoding="utf-8")  # z = 0 on record 1 and z = 6 on record 2: both kinks of ReLU6
    for cache in ("off", "on", "on"):  # printed fresh, kept, read back
        out = runner.invoke(app, ["explain", "dL/dW1", "-s", str(path)], env={"TUTOR_CACHE": cache, "COLUMNS": "200"})
        assert out.exit_code == 0 and "exactly at a kink of ReLU6 (z = 0, 6)" in out.stdout
    smooth = runner.invoke(app, ["explain", "dL/dW1", "-s", str(path), "--set", "parameters.W1=[[1.0, 2.0], [0.5, 2.5]]"],
                           env={"COLUMNS": "200"})
    assert smooth.exit_code == 0 and "kink" not in smooth.stdout.replace("kink  explain", "")
