"""Maxout: k affine pieces per unit (piece p of unit u is column u·k + p of Z, W and b), the
largest of them forward, dL/da_u routed to the winning piece backward. Held here to central
differences, to the CLI (`run`, `--json`, `train`, step mode) and to the scenario checks;
to autograd in tests/test_autodiff_reference.py."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.engine import Engine, train
from backprop_tutor.scenario.errors import ScenarioError
from backprop_tutor.ops import ACTIVATIONS
from backprop_tutor.scenario import load_file

NET = """\
name: mx
title: a maxout layer
data:
  inputs: [[0.5, -1.0], [2.0, 0.25], [-1.5, 1.0]]
  targets: [[0.2], [-0.4], [0.9]]
network:
  inputs: 2
  layers:
    - {units: 2, activation: {name: maxout, pieces: 3}}
    - {units: 1, activation: tanh}
parameters:
  W1: [[0.3, -0.7, 1.1, 0.05, -0.4, 0.9], [0.6, 0.2, -0.8, 1.3, -0.1, 0.45]]
  b1: [0.1, -0.2, 0.05, 0.0, 0.3, -0.15]
  W2: [[0.8], [-0.6]]
  b2: [0.1]
loss: {type: mse, samples: mean, outputs: sum, half: true}
training: {learning_rate: 0.1, batch: full, max_iterations: 5}
"""


def tutor(*args, code=0):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def write(tmp_path, text=NET):
    path = tmp_path / "mx.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_forward_takes_the_largest_piece_of_each_unit():
    op = ACTIVATIONS["maxout"](pieces=2)
    z = np.array([[1.0, -2.0, 0.5, 3.0], [-1.0, -0.5, 4.0, 4.0]])
    assert op.forward(z).tolist() == [[1.0, 3.0], [-0.5, 4.0]]
    assert op.winners(z).tolist() == [[0, 1], [1, 0]]  # a tie goes to the first piece


def test_backward_routes_to_the_winner_and_matches_central_differences():
    rng = np.random.default_rng(4)
    op = ACTIVATIONS["maxout"](pieces=3)
    z, g = rng.normal(size=(4, 6)), rng.normal(size=(4, 2))
    blocks = np.sort(z.reshape(4, 2, 3), axis=2)
    assert (blocks[..., -1] - blocks[..., -2]).min() > 1e-3  # away from ties
    got = op.backward(z, op.forward(z), g)
    h, numeric = 1e-6, np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        e = np.zeros_like(z)
        e[idx] = h
        numeric[idx] = (np.sum(g * op.forward(z + e)) - np.sum(g * op.forward(z - e))) / (2 * h)
    assert np.allclose(got, numeric, rtol=1e-9, atol=1e-9)
    assert np.count_nonzero(got) == g.size  # exactly one piece per unit and sample gets dL/da


def test_run_json_and_shapes(tmp_path):
    path = write(tmp_path)
    steps = {s["key"]: np.array(s["value"]) for s in json.loads(tutor("run", path, "--json"))["steps"]}
    x = np.array([[0.5, -1.0], [2.0, 0.25], [-1.5, 1.0]])
    s = load_file(path)
    z1 = x @ s.parameters["W1"] + s.parameters["b1"]
    assert steps["Z1"].shape == (3, 6) and np.allclose(steps["Z1"], z1)
    assert np.allclose(steps["A1"], z1.reshape(3, 2, 3).max(axis=2))
    assert steps["dL/dW1"].shape == (2, 6) and steps["dL/db1"].shape == (6,)
    # the gradient reaches only the winning pieces: dL/db1 sums dL/dz over the rows a piece won
    gz = steps["dL/dZ1"]
    win = z1.reshape(3, 2, 3).argmax(axis=2)
    for r in range(3):
        for u in range(2):
            for p in range(3):
                want = steps["dL/dA1"][r, u] if win[r, u] == p else 0.0
                assert gz[r, u * 3 + p] == want
    assert np.allclose(steps["dL/dW1"], x.T @ gz) and np.allclose(steps["dL/db1"], gz.sum(axis=0))


def test_run_prints_the_routing(tmp_path):
    out = tutor("run", write(tmp_path))
    assert "max(-0.35, -0.75, 1.4) = 1.4" in out and "M_maxout(Z1)" in out


def test_train_lowers_the_loss_and_keeps_the_shapes(tmp_path):
    s = load_file(write(tmp_path))
    first = Engine(s).steps()
    loss0 = next(st.value for st in first if st.key == "L")
    result = train(s)
    assert result.params["W1"].shape == (2, 6)
    assert result.final_loss < loss0
    assert "iterations 5" in tutor("train", write(tmp_path))


def test_explain_refuses_with_the_reason(tmp_path):
    out = tutor("explain", "dL/dW2", "-s", write(tmp_path), code=2)
    assert "maxout (layer 1)" in out and "Traceback" not in out


@pytest.mark.parametrize("old, new, needle, field", [
    ("  W1: [[0.3, -0.7, 1.1, 0.05, -0.4, 0.9], [0.6, 0.2, -0.8, 1.3, -0.1, 0.45]]",
     "  W1: [[0.3, -0.7], [0.6, 0.2]]", "  W1:", "parameters.W1"),
    ("  b1: [0.1, -0.2, 0.05, 0.0, 0.3, -0.15]", "  b1: [0.1, -0.2]", "  b1:", "parameters.b1"),
    ("pieces: 3", "pieces: 1", "pieces: 1", "pieces"),
    ("pieces: 3", "pieces: 2.5", "pieces: 2.5", "pieces"),
])
def test_shape_and_pieces_errors_at_their_line(tmp_path, old, new, needle, field):
    text = NET.replace(old, new)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)
    with pytest.raises(ScenarioError) as err:
        load_file(write(tmp_path, text))
    assert f"mx.yaml:{line}:" in str(err.value) and field in str(err.value)


def test_maxout_is_allowed_in_a_hidden_layer_softmax_is_not(tmp_path):
    text = NET.replace("{name: maxout, pieces: 3}", "softmax")
    with pytest.raises(ScenarioError) as err:
        load_file(write(tmp_path, text))
    assert "maxout" in str(err.value)  # named among the activations a hidden layer takes


def test_batch_norm_on_a_maxout_layer_is_refused_at_its_line(tmp_path):
    text = NET.replace("pieces: 3}}", "pieces: 3}, batch_norm: true}")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "batch_norm" in ln)
    with pytest.raises(ScenarioError) as err:
        load_file(write(tmp_path, text))
    assert f"mx.yaml:{line}:" in str(err.value) and "batch_norm" in str(err.value) and "maxout" in str(err.value)
