"""`bias: none` and the built-in lesson `bias-free` (the MLP notebook's propagation section:
z = W1 x, o = W2 h, J = L + λ/2 (‖W1‖² + ‖W2‖²), and its exercise 2, adding a bias)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.engine import Engine, train
from backprop_tutor.scenario import load
from backprop_tutor.symbolic.substitution import element_lines

runner = CliRunner()
WITH_BIAS = ["network.layers.0.bias=own", "network.layers.1.bias=own", "parameters.b1=[0.0, 0.0]",
             "parameters.b2=[0.0, 0.0]"]


def steps_of(*settings):
    return {s.key: s for s in Engine(load("bias-free", list(settings))).steps()}


def reference(params, x, y, lam=0.1):
    """J and its gradients, written here from the notebook's formulas."""
    z = x @ params["W1"]
    h = 1 / (1 + np.exp(-z))
    o = h @ params["W2"]
    j = 0.5 * np.sum((o - y) ** 2) + lam / 2 * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    do = o - y
    dw2 = h.T @ do + lam * params["W2"]
    dz = (do @ params["W2"].T) * h * (1 - h)
    dw1 = x.T @ dz + lam * params["W1"]
    return j, {"W1": dw1, "W2": dw2}, z


def test_the_lesson_says_where_it_comes_from():
    s = load("bias-free")
    assert s.source.document == "004_6fa224d0cb6ba71a.txt" and s.title
    assert "bias" in s.description and "dJ/db1 = dJ/dZ1" in s.description
    assert [lay.bias for lay in s.layers] == ["none", "none"] and set(s.parameters) == {"W1", "W2"}


def test_z_is_x_w_exactly_no_bias_step_and_the_notebooks_gradients():
    s, steps = load("bias-free"), steps_of()
    x, y = s.inputs, s.targets
    j, grads, z = reference(s.parameters, x, y)
    assert np.array_equal(steps["Z1"].value, x @ s.parameters["W1"])
    assert not [k for k in steps if "b" in k.split("/")[-1]]  # no dJ/db, no b update
    assert steps["L"].value == pytest.approx(j, rel=1e-15)
    for name in ("W1", "W2"):
        assert np.allclose(steps[f"dL/d{name}"].value, grads[name], rtol=1e-13, atol=0)
    text = "\n".join(element_lines(steps["Z1"], limit=10).lines)
    assert "b" not in text.replace("bias", "")  # z1 = x1 * w11 + x2 * w21 + x3 * w31: no b term


def test_the_same_updates_as_a_bias_frozen_at_zero():
    free = train(load("bias-free"))
    frozen = train(load("bias-free", WITH_BIAS + ["training.frozen=[b1, b2]"]))
    for name in ("W1", "W2"):
        assert np.array_equal(free.params[name], frozen.params[name])
    assert "b1" not in free.params and not frozen.params["b1"].any()


def test_central_differences_of_j():
    s = load("bias-free")
    steps, h = steps_of(), 1e-6
    for name in ("W1", "W2"):
        numeric = np.zeros_like(s.parameters[name])
        for idx in np.ndindex(numeric.shape):
            up = {k: v.copy() for k, v in s.parameters.items()}
            down = {k: v.copy() for k, v in s.parameters.items()}
            up[name][idx] += h
            down[name][idx] -= h
            numeric[idx] = (reference(up, s.inputs, s.targets)[0] - reference(down, s.inputs, s.targets)[0]) / (2 * h)
        assert np.allclose(steps[f"dL/d{name}"].value, numeric, rtol=1e-7, atol=1e-10)


def test_the_engine_matches_autograd():
    ag = pytest.importorskip("autograd")
    import autograd.numpy as anp

    s = load("bias-free")

    def j(params):
        hidden = 1 / (1 + anp.exp(-anp.dot(s.inputs, params["W1"])))
        o = anp.dot(hidden, params["W2"])
        return 0.5 * anp.sum((o - s.targets) ** 2) + 0.05 * (anp.sum(params["W1"] ** 2) + anp.sum(params["W2"] ** 2))

    grads, steps = ag.grad(j)(dict(s.parameters)), steps_of()
    for name in ("W1", "W2"):
        assert np.allclose(steps[f"dL/d{name}"].value, grads[name], rtol=1e-12, atol=0)
        assert np.allclose(steps[name].value, s.parameters[name] - 0.5 * grads[name], rtol=1e-12, atol=0)


def test_exercise_2_a_hidden_bias_has_dj_db1_equal_to_dj_dz1():
    steps, free = steps_of(*WITH_BIAS[::2], "parameters.b2=[0.0, 0.0]", "network.layers.1.bias=own"), steps_of()
    assert np.array_equal(steps["dL/db1"].value, steps["dL/dZ1"].value[0])  # one example: the sum is that row
    for key in ("Z1", "L", "dL/dW1", "dL/dW2"):
        assert np.array_equal(steps[key].value, free[key].value)  # b1 = 0 and out of the penalty


def test_a_bias_for_a_bias_free_layer_and_dl_db_are_refused(tmp_path):
    result = runner.invoke(app, ["run", "bias-free", "--set", "parameters.b1=[0.1, 0.2]"])
    assert result.exit_code == 2 and "parameters.b1: layer 1 has no bias (bias: none)" in result.output
    explained = runner.invoke(app, ["explain", "dL/db1", "-s", "bias-free"])
    assert explained.exit_code == 2 and "layer 1 has no bias" in explained.output
    ok = runner.invoke(app, ["explain", "dL/dW1", "-s", "bias-free"])
    assert ok.exit_code == 0 and "central finite difference" in ok.output


def test_json_and_the_check_sheet_have_no_bias():
    data = json.loads(runner.invoke(app, ["run", "bias-free", "--json"]).stdout)
    assert not [s["key"] for s in data["steps"] if s["key"] in ("dL/db1", "dL/db2", "b1", "b2")]
    sheet = runner.invoke(app, ["check", "--template", "bias-free"]).stdout
    assert "W1" in sheet and "b1" not in sheet


def test_a_drawn_bias_free_layer_says_it_has_no_b(tmp_path):
    path = tmp_path / "drawn.yaml"
    path.write_text("""name: drawn
title: drawn
data: {random: {rows: 4, columns: 3, seed: 1, classes: 2}}
network:
  inputs: 3
  layers:
    - {units: 4, activation: relu, bias: none}
    - {units: 2, activation: softmax}
parameters:
  init: {method: he, seed: 0, bias: 0.01}
loss: {type: cross_entropy}
training: {learning_rate: 0.1, batch: full, max_iterations: 2}
""", encoding="utf-8")
    out = " ".join(runner.invoke(app, ["run", str(path)]).stdout.split())
    assert "no b1 (bias: none)" in out and "b2 = 0.01" in out
    assert set(load(str(path)).parameters) == {"W1", "W2", "b2"}
