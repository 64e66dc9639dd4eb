"""`tutor explain` through a softmax output layer: the Jacobian that sympy derives from
Softmax.symbolic, the sum over the outputs, the one-hot simplification, and the value
against the engine and a central finite difference."""

import json

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.ops import ACTIVATIONS, LOSSES
from backprop_tutor.printing import explain_text, printers
from backprop_tutor.scenario.validate import validate
from backprop_tutor.scenario.yamlsource import Source
from backprop_tutor.symbolic import derive, values
from backprop_tutor.symbolic import local as local_derivs
from backprop_tutor.symbolic.targets import Target, parse

runner = CliRunner()


def softmax_scenario(loss: dict, hidden: list[int], one_hot: bool = True):
    """Three samples, two inputs, the given sigmoid/tanh hidden layers and a 3-unit softmax output."""
    rng = np.random.default_rng(len(hidden) * 10 + len(loss))
    widths = [2] + hidden + [3]
    acts = ["sigmoid", "tanh"][:len(hidden)]
    layers = [{"units": u, "activation": a} for u, a in zip(hidden, acts)] + [{"units": 3, "activation": "softmax"}]
    params = {}
    for q in range(1, len(widths)):
        params[f"W{q}"] = np.round(rng.normal(size=(widths[q - 1], widths[q])), 3).tolist()
        params[f"b{q}"] = np.round(rng.normal(size=widths[q]) * 0.5, 3).tolist()
    targets = [[1, 0, 0], [0, 0, 1], [0, 1, 0]] if one_hot else [[0.5, 0.2, 0.1], [0.1, 0.1, 0.6], [0.3, 0.3, 0.3]]
    raw = {
        "name": "softmax-test", "title": "softmax output",
        "data": {"inputs": [[1.0, 2.0], [2.0, -1.0], [-0.5, 0.5]], "targets": targets},
        "network": {"inputs": 2, "layers": layers},
        "parameters": params,
        "loss": loss,
        "training": {"learning_rate": 0.1, "batch": "full", "max_iterations": 5},
    }
    return validate(Source("softmax-test.yaml", raw))


LOSS_CASES = {
    "cross_entropy": {"type": "cross_entropy", "samples": "mean"},
    "cross_entropy_sum": {"type": "cross_entropy", "samples": "sum"},
    "mse": {"type": "mse"},
    "mse_half_sum": {"type": "mse", "samples": "sum", "outputs": "sum", "half": True},
}
TARGETS = ["dL/dZ{n}", "dL/dW{n}", "dL/db{n}", "dL/dW1", "dL/db1", "dL/dA1", "dL/dZ1",
           "dL/dZ{n}[1,2]", "dL/dW{n}[0,1]", "dL/db{n}[2]", "dL/dW1[1,0]", "dL/dA1[2,1]"]


