"""`tutor compare` for every kind of training, its panels titled with their values, and the
fields it can vary (an activation, a width, the depth)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.engine import train
from backprop_tutor.scenario import load

runner = CliRunner()


def tutor(*args, columns=120):
    result = runner.invoke(app, list(args), env={"COLUMNS": str(columns), "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_full_batch_runs_are_the_engines_training_and_titled_with_their_values():
    data = json.loads(tutor("compare", "logistic-4x2", "--vary", "training.learning_rate=0.1,0.5", "-n", "20",
                            "--json"))
    assert data["field"] == "training.learning_rate" and [r["value"] for r in data["runs"]] == ["0.1", "0.5"]
    for run, lr in zip(data["runs"], ("0.1", "0.5")):
        direct = train(load("logistic-4x2", [f"training.learning_rate={lr}"], trainable=True), 20)
        assert run["loss"] == direct.loss and run["final"]["L"] == direct.final_loss
        assert run["iterations"] == 20 and run["loss"][0] == pytest.approx(1.55598, abs=5e-6)
    shown = tutor("compare", "logistic-4x2", "--vary", "training.learning_rate=0.1,0.5", "-n", "20")
    assert "training.learning_rate = 0.1" in shown and "training.learning_rate = 0.5" in shown
    assert f"{data['runs'][1]['final']['L']:.6g}" in shown


def test_record_training_and_an_activation_can_vary():
    out = tutor("compare", "height-weight", "--vary", "network.layers.0.activation=relu,tanh", "-n", "5")
    assert "activation = relu" in out and "activation = tanh" in out and "layer 1" in out
    data = json.loads(tutor("compare", "height-weight", "--vary", "network.layers.0.activation=relu,tanh",
                            "-n", "5", "--json"))
    for run in data["runs"]:
        model = load("height-weight", [f"network.layers.0.activation={run['value']}"], trainable=True)
        assert run["loss"] == train(model, 5).loss


def test_depth_varies_with_whole_layer_lists_separated_by_semicolons():
    layers = ("[{units: 3, activation: sigmoid}, {units: 1, activation: sigmoid}];"
              "[{units: 3, activation: sigmoid}, {units: 3, activation: sigmoid}, {units: 1, activation: sigmoid}]")
    result = runner.invoke(app, ["compare", "logistic-4x2", "--vary", f"network.layers={layers}", "-n", "3",
                                 "--set", "parameters={init: {method: xavier, seed: 1}}", "--json"])
    assert result.exit_code == 0, result.output
    runs = json.loads(result.stdout)["runs"]
    assert len(runs) == 2 and set(runs[1]["final"]["grad_norms"]) >= {"W1", "W2", "W3"}
    assert "W3" not in runs[0]["final"]["grad_norms"]


def test_given_weights_cannot_change_width_and_the_message_says_why():
    result = runner.invoke(app, ["compare", "height-weight", "--vary", "network.layers.0.units=2,4"])
    assert result.exit_code == 2 and "wrong shape" in result.output


@pytest.mark.parametrize("columns", [60, 120])
def test_compare_fits_the_width(columns):
    out = tutor("compare", "logistic-4x2", "--vary", "training.learning_rate=0.1,0.5,1", "-n", "10",
                columns=columns)
    assert max(len(line) for line in out.splitlines()) <= columns
    assert "= 0.1" in out and "= 0.5" in out and "= 1" in out


def test_a_value_too_long_for_a_panel_title_is_shown_whole_inside_the_panel():
    from typer.testing import CliRunner

    from backprop_tutor.cli import app

    result = CliRunner().invoke(app, ["compare", "mlp-sweep-depth"], env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    # each panel's text, read down its own column, holds its whole value
    for left, width in ((0, 39), (40, 40)):
        column = " ".join(line[left:left + width].strip("│ ") for line in lines)
        joined = " ".join(column.split())
        assert 'network.layers = [{"units": 256, "activation": "relu"},' in joined
    assert '{"units": 128, "activation": "relu"}, {"units": 10, "activation": "softmax"}]' in " ".join(
        " ".join(line[40:80].strip("│ ") for line in lines).split())
