"""The new activations and `tutor plot`: the lessons they show, by their numbers.

- swish-beta (the MLP notebook's swish exercise): at beta = 0, A1 is exactly Z1/2 (the
  notebook's "tends to x" is an erratum) and swish' is 1/2 everywhere.
- swish's derivative is presented as σ(βz) + βzσ(βz)(1 − σ(βz)), and that expression is
  sympy's derivative of the op's symbolic form.
- relu6, softplus, mish and gelu work in run, --json, step mode and explain dL/dW1, whose
  derivation agrees with the engine and with a central difference.
- tutor plot: f and f' from the op's own rules, the saturated and dead stretches, the
  table at z = -10, 0, 10, --json, --set, and its errors.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

import backprop_tutor as bt
from backprop_tutor.cli import app
from backprop_tutor.curve import sample
from backprop_tutor.ops import ACTIVATIONS
from backprop_tutor.scenario import load_file


def tutor(*args):
    result = CliRunner().invoke(app, list(args))
    return result


def test_swish_beta_zero_halves_its_input():
    it = bt.run("swish-beta")
    z, a = np.asarray(it["Z1"].value), np.asarray(it["A1"].value)
    np.testing.assert_array_equal(a, z / 2)  # exactly z/2, not z
    assert a[2, 0] == 1.0 and z[2, 0] == 2.0  # z = 2 gives a = 1
    g, gz = np.asarray(it["dL/dA1"].value), np.asarray(it["dL/dZ1"].value)
    np.testing.assert_array_equal(gz, g * 0.5)  # swish'(z) = 1/2 for every z at beta = 0


def test_swish_large_beta_is_almost_relu():
    it = bt.run("swish-beta", set={"network.layers.0.activation.beta": 50})
    z, a = np.asarray(it["Z1"].value), np.asarray(it["A1"].value)
    np.testing.assert_allclose(a, np.maximum(z, 0), atol=1e-20)


def test_swish_derivative_is_written_as_the_notebook_writes_it():
    from backprop_tutor.ops.sigmafn import sigmoid_function
    from backprop_tutor.printing.printers import linear
    from backprop_tutor.symbolic.local import Z, activation_local

    op = ACTIVATIONS["swish"](beta=1.5)
    _f, d, _a = activation_local(op)
    sigma = sigmoid_function(sp)
    s = sigma(sp.Float(1.5) * Z)
    assert linear(d) == linear(sp.Add(s, sp.Mul(sp.Float(1.5), Z, s, 1 - s, evaluate=False), evaluate=False))
    assert linear(d) == "σ(1.5⋅z) + 1.5⋅z⋅σ(1.5⋅z)⋅(1 - σ(1.5⋅z))"
    # the presented expression is sympy's derivative of the op's symbolic form z / (1 + e^(-βz))
    assert sp.simplify(d.rewrite(sp.exp) - sp.diff(op.symbolic(sp, Z), Z)) == 0
    for v in (-3.0, 0.0, 0.7):
        assert float(d.subs(Z, v)) == pytest.approx(float(op.derivative(np.array(v), None)), rel=1e-14)
    frame = tutor("run", "swish-beta", "--set", "network.layers.0.activation.beta=1.5").output
    assert "σ(1.5⋅z) + 1.5⋅z⋅σ(1.5⋅z)⋅(1 - σ(1.5⋅z))" in frame


SCENARIO = """\
name: {name}-demo
title: a {name} hidden layer
data: {{inputs: [[1, -2], [-1, 0.5], [2, 1]], targets: [[1], [0], [1]]}}
network:
  inputs: 2
  layers:
    - {{units: 2, activation: {name}}}
    - {{units: 1, activation: sigmoid}}
