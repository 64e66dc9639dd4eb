"""L1 and elastic-net penalties beside L2 (`loss.penalty`), and the lesson l1-vs-l2.

The penalties' gradients are held to central differences here (away from W = 0, where |W|
has no derivative) and to autograd in tests/test_autodiff_reference.py."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.engine import Engine
from backprop_tutor.engine.train import train
from backprop_tutor.ops.penalty import ElasticNetPenalty, L1Penalty, L2Term
from backprop_tutor.scenario import load

PENALTIES = [L1Penalty(), L2Term(), L2Term("plain"), ElasticNetPenalty("half", 0.5),
             ElasticNetPenalty("plain", 0.5)]


def tutor(*args, code=0):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.stdout


@pytest.mark.parametrize("op", PENALTIES, ids=lambda op: f"{op.name}-{op.convention}")
def test_penalty_gradient_matches_central_difference(op):
    rng = np.random.default_rng(3)
    w = rng.uniform(0.1, 1.0, (3, 2)) * rng.choice([-1, 1], (3, 2))  # away from 0
    lam, h = 0.3, 1e-6
    numeric = np.zeros_like(w)
    for idx in np.ndindex(w.shape):
        up, down = w.copy(), w.copy()
        up[idx] += h
        down[idx] -= h
        numeric[idx] = (op.forward([up], lam) - op.forward([down], lam)) / (2 * h)
    assert np.allclose(op.backward(w, lam), numeric, atol=1e-8)


def test_penalty_terms_follow_the_conventions():
    w = np.array([[1.0, -2.0], [0.0, 0.5]])  # Σ W² = 5.25, Σ |W| = 3.5
    assert L2Term().forward([w], 0.1) == pytest.approx(0.1 / 2 * 5.25)
    assert L2Term("plain").forward([w], 0.1) == pytest.approx(0.1 * 5.25)
    assert L1Penalty().forward([w], 0.1) == pytest.approx(0.1 * 3.5)
    assert ElasticNetPenalty("plain", 0.5).forward([w], 0.1) == pytest.approx(0.1 * (0.5 * 5.25 + 3.5))
    assert ElasticNetPenalty("half", 0.5).forward([w], 0.1) == pytest.approx(0.1 * (0.25 * 5.25 + 3.5))
    # the subgradient at W = 0 is 0
    assert L1Penalty().backward(w, 0.1).tolist() == [[0.1, -0.1], [0.0, 0.1]]


SCENARIO = "l1-vs-l2"


def _engine_loss_and_grad(settings):
    s = load(SCENARIO, settings)
    e = Engine(s)
    d = e.data(full=True)
    return s, e.forward_backward(e.params, d.x, d.y)


@pytest.mark.parametrize("kind, term, grad", [
    # W1 = [[0.5], [0.5]]: Σ W² = 0.5, Σ |W| = 1; λ = 0.1, β = 0.5
    ("l1", 0.1 * 1.0, 0.1 * 1.0),
    ("l2", 0.1 / 2 * 0.5, 0.1 * 0.5),
    ("elastic_net", 0.1 * (0.5 / 2 * 0.5 + 1.0), 0.1 * (0.5 * 0.5 + 1.0)),
])
def test_run_json_shows_the_penalty_in_the_loss_and_the_weight_gradient(kind, term, grad):
    extra = ["--set", "loss.penalty.beta=0.5"] if kind == "elastic_net" else []
    out = json.loads(tutor("run", SCENARIO, "--set", f"loss.penalty.type={kind}", *extra, "--json"))
    steps = {s["key"]: s for s in out["steps"]}
    loss = steps["L"]
    data_loss = ((0.75 - 2.1) ** 2 + (0.75 - 3.9) ** 2 + (1.75 - 6.1) ** 2 + (1.75 - 7.9) ** 2) / 4
    assert loss["value"] == pytest.approx(data_loss + term, abs=1e-12)
    # dL/dW1 = Xᵀ dL/dZ1 + the penalty's gradient; dL/dZ1 = (ŷ - y)/2
    g = np.array([[-0.675], [-1.575], [-2.175], [-3.075]])
    x = np.array([[1.0, 0.5], [2.0, -0.5], [3.0, 0.5], [4.0, -0.5]])
    dw = next(s for s in out["steps"] if s["key"] in ("dL/dW1", "∂L/∂W1") or s.get("param") == "W1")
    assert np.allclose(dw["value"], x.T @ g + grad, atol=1e-12)


def test_run_shows_the_term_and_explain_derives_sign():
    out = tutor("run", SCENARIO)
    assert "λ = 0.1: data loss 17.1225 + L1 penalty 0.1" in out
    assert "data loss + λ·‖W‖₁ = 17.1225 + 0.1 = 17.2225" in out
    assert "∂L/∂W1 = X ⋅∂L/∂Z1 + λ·sign(W1)" in out  # the step's rule, not λW
    assert "there sign(0) = 0 is taken (a subgradient)" in out
    elastic = tutor("run", SCENARIO, "--set", "loss.penalty.type=elastic_net", "--set", "loss.penalty.beta=0.5")
    assert "+ λ·(W1/2 + sign(W1))" in elastic and "-22.525" in elastic  # -22.65 + 0.1 (0.5/2 + 1)
    text = tutor("explain", "dL/dW1", "-s", SCENARIO)
    assert "λ⋅sign(wᵢⱼ⁽¹⁾)" in text
    assert "sign(0) = 0" in text
    assert "-22.55" in text  # Xᵀ dL/dZ1 = -22.65, + λ sign(0.5) = 0.1


def test_lesson_l1_hovers_at_zero_where_l2_only_shrinks():
    """The lesson's numbers: w21 (W1[2,1]) after 200 updates, and its band from update 150 on."""
    def w21(kind, lam=0.1, n=200):
        s = load(SCENARIO, [f"loss.penalty.type={kind}", f"loss.penalty.lambda={lam}"])
        return train(s, n).params["W1"][1, 0]

    assert round(w21("l1"), 4) == 0.0054
    assert round(w21("l2"), 4) == 0.0830
    assert round(w21("l2", 0.0), 3) == 0.183
    l1_band = [w21("l1", n=n) for n in range(150, 260, 7)]
    assert max(abs(w) for w in l1_band) < 0.008
    assert min(l1_band) < 0 < max(l1_band)  # it changes sign: hovering, not resting at exactly 0
    l2_band = [w21("l2", n=n) for n in range(150, 260, 7)]
    assert min(l2_band) > 0.082


