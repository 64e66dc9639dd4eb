"""Training over time: dead units per epoch, the losses of the train / validation / test sets,
early stopping (its epoch, the weights it keeps), the parameters after training, the loss
curves on axes; each number against numpy or against training run again."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.engine.epochs import prepared, train_scenario
from backprop_tutor.scenario import load

runner = CliRunner()

#: 8 records, a ReLU layer whose unit 3 has a bias of -50 (z < 0 on every record, for good: its
#: gradient is 0), a sigmoid output, minibatches of 4
RELU_NET = """name: relu-dead
title: "ReLU layer with a dead unit"
data:
  inputs: [[1, 2], [2, 1], [3, 1], [4, 3], [0, 1], [1, 0], [2, 2], [3, 3]]
  targets: [1, 0, 0, 1, 0, 1, 1, 0]
network:
  inputs: 2
  layers:
    - {units: 3, activation: relu}
    - {units: 1, activation: sigmoid}
parameters:
  W1: [[1, -1, 0.5], [-1, 1, 0.5]]
  b1: [0.5, 0.5, -50]
  W2: [[1], [-1], [2]]
  b2: [0]
loss: {type: binary_cross_entropy, samples: mean}
training: {learning_rate: 0.5, batch: 4, epochs: 6, seed: 0}
"""


def tutor(*args, columns=120):
    result = runner.invoke(app, list(args), env={"COLUMNS": str(columns), "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture()
def relu_net(tmp_path):
    path = tmp_path / "relu-dead.yaml"
    path.write_text(RELU_NET, encoding="utf-8")
    return path


def test_dead_units_of_the_last_epoch_are_numpys_on_the_trained_weights(relu_net):
    model = load(str(relu_net), [], trainable=True)
    result = train_scenario(model)
    x, _y, _xt, _yt = prepared(model)
    p = result.params
    z1 = x @ p["W1"] + p["b1"]
    dead = int((z1 <= 0).all(axis=0).sum())
    assert dead >= 1 and result.epochs[-1].dead_units[0] == dead
    assert result.epochs[-1].dead_units[1] == 0  # a sigmoid unit is never dead
    a1 = np.maximum(z1, 0)
    yhat = 1 / (1 + np.exp(-(a1 @ p["W2"] + p["b2"])))
    y = np.asarray(model.targets, dtype=float).reshape(-1, 1)
    bce = float(np.mean(-(y * np.log(yhat) + (1 - y) * np.log(1 - yhat))))
    assert result.epochs[-1].train_loss == pytest.approx(bce, rel=1e-12)


def test_early_stopping_epoch_and_the_weights_it_keeps():
    settings = ["training.validation=0.2", "training.patience=2", "training.learning_rate=3"]
    data = json.loads(tutor("train", "bnn-saturation", "--epochs", "8", "--json",
                            *[a for s in settings for a in ("--set", s)]))
    val = [e["validation_loss"] for e in data["epochs"]]
    best = int(np.argmin(val)) + 1
    assert data["best_epoch"] == best and data["stopped_early"] is True
    assert len(data["epochs"]) == best + 2  # patience 2: two epochs without a lower loss
    # the parameters kept are those of training for `best` epochs only (same split, same shuffles)
    model = load("bnn-saturation", settings + [f"training.epochs={best}"], trainable=True)
    assert data["validation_rows"] == round(0.2 * model.inputs.shape[0])
    again = train_scenario(model)
    for name, kept in data["parameters"].items():
        value = again.params[name]
        if "values" in kept:
            assert np.array_equal(np.asarray(kept["values"]), value)
        else:
            assert kept["mean"] == pytest.approx(float(value.mean()), rel=1e-9, abs=1e-12)
            assert kept["std"] == pytest.approx(float(value.std()), rel=1e-9)


def test_patience_without_validation_is_refused():
    result = runner.invoke(app, ["train", "bnn-saturation", "--set", "training.patience=3"])
    assert result.exit_code == 2 and "training.validation" in result.output


def test_printed_training_shows_curves_units_stopping_and_parameters(relu_net):
    out = tutor("train", str(relu_net), "--set", "training.validation=0.25", "--set", "training.patience=1",
                "--epochs", "6", columns=60)
    assert max(len(line) for line in out.splitlines()) <= 60
    assert "┤" in out and "└" in out and "• train" in out and "○ validation" in out
    assert "dead / saturated units" in out and "parameters after training" in out
    assert "kept the parameters of epoch" in " ".join(out.split())


def test_iteration_training_shows_all_small_parameters_and_the_json_has_them():
    data = json.loads(tutor("train", "logistic-4x2", "-n", "50", "--json"))
    assert set(data["parameters"]) == {"W1", "b1", "W2", "b2"}
    assert np.shape(data["parameters"]["W1"]["values"]) == (2, 3)
    out = tutor("train", "logistic-4x2", "-n", "50")
    w2 = data["parameters"]["W2"]["values"]
    assert f"{w2[0][0]:.6g}" in out and "iteration" in out


def test_training_views_in_vietnamese():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("TUTOR_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    env.update({"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"})
    out = subprocess.run([sys.executable, "-m", "backprop_tutor", "train", "logistic-4x2", "-n", "20", "--lang", "vi"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "các tham số sau khi huấn luyện" in text and "vòng lặp" in text
    assert "parameters after training" not in text and "iteration " not in text


def test_iteration_training_samples_dead_units_against_numpy():
    from backprop_tutor.engine import train
    from backprop_tutor.engine.tables import scaled

    model = load("logistic-4x2", ["network.layers.0.activation=relu"], trainable=True)
    result = train(model, 100)
    assert [n for n, _d, _s in result.units] == list(range(0, 101, 5))
    x = scaled(model).x
    p = result.params
    dead_now = int(((x @ p["W1"] + p["b1"]) <= 0).all(axis=0).sum())
    assert result.units[0][1][0] == 1  # unit 3 of the given weights: z = -1, -5, -7, -5
    assert result.units[-1][1][0] == dead_now
    data = json.loads(tutor("train", "logistic-4x2", "-n", "100", "--set", "network.layers.0.activation=relu",
                            "--json"))
    assert [u["dead_units"] for u in data["units"]] == [d for _n, d, _s in result.units]


def test_the_epoch_table_shows_the_validation_and_test_loss_of_each_epoch(relu_net):
    settings = ("--set", "training.epochs=2", "--set", "training.validation=0.2")
    records = json.loads(tutor("train", "mlp-digits", *settings, "--json"))["epochs"]
    for columns in (60, 120):
        out = tutor("train", "mlp-digits", *settings, columns=columns)
        assert max(len(line) for line in out.splitlines()) <= columns
        assert "val loss" in out and "test loss" in out
        rows = [line.split("│") for line in out.splitlines() if line.strip()[:1].isdigit() and "│" in line]
        for r in records:  # epoch, loss, val loss, test loss, ...: the numbers of --json, to 4 digits
            cells = next(row for row in rows if row[0].strip() == str(r["epoch"]))
            assert [c.strip() for c in cells[1:4]] == [f"{r[k]:.4g}" for k in ("loss", "validation_loss", "test_loss")]
    held = tutor("train", str(relu_net), "--set", "training.validation=0.25")
    assert "val loss" in held and "test loss" not in held  # no test rows: no test column
    plain = tutor("train", str(relu_net))
    assert "val loss" not in plain and "test loss" not in plain
