"""Review fixes of `tutor explain`: the L2 term in every form, formulas that fit the
console's width, whole matrices with their numbers, the target forms the tutor prints."""

import io
import re

import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.printing import explain_text, printers, text
from backprop_tutor.scenario import load
from backprop_tutor.symbolic import derive
from backprop_tutor.symbolic.targets import Target, TargetError, parse

runner = CliRunner()


@pytest.fixture(scope="module")
def lg():
    return load("logistic-4x2")


# 4. the target forms a student copies from the tutor's own output ----------------------

@pytest.mark.parametrize("text, expected", [
    ("dL/dw11⁽¹⁾", Target("W", 1, (0, 0))), ("∂L/∂w₁₁⁽¹⁾", Target("W", 1, (0, 0))),
    ("∂J/∂w₂₁⁽²⁾", Target("W", 2, (1, 0))), ("dL/db₃⁽¹⁾", Target("b", 1, (2,))),
    ("dL/dW₁", Target("W", 1)), ("dL/dW1[0][1]", Target("W", 1, (0, 1))),
    ("dL/dZ1[3][0]", Target("Z", 1, (3, 0))),
])
def test_printed_and_nested_index_forms(lg, text, expected):
    assert parse(text, lg) == expected


def test_one_value_of_a_layer_the_network_does_not_have():
    hw = load("height-weight", up_close=True)
    for text in ("dL/dz1^(3)", "dL/da1^(9)"):
        with pytest.raises(TargetError, match="the network has layers 1 to 2"):
            parse(text, hw)


def test_weight_without_layer_says_the_layer_is_missing(lg):
    with pytest.raises(TargetError) as err:
        parse("dL/dw12", lg)
    text = str(err.value)
    assert "layer is missing" in text and "dL/dw12^(1)" in text
    assert "layers 1 to" not in text


# 1. the L2 penalty: its own term everywhere, one matrix rule ----------------------------

L2_SCENARIO = """\
name: tiny-l2
title: "One hidden layer with an L2 penalty"
data:
  inputs: [[1, 2], [2, 1]]
  targets: [1, 0]
network:
  inputs: 2
  layers:
    - {units: 2, activation: sigmoid}
    - {units: 1, activation: sigmoid}
parameters:
  W1: [[1, -1], [0.5, 2]]
  b1: [0, 1]
  W2: [[2], [-1]]
  b2: [0.5]
loss: {type: binary_cross_entropy, samples: mean, l2: 0.1}
training: {learning_rate: 0.1, batch: full, max_iterations: 10}
"""


@pytest.fixture(scope="module")
def l2(tmp_path_factory):
    path = tmp_path_factory.mktemp("l2") / "tiny-l2.yaml"
    path.write_text(L2_SCENARIO)
    return load(str(path))


def sections(ex, width=None):
    return dict(explain_text.text_sections(ex, width))


def test_l2_term_in_chain_substituted_and_simplified(l2):
    ex = derive.explain(l2, parse("dL/dw12^(1)", l2))
    text = sections(ex)
    for name in ("chain rule", "substituted", "simplified"):
        assert "λ⋅w₁₂⁽¹⁾" in text[name] or "∂(λ/2)‖W‖²/∂w₁₂⁽¹⁾" in text[name], name
    assert "λ⋅w₁₂⁽¹⁾" in text["substituted"] and "λ⋅w₁₂⁽¹⁾" in text["simplified"]
    assert "∂(λ/2)‖W‖²/∂w₁₂⁽¹⁾" in text["chain rule"]
    assert "L2 penalty" in text["local derivatives (each derived by sympy)"]
    assert np.allclose(ex.value, ex.engine_value) and np.allclose(ex.value, ex.finite_difference, atol=1e-6)


def test_l2_matrix_rule_once_with_lambda_w(l2):
    ex = derive.explain(l2, parse("dL/dW1", l2))
    rules = [st for st in ex.matrix if "∂L/∂W1" in printers.pretty(st.equation.lhs)]
    assert len(rules) == 1
    assert "λ⋅W₁" in printers.pretty(rules[0].equation)
    numbers = sections(ex, 96)["numbers"]
    assert "0.1 ⋅" in numbers and "W1 (2×2)" in numbers


# 2. every formula fits the console's width ---------------------------------------------

def rendered(scenario, target, width):
    from backprop_tutor.render.explain import ExplainView

    model = load(scenario)
    view = ExplainView(derive.explain(model, parse(target, model)), model.name)
    body = view.sections(width)  # what the view draws in a console `width` columns wide
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(view)
    return body, out.getvalue()


