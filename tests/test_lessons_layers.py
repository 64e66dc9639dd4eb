"""Dropout, batch normalisation, frozen parameters, a shared bias, and their lessons.

Each lesson's test asserts the number that proves it (from the engine, the API or
`--json`); the new operations are held to central differences here and to autograd in
tests/test_autodiff_reference.py."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.engine import Engine, train
from backprop_tutor.engine.network import Network, run_pass, update
from backprop_tutor.ops.batchnorm import BatchNorm
from backprop_tutor.ops.dropout import Dropout
from backprop_tutor.scenario import load


def tutor(*args, code=0):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.stdout


def steps_of(*args):
    return {s["key"]: s["value"] for s in json.loads(tutor("run", *args, "--json"))["steps"]}


def digits(value, printed: str):
    """value, rounded to the places `printed` shows, is `printed` (the sources' own rounding)."""
    places = len(printed.split(".")[1])
    return abs(value - float(printed)) <= 0.5 * 10 ** -places + 1e-15


# the 2-2-2 worked example ---------------------------------------------------------------
GOLDEN = {  # key, index, printed
    "net_h1": ("Z1", (0, 0), "0.3775"), "out_h1": ("A1", (0, 0), "0.593269992"),
    "out_h2": ("A1", (0, 1), "0.596884378"), "out_o1": ("A2", (0, 0), "0.75136507"),
    "out_o2": ("A2", (0, 1), "0.772928465"), "E_total": ("L", (), "0.298371109"),
    "w5'": ("W2", (0, 0), "0.35891648"), "w6'": ("W2", (1, 0), "0.408666186"),
    "w7'": ("W2", (0, 1), "0.511301270"), "w8'": ("W2", (1, 1), "0.561370121"),
    "w1'": ("W1", (0, 0), "0.149780716"), "w2'": ("W1", (1, 0), "0.19956143"),
    "w3'": ("W1", (0, 1), "0.24975114"), "w4'": ("W1", (1, 1), "0.29950229"),
}


@pytest.fixture(scope="module")
def two():
    return steps_of("two-two-two")


@pytest.mark.parametrize("name", list(GOLDEN))
def test_two_two_two_golden(two, name):
    key, index, printed = GOLDEN[name]
    value = np.asarray(two[key])[index] if index else two[key]
    assert digits(float(value), printed), (name, value, printed)


def test_two_two_two_shared_bias_is_one_number_its_gradient_a_sum_and_it_stays(two):
    assert two["b1"] == [0.35] and two["b2"] == [0.6]  # frozen: the update writes θ′ = θ
    assert two["dL/db2"] == pytest.approx([sum(two["dL/dZ2"][0])], rel=1e-15)
    assert two["dL/db1"] == pytest.approx([sum(two["dL/dZ1"][0])], rel=1e-15)
    assert np.asarray(two["Z1"])[0, 1] == pytest.approx(0.05 * 0.25 + 0.10 * 0.30 + 0.35, rel=1e-15)


def test_shared_bias_gradient_against_a_central_difference():
    s = load("two-two-two")
    eng = Engine(s)
    net, x, y = eng.network, s.inputs, s.targets
    params = net.initial(s.parameters)
    got = run_pass(net, params, x, y).grads
    for name in ("b1", "b2"):
        h = 1e-6
        up, down = dict(params), dict(params)
        up[name], down[name] = params[name] + h, params[name] - h
        fd = (run_pass(net, up, x, y, backward=False).loss - run_pass(net, down, x, y, backward=False).loss) / (2 * h)
        assert got[name][0] == pytest.approx(fd, rel=1e-7)


def test_frozen_parameters_unchanged_after_train():
    result = train(load("two-two-two"), iterations=50)
    assert result.params["b1"].tolist() == [0.35] and result.params["b2"].tolist() == [0.6]
    assert result.params["W1"][0, 0] != 0.15  # the others learn
    out = tutor("run", "two-two-two")
    assert "frozen" in out and "b⁽²⁾′ = b⁽²⁾ = 0.6" in out


def test_two_two_two_every_mode():
    assert json.loads(tutor("train", "two-two-two", "--json"))["final"]["L"] < 0.298371109
    assert "∂L/∂b2" in tutor("run", "two-two-two", "--step")
    derived = json.loads(tutor("explain", "dL/dW2", "-s", "two-two-two", "--json"))
    assert derived["value"][0][0] == pytest.approx(0.0821670405642308, rel=1e-12)  # (w5 − w5′)/η
    refused = tutor("explain", "dL/db2", "-s", "two-two-two", code=2)
    assert refused == "" or "shared" in refused


# bias-gradient-sum ----------------------------------------------------------------------
def test_bias_gradient_is_the_sum_over_the_batch():
    st = steps_of("bias-gradient-sum")
    g = np.array([[0.2, -0.1], [0.5, 0.3], [-0.4, 0.6]])
    assert np.asarray(st["dL/dZ1"]) == pytest.approx(g, rel=1e-15)
    assert st["dL/db1"] == pytest.approx([0.3, 0.8], rel=1e-12)
    mean = steps_of("bias-gradient-sum", "--set", "loss.samples=mean")
    assert mean["dL/db1"] == pytest.approx([0.1, 0.8 / 3], rel=1e-12)  # the loss's 1/m, still a sum


# dropout ---------------------------------------------------------------------------------
def test_dropout_lesson_mask_scaling_and_inference():
    s = load("dropout")
    st = {k.key: k for k in Engine(s).steps()}
    a, d = st["A1"].value, st["D1"].value
    mask = st["D1"].args["m"]
    assert set(np.unique(mask)) <= {0.0, 1.0} and 0 < mask.sum() < mask.size
    assert d == pytest.approx(a * mask * 2.0, rel=1e-15)  # 1/(1 − 0.5) = 2
    assert st["dL/dA1"].value == pytest.approx(st["dL/dD1"].value * mask * 2.0, rel=1e-15)
    again = {k.key: k for k in Engine(load("dropout")).steps()}
    assert (again["D1"].args["m"] == mask).all()  # the seeded mask repeats
    # expected output: each unit is kept with probability 1 − p and then scaled by 1/(1 − p)
    op = Dropout(0.5, seed=0, layer=1)
    draws = np.array([Dropout(0.5, seed=k, layer=1).mask((1, 4)) * op.scale for k in range(4000)])
    assert (1 - op.p) * op.scale == 1.0 and abs(draws.mean() - 1.0) < 0.03
    inference = steps_of("dropout", "--set", "training.mode=inference")
    assert inference["D1"] == inference["A1"] and np.asarray(inference["D1"]) == pytest.approx(a, rel=1e-15)


def test_dropout_every_mode():
    out = {s["key"]: s for s in json.loads(tutor("run", "dropout", "--json"))["steps"]}
    mask = np.asarray(out["D1"]["mask"])
    assert out["D1"]["scale"] == 2.0 and out["dL/dA1"]["mask"] == out["D1"]["mask"]
    assert np.asarray(out["D1"]["value"]) == pytest.approx(np.asarray(out["A1"]["value"]) * mask * 2, rel=1e-15)
    assert "D1" in tutor("run", "dropout") and "M1" in tutor("run", "dropout", "--step")
    assert len(json.loads(tutor("train", "dropout", "--json"))["loss"]) == 100
    derived = json.loads(tutor("explain", "dL/dW1", "-s", "dropout", "--set", "training.mode=inference", "--json"))
    assert np.asarray(derived["value"]) == pytest.approx(np.asarray(derived["finite_difference"]), rel=1e-6)
    assert np.asarray(derived["value"]) == pytest.approx(np.asarray(derived["engine_value"]), rel=1e-12)
    tutor("explain", "dL/dW1", "-s", "dropout", code=2)  # refused, with the reason
    after = json.loads(tutor("explain", "dL/dZ2", "-s", "dropout", "--json"))  # after the dropout: derived
    assert np.asarray(after["value"]) == pytest.approx(np.asarray(out["dL/dZ2"]["value"]), rel=1e-12)


def test_dropout_gradient_against_a_central_difference():
    s = load("dropout")
    net = Network.of(s)
    params = net.initial(s.parameters)
    got = run_pass(net, params, s.inputs, s.targets).grads["W1"]
    fd = np.zeros_like(got)
    h = 1e-6
    for idx in np.ndindex(got.shape):
        up, down = {k: v.copy() for k, v in params.items()}, {k: v.copy() for k, v in params.items()}
        up["W1"][idx] += h
        down["W1"][idx] -= h
        fd[idx] = (run_pass(net, up, s.inputs, s.targets, backward=False).loss
                   - run_pass(net, down, s.inputs, s.targets, backward=False).loss) / (2 * h)
    assert got == pytest.approx(fd, rel=1e-6, abs=1e-10)


# batch normalisation -------------------------------------------------------------------------
def _xhat(batch):
    op = BatchNorm(len(batch[0]), eps=1e-5)
    return op.forward(np.array(batch, dtype=float), op.params["gamma"], op.params["beta"])["xhat"]


def test_notebook_batch_norm_examples_to_the_printed_digits():
    # 004_6fa224d0cb6ba71a.txt, section 6: a batch of one, batch 1, batch 2
    assert _xhat([[10.0, -5.0, 3.0]]).tolist() == [[0.0, 0.0, 0.0]]
    one = _xhat([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]])
    for got, printed in zip(one[1], ("0.99999975", "0.99999994", "0.99999997")):
        assert digits(got, printed)
    assert (one[0] == -one[1]).all()
    two = _xhat([[1.0, 2.0, 3.0], [0.0, -1.0, -2.0]])
    for got, printed in zip(two[0], ("0.99998", "0.99999778", "0.9999992")):
        assert digits(got, printed)


