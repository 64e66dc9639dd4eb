"""`tutor explain`: targets, the derivation, and its numbers against the engine,
a finite difference and the numbers the source documents print."""

import json
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.engine import Engine
from backprop_tutor.printing import printers
from backprop_tutor.printing.latex import latex_document
from backprop_tutor.scenario import load
from backprop_tutor.symbolic import derive
from backprop_tutor.symbolic.targets import Target, TargetError, offered, parse

runner = CliRunner()


def close_to_printed(value, text, units=1.0):
    """value agrees with a number printed to the source's precision (within `units` of its last place)."""
    digits = text.split("e")[0]
    last = 10.0 ** -(len(digits.split(".")[1]) if "." in digits else 0)
    if "e" in text:
        last *= 10.0 ** int(text.split("e")[1])
    return abs(value - float(text)) <= units * last * (1 + 1e-9)


@pytest.fixture(scope="module")
def hw():
    return load("height-weight")


@pytest.fixture(scope="module")
def lg():
    return load("logistic-4x2")


# targets ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("dL/dW1", Target("W", 1)), ("dL/dW^(1)", Target("W", 1)), ("∂L/∂W1", Target("W", 1)),
    ("dJ/dW1", Target("W", 1)), ("dJ/dW_1", Target("W", 1)), ("d J / d W1", Target("W", 1)),
    ("dL/db2", Target("b", 2)), ("dL/db^(2)", Target("b", 2)),
    ("dL/dZ1", Target("Z", 1)), ("dL/dA1", Target("A", 1)), ("dL/dH1", Target("A", 1)),
    ("dL/dŶ", Target("A", 2)),
    ("dL/dw12^(1)", Target("W", 1, (0, 1))), ("dL/dw_12^(1)", Target("W", 1, (0, 1))),
    ("dL/dw_{12}^{(1)}", Target("W", 1, (0, 1))), ("∂J/∂w21^(2)", Target("W", 2, (1, 0))),
    ("dL/dW1[0,1]", Target("W", 1, (0, 1))), ("dL/db1[2]", Target("b", 1, (2,))),
    ("dL/db_3^(1)", Target("b", 1, (2,))), ("dL/dZ1[3,0]", Target("Z", 1, (3, 0))),
])
def test_target_forms(lg, text, expected):
    assert parse(text, lg) == expected


def test_single_record_element_of_values(hw):
    assert parse("dL/dz1^(1)", hw) == Target("Z", 1, (0, 0))
    assert parse("dL/da2^(1)", hw) == Target("A", 1, (0, 1))


@pytest.mark.parametrize("text, says", [
    ("dL/dQ1", "no variable called Q"),
    ("dL/dW3", "layers 1 to 2"),
    ("dL/dW", "ambiguous"),
    ("dL/dW1[2,0]", "out of range"),
    ("dL/dz1^(1)", "ambiguous"),  # four samples: which row?
    ("dK/dW1", "the loss is called J"),
    ("W1", "dL/dVARIABLE"),
])
def test_bad_targets_list_what_is_offered(lg, text, says):
    with pytest.raises(TargetError) as err:
        parse(text, lg)
    assert says in str(err.value)
    for name in offered(lg):
        assert name in str(err.value)


def test_cli_bad_target_exit_2():
    result = runner.invoke(app, ["explain", "dL/dV7", "-s", "logistic-4x2"])
    assert result.exit_code == 2
    assert "dJ/dW1" in result.output and "dJ/db2" in result.output and "Traceback" not in result.output


# every gradient of both worked examples ------------------------------------------------

