"""`tutor plot`: an activation and its derivative from the op's own forward and backward,
where it dies or saturates, the slides' x = -10, 0, 10, and bad requests refused cleanly."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from backprop_tutor.engine.curves import PlotError, activation_of, sample
from backprop_tutor.ops import ACTIVATIONS


def tutor(*args, **env):
    return subprocess.run([sys.executable, "-m", "backprop_tutor", "plot", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)


@pytest.mark.parametrize("name", [n for n, k in ACTIVATIONS.items() if k.elementwise and n != "sign"])
def test_the_derivative_drawn_is_the_slope_of_the_curve_drawn(name):
    """f' comes from the op's backward; a central difference of its forward agrees (away from a kink)."""
    curve = sample(activation_of(name, []), -4.0, 4.0, 81)
    x, f, df = np.array(curve.x), np.array(curve.f), np.array(curve.df)
    act = activation_of(name, [])
    h = 1e-6
    theta = {s: np.asarray(act.params[s]) for s in act.learnable}
    fd = (act.apply(x + h, theta) - act.apply(x - h, theta)) / (2 * h)
    smooth = np.abs(x) > 1e-3  # relu-like kinks at 0
    np.testing.assert_allclose(df[smooth], fd[smooth], rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(f, act.apply(x, theta))


def test_relu_dies_left_of_zero_and_passes_the_gradient_right_of_it():
    curve = sample(activation_of("relu", []), -10.0, 10.0, 401)
    assert curve.dead == [(-10.0, 0.0)] and curve.saturated == []
    at = {x: (f, d, s) for x, f, d, s in curve.at}
    assert at[-10.0] == (0.0, 0.0, "dead") and at[10.0] == (10.0, 1.0, "")


def test_sigmoid_and_tanh_saturate_symmetrically_at_the_slides_points():
    sig = sample(activation_of("sigmoid", []), -10.0, 10.0, 401)
    (a, b), (c, d) = sig.saturated
    assert a == -10.0 and d == 10.0 and b == pytest.approx(-c)
    at = {x: (f, df, s) for x, f, df, s in sig.at}
    assert at[0.0] == (0.5, 0.25, "") and at[10.0][2] == "saturated"
    assert at[10.0][1] == pytest.approx(np.exp(-10) / (1 + np.exp(-10)) ** 2, rel=1e-12)
    tanh = sample(activation_of("tanh", []), -10.0, 10.0, 401)
    assert {x: s for x, _f, _d, s in tanh.at} == {-10.0: "saturated", 0.0: "", 10.0: "saturated"}


def test_swish_with_beta_zero_is_half_of_x_not_x():
    """Erratum: the notebook says swish tends to x as beta -> 0; at beta = 0 it is x/2."""
    curve = sample(activation_of("swish", ["beta=0"]), -10.0, 10.0, 21, at=(3.0,))
    np.testing.assert_allclose(curve.f, np.array(curve.x) / 2)
    assert {x: f for x, f, _d, _s in curve.at}[3.0] == 1.5
    result = tutor("swish", "--set", "beta=0", "--json")
    assert json.loads(result.stdout)["at"][-1] == {"x": 10.0, "f": 5.0, "df": 0.5, "state": None}


@pytest.mark.parametrize("args, says", [
    (["softmax"], "not element-wise"), (["nosuch"], "not an activation; allowed: identity, sigmoid"),
    (["swish", "--set", "gamma=1"], "takes key=value for its parameters (beta)"),
    (["elu", "--set", "alpha=nan"], "alpha must be a finite number"),
    (["tanh", "--from", "3", "--to", "1"], "--from must be below --to"),
    (["tanh", "--points", "1"], "--points 1: between 2 and"),
    (["tanh", "--to", "1e300"], "within ±1e+06")])
def test_a_bad_request_is_one_line_and_status_2(args, says):
    result = tutor(*args)
    assert result.returncode == 2 and says in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_the_plot_has_axes_marks_and_the_table_and_fits_the_width():
    result = tutor("relu", "--from", "-3", "--to", "3", "--at", "1.5", COLUMNS="60", NO_COLOR="1")
    assert result.returncode == 0 and "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert any("└" in line for line in lines) and any(line.strip().startswith("-3") for line in lines)
    assert "dies (f' = 0, no gradient passes) for x in [-3, 0]" in result.stdout
    assert any(line.split()[:3] == ["1.5", "│", "1.5"] for line in lines)


def test_json_holds_the_samples_and_the_ranges():
    data = json.loads(tutor("leaky_relu", "--set", "slope=0.1", "--points", "5", "--json").stdout)
    assert data["activation"] == "leaky_relu" and data["parameters"] == {"slope": 0.1}
    assert data["x"] == [-10.0, -5.0, 0.0, 5.0, 10.0] and data["f"] == [-1.0, -0.5, 0.0, 5.0, 10.0]
    assert data["dead"] == [] and data["saturated"] == []


def test_errors_are_plot_errors_in_the_library():
    with pytest.raises(PlotError):
        activation_of("relu", ["slope=1"])
