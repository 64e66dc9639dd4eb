"""The built-in lessons: each test computes, through the engine or the API, the figure
the lesson's description quotes, and asserts it (the lesson shows what it says)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from typer.testing import CliRunner

import backprop_tutor as bt
from backprop_tutor.cli import app
from backprop_tutor.engine.engine import Engine
from backprop_tutor.engine.train import train
from backprop_tutor.scenario import catalog, load

runner = CliRunner()
LESSONS = ("init-zero-symmetry", "init-small-collapse", "init-xavier-tanh", "init-xavier-relu", "init-he-relu",
           "init-large-saturation", "dead-relu", "dead-relu-bias", "zigzag", "zigzag-centred",
           "vanishing-sigmoid", "exploding", "mlp-digits", "mlp-sweep-lr", "mlp-sweep-width",
           "mlp-sweep-depth", "mlp-sweep-activation")
DOCUMENTS = {"002_9c78fb10221bfba8.txt", "004_6fa224d0cb6ba71a.txt"}


def stds(it, layers) -> list[float]:
    return [round(float(np.std(it[f"A{l}"].value)), 4) for l in layers]


def dead_units(model, params) -> list[int]:
    """Per hidden layer, the ReLU units with z <= 0 for every record of the whole table."""
    x = Engine(model).data(full=True).x
    out = []
    for l in range(1, model.depth):
        x = x @ params[f"W{l}"] + params[f"b{l}"]
        out.append(int((x <= 0).all(axis=0).sum()))
        x = np.maximum(x, 0)
    return out


@pytest.mark.parametrize("name", LESSONS)
def test_every_lesson_is_built_in_with_its_document_title_and_description(name):
    assert name in catalog.builtin_names()
    raw = catalog.summary(catalog.resolve(name))
    assert raw["source"]["document"] in DOCUMENTS
    assert raw["title"] and len(raw["description"]) > 150
    assert load(name).name == name


def test_zero_symmetry_every_hidden_unit_stays_identical():
    it = bt.run("init-zero-symmetry")
    g = it["dL/dW1"].value
    assert np.ptp(g, axis=1).max() == 0.0 and np.abs(g).max() > 0.01  # identical, and not zero
    result = train(load("init-zero-symmetry"))
    assert result.iterations == 100
    assert np.ptp(result.params["W1"], axis=1).tolist() == [0.0, 0.0, 0.0]  # still copies after 100 updates
    assert np.ptp(result.params["W2"]) == 0.0
    zeros = train(load("init-zero-symmetry", ["parameters.init.method=zeros"]))
    assert all(not np.any(v) for v in zeros.params.values())  # nothing moves at all


def test_small_init_collapses_the_slides_demo_at_4096_wide():
    it = bt.run("init-small-collapse")
    assert it.model.widths() == [4096] * 7 + [10] and it.model.inputs.shape == (16, 4096)
    assert stds(it, range(1, 7)) == [0.493, 0.2902, 0.1795, 0.1133, 0.0722, 0.0463]
    norms = [float(np.linalg.norm(it[f"dL/dW{l}"].value)) for l in range(1, 7)]
    assert all(0.69 < n < 0.735 for n in norms)  # the slides' "all zero": small entries, not zero


def test_xavier_keeps_tanh_healthy_and_he_keeps_relu_healthy_where_xavier_collapses():
    tanh = stds(bt.run("init-xavier-tanh"), range(1, 7))
    assert tanh == [0.628, 0.4894, 0.411, 0.3593, 0.3225, 0.2958]
    relu = stds(bt.run("init-xavier-relu"), range(1, 7))
    assert relu == [0.588, 0.4223, 0.2996, 0.2089, 0.1511, 0.1061]
    assert all(0.695 < b / a < 0.725 for a, b in zip(relu, relu[1:]))  # about 1/sqrt(2) per layer
    he = stds(bt.run("init-he-relu"), range(1, 7))
    assert he == [0.8315, 0.8446, 0.8475, 0.8357, 0.8547, 0.8488]
    assert max(he) / min(he) < 1.04


def test_large_init_saturates_every_tanh_layer():
    it = bt.run("init-large-saturation")
    for l in range(1, 7):
        a = it[f"A{l}"].value
        assert 0.9735 < np.abs(a).mean() < 0.979 and 0.90 < (np.abs(a) > 0.99).mean() < 0.915
        assert 0.031 < (1 - a * a).mean() < 0.037  # the local derivative of tanh
    dz = [float(np.linalg.norm(it[f"dL/dZ{l}"].value)) for l in (1, 6)]
    assert round(dz[0]) == 798 and round(dz[1], 2) == 1.16  # the erratum: not 0


def test_a_large_learning_rate_kills_relu_units_and_a_small_bias_does_not_save_them():
    model = load("dead-relu")
    assert model.inputs.shape == (180, 64)  # 10% of the 1,797 digits train, as the description says
    counts = [dead_units(model, model.parameters)] + [dead_units(model, train(model, k).params)
                                                      for k in (5, 10, 20, 30)]
    assert counts == [[2], [10], [22], [30], [31]]
    assert round(train(model).final_loss, 2) == 2.32
    biased = load("dead-relu-bias")
    assert set(biased.parameters["b1"]) == {0.01}
    counts = [dead_units(biased, biased.parameters)] + [dead_units(biased, train(biased, k).params)
                                                        for k in (5, 10, 20, 30)]
    assert counts == [[2], [10], [24], [29], [32]]
    for name, iterations, dead in (("dead-relu", "30", 31), ("dead-relu", "10", 22), ("dead-relu-bias", "30", 32)):
        result = runner.invoke(app, ["train", name, "--json", "-n", iterations])
        assert json.loads(result.stdout)["final"]["dead_units"] == {"1": dead}
    printed = runner.invoke(app, ["train", "dead-relu"]).stdout
    assert "dead units at the final parameters (z ≤ 0 for every record): layer 1: 31 of 32" in printed
    slower = load("dead-relu", ["training.learning_rate=1"])
    assert dead_units(slower, train(slower).params) == [3]


def test_zigzag_every_weight_gradient_of_a_unit_shares_a_sign():
    it = bt.run("zigzag")
    assert (it.model.inputs > 0).all()
    for key in ("dL/dW1", "dL/dW2"):
        signs = np.sign(it[key].value)
        assert all(len(set(signs[:, j])) == 1 for j in range(signs.shape[1])), key
    assert np.sign(it["dL/dW1"].value).T.tolist() == [[-1, -1, -1], [1, 1, 1]]
    centred = bt.run("zigzag-centred")
    assert np.sign(centred["dL/dW1"].value).T.tolist() == [[1, -1, 1], [-1, 1, -1]]
    assert np.sign(centred["dL/dW2"].value).T.tolist() == [[1, -1]]


def test_vanishing_sigmoid_the_gradient_shrinks_layer_by_layer():
    it = bt.run("vanishing-sigmoid")
    n = it.model.depth
    dz = [float(np.linalg.norm(it[f"dL/dZ{l}"].value)) for l in range(1, n + 1)]
    for l in range(1, n):  # layer l from layer l + 1: times W^T, then times sigmoid' <= 0.25
        a = it[f"A{l}"].value
        assert (a * (1 - a)).max() <= 0.25
        w = it.model.parameters[f"W{l + 1}"]
        ratio = dz[l - 1] / dz[l]
        assert 0.14 < ratio < 0.27 and ratio <= 0.25 * np.linalg.norm(w, 2)
    dw = [float(np.linalg.norm(it[f"dL/dW{l}"].value)) for l in range(1, n + 1)]
    assert [f"{v:.3g}" for v in dw] == ["3.94e-06", "1.06e-05", "6.63e-05", "0.000255", "0.00171", "0.00672",
                                        "0.0397", "0.165"]


def test_exploding_the_gradient_grows_toward_the_input():
    it = bt.run("exploding")
    n = it.model.depth
    dz = [float(np.linalg.norm(it[f"dL/dZ{l}"].value)) for l in range(1, n + 1)]
    ratios = [dz[l - 1] / dz[l] for l in range(1, n)]
    assert all(1.2 < r < 1.53 for r in ratios), ratios
    assert stds(it, range(1, n)) == [1.0878, 1.624, 2.4484, 3.1763, 4.1721, 5.1878, 7.011]
    assert round(float(it["L"].value), 1) == 11.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        over = bt.run("exploding", set={"parameters.init.sigma": 0.4})
        assert np.isinf(float(over["L"].value)) and np.isnan(over["dL/dW1"].value).any()


def _compare(name: str, *options: str) -> dict:
    result = runner.invoke(app, ["compare", name, "--json", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _final_test_accuracy(runs) -> list[float]:
    return [round(r["epochs"][-1]["test_accuracy"] * 100, 1) for r in runs]


def test_mlp_digits_learns_with_the_notebooks_settings_but_smaller_batches():
    model = load("mlp-digits", trainable=True)
    assert model.widths() == [64, 256, 10] and model.init["method"] == "normal" and model.init["sigma"] == 0.01
    result = runner.invoke(app, ["train", "mlp-digits", "--json"])
    assert result.exit_code == 0, result.output
    epochs = json.loads(result.stdout)["epochs"]
    assert len(epochs) == 10 and round(epochs[-1]["test_accuracy"] * 100, 1) == 94.4
    result = runner.invoke(app, ["train", "mlp-digits", "--json", "--set", "training.batch=256"])
    assert round(json.loads(result.stdout)["epochs"][-1]["test_accuracy"] * 100, 1) == 51.4


def test_the_sweeps_run_from_the_scenarios_own_compare_field():
    lr = _compare("mlp-sweep-lr")
    assert lr["field"] == "training.learning_rate" and [r["value"] for r in lr["runs"]] == \
        ["0.001", "0.01", "0.1", "0.3", "0.5", "1"]
    assert _final_test_accuracy(lr["runs"]) == [21.2, 61.9, 94.4, 95.8, 97.1, 96.0]
    depth = _compare("mlp-sweep-depth")
    assert _final_test_accuracy(depth["runs"]) == [94.4, 80.6]
    act = _compare("mlp-sweep-activation")
    assert [r["value"] for r in act["runs"]] == ["relu", "sigmoid", "tanh", "leaky_relu", "elu"]
    assert _final_test_accuracy(act["runs"]) == [94.4, 56.3, 95.1, 94.4, 94.9]


def test_the_width_sweep_plans_eight_widths_and_trains_each(monkeypatch):
    from backprop_tutor.scenario.comparespec import sweep

    field, planned = sweep(catalog.summary(catalog.resolve("mlp-sweep-width")))
    assert field == "network.layers.0.units" and [v for v, _s in planned] == \
        ["64", "128", "256", "512", "1024", "2048", "4096", "8192"]
    small = _compare("mlp-sweep-width", "--epochs", "1")  # each width trains (one epoch here)
    assert [r["value"] for r in small["runs"]] == [v for v, _s in planned]


def test_compare_without_vary_and_without_a_compare_field_says_what_to_give():
    result = runner.invoke(app, ["compare", "bnn-saturation"])
    assert result.exit_code == 2 and "--vary" in result.output


def _idx(path, array: np.ndarray) -> None:
    """An IDX file of unsigned bytes: magic 0x00000803 (images) or 0x00000801 (labels), sizes, data."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def test_mlp_digits_trains_on_mnist_idx_files_from_a_folder(tmp_path):
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 40)
    images = np.zeros((40, 28, 28))
    for i, k in enumerate(labels):  # a bright row per class: easy to learn
        images[i, 2 * k + 3, :] = 255
    images += rng.integers(0, 30, images.shape)
    for prefix, count in (("train", 32), ("t10k", 8)):
        part = slice(0, 32) if prefix == "train" else slice(32, 40)
        _idx(tmp_path / f"{prefix}-images-idx3-ubyte", images[part])
        _idx(tmp_path / f"{prefix}-labels-idx1-ubyte", labels[part])
    settings = [f"data.dataset={tmp_path}", "network.inputs=784", "training.epochs=30", "training.learning_rate=0.5"]
    model = load("mlp-digits", settings, trainable=True)
    assert model.widths() == [784, 256, 10] and model.inputs.shape == (32, 784)
    assert model.test_inputs.shape == (8, 784) and 255 <= float(model.inputs.max()) <= 255 + 29
    result = runner.invoke(app, ["train", "mlp-digits", "--json"] + [f"--set={s}" for s in settings])
    assert result.exit_code == 0, result.output
    epochs = json.loads(result.stdout)["epochs"]
    assert len(epochs) == 30 and epochs[-1]["loss"] < epochs[0]["loss"] - 0.4  # it learns from the IDX files
    assert epochs[-1]["train_accuracy"] >= 0.5  # chance is 0.1


def test_at_learning_rate_1_5_the_small_bias_leaves_fewer_dead_but_a_larger_one_more():
    counts = {}
    for bias in ("0.0", "0.01", "0.1"):
        model = load("dead-relu-bias", ["training.learning_rate=1.5", f"parameters.init.bias={bias}"])
        counts[bias] = dead_units(model, train(model, 30).params)
    assert counts == {"0.0": [19], "0.01": [14], "0.1": [21]}  # the lesson's description
    text = " ".join(load("dead-relu-bias").description.split())
    assert "14 against 19 with b = 0, but b = 0.1 leaves 21" in text