def test_batch_norm_lesson():
    st = steps_of("batch-norm")
    xhat = np.asarray(st["Xhat1"])
    assert digits(xhat[0, 0], "-0.99999975") and digits(xhat[1, 2], "0.99999997")
    assert xhat.mean(axis=0) == pytest.approx([0, 0, 0], abs=1e-15)
    var = np.asarray(st["var1"])
    assert xhat.var(axis=0) == pytest.approx(var / (var + 1e-5), rel=1e-12)  # 1 up to ε
    assert st["dL/db1"] == pytest.approx([0, 0, 0], abs=1e-12)  # μ_B takes a bias away
    single = steps_of("batch-norm", "--set", "training.batch=record")
    assert single["Xhat1"] == [[0.0, 0.0, 0.0]]
    batch2 = steps_of("batch-norm", "--set", "data.inputs=[[1, 2, 3], [0, -1, -2]]")
    assert digits(batch2["Xhat1"][0][1], "0.99999778")
    inference = steps_of("batch-norm", "--set", "training.mode=inference")  # running mean 0, var 1
    assert inference["Xhat1"][1] == pytest.approx([v / np.sqrt(1 + 1e-5) for v in (10, 20, 30)], rel=1e-14)
    assert "mu1" not in inference
    after = json.loads(tutor("explain", "dL/dA1", "-s", "batch-norm", "--json"))  # after the normalisation
    assert np.asarray(after["value"]) == pytest.approx(np.asarray(st["dL/dA1"]), rel=1e-12)
    tutor("explain", "dL/dZ1", "-s", "batch-norm", code=2)  # through it: refused, with the reason


