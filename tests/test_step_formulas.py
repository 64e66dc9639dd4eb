"""Element-by-element formulas (sympy, from the ops' forms) and the step warnings."""

import numpy as np
import pytest

from backprop_tutor.engine import Engine
from backprop_tutor.engine.diagnostics import diagnose
from backprop_tutor.scenario import load
from backprop_tutor.symbolic.substitution import element_lines


def steps_of(name, settings=()):
    return {st.key: st for st in Engine(load(name, list(settings))).steps()}


@pytest.fixture(scope="module")
def hw():
    return steps_of("height-weight")


def test_the_notes_first_line(hw):
    lines = element_lines(hw["Z1"]).lines
    assert lines[0] == "z1⁽¹⁾ = x * w11⁽¹⁾ + b1⁽¹⁾ = 0.5 * 0.5 + 0 = 0.25"
    assert lines[1] == "z2⁽¹⁾ = x * w12⁽¹⁾ + b2⁽¹⁾ = 0.5 * 1 + 0 = 0.5"


def test_lines_of_the_height_weight_pass(hw):
    assert element_lines(hw["Z2"]).lines == [
        "z1⁽²⁾ = a1⁽¹⁾ * w11⁽²⁾ + a2⁽¹⁾ * w21⁽²⁾ + b1⁽²⁾ = 0.562177 * 1 + 0.622459 * 0.5 + 1 = 1.87341"]
    assert element_lines(hw["A1"]).lines[0] == "a1⁽¹⁾ = σ(z1⁽¹⁾) = 1/(exp(-z1⁽¹⁾) + 1) = 1/(exp(-0.25) + 1) = 0.562177"
    assert element_lines(hw["dL/dW1"]).lines[0] == "∂L/∂w11⁽¹⁾ = x * ∂L/∂z1⁽¹⁾ = 0.5 * 0.0902948 = 0.0451474"
    assert element_lines(hw["W1"]).lines[0] == "w11⁽¹⁾′ = w11⁽¹⁾ - η * ∂L/∂w11⁽¹⁾ = 0.5 - 0.1 * 0.0451474 = 0.495485"
    assert element_lines(hw["b2"]).lines == ["b1⁽²⁾′ = b1⁽²⁾ - η * ∂L/∂b1⁽²⁾ = 1 - 0.1 * 0.366852 = 0.963315"]


@pytest.mark.parametrize("name, settings, at_least", [
    ("height-weight", (), 25), ("logistic-4x2", (), 25),
    # saturated units: f'(z) is tiny but not 0, and the line's arithmetic must still hold
    ("height-weight", ("data.preprocess.inputs=none",), 20),
    ("logistic-4x2", ("network.layers.0.activation=tanh", "network.layers.1.activation=tanh",
                      "loss.type=mse"), 25),
])
def test_sympy_value_of_every_line_is_the_engine_value(name, settings, at_least):
    checked = 0
    for st in steps_of(name, settings).values():
        found = element_lines(st, limit=100)
        if found is None:
            continue
        assert found.omitted == 0
        for from_sympy, from_engine in found.checks:
            # relative agreement, whatever the size (1e-35 against 0 is a disagreement)
            assert from_sympy == pytest.approx(from_engine, rel=1e-9, abs=1e-300), st.key
            checked += 1
    assert checked >= at_least


def test_long_layers_are_cut_with_a_count():
    st = steps_of("logistic-4x2")["Z1"]
    found = element_lines(st, limit=5)
    assert len(found.lines) == 5 and found.omitted == 7 and found.total == 12


def test_unscaled_height_weight_warns_of_saturation():
    st = steps_of("height-weight", ["data.preprocess.inputs=none"])
    kinds = {d.kind for d in diagnose(st["A1"])}
    assert "saturated" in kinds
    assert not diagnose(steps_of("height-weight")["A1"])


def test_dead_relu_and_log0_warnings():
    from dataclasses import replace

    from backprop_tutor.ops.activations import ReLU
    from backprop_tutor.ops.losses import BinaryCrossEntropy

    st = steps_of("logistic-4x2")["A1"]
    z = np.array([[-1.0, 2.0], [-3.0, -1.0]])
    relu = replace(st, op=ReLU(), inputs={"Z1": z}, value=np.maximum(z, 0))
    dead = diagnose(relu)
    assert [d.kind for d in dead] == ["dead"] and dead[0].units == (0,)
    loss = steps_of("logistic-4x2")["L"]
    edge = replace(loss, op=BinaryCrossEntropy(),
                   inputs={"Ŷ": np.array([[1.0], [0.5]]), "Y": np.array([[0.0], [1.0]])})
    assert [d.kind for d in diagnose(edge)] == ["log0"]
    assert not diagnose(loss)