HW_PRINTED = {  # 001_ccda558a4ae8e48f.txt, backpropagation on the second record
    "dL/db_1^(2)": "0.367", "dL/dw_11^(2)": "0.206", "dL/dw_21^(2)": "0.228",
    "dL/db_1^(1)": "0.09", "dL/db_2^(1)": "0.043", "dL/dw_11^(1)": "0.045", "dL/dw_12^(1)": "0.0215",
}
HW_ELEMENT_FORM = {  # the simplified products the notes print
    "dL/db_1^(2)": "ŷ₁ - y₁",
    "dL/dw_11^(2)": "(ŷ₁ - y₁)⋅a₁⁽¹⁾",
    "dL/dw_21^(2)": "(ŷ₁ - y₁)⋅a₂⁽¹⁾",
    "dL/db_1^(1)": "(ŷ₁ - y₁)⋅w₁₁⁽²⁾⋅a₁⁽¹⁾⋅(1 - a₁⁽¹⁾)",
    "dL/db_2^(1)": "(ŷ₁ - y₁)⋅w₂₁⁽²⁾⋅a₂⁽¹⁾⋅(1 - a₂⁽¹⁾)",
    "dL/dw_11^(1)": "(ŷ₁ - y₁)⋅w₁₁⁽²⁾⋅a₁⁽¹⁾⋅(1 - a₁⁽¹⁾)⋅x",
    "dL/dw_12^(1)": "(ŷ₁ - y₁)⋅w₂₁⁽²⁾⋅a₂⁽¹⁾⋅(1 - a₂⁽¹⁾)⋅x",
}


@pytest.mark.parametrize("text", list(HW_PRINTED))
def test_height_weight_values(hw, text):
    ex = derive.explain(hw, parse(text, hw))
    assert ex.value == pytest.approx(float(ex.engine_value), rel=1e-12)
    assert ex.value == pytest.approx(float(ex.finite_difference), rel=1e-6)
    assert close_to_printed(float(ex.value), HW_PRINTED[text]), (ex.value, HW_PRINTED[text])


@pytest.mark.parametrize("text", list(HW_ELEMENT_FORM))
def test_height_weight_element_form_matches_the_notes(hw, text):
    ex = derive.explain(hw, parse(text, hw))
    assert printers.pretty(ex.simplified.rhs) == HW_ELEMENT_FORM[text]
    # the notes' first factor: dL/dŷ = (ŷ - y) / (ŷ (1 - ŷ)), and dŷ/dz = ŷ (1 - ŷ)
    yhat, y = sp.Symbol("ŷ₁"), sp.Symbol("y₁")
    assert sp.simplify(ex.factors[0].local - (yhat - y) / (yhat * (1 - yhat))) == 0
    assert ex.factors[1].local == yhat * (1 - yhat)
    # the chain before simplification is a product of unevaluated derivatives
    assert all(isinstance(f.leibniz, sp.Derivative) for f in ex.factors)
    assert printers.pretty(ex.chain.rhs).count("∂") == 2 * len(ex.factors)
    # the numbers substituted give the value
    assert len(ex.numbers) == 1


def test_height_weight_numbers_line(hw):
    ex = derive.explain(hw, parse("dL/dw11^(1)", hw))
    assert printers.pretty(ex.numbers[0]) == "(0.866852 - 0.5)⋅1⋅0.562177⋅(1 - 0.562177)⋅0.5"


LG_PRINTED = {  # 003_f52022dd7c009d47.txt, section 18.1, eq. (18.38)-(18.45)
    "dJ/dŶ": ["-0.280665", "5.10613", "5.23298", "-0.262870"],
    "dJ/dZ2": ["-0.027315", "0.237760", "0.238057", "-0.012240"],
    "dJ/dW2": ["0.435459", "0.436102", "-0.00561987"],
    "dJ/db2": ["0.436261"],
    "dJ/dH1": ["-0.0546299", "0", "0.0819449", "0.475520", "0", "-0.713279",
               "0.476113", "0", "-0.714170", "-0.0244804", "0", "0.0367206"],
    "dJ/dZ1": ["-0.002468", "0", "0.0161113", "0.00316128", "0", "-0.00474192",
               "0.00117434", "0", "-0.00065005", "-0.00016275", "0", "0.00024412"],
    "dJ/dW1": ["0.00672659", "0", "0.00565382", "-0.00108862", "0", "0.0275631"],
    "dJ/db1": ["0.00170487", "0", "0.0109635"],
}


@pytest.mark.parametrize("text", list(LG_PRINTED))
def test_logistic_values(lg, text):
    ex = derive.explain(lg, parse(text, lg))
    np.testing.assert_allclose(ex.value, ex.engine_value, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ex.value, ex.finite_difference, rtol=1e-5, atol=1e-9)
    for got, printed in zip(np.ravel(ex.value), LG_PRINTED[text]):
        assert close_to_printed(float(got), printed, units=1.0), (text, got, printed)