@pytest.mark.parametrize("hidden", [[2], [3, 2]], ids=["1-hidden", "2-hidden"])
@pytest.mark.parametrize("loss", list(LOSS_CASES), ids=list(LOSS_CASES))
@pytest.mark.parametrize("text", TARGETS)
def test_explained_value_is_the_engines_and_the_finite_difference(loss, hidden, text):
    scenario = softmax_scenario(LOSS_CASES[loss], hidden)
    target = parse(text.format(n=len(hidden) + 1), scenario)
    ex = derive.explain(scenario, target)
    np.testing.assert_allclose(ex.value, ex.engine_value, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(ex.value, ex.finite_difference, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_targets_that_are_not_one_hot(loss):
    scenario = softmax_scenario(LOSS_CASES[loss], [2], one_hot=False)
    for text in ("dL/dZ2", "dL/dW1", "dL/dZ2[0,1]", "dL/dw11^(1)"):
        ex = derive.explain(scenario, parse(text, scenario))
        np.testing.assert_allclose(ex.value, ex.engine_value, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(ex.value, ex.finite_difference, rtol=1e-5, atol=1e-8)


def test_softmax_jacobian_derived_by_sympy_is_the_ops_backward():
    op = ACTIVATIONS["softmax"]()
    cases, joined = local_derivs.jacobian_local(op)
    a1, a2 = sp.symbols("a_1 a_2")
    assert [c.label for c in cases] == ["k = j", "k ≠ j"]
    assert sp.expand(cases[0].output_form - a1 * (1 - a1)) == 0
    assert sp.expand(cases[1].output_form + a1 * a2) == 0
    # a_k (δ_kj - a_j), as the notes write it
    ak, aj, delta = local_derivs.A_ROW[local_derivs.JK], local_derivs.A_ROW[local_derivs.JJ], sp.KroneckerDelta(local_derivs.JK, local_derivs.JJ)
    assert sp.expand(joined - ak * (delta - aj)) == 0
    rng = np.random.default_rng(7)
    for width in (2, 3, 5):
        z = rng.normal(size=(4, width)) * 2
        a = op.forward(z)
        g = rng.normal(size=z.shape)
        jac = values._jacobian(joined, a)
        np.testing.assert_allclose(np.einsum("sk,skj->sj", g, jac), op.backward(z, a, g), rtol=1e-12, atol=1e-15)


def test_each_case_is_sympys_derivative_of_the_symbolic_form():
    op = ACTIVATIONS["softmax"]()
    zs = sp.symbols("z_1:4")
    outs = op.symbolic(sp, list(zs))
    cases, _ = local_derivs.jacobian_local(op)
    point = {z: v for z, v in zip(zs, (0.3, -1.2, 0.7))}
    a = [float(o.subs(point)) for o in outs]
    for case, (k, j) in zip(cases, [(0, 0), (0, 1)]):
        exact = float(sp.diff(outs[k], zs[j]).subs(point))
        assert float(case.derived.subs(point)) == pytest.approx(exact, rel=1e-12)
        assert float(case.output_form.subs({sp.Symbol("a_1"): a[0], sp.Symbol("a_2"): a[1]})) == pytest.approx(
            exact, rel=1e-12)


def test_softmax_cross_entropy_one_hot_is_yhat_minus_y_over_m():
    general, one_hot = local_derivs.output_block(
        local_derivs.loss_local(LOSSES["cross_entropy"](), 4, 3)[2], local_derivs.jacobian_local(ACTIVATIONS["softmax"]())[1])
    yh, y = sp.IndexedBase("ŷ"), sp.IndexedBase("y")
    j, k, K = local_derivs.JJ, local_derivs.JK, local_derivs.KK
    assert sp.expand(one_hot - (yh[j] - y[j]) / 4) == 0
    assert sp.expand(general - (yh[j] * sp.Sum(y[k], (k, 1, K)) - y[j]) / 4) == 0


def test_one_hot_simplification_text():
    scenario = softmax_scenario(LOSS_CASES["cross_entropy"], [2])
    ex = derive.explain(scenario, Target("Z", 2, (1, 2)))
    sections = dict(explain_text.text_sections(ex))
    simplified = sections["simplified"]
    assert printers.pretty(ex.simplified.rhs) == printers.pretty(
        sp.Mul(sp.Rational(1, 3), sp.Symbol("ŷ₂₃") - sp.Symbol("y₂₃"), evaluate=False))
    assert "ŷ₂₃ - y₂₃" in simplified and "3" in simplified
    assert "assuming Σₖ yₖ = 1 (one-hot targets" in simplified
    assert "the targets of this scenario satisfy it" in simplified
    assert "for general targets:" in simplified and "Σ[k=1..3] y₂ₖ" in simplified
    # the chain sums over the outputs before it is simplified
    assert sections["chain rule"].startswith("∂L/∂z₂₃⁽²⁾ = Σ[k=1..3] ∂L/∂ŷ₂ₖ⋅∂ŷ₂ₖ/∂z₂₃⁽²⁾")
    local = sections["local derivatives (each derived by sympy)"]
    assert "∂ŷ₂ₖ/∂z₂₃⁽²⁾ = ŷ₂ₖ⋅(δₖ₃ - ŷ₂₃)" in local
    assert "a₁⋅(1 - a₁)" in local and "-a₁⋅a₂" in local and "aₖ⋅(δₖⱼ - aⱼ)" in local
    matrix = sections["matrix form"]
    assert "J_softmax(z2ₛ)" in matrix and "Jᵀ" in matrix
    assert "∂L/∂Z2 = 1/3⋅(A₂ - Y)" in matrix  # (Ŷ - Y)/m, with this scenario's own names


def test_targets_that_are_not_one_hot_keep_the_general_form():
    scenario = softmax_scenario(LOSS_CASES["cross_entropy"], [2], one_hot=False)
    ex = derive.explain(scenario, Target("Z", 2, (0, 0)))
    assert "do NOT satisfy it" in ex.assumption
    assert ex.simplified.rhs.has(sp.Sum)  # the general form is the one shown first
    assert not ex.other_form.rhs.has(sp.Sum)  # the one-hot form beside it, labelled
    assert "with Σₖ yₖ = 1 (one-hot targets)" in dict(explain_text.text_sections(ex))["simplified"]


def test_mse_through_softmax_has_no_one_hot_shortcut():
    scenario = softmax_scenario(LOSS_CASES["mse"], [2])
    ex = derive.explain(scenario, Target("Z", 2, (0, 1)))
    assert ex.assumption == "" and ex.other_form is None
    assert ex.simplified.rhs.has(sp.Sum)
    assert not any("multiplied out" in st.why for st in ex.matrix)


def test_cli_explain_softmax_scenario_file(tmp_path):
    scenario = softmax_scenario(LOSS_CASES["cross_entropy"], [2])
    text = f"""name: softmax-file
title: softmax from a file
data:
  inputs: [[1.0, 2.0], [2.0, -1.0]]
  targets: [[1, 0, 0], [0, 0, 1]]
network:
  inputs: 2
  layers:
    - {{units: 2, activation: sigmoid}}
    - {{units: 3, activation: softmax}}
parameters:
  W1: {scenario.parameters['W1'].tolist()}
  b1: {scenario.parameters['b1'].tolist()}
  W2: {scenario.parameters['W2'].tolist()}
  b2: {scenario.parameters['b2'].tolist()}
loss: {{type: cross_entropy}}
training: {{learning_rate: 0.1, batch: full, max_iterations: 5}}
"""
    path = tmp_path / "softmax.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["explain", "dL/dW2", "-s", str(path)])
    assert result.exit_code == 0, result.output
    assert "central finite difference" in result.output and "ŷₛⱼ - yₛⱼ" in result.output
    result = runner.invoke(app, ["explain", "dL/dw11^(1)", "-s", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    np.testing.assert_allclose(data["value"], data["engine_value"], rtol=1e-10)
    assert data["assumption"].startswith("assuming Σₖ yₖ = 1")
    assert data["jacobian_cases"][0]["joined"] == "aₖ*(-aⱼ + δₖⱼ)"
    result = runner.invoke(app, ["explain", "dL/dZ2", "-s", str(path), "--latex"])
    assert result.exit_code == 0, result.output
    assert r"\delta_{k" in result.output and "ᵀ" not in result.output


def test_a_mixing_activation_below_the_output_is_unsupported():
    """The validator refuses softmax in a hidden layer; explain itself says why, as a TutorError."""
    import dataclasses

    from backprop_tutor.errors import TutorError, UnsupportedError
    from backprop_tutor.scenario import load

    model = load("logistic-4x2")
    hidden = dataclasses.replace(model.layers[0], activation=ACTIVATIONS["softmax"]())
    model = dataclasses.replace(model, layers=[hidden, *model.layers[1:]])
    with pytest.raises(UnsupportedError, match="at the output layer only") as err:
        derive.explain(model, parse("dJ/dW1", model))
    assert isinstance(err.value, TutorError)