@pytest.mark.parametrize("scenario, target, width", [
    ("logistic-4x2", "dJ/dw11^(1)", 80), ("logistic-4x2", "dJ/dW1", 80),
    ("bnn-saturation", "dL/dW1", 120), ("bnn-saturation", "dL/dW1", 80),
])
def test_formulas_fit_the_console(scenario, target, width):
    from rich.cells import cell_len

    body, out = rendered(scenario, target, width)
    lines = out.splitlines()
    assert all(cell_len(line) <= width for line in lines)
    # the terminal wrapped nothing: every line of every section is one line of the panel
    inner = [line[2:-2].rstrip() for line in lines[1:-1]]
    for heading, text in body:
        for line in text.splitlines():
            assert line.rstrip() in inner, (heading, line)


def test_two_d_block_stays_aligned_in_numbers():
    body, _ = rendered("logistic-4x2", "dJ/dw11^(1)", 80)
    numbers = dict(body)["numbers"].splitlines()
    bars = [i for i, line in enumerate(numbers) if "───" in line]
    assert bars
    for i in bars:  # each fraction: numerator right above, denominator right below its bar
        col = numbers[i].index("───")
        assert numbers[i - 1][col:col + 12].strip() and numbers[i + 1][col:col + 12].strip() == "4"


def test_one_line_fallback_when_a_factor_is_too_wide():
    import sympy as sp

    x = sp.Symbol("x")
    wide = sp.Eq(sp.Symbol("y"), sp.Mul(sp.Add(*[sp.Symbol(f"a{i}") / (i + 2) for i in range(12)]), x,
                                         evaluate=False), evaluate=False)
    out = text.fit(wide, 40)
    assert all(len(line) <= 40 for line in out.splitlines())
    assert "/" in out  # the one-line form


# 3. a whole matrix: its rule with the numbers ------------------------------------------

@pytest.mark.parametrize("target", ["dJ/dW1", "dJ/db1", "dJ/dZ1", "dJ/dH1", "dJ/dW2", "dJ/dŶ"])
def test_whole_matrix_numbers(lg, target):
    ex = derive.explain(lg, parse(target, lg))
    mn = ex.matrix_numbers
    assert mn is not None and np.allclose(mn.result.ravel(), np.ravel(ex.engine_value))
    text = sections(ex, 76)["numbers"]
    assert "with the numbers" in text and all(len(line) <= 76 for line in text.splitlines())
    ops = {label: value for _, label, value in mn.operands}
    if target == "dJ/dW1":
        assert "Xᵀ (2×4)" in text and "∂J/∂Z1 (4×3)" in text and "(2×3)" in text
        assert np.allclose(ops["Xᵀ"] @ ops["∂J/∂Z1"], ex.engine_value)
    if target == "dJ/db1":
        assert np.allclose((ops["(∂J/∂Z1)ᵀ"] @ ops["𝟙"]).ravel(), ex.engine_value)
    if target == "dJ/dZ1":
        assert np.allclose(ops["∂J/∂H1"] * ops["σ′(Z1)"], ex.engine_value)
    if target == "dJ/dH1":
        assert np.allclose(ops["∂J/∂Z2"] @ ops["W2ᵀ"], ex.engine_value)


def test_cli_whole_matrix_shows_numbers():
    result = runner.invoke(app, ["explain", "dJ/dW1", "-s", "logistic-4x2"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert "with the numbers" in result.output and "Xᵀ (2×4)" in result.output
    assert all(len(line) <= 80 for line in result.output.splitlines())


# 5. cosmetics ---------------------------------------------------------------------------

def test_identity_derivative_not_repeated():
    from backprop_tutor.engine import Engine
    from backprop_tutor.symbolic import formulas

    model = load("bnn-saturation")
    engine = Engine(model)
    data = engine.data(None)
    steps = [st for st in engine.forward_backward(engine.params, data.x, data.y)
             if st.role == "backward" and st.op.name == "identity"]
    text = formulas.derivative_text(steps[0])
    assert "= 1" in text and "1 = 1" not in text


def test_negative_number_inside_a_function_has_one_pair_of_parentheses(lg):
    relu = load("logistic-4x2", ["network.layers.0.activation=relu"])
    ex = derive.explain(relu, parse("dJ/dw13^(1)", relu))
    text = sections(ex)["numbers"]
    assert "(-1) > 0" not in text and "-1 > 0" in text
    assert "((" not in text