@pytest.mark.parametrize("index", [(0, 0), (0, 2), (1, 1), (1, 2)])
def test_logistic_single_weight(lg, index):
    ex = derive.explain(lg, Target("W", 1, index))
    assert float(ex.value) == pytest.approx(float(ex.engine_value), abs=1e-15)
    assert len(ex.numbers) == 4  # one term per sample of the batch
    assert [name for name, _ in ex.sums] == ["s"]


def test_matrix_form_shows_x_transposed_for_the_first_layer(lg):
    ex = derive.explain(lg, parse("dJ/dW1", lg))
    last = ex.matrix[-1]
    assert printers.pretty(last.equation.rhs).replace("\n", " ").split()[0] == "T"  # a transpose ...
    assert "X" in printers.pretty(last.equation.rhs) and "H" not in printers.pretty(last.equation.rhs)
    assert last.shapes == "(2×4) · (4×3) → 2×3"
    assert "not Hᵀ" in last.why
    assert any("W2ᵀ" in st.why for st in ex.matrix)


def test_bias_gradient_explains_the_sum(lg):
    ex = derive.explain(lg, parse("dJ/db1", lg))
    assert "sum" in ex.bias_note and "1/4" in ex.bias_note
    assert ex.matrix[-1].shapes == "(3×4) · (4×1) → 3×1"


# output forms ------------------------------------------------------------------------

def test_cli_text():
    result = runner.invoke(app, ["explain", "dL/dw11^(1)", "-s", "height-weight"])
    assert result.exit_code == 0, result.output
    out = result.output
    for part in ("path", "chain rule", "local derivatives", "simplified", "matrix form", "numbers", "value",
                 "finite difference", "a⋅(1 - a)", "(ŷ₁ - y₁)⋅w₁₁⁽²⁾⋅a₁⁽¹⁾⋅(1 - a₁⁽¹⁾)⋅x", "0.0451474"):
        assert part in out, part


def test_cli_default_scenario_is_logistic():
    result = runner.invoke(app, ["explain", "dJ/dW1"])
    assert result.exit_code == 0 and "logistic-4x2" in result.output