parameters: {{W1: [[0.5, -0.3], [0.2, 0.8]], b1: [0.1, -0.1], W2: [[0.7], [-0.4]], b2: [0]}}
loss: {{type: binary_cross_entropy}}
training: {{learning_rate: 0.5, batch: full, max_iterations: 5}}
"""


@pytest.mark.parametrize("name", ["relu6", "softplus", "mish", "gelu"])
def test_new_activation_in_every_mode(name, tmp_path):
    path = tmp_path / f"{name}.yaml"
    path.write_text(SCENARIO.format(name=name), encoding="utf-8")
    z = np.array([[1, -2], [-1, 0.5], [2, 1]]) @ np.array([[0.5, -0.3], [0.2, 0.8]]) + [0.1, -0.1]
    x = z.copy()
    expected = {"relu6": np.clip(x, 0, 6), "softplus": np.log1p(np.exp(x)),
                "mish": x * np.tanh(np.log1p(np.exp(x))),
                "gelu": x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))) / 2}[name]
    it = bt.run(str(path))
    np.testing.assert_allclose(np.asarray(it["A1"].value), expected, rtol=1e-14)
    done = tutor("run", str(path), "--json")
    assert done.exit_code == 0, done.output
    steps = {s["key"]: s for s in json.loads(done.output)["steps"]}
    np.testing.assert_allclose(steps["A1"]["value"], expected, rtol=1e-14)
    assert f"∂L/∂Z1 = ∂L/∂A1∘{ACTIVATIONS[name].title}′(Z1)" in tutor("run", str(path)).output
    assert tutor("run", str(path), "--step").exit_code == 0  # no terminal: every frame printed
    ex = bt.explain("dL/dW1", str(path))
    np.testing.assert_allclose(np.asarray(ex.value, dtype=float), np.asarray(it["dL/dW1"].value), rtol=1e-12)
    from backprop_tutor.symbolic import derive
    from backprop_tutor.symbolic.targets import parse

    s = load_file(str(path))
    d = derive.explain(s, parse("dL/dW1", s))
    np.testing.assert_allclose(d.finite_difference, d.engine_value, rtol=1e-7)
    assert tutor("explain", "-s", str(path), "dL/dW1").exit_code == 0


def test_plot_swish_beta_zero_is_z_over_two():
    curve = sample("swish", settings=["beta=0"])
    table = {x: (f, d) for x, f, d in curve.table}
    assert table[10.0] == (5.0, 0.5) and table[-10.0] == (-5.0, 0.5) and table[0.0] == (0.0, 0.5)
    np.testing.assert_array_equal(curve.f, np.asarray(curve.x) / 2)
    assert curve.dead == [] and curve.saturated == []


def test_plot_marks_where_sigmoid_saturates_and_relu_dies():
    sig = sample("sigmoid")
    assert sig.threshold == 0.01 * 0.25  # 1% of the largest sigma' over the range, at z = 0
    # sigma'(z) < 0.0025 from |z| about 5.99 on: the samples from -10 to -6 and 6 to 10
    assert sig.saturated == [[-10.0, -6.0], [6.0, 10.0]]
    table = {x: (f, d) for x, f, d in sig.table}
    assert table[10.0][1] == pytest.approx(4.539580773595167e-05, rel=1e-12)
    assert table[0.0] == (0.5, 0.25)
    relu = sample("relu", at=[3])
    assert relu.dead == [[-10.0, 0.0]]  # f' = 0 for z <= 0 (the subgradient at 0 is 0)
    assert {x: d for x, _f, d in relu.table} == {-10.0: 0.0, 0.0: 0.0, 3.0: 1.0, 10.0: 1.0}
    relu6 = sample("relu6", lo=-2, hi=8)
    assert relu6.dead == [[-2.0, 0.0], [6.0, 8.0]]
    gelu = sample("gelu")  # f' crosses 0 near z = -0.75: not saturation; the left tail is
    assert len(gelu.saturated) == 1 and gelu.saturated[0][0] == -10.0 and -3.1 < gelu.saturated[0][1] < -3.0


def test_plot_command_prints_and_writes_json():
    done = tutor("plot", "swish", "--set", "beta=0", "--at", "4")
    assert done.exit_code == 0, done.output
    assert "f(z) = swish(beta = 0)(z)" in done.output and "│   4 │    2 │   0.5 │" in done.output
    data = json.loads(tutor("plot", "tanh", "--from", "-3", "--to", "3", "--json").output)
    assert data["from"] == -3 and data["to"] == 3 and len(data["x"]) == len(data["f"]) == len(data["df"])
    np.testing.assert_allclose(data["f"], np.tanh(data["x"]), rtol=1e-15)
    np.testing.assert_allclose(data["df"], 1 / np.cosh(data["x"]) ** 2, rtol=1e-14)


@pytest.mark.parametrize("args, message", [
    (["softmax"], "unknown activation 'softmax'"),
    (["swish", "--set", "gamma=1"], "swish takes beta=NUMBER"),
    (["swish", "--set", "beta=x"], "expected a number"),
    (["tanh", "--from", "3", "--to", "1"], "the range must go from a smaller to a larger"),
    (["tanh", "--at", "nan"], "--at nan: a point must be a finite number"),
])
def test_plot_errors_exit_2(args, message):
    from backprop_tutor.cli import main

    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "backprop_tutor", "plot", *args], capture_output=True, text=True)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert main  # the entry point the subprocess runs


def test_gelu_keeps_its_digits_far_left():
    """GELU(z) = z Φ(z) with Φ from erfc: far left it is tiny, not 0 (1 + erf(z/√2) would cancel)."""
    import math

    import numpy as np

    from backprop_tutor.ops.moreacts import GELU

    z = np.array([-10.0, -6.0, -1.0, 0.0, 2.0])
    exact = [x * 0.5 * math.erfc(-x / math.sqrt(2.0)) for x in z]
    np.testing.assert_allclose(GELU().forward(z), exact, rtol=1e-15)
    assert GELU().forward(np.array([-10.0]))[0] == pytest.approx(-7.619853024160593e-23, rel=1e-12)
