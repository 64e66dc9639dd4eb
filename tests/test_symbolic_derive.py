"""The local derivatives sympy derives from each op's symbolic form agree with the
op's own numeric backward rule, at random points."""

import numpy as np
import pytest
import sympy as sp

from backprop_tutor.ops import ACTIVATIONS, LOSSES
from backprop_tutor.symbolic import local as local_derivs

RNG = np.random.default_rng(4)
ELEMENTWISE = [name for name, cls in ACTIVATIONS.items() if cls.elementwise]


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_activation_derivative_matches_backward(name):
    op = ACTIVATIONS[name]()
    f, d, out_form = local_derivs.activation_local(op)
    z = RNG.uniform(-3, 3, size=(5, 4))
    z[np.abs(z) < 1e-3] = 0.5  # keep away from the kink of ReLU-like functions
    a = op.forward(z)
    grad_a = RNG.normal(size=z.shape)
    expected = op.backward(z, a, grad_a)
    from_z = np.broadcast_to(sp.lambdify(local_derivs.Z, d, "numpy")(z), z.shape)
    np.testing.assert_allclose(grad_a * from_z, expected, rtol=1e-9, atol=1e-12)
    # the symbolic forward is the numeric forward
    np.testing.assert_allclose(np.broadcast_to(sp.lambdify(local_derivs.Z, f, "numpy")(z), z.shape), a, rtol=1e-9)
    if out_form is not None:  # rewritten in terms of the output a = f(z)
        assert not out_form.has(local_derivs.Z)
        from_a = np.broadcast_to(sp.lambdify(local_derivs.A, out_form, "numpy")(a), z.shape)
        np.testing.assert_allclose(grad_a * from_a, expected, rtol=1e-9, atol=1e-12)


def test_softmax_jacobian_matches_backward():
    op = ACTIVATIONS["softmax"]()
    zs = sp.symbols("z0:4")
    outs = op.symbolic(sp, list(zs))
    jac = sp.lambdify(zs, sp.Matrix([[sp.diff(o, zk) for zk in zs] for o in outs]), "numpy")
    z = RNG.normal(size=(3, 4))
    a = op.forward(z)
    g = RNG.normal(size=z.shape)
    expected = op.backward(z, a, g)
    for row in range(3):
        J = np.array(jac(*z[row]), dtype=float)  # J[j, k] = da_j / dz_k
        np.testing.assert_allclose(J.T @ g[row], expected[row], rtol=1e-9, atol=1e-12)


def test_output_forms_are_the_textbook_ones():
    a = local_derivs.A
    assert local_derivs.activation_local(ACTIVATIONS["sigmoid"]())[2] == a * (1 - a)
    assert sp.expand(local_derivs.activation_local(ACTIVATIONS["tanh"]())[2] - (1 - a**2)) == 0
    assert local_derivs.activation_local(ACTIVATIONS["identity"]())[2] == 1
    assert local_derivs.activation_local(ACTIVATIONS["relu"]())[2] is None  # cannot be inverted: stays in z


#: the losses written as one element term per output (the hinge loss reads a whole row: its lines
#: are derived row by row, tests/test_hinge.py)
ELEMENTWISE_LOSSES = [name for name in LOSSES if not getattr(LOSSES[name], "one_hot", False)]
LOSS_CASES = [(name, {}) for name in ELEMENTWISE_LOSSES] + [
    ("mse", {"samples": "sum", "outputs": "sum", "half": True}),
    ("binary_cross_entropy", {"samples": "sum"}),
]


@pytest.mark.parametrize("name, options", LOSS_CASES)
def test_loss_derivative_matches_backward(name, options):
    loss = LOSSES[name](**options)
    m, k = 4, 3
    yhat = RNG.uniform(0.05, 0.95, size=(m, k))
    y = RNG.uniform(0.05, 1.0, size=(m, k))
    c, term, d = local_derivs.loss_local(loss, m, k)
    got = np.broadcast_to(sp.lambdify((local_derivs.YHAT, local_derivs.Y), d, "numpy")(yhat, y), (m, k))
    np.testing.assert_allclose(got, loss.backward(yhat, y), rtol=1e-9)
    # and the term itself is the numeric loss
    total = float(c) * np.sum(sp.lambdify((local_derivs.YHAT, local_derivs.Y), term, "numpy")(yhat, y))
    assert total == pytest.approx(loss.forward(yhat, y), rel=1e-9)


def test_linear_local_derivatives():
    local = local_derivs.linear_local()
    assert local["h"] == local_derivs.W_IJ and local["w"] == local_derivs.H_I and local["b"] == 1


def test_a_new_activation_with_a_symbolic_form_just_works():
    """No per-op code in derive: an activation it has never seen is derived from its form,
    and a surrogate gradient (straight-through estimator) is taken from symbolic_derivative."""
    from backprop_tutor.ops.activations import Activation

    class Softplus(Activation):
        name = "softplus_test"

        def forward(self, z):
            return np.log1p(np.exp(z))

        def derivative(self, z, a):
            return 1 / (1 + np.exp(-z))

        def symbolic(self, sp, z):
            return sp.log(1 + sp.exp(z))

    class SignSTE(Activation):
        name = "sign_test"

        def forward(self, z):
            return np.sign(z)

        def derivative(self, z, a):
            return (np.abs(z) <= 1).astype(float)

        def symbolic(self, sp, z):
            return sp.sign(z)

        def symbolic_derivative(self, sp, z):
            return sp.Piecewise((1, sp.Abs(z) <= 1), (0, True))

    for op in (Softplus(), SignSTE()):
        f, d, _ = local_derivs.activation_local(op)
        z = RNG.uniform(-3, 3, size=20)
        np.testing.assert_allclose(np.broadcast_to(sp.lambdify(local_derivs.Z, d, "numpy")(z), z.shape),
                                   op.derivative(z, op.forward(z)), rtol=1e-9)


def test_a_row_coupled_loss_says_it_has_no_element_term():
    from backprop_tutor.errors import UnsupportedError

    assert set(LOSSES) - set(ELEMENTWISE_LOSSES) == {"hinge"}
    with pytest.raises(UnsupportedError, match="whole row"):
        local_derivs.loss_local(LOSSES["hinge"](), 4, 3)