def test_cli_json():
    result = runner.invoke(app, ["explain", "dL/dW1[1,2]", "-s", "logistic-4x2", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["target"] == {"kind": "W", "layer": 1, "index": [1, 2], "key": "dL/dW1"}
    assert data["value"] == pytest.approx(0.0275631, abs=1e-7)
    assert data["value"] == pytest.approx(data["engine_value"], rel=1e-12)
    assert data["simplified"]["latex"] and data["simplified"]["text"]
    assert len(data["factors"]) == 5 and data["factors"][1]["output_form"] == "a*(1 - a)"


def test_cli_latex():
    result = runner.invoke(app, ["explain", "dL/dw12^(1)", "-s", "height-weight", "--latex"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith(r"\begin{align*}") and out.rstrip().endswith(r"\end{align*}")
    assert r"\frac{\partial L}{\partial w_{12}^{(1)}}" in out
    assert r"\hat{y}_{1}" in out and "ŷ" not in out


# performance and imports ---------------------------------------------------------------

CHECK = """
import sys
sys.argv = ['tutor'] + {args!r}
from backprop_tutor.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write('SYMPY=%s' % ('sympy' in sys.modules))
"""


@pytest.mark.parametrize("args, imports_sympy", [
    (["--help"], False), (["list"], False), (["run", "logistic-4x2", "--json"], False),
    (["explain", "dL/dW1", "-s", "logistic-4x2", "--json"], True),
])
def test_sympy_is_imported_only_when_needed(args, imports_sympy):
    proc = subprocess.run([sys.executable, "-c", CHECK.format(args=args)], capture_output=True, text=True)
    assert f"SYMPY={imports_sympy}" in proc.stderr, proc.stderr[-2000:]


def deep_scenario(depth, width=3, activation="sigmoid"):
    layers = "\n".join(f"    - {{units: {width}, activation: {activation}}}" for _ in range(depth - 1))
    return f"""name: deep
title: deep
data:
  inputs: [[0.1, 0.2], [0.5, -0.3], [-0.7, 0.9], [0.3, 0.3]]
  targets: [1, 0, 0, 1]
network:
  inputs: 2
  layers:
{layers}
    - {{units: 1, activation: sigmoid}}
parameters:
  init: {{method: xavier, seed: 0}}
loss: {{type: binary_cross_entropy}}
training: {{learning_rate: 0.1, batch: full}}
"""


def test_six_layers_first_weights(tmp_path):
    # its speed is a benchmark figure (python benchmarks/startup.py), not a wall-clock assertion
    path = tmp_path / "deep6.yaml"
    path.write_text(deep_scenario(6), encoding="utf-8")
    model = load(str(path))
    ex = derive.explain(model, parse("dL/dW1", model))
    np.testing.assert_allclose(ex.value, ex.engine_value, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(ex.value, ex.finite_difference, rtol=1e-4, atol=1e-9)
    # a whole fresh process
    proc = subprocess.run([sys.executable, "-m", "backprop_tutor", "explain", "dL/dW1", "-s", str(path), "--json"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    # linear growth with depth, no blow-up
    assert len(ex.factors) == 2 * 6 + 1  # the loss, then per layer an activation and a linear map


#: what `tutor explain` never needs: step mode, epoch training, progress bars, data sets, heavy libraries
NOT_FOR_EXPLAIN = ("backprop_tutor.stepper", "backprop_tutor.render.frame", "backprop_tutor.engine.epochs",
                   "backprop_tutor.render.epochs", "backprop_tutor.render.train", "backprop_tutor.data",
                   "rich.progress", "scipy", "matplotlib", "pandas", "torch", "IPython", "pexpect", "hypothesis")


def test_explain_imports_only_what_it_needs():
    code = ("import sys\nfrom backprop_tutor.cli import main\n"
            "sys.argv = ['tutor', 'explain', 'dL/dW1', '-s', 'logistic-4x2', '--json']\n"
            "try:\n    main()\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    loaded = set(proc.stderr.split())
    assert "sympy" in loaded and "backprop_tutor.symbolic.derive" in loaded
    needless = sorted(m for m in loaded if any(m == n or m.startswith(n + ".") for n in NOT_FOR_EXPLAIN))
    assert not needless, needless


def test_element_of_a_deep_net_with_sums(tmp_path):
    path = tmp_path / "deep4.yaml"
    path.write_text(deep_scenario(4), encoding="utf-8")
    model = load(str(path))
    ex = derive.explain(model, parse("dL/dW1[1,2]", model))
    assert [name for name, _ in ex.sums] == ["s", "k", "p"]
    assert float(ex.value) == pytest.approx(float(ex.engine_value), rel=1e-10)
    assert ex.numbers == []  # 4 * 3 * 3 terms: the matrix form carries the numbers


def test_ten_hidden_layers_have_index_letters_for_every_sum(tmp_path):
    """More layers than index letters: the letters go on (k, p, ... n, then k₁ ...)."""
    path = tmp_path / "deep-tanh.yaml"
    path.write_text(deep_scenario(11, width=2, activation="tanh"), encoding="utf-8")
    model = load(str(path))
    ex = derive.explain(model, parse("dL/dW1", model))
    np.testing.assert_allclose(ex.value, ex.engine_value, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(ex.value, ex.finite_difference, rtol=1e-5, atol=1e-9)
    element = derive.explain(model, parse("dL/dW1[1,0]", model))
    letters = [name for name, _ in element.sums]
    assert len(letters) == len(set(letters)) == 10 and letters[-1] == "k₁"
    assert float(element.value) == pytest.approx(float(element.engine_value), rel=1e-10)
    assert float(element.value) == pytest.approx(float(element.finite_difference), rel=1e-5)
    assert "k_{1}" in latex_document(element)
    result = runner.invoke(app, ["explain", "dL/dW1", "-s", str(path)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and all(len(line) <= 80 for line in result.output.splitlines())
