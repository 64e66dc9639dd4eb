"""Sign + straight-through estimator and the binary linear layer, against their definitions."""

import numpy as np
import pytest
import sympy as sp

from backprop_tutor.ops import ACTIVATIONS, BinaryLinear, ClippedGradientDescent, SignSTE
from backprop_tutor.ops.binary import saturated_ratio, sign, ste_mask

Z = np.array([[-2.0, -1.0, 0.0, 0.5],
              [1.0, 1.5, -0.9, 3.0]])


def test_sign_is_plus_or_minus_one_with_sign_of_zero_positive():
    a = SignSTE(1).forward(Z)
    assert a.tolist() == [[-1, -1, 1, 1], [1, 1, -1, 1]]


def test_mask_and_saturated_ratio_on_hand_made_input():
    op = SignSTE(1)
    assert op.mask(Z).tolist() == [[False, True, True, True], [True, False, True, False]]
    assert op.saturation(Z) == pytest.approx(3 / 8)
    assert SignSTE(25).saturation(Z) == 0.0
    assert SignSTE(0.5).saturation(Z) == pytest.approx(6 / 8)
    assert saturated_ratio(Z, 1) == op.saturation(Z)
    assert ste_mask(np.array([1.0, -1.0, 1.0000001]), 1).tolist() == [True, True, False]


def test_straight_through_rule_matches_its_definition_entry_by_entry():
    rng = np.random.default_rng(3)
    z = rng.normal(0, 3, size=(5, 7))
    g = rng.normal(size=(5, 7))
    for t in (0.5, 1.0, 25.0):
        op = SignSTE(t)
        got = op.backward(z, op.forward(z), g)
        for i in range(5):
            for j in range(7):
                want = g[i, j] if abs(z[i, j]) <= t else 0.0
                assert got[i, j] == want


def test_sign_is_registered_with_its_window_as_parameter():
    assert ACTIVATIONS["sign"] is SignSTE
    assert SignSTE.parameters == ("threshold",)
    assert SignSTE().threshold == 1.0 and SignSTE(threshold=25).threshold == 25.0


def test_symbolic_derivative_is_the_indicator_the_numbers_use():
    z = sp.Symbol("z")
    for t in (1, 25, 2.5):
        op = SignSTE(t)
        f = op.symbolic(sp, z)
        d = sp.diff(f, z)
        assert d == op.ste_factor(sp, z)
        assert isinstance(d, sp.Piecewise)
        for v in (-30, -25, -3, -1, -0.5, 0, 0.99, 1, 1.01, 2.5, 24.9, 25, 26):
            assert float(d.subs(z, v)) == float(op.derivative(np.array([v]), None)[0])
            assert int(f.subs(z, v)) == int(op.forward(np.array([v]))[0])


def test_symbolic_chain_rule_shows_the_indicator():
    z, w = sp.symbols("z w")
    op = SignSTE(1)
    chain = sp.diff((op.symbolic(sp, z) - 1) ** 2, z)
    assert chain.has(sp.Piecewise)
    assert "│z│ ≤ 1" in sp.pretty(chain, use_unicode=True)
    assert "sign(z)" in sp.pretty(op.symbolic(sp, z))


def test_binary_linear_forward_uses_sign_of_latent_weights():
    rng = np.random.default_rng(0)
    h, w, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=2)
    np.testing.assert_allclose(BinaryLinear().forward(h, w, b), h @ sign(w) + b)


def test_binary_linear_backward_is_straight_through():
    """dL/dW equals dL/d sign(W) (the affine map's gradient in its binarized weights)."""
    rng = np.random.default_rng(1)
    h, w, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=2)
    c = rng.normal(size=(3, 2))  # L = sum(C * Z): dL/dZ = C
    dh, dw, db = BinaryLinear().backward(c, h, w)
    wb = sign(w)
    eps = 1e-6
    fd = np.zeros_like(wb)  # central differences in the binarized weights, treated as real
    for i in range(4):
        for j in range(2):
            up, down = wb.copy(), wb.copy()
            up[i, j] += eps
            down[i, j] -= eps
            fd[i, j] = (np.sum(c * (h @ up + b)) - np.sum(c * (h @ down + b))) / (2 * eps)
    np.testing.assert_allclose(dw, fd, atol=1e-6)
    np.testing.assert_allclose(dh, c @ wb.T)
    np.testing.assert_allclose(db, c.sum(axis=0))


def test_binary_linear_matrix_rules_print_sign_of_w():
    op = BinaryLinear()
    H, W, b, G = (sp.MatrixSymbol(n, *s) for n, s in (("H", (3, 4)), ("W1", (4, 2)), ("b", (2, 1)), ("G", (3, 2))))
    assert "sign(W1)" in str(op.matrix_forward(sp, H, W, b))
    rules = op.matrix_rules(sp, H, W, b, G)
    assert str(rules["W"]) == "H.T*G"
    assert "sign(W1).T" in str(rules["H"])
    z = op.symbolic(sp, sp.symbols("h1 h2"), sp.symbols("w1 w2"), sp.Symbol("b"))
    assert sp.diff(z, sp.Symbol("w1")) == sp.Symbol("h1")  # straight through


def test_latent_weights_are_clipped_after_the_update():
    op = ClippedGradientDescent(1.0)
    theta = np.array([0.95, -0.95, 0.2])
    grad = np.array([-1.0, 1.0, 1.0])
    np.testing.assert_allclose(op.forward(theta, grad, 0.5), [1.0, -1.0, -0.3])
    inplace = theta.copy()
    op.forward_inplace(inplace, grad, 0.5)
    np.testing.assert_allclose(inplace, [1.0, -1.0, -0.3])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_update_is_the_clipped_update_then_sign_bit_for_bit(dtype):
    """update_weights (the training fast path) in blocks of rows: the same bits as the
    clipped update followed by sign(W), edge values included (-0.0 and 0 give +1, NaN -1)."""
    rng = np.random.default_rng(3)
    theta = rng.uniform(-1, 1, (37, 11)).astype(dtype)
    grad = rng.normal(size=(37, 11)).astype(dtype)
    theta.flat[:8] = [0.0, -0.0, -0.0, 0.5, np.nan, 1.0, -1.0, np.finfo(dtype).tiny / 8]
    grad.flat[:8] = [0.0, 0.0, -0.0, 1.0, 0.0, -np.inf, np.nan, 0.0]
    op = BinaryLinear(1.0)
    op.BLOCK_BYTES = 5 * theta[:1].nbytes  # blocks of 5 rows, the last one short
    want_theta, want_grad = theta.copy(), grad.copy()
    with np.errstate(all="ignore"):
        op.clipped.forward_inplace(want_theta, want_grad, 0.3)
        want_sign = op.weights(want_theta)
        got_theta, got_grad = theta.copy(), grad.copy()
        assert op.update_weights(got_theta, got_grad, 0.3) is got_grad
    ints = f"i{theta.itemsize}"
    assert np.array_equal(got_theta.view(ints), want_theta.view(ints))
    assert np.array_equal(got_grad.view(ints), want_sign.view(ints))
    assert got_grad.flat[:3].tolist() == [1.0, 1.0, 1.0] and got_grad.flat[4] == -1.0