def test_batch_norm_running_statistics_follow_the_momentum():
    s = load("batch-norm")
    net = Network.of(s)
    params = net.initial(s.parameters)
    result = run_pass(net, params, s.inputs, s.targets)
    assert params["running_mean1"].tolist() == [0, 0, 0] and params["running_var1"].tolist() == [1, 1, 1]
    new = update(net, params, result.grads, 0.1, running=result.running)
    assert new["running_mean1"] == pytest.approx(0.1 * np.array([5.5, 11.0, 16.5]), rel=1e-15)
    assert new["running_var1"] == pytest.approx(0.9 + 0.1 * np.array([20.25, 81.0, 182.25]), rel=1e-15)
    # W1 and b1 frozen: the same Z1 three times, so the running mean goes 1 − 0.9³ of the way
    trained = train(load("batch-norm", ["training.frozen=[W1, b1]"]), iterations=3).params
    assert trained["running_mean1"] == pytest.approx((1 - 0.9 ** 3) * np.array([5.5, 11.0, 16.5]), rel=1e-14)


BN = """\
name: bn-fd
title: batch norm, every slot
data: {inputs: [[1, 2], [3, -1], [0, 1], [2, 2]], targets: [[1], [0], [1], [0]]}
network:
  inputs: 2
  layers:
    - {units: 3, activation: tanh, batch_norm: {gamma: [1.5, 0.5, -0.7], beta: [0.1, -0.2, 0.3]}}
    - {units: 1, activation: sigmoid}
parameters:
  W1: [[1, -0.5, 0.3], [0.2, 0.4, -0.8]]
  b1: [0.1, 0.2, 0.0]
  W2: [[1], [-2], [0.5]]
  b2: [0.1]
loss: {type: binary_cross_entropy}
training: {learning_rate: 0.1, max_iterations: 5}
"""


@pytest.fixture
def bn_path(tmp_path):
    file = tmp_path / "bn.yaml"
    file.write_text(BN, encoding="utf-8")
    return str(file)


