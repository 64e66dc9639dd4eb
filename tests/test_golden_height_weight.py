"""The 2-2-1 height/weight net of 001_ccda558a4ae8e48f.txt, to the digits it prints.

The notes work with numbers rounded to three places and sometimes truncate
(dL/dw12 = 0.021553 is printed 0.0215), so each value must lie within one unit of
the last printed place. The updated w12 is printed 0.99785 = 1 - 0.1 * 0.0215, from
the printed (truncated) gradient; the exact value 0.9978447 is within one unit of it.
"""

import pytest
from printed import assert_printed


@pytest.fixture(scope="module")
def steps():
    from backprop_tutor.engine import Engine
    from backprop_tutor.scenario import load

    return {s.key: s for s in Engine(load("height-weight")).steps()}


def test_min_max_scaling_as_printed(steps):
    assert steps["X"].phase == "preprocess"
    assert steps["X"].value.ravel().tolist() == [0.0, 0.5, 1.0]
    assert steps["Y"].value.ravel().tolist() == [0.0, 0.5, 1.0]
    assert steps["x"].value.item() == 0.5 and steps["y"].value.item() == 0.5  # the second record


@pytest.mark.parametrize("key, index, printed", [
    ("Z1", 0, "0.25"), ("Z1", 1, "0.5"),
    ("A1", 0, "0.562"), ("A1", 1, "0.622"),
    ("Z2", 0, "1.873"), ("A2", 0, "0.867"),
])
def test_feedforward(steps, key, index, printed):
    assert_printed(steps[key].value.ravel()[index], printed, units=1, what=key)


@pytest.mark.parametrize("key, index, printed", [
    ("dL/db2", 0, "0.367"),
    ("dL/dW2", 0, "0.206"),  # w11(2)
    ("dL/dW2", 1, "0.228"),  # w21(2)
    ("dL/db1", 0, "0.09"),
    ("dL/db1", 1, "0.043"),
    ("dL/dW1", 0, "0.045"),  # w11(1)
    ("dL/dW1", 1, "0.0215"),  # w12(1)
])
def test_the_seven_gradients(steps, key, index, printed):
    assert_printed(steps[key].value.ravel()[index], printed, units=1, what=key)


@pytest.mark.parametrize("key, index, printed", [
    ("W1", 0, "0.4955"), ("W1", 1, "0.99785"),
    ("b1", 0, "-0.009"), ("b1", 1, "-0.0043"),
    ("W2", 0, "0.9794"), ("W2", 1, "0.4772"),
    ("b2", 0, "0.9633"),
])
def test_the_seven_updates(steps, key, index, printed):
    assert steps[key].phase == "update"
    assert_printed(steps[key].value.ravel()[index], printed, units=1, what=key)


def test_w12_update_is_the_notes_arithmetic_on_the_printed_gradient():
    # the source's own arithmetic: 1 - 0.1 * 0.0215 = 0.99785
    assert round(1 - 0.1 * 0.0215, 5) == 0.99785


def test_loss_gradient_chain_factors(steps):
    # dL/dyhat * dyhat/dz = (yhat - y) / (yhat (1 - yhat)) * yhat (1 - yhat) = yhat - y
    yhat = steps["A2"].value.item()
    assert steps["dL/dZ2"].value.item() == pytest.approx(yhat - 0.5, rel=1e-12)
