"""The bnn-saturation scenario: loading, validation messages, engine steps, the lesson, the CLI."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.engine import Engine
from backprop_tutor.engine.epochs import net_of, train_batch, train_scenario
from backprop_tutor.ops import SignSTE
from backprop_tutor.scenario import ScenarioError, load, load_file

runner = CliRunner()


def test_scenario_loads_with_one_threshold_for_both_sign_layers():
    s = load("bnn-saturation", ["ste.threshold=25"])
    signs = [lay.activation for lay in s.layers if isinstance(lay.activation, SignSTE)]
    assert len(signs) == 2 and all(a.threshold == 25 for a in signs)
    assert [lay.kind for lay in s.layers] == ["binary_linear", "binary_linear", "linear"]
    assert s.inputs.shape[1] == 64 and s.targets.shape[1] == 10
    assert s.inputs.shape[0] + s.test_inputs.shape[0] == 1797
    assert s.training.batch == "minibatch" and s.training.batch_size == 64 and s.training.epochs == 10


def test_engine_steps_show_mask_and_saturated_ratio_and_match_the_training_loop():
    s = load("bnn-saturation")
    steps = list(Engine(s).steps())
    by_key = {st.key: st for st in steps}
    assert by_key["x"].value.shape == (4, 64)
    for l in (1, 2):
        assert by_key[f"Wb{l}"].value.tolist() == np.where(s.parameters[f"W{l}"] >= 0, 1.0, -1.0).tolist()
        for key in (f"A{l}", f"dL/dZ{l}"):
            extra = by_key[key].extra
            z = by_key[f"Z{l}"].value
            assert extra["mask"].tolist() == (np.abs(z) <= 1).tolist()
            assert extra["saturated"] == pytest.approx(np.mean(np.abs(z) > 1))
            assert extra["threshold"] == 1
    # the engine's two steps per binary layer are BinaryLinear's own rules
    from backprop_tutor.ops import BinaryLinear

    op = BinaryLinear()
    np.testing.assert_allclose(op.forward(by_key["x"].value, s.parameters["W1"], s.parameters["b1"]),
                               by_key["Z1"].value)
    dh, dw, db = op.backward(by_key["dL/dZ2"].value, by_key["A1"].value, s.parameters["W2"])
    np.testing.assert_allclose(dw, by_key["dL/dW2"].value)
    np.testing.assert_allclose(dh, by_key["dL/dA1"].value)
    np.testing.assert_allclose(db, by_key["dL/db2"].value)
    # one engine iteration = one batch of the at-scale loop, on the same rows
    params = {k: v.copy() for k, v in s.parameters.items()}
    x, y = by_key["x"].value, by_key["y"].value
    loss = train_batch(net_of(s), params, x, y, s.training.learning_rate)
    assert loss == pytest.approx(by_key["L"].value)
    for name in params:
        np.testing.assert_allclose(params[name], by_key[name].value, atol=1e-12)
    assert np.abs(by_key["W1"].value).max() <= 1.0


def test_formulas_for_the_binary_steps():
    from backprop_tutor.symbolic import formulas

    s = load("bnn-saturation")
    by_key = {st.key: st for st in Engine(s).steps()}
    assert "sign(W1)" in formulas.text(by_key["Z1"])
    assert "│z│ ≤ 1" in formulas.derivative_text(by_key["dL/dZ1"])
    assert "sign(W2)" in formulas.text(by_key["dL/dA1"])
    for step in by_key.values():
        formulas.text(step)  # every step has a printable formula (or none)


def test_the_lesson_with_the_scenario_defaults():
    narrow = train_scenario(load("bnn-saturation", ["ste.threshold=1"])).epochs
    wide = train_scenario(load("bnn-saturation", ["ste.threshold=25"])).epochs
    assert len(narrow) == len(wide) == 10
    assert all(s > 0.85 for s in narrow[-1].saturation)
    assert narrow[-1].test_accuracy < 0.40
    assert wide[-1].test_accuracy >= 0.80
    for rec in narrow + wide:
        for v in [rec.train_accuracy, rec.test_accuracy, *rec.saturation]:
            assert 0.0 <= v <= 1.0


def test_train_json_shape():
    result = runner.invoke(app, ["train", "bnn-saturation", "--json", "--epochs", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [e["epoch"] for e in data["epochs"]] == [1, 2]
    assert set(data["epochs"][0]) == {"epoch", "loss", "train_accuracy", "test_accuracy", "saturation",
                                      "train_loss", "validation_loss", "test_loss", "dead_units",
                                      "saturated_units"}
    assert len(data["epochs"][0]["saturation"]) == 2


def test_compare_shows_both_runs():
    result = runner.invoke(app, ["compare", "bnn-saturation", "--vary", "ste.threshold=1,25", "--epochs", "2"],
                           env={"COLUMNS": "140"})
    assert result.exit_code == 0, result.output
    assert "ste.threshold = 1" in result.stdout and "ste.threshold = 25" in result.stdout
    assert "saturated sign 2" in result.stdout
    bad = runner.invoke(app, ["compare", "bnn-saturation", "--vary", "ste.threshold"])
    assert bad.exit_code == 2


def test_existing_train_still_iterates():
    result = runner.invoke(app, ["train", "logistic-4x2", "--json", "-n", "3"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["iterations"] == 3


BASE = Path(__file__).resolve().parents[1] / "scenarios" / "bnn-saturation.yaml"


def _variant(tmp_path, old, new):
    text = BASE.read_text()
    assert old in text
    path = tmp_path / "s.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize("old,new,field,words", [
    ("{type: binary_linear, units: 128", "{type: ternary, units: 128", "network.layers[0].type", "unknown layer type"),
    ("threshold: 1 ", "threshold: -1 ", "ste.threshold", "out of range"),
    ("dataset: digits", "dataset: no/such/mnist", "data.dataset", "nothing is downloaded"),
    ("epochs: 10", "epochs: 0", "training.epochs", "at least 1"),
    ("batch: 64", "batch: 0", "training.batch", "at least 1"),
    ("activation: sign}\n    - {type: binary_linear, units: 8",
     "activation: {name: sign, threshold: 3}}\n    - {type: binary_linear, units: 8",
     "network.layers[0].activation.threshold", "ste: {threshold: T}"),
])
def test_validation_errors_name_file_line_and_field(tmp_path, old, new, field, words):
    path = _variant(tmp_path, old, new)
    with pytest.raises(ScenarioError) as info:
        load_file(path)
    err = info.value
    assert err.where.startswith(f"{path}:") and err.where.split(":")[-1].isdigit()
    assert err.field == field and words in err.message
    line = int(err.where.split(":")[-1])
    assert new.split("\n")[0].strip()[:8] in path.read_text().splitlines()[line - 1]


def test_ste_without_a_sign_layer_is_an_error(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: t\ndata: {inputs: [[1]], targets: [[1]]}\nnetwork: {layers: [{units: 1, activation: "
                    "sigmoid}]}\nparameters: {W1: [[1]], b1: [0]}\nloss: mse\nste: {threshold: 2}\n")
    with pytest.raises(ScenarioError, match="no sign layer"):
        load_file(path)


def test_help_list_and_run_json_do_not_import_sympy():
    code = ("import sys; from backprop_tutor.cli import app; from typer.testing import CliRunner; "
            "r = CliRunner().invoke(app, ['run', 'bnn-saturation', '--json']); assert r.exit_code == 0; "
            "assert 'sympy' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_run_one_record_of_the_binarized_network():
    result = runner.invoke(app, ["run", "bnn-saturation", "--sample", "3", "--json"])
    assert result.exit_code == 0, result.output
    steps = {s["key"]: s for s in json.loads(result.stdout)["steps"]}
    assert len(steps["x"]["value"]) == 1 and set(steps["A1"]["value"][0]) <= {-1.0, 1.0}