def test_train_json_with_each_penalty():
    for kind in ("l1", "l2", "elastic_net"):
        out = json.loads(tutor("train", SCENARIO, "-n", "20", "--set", f"loss.penalty.type={kind}", "--json"))
        assert out["loss"][-1] < out["loss"][0]
    plain = json.loads(tutor("train", SCENARIO, "-n", "1", "--set", "loss.penalty.type=l2",
                             "--set", "loss.penalty.convention=plain", "--json"))
    assert plain["loss"][0] == pytest.approx(17.1225 + 0.1 * 0.5)


@pytest.mark.parametrize("penalty, field, words", [
    ("{type: l3, lambda: 0.1}", "loss.penalty.type", "unknown penalty"),
    ("{type: l1, lambda: -0.1}", "loss.penalty.lambda", "out of range"),
    ("{type: l1, lambda: 0.1, beta: 2}", "loss.penalty.beta", "elastic"),
    ("{type: l1, lambda: 0.1, convention: double}", "loss.penalty.convention", "unknown convention"),
])
def test_bad_penalty_is_reported_at_its_line(tmp_path, penalty, field, words):
    text = open("scenarios/l1-vs-l2.yaml").read().replace("{type: l1, lambda: 0.1}", penalty)
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("  penalty:"))
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert f"{path}:{line}: {field}: " in result.output and words in result.output, result.output


def test_both_l2_and_penalty_is_an_error(tmp_path):
    text = open("scenarios/l1-vs-l2.yaml").read().replace("  type: mse\n", "  type: mse\n  l2: 0.1\n")
    path = tmp_path / "both.yaml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("  penalty:"))
    assert f"{path}:{line}: loss.penalty: both `l2` and `penalty`" in result.output, result.output
