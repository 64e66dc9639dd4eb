"""explain on the binarized network: each layer's own affine op, the straight-through
factor in the chain, the value equal to the engine's, and no finite-difference claim
where the loss is piecewise constant."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from backprop_tutor.printing import explain_text, printers
from backprop_tutor.scenario import load
from backprop_tutor.symbolic import derive
from backprop_tutor.symbolic.targets import parse

TARGETS = ["dL/dW1", "dL/db1", "dL/dW2", "dL/db2", "dL/dW3", "dL/db3", "dL/dZ1", "dL/dZ2", "dL/dA1",
           "dL/dA2", "dL/dW1[3,5]", "dL/dW2[0,1]"]


@pytest.fixture(scope="module", params=[1, 25])
def bnn(request):
    return load("bnn-saturation", [f"ste.threshold={request.param}"])


@pytest.mark.parametrize("text", TARGETS)
def test_explained_value_equals_the_engine(bnn, text):
    ex = derive.explain(bnn, parse(text, bnn))
    np.testing.assert_allclose(ex.value, ex.engine_value, rtol=1e-10, atol=1e-14)


def test_wide_window_gives_nonzero_first_layer_gradients():
    # a check that the comparison above is not between two zero matrices
    bnn = load("bnn-saturation", ["ste.threshold=25"])
    ex = derive.explain(bnn, parse("dL/dW1", bnn))
    assert np.abs(ex.engine_value).max() > 1e-3


def test_binary_layer_passes_sign_of_the_weight_back():
    bnn = load("bnn-saturation", ["ste.threshold=25"])
    ex = derive.explain(bnn, parse("dL/dW1[0,0]", bnn))
    texts = [printers.pretty(f.local) for f in ex.factors]
    assert any(t.startswith("sign(w") for t in texts), texts  # dz2/da1 = sign(w) of the binary layer 2
    # the straight-through factor of each sign layer, as a piecewise indicator of |z| <= t
    ste = [f.local for f in ex.factors if isinstance(f.local, sp.Piecewise)]
    assert len(ste) == 2 and all("25" in str(f) for f in ste)


def test_no_finite_difference_through_a_straight_through_estimator(bnn):
    ex = derive.explain(bnn, parse("dL/dW1", bnn))
    assert ex.finite_difference is None
    assert "the sign of layer 1" in ex.surrogates and "the binarized weights of layer 1" in ex.surrogates
    text = dict(explain_text.text_sections(ex))["value"]
    assert "does not apply" in text and "piecewise constant" in text
    # the last, ordinary linear layer still gets its finite-difference check
    ex = derive.explain(bnn, parse("dL/dW3", bnn))
    assert ex.surrogates == [] and ex.finite_difference is not None
    np.testing.assert_allclose(ex.value, ex.finite_difference, rtol=1e-5, atol=1e-8)
