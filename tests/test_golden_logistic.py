"""Section 18.1 of 003_f52022dd7c009d47.txt: every printed matrix, to its printed digits.

The chapter rounds correctly, so each value must lie within half a unit of the
last printed place. Eq. (18.44) is labelled H^T (dJ/dZ1) in the source; the
numbers it prints are X^T (dJ/dZ1), which is what the engine computes.
"""

import numpy as np
import pytest
from printed import assert_printed


@pytest.fixture(scope="module")
def steps():
    from backprop_tutor.engine import Engine
    from backprop_tutor.scenario import load

    return {s.key: s for s in Engine(load("logistic-4x2")).steps()}


PRINTED = {
    "Z1": [["3", "11", "-1"], ["5", "8", "-5"], ["6", "8", "-7"], ["5", "14", "-5"]],  # (18.31)
    "A1": [["0.952574", "0.999983", "0.268941"],  # (18.32)
           ["0.993307", "0.999665", "6.69285e-3"],
           ["0.997527", "0.999665", "9.11051e-4"],
           ["0.993307", "0.999999", "6.69285e-3"]],
    "Z2": [["2.09832"], ["2.96654"], ["2.99232"], ["2.96654"]],  # (18.33)
    "A2": [["0.890740"], ["0.951039"], ["0.952226"], ["0.951039"]],  # (18.34)
    "dL/dA2": [["-0.280665"], ["5.10613"], ["5.23298"], ["-0.262870"]],  # (18.38)
    "dL/dZ2": [["-0.027315"], ["0.237760"], ["0.238057"], ["-0.012240"]],  # (18.39)
    "dL/dW2": [["0.435459"], ["0.436102"], ["-0.00561987"]],  # (18.40)
    "dL/db2": ["0.436261"],  # (18.41)
    "dL/dA1": [["-0.0546299", "0", "0.0819449"],  # (18.42)
               ["0.475520", "0", "-0.713279"],
               ["0.476113", "0", "-0.714170"],
               ["-0.0244804", "0", "0.0367206"]],
    "dL/dZ1": [["-0.002468", "0", "0.0161113"],  # (18.43)
               ["0.00316128", "0", "-0.00474192"],
               ["0.00117434", "0", "-0.00065005"],
               ["-0.00016275", "0", "0.00024412"]],
    "dL/dW1": [["0.00672659", "0", "0.00565382"], ["-0.00108862", "0", "0.0275631"]],  # (18.44)
    "dL/db1": ["0.00170487", "0", "0.0109635"],  # (18.45)
    "W1": [["0.999327", "0", "-2.00057"], ["-0.999891", "3", "1.99724"]],  # (18.48)
    "b1": ["3.99983", "5", "-3.00110"],  # (18.49)
    "W2": [["1.95645"], ["-0.0436102"], ["-2.99944"]],  # (18.50)
    "b2": ["0.956374"],  # (18.51)
}


@pytest.mark.parametrize("key", list(PRINTED))
def test_every_printed_matrix(steps, key):
    printed = np.array(PRINTED[key], dtype=object)
    value = np.asarray(steps[key].value)
    assert value.shape == printed.shape, f"{key}: shape {value.shape}, source {printed.shape}"
    for index, text in np.ndenumerate(printed):
        assert_printed(value[index], text, what=f"{key}{list(index)}")


def test_loss(steps):
    assert steps["L"].phase == "loss"
    assert_printed(steps["L"].value, "1.55598", what="J (18.37)")


def test_sigmoid_derivative_column_of_18_39(steps):
    a2 = steps["A2"].value
    for value, text in zip((a2 * (1 - a2)).ravel(), ["0.0973221", "0.0465636", "0.0454916", "0.0465636"]):
        assert_printed(value, text, what="f'(Z2)")


def test_weight_gradient_uses_x_transpose_not_h(steps):
    x = steps["Z1"].inputs["X"]
    np.testing.assert_allclose(steps["dL/dW1"].value, x.T @ steps["dL/dZ1"].value, rtol=1e-12)


@pytest.mark.parametrize("name, printed", [("W1", "0.0289503"), ("b1", "0.0110953"),
                                           ("W2", "0.616312"), ("b2", "0.436261")])
def test_gradient_norms_18_46_47(steps, name, printed):
    assert_printed(np.linalg.norm(steps[f"dL/d{name}"].value), printed, what=f"||dJ/d{name}||")


def test_1000_iterations_reach_the_printed_loss_and_norms():
    from backprop_tutor.engine import train
    from backprop_tutor.scenario import load

    result = train(load("logistic-4x2"), iterations=1000)
    assert result.iterations == 1000 and result.stopped_by == "max_iterations"
    assert result.loss[0] == pytest.approx(1.5559781614141208, rel=1e-12)
    assert_printed(result.final_loss, "0.695883", what="J after 1000 iterations")
    for name, printed in [("W1", "4.48751e-3"), ("b1", "1.92980e-3"), ("W2", "1.13802e-3"),
                          ("b2", "3.65930e-4")]:  # (18.52)-(18.53)
        assert_printed(result.grad_norms[name], printed, what=f"||dJ/d{name}|| after 1000")