def test_batch_norm_gradients_against_central_differences(bn_path):
    s = load(bn_path)
    net = Network.of(s)
    base = net.initial(s.parameters)
    st = {k.key: k.value for k in Engine(s).steps()}
    h = 1e-6

    def loss(params, shift=None):
        return run_pass(net, {k: v.copy() for k, v in params.items()}, s.inputs, s.targets,
                        backward=False, shift=shift).loss

    for name in ("gamma1", "beta1", "W1", "b1"):
        fd = np.zeros_like(base[name])
        for idx in np.ndindex(fd.shape):
            up, down = dict(base), dict(base)
            up[name], down[name] = base[name].copy(), base[name].copy()
            up[name][idx] += h
            down[name][idx] -= h
            fd[idx] = (loss(up) - loss(down)) / (2 * h)
        assert st[f"dL/d{name}"] == pytest.approx(fd, rel=1e-6, abs=1e-9), name
    z = st["Z1"]
    fd = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        e = np.zeros_like(z)
        e[idx] = h
        fd[idx] = (loss(base, ("Z", 1, e)) - loss(base, ("Z", 1, -e))) / (2 * h)
    assert st["dL/dZ1"] == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_batch_norm_every_mode(bn_path):
    printed = tutor("run", bn_path)
    assert "∂L/∂σ²1" in printed and "∂L/∂μ1" in printed and "∂L/∂γ1" in printed
    assert "μ1" in tutor("run", bn_path, "--step")
    assert len(json.loads(tutor("train", bn_path, "--json"))["loss"]) == 5
    derived = json.loads(tutor("explain", "dL/dW2", "-s", bn_path, "--json"))
    assert np.asarray(derived["value"]) == pytest.approx(np.asarray(derived["finite_difference"]), rel=1e-6)
    assert np.asarray(derived["value"]) == pytest.approx(np.asarray(derived["engine_value"]), rel=1e-12)
    tutor("explain", "dL/dW1", "-s", bn_path, code=2)  # refused, with the reason


def test_training_draws_a_new_dropout_mask_every_pass():
    """The pass `tutor run` shows is training pass 0; every iteration (and every minibatch)
    draws its own mask from the seed, the layer and the pass, so no unit is dropped for good:
    after 100 iterations every hidden unit's weights have moved."""
    model = load("dropout")
    drop = Network.of(model).layers[0].drop
    shown = {s.key: s for s in Engine(model).steps()}
    first = shown["D1"].args["m"]
    assert np.array_equal(first, drop.mask(first.shape)) and np.array_equal(first, drop.mask(first.shape, 0))
    assert np.array_equal(drop.mask(first.shape, 7), drop.mask(first.shape, 7))
    assert len({drop.mask((3, 4), k).tobytes() for k in range(10)}) > 5
    result = train(model, 100)
    start = model.parameters
    moved = np.abs(result.params["W1"] - start["W1"]).max(axis=0)
    assert (moved > 0).all(), moved
    again = train(load("dropout"), 100)
    assert all(np.array_equal(again.params[k], result.params[k]) for k in result.params)  # repeatable


def test_batch_norms_gamma_and_beta_can_be_frozen_and_bad_statistics_are_refused(tmp_path):
    frozen = train(load("batch-norm", ["training.frozen=[gamma1, beta1]"]), 5)
    assert frozen.params["gamma1"].tolist() == [1.0, 1.0, 1.0] and frozen.params["beta1"].tolist() == [0.0, 0.0, 0.0]
    moved = train(load("batch-norm"), 5)
    assert not np.array_equal(moved.params["gamma1"], frozen.params["gamma1"])
    text = (Path(__file__).parents[1] / "scenarios" / "batch-norm.yaml").read_text(encoding="utf-8")
    assert "batch_norm: {eps: 1.0e-5, momentum: 0.9}" in text
    for bad, says in (("{eps: 0}", "batch_norm.eps: 0 is out of range; allowed: a number greater than 0"),
                      ("{running_var: [1, -1, 1]}", "batch_norm.running_var: a variance is never negative")):
        path = tmp_path / "bn.yaml"
        path.write_text(text.replace("batch_norm: {eps: 1.0e-5, momentum: 0.9}", f"batch_norm: {bad}"),
                        encoding="utf-8")
        result = CliRunner().invoke(app, ["validate", str(path)])
        assert result.exit_code == 2 and says in result.output and "Traceback" not in result.output
