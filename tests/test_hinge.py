"""The multiclass hinge (SVM) loss: L_i = sum over j != y_i of max(0, s_j - s_y_i + margin),
its gradient (by central differences away from the kinks, and the subgradient 0 at one),
every element line as sympy evaluates it, the refusals, and the built-in lesson `hinge-svm`."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.engine import Engine
from backprop_tutor.ops import LOSSES
from backprop_tutor.scenario import load
from backprop_tutor.symbolic.substitution import element_lines

SCORES = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
ONE_HOT = np.eye(3)


def steps_of(*args):
    result = CliRunner().invoke(app, ["run", "hinge-svm", *args, "--json"])
    assert result.exit_code == 0, result.output
    return {s["key"]: s for s in json.loads(result.stdout)["steps"]}


def test_the_three_images_give_2_9_0_and_12_9():
    hinge = LOSSES["hinge"]()
    rows = hinge.term(SCORES, ONE_HOT).sum(axis=1)
    assert rows == pytest.approx([2.9, 0.0, 12.9], abs=1e-12)
    assert hinge.forward(SCORES, ONE_HOT) == pytest.approx(15.8 / 3, abs=1e-12)
    assert LOSSES["hinge"](samples="sum").forward(SCORES, ONE_HOT) == pytest.approx(15.8, abs=1e-12)
    assert LOSSES["hinge"](margin=0.0).forward(SCORES[:1], ONE_HOT[:1]) == pytest.approx(1.9, abs=1e-12)


@pytest.mark.parametrize("options", [{}, {"samples": "sum"}, {"margin": 0.5}])
def test_the_gradient_is_the_central_difference_away_from_kinks(options):
    rng = np.random.default_rng(4)
    hinge = LOSSES["hinge"](**options)
    for _ in range(20):
        s = rng.normal(0, 2, (4, 5))
        y = np.eye(5)[rng.integers(0, 5, 4)]
        h = 1e-6
        numeric = np.zeros_like(s)
        for idx in np.ndindex(s.shape):
            up, down = s.copy(), s.copy()
            up[idx] += h
            down[idx] -= h
            numeric[idx] = (hinge.forward(up, y) - hinge.forward(down, y)) / (2 * h)
        margins = hinge.margins(s, y)
        assert np.abs(margins[margins != 0]).min() > 1e-4  # no kink within reach of h
        assert np.allclose(hinge.backward(s, y), numeric, rtol=1e-6, atol=1e-8)


def test_a_margin_of_exactly_0_takes_the_subgradient_0_and_says_so(tmp_path):
    hinge = LOSSES["hinge"]()
    s, y = np.array([[2.0, 1.0, 0.5]]), np.array([[1.0, 0.0, 0.0]])  # 1 - 2 + 1 = 0: a kink
    assert hinge.backward(s, y).tolist() == [[0.0, 0.0, 0.0]]
    note = hinge.step_extra(s, y)["note"]
    assert "0 of 2 above 0" in note and "1 at exactly 0" in note and "subgradient 0" in note


def test_the_lesson_shows_each_row_and_the_mean():
    steps = steps_of()
    assert steps["L"]["value"] == pytest.approx(5.266666666666667, abs=1e-12)
    g = np.array(steps["dL/dA1"]["value"])
    assert np.allclose(g, [[-1 / 3, 1 / 3, 0.0], [0.0, 0.0, 0.0], [1 / 3, 1 / 3, -2 / 3]], rtol=0, atol=1e-15)
    assert np.array_equal(np.array(steps["dL/dW1"]["value"]), g)  # X is the identity: dL/dW1 = dL/dZ1
    s = load("hinge-svm")
    assert s.title and "12.9" in s.description and "5.26667" in s.description


def test_every_element_line_is_sympys_value_of_the_engines_number():
    steps = {s.key: s for s in Engine(load("hinge-svm")).steps()}
    checked = 0
    for key in ("L", "dL/dA1"):
        lines = element_lines(steps[key], limit=100)
        assert lines is not None and lines.omitted == 0
        for from_sympy, from_engine in lines.checks:
            assert from_sympy == pytest.approx(from_engine, rel=1e-12, abs=1e-300), key
            checked += 1
    assert checked == 3 + 9
    text = "\n".join(element_lines(steps["L"], limit=100).lines)
    assert "ℓ[3] = Max(0" in text and "= 12.9" in text and "L = 1/3 * (ℓ[1] + … + ℓ[3]) = 5.26667" in text


def test_run_and_train_work_and_explain_refuses_with_the_reason():
    runner = CliRunner()
    run = runner.invoke(app, ["run", "hinge-svm"])
    assert run.exit_code == 0 and "M[i, j]" in run.stdout and "3 of 6 above 0" in run.stdout
    train = runner.invoke(app, ["train", "hinge-svm", "--json"])
    assert train.exit_code == 0, train.output
    losses = json.loads(train.stdout)["loss"]
    assert losses[0] == pytest.approx(15.8 / 3) and losses[-1] < losses[0]
    refused = runner.invoke(app, ["explain", "dL/dW1", "-s", "hinge-svm"])
    assert refused.exit_code == 2 and "whole row" in refused.output


@pytest.mark.parametrize("change, field, words", [
    ("network.layers.0.activation=softmax", "loss.type", "allowed output activations: identity"),
    ("loss.margin=-1", "loss.margin", "at least 0"),
    ("data.targets=[[1, 1, 0], [0, 1, 0], [0, 0, 1]]", "data.targets", "one-hot"),
])
def test_bad_settings_are_refused_at_their_field(change, field, words):
    result = CliRunner().invoke(app, ["run", "hinge-svm", "--set", change])
    assert result.exit_code == 2 and field in result.output and words in result.output, result.output
