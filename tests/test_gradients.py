"""Every backward rule against a central finite difference.

First each operation alone (activations, losses, the affine map, the L2 term),
then whole networks drawn at random for every activation and loss.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from backprop_tutor.engine import Engine
from backprop_tutor.ops import ACTIVATIONS, LOSSES, L2Penalty, Linear
from backprop_tutor.scenario.validate import validate
from backprop_tutor.scenario.yamlsource import Source

H = 1e-4


def central_difference(f, x: np.ndarray) -> np.ndarray:
    """d f / d x entry by entry, by central differences with Richardson extrapolation.

    D(h) = (f(x + h) - f(x - h)) / 2h has error O(h^2); (4 D(h/2) - D(h)) / 3 cancels
    it to O(h^4). That allows a step of 1e-4, so rounding in f (e.g. log(1 - yhat)
    with yhat within 1e-6 of 1) is divided by 1e-4 rather than by a tiny step.
    """
    def diff(idx, h):
        old = x[idx]
        x[idx] = old + h
        up = f()
        x[idx] = old - h
        down = f()
        x[idx] = old
        return (up - down) / (2 * h)

    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        grad[idx] = (4 * diff(idx, H / 2) - diff(idx, H)) / 3
    return grad


ELEMENTWISE = [name for name, cls in ACTIVATIONS.items() if cls.elementwise and cls.parameters == ()]
PARAMETRISED = [("leaky_relu", {"slope": 0.1}), ("elu", {"alpha": 0.7}), ("swish", {"beta": 1.5})]


def _make(name, params):
    return ACTIVATIONS[name](**params)


@pytest.mark.parametrize("name, params", [(n, {}) for n in ELEMENTWISE] + PARAMETRISED + [("softmax", {})])
def test_activation_backward_matches_finite_difference(name, params):
    rng = np.random.default_rng(1)
    act = _make(name, params)
    z = rng.normal(size=(3, 4)) * 2
    z[np.abs(z) < 1e-3] = 0.5  # keep away from the kink of ReLU-like functions
    g = rng.normal(size=z.shape)
    analytic = act.backward(z, act.forward(z), g)
    numeric = central_difference(lambda: float((act.forward(z) * g).sum()), z)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


LOSS_CASES = [
    ("binary_cross_entropy", {}, "sigmoid"),
    ("binary_cross_entropy", {"samples": "sum"}, "sigmoid"),
    ("mse", {}, "identity"),
    ("mse", {"samples": "sum", "outputs": "sum", "half": True}, "identity"),
    ("mse", {"samples": "mean", "outputs": "sum", "half": True}, "identity"),
    ("cross_entropy", {}, "softmax"),
    ("cross_entropy", {"samples": "sum"}, "softmax"),
]


@pytest.mark.parametrize("name, options, output", LOSS_CASES)
def test_loss_backward_matches_finite_difference(name, options, output):
    rng = np.random.default_rng(2)
    loss = LOSSES[name](**options)
    yhat = ACTIVATIONS[output]().forward(rng.normal(size=(4, 3)))
    y = rng.uniform(size=(4, 3)) if name != "cross_entropy" else np.eye(3)[[0, 2, 1, 1]]
    numeric = central_difference(lambda: loss.forward(yhat, y), yhat)
    np.testing.assert_allclose(loss.backward(yhat, y), numeric, rtol=1e-6, atol=1e-8)


def test_linear_backward_matches_finite_difference():
    rng = np.random.default_rng(3)
    lin = Linear()
    h, w, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    g = rng.normal(size=(4, 2))
    dh, dw, db = lin.backward(g, h, w)
    f = lambda: float((lin.forward(h, w, b) * g).sum())  # noqa: E731
    np.testing.assert_allclose(dh, central_difference(f, h), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dw, central_difference(f, w), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(db, central_difference(f, b), rtol=1e-6, atol=1e-8)


def test_l2_penalty_backward_matches_finite_difference():
    w = np.random.default_rng(4).normal(size=(3, 2))
    pen = L2Penalty()
    numeric = central_difference(lambda: pen.forward([w], 0.3), w)
    np.testing.assert_allclose(pen.backward(w, 0.3), numeric, rtol=1e-6, atol=1e-8)


# ------------------------------------------------------------------ whole networks

OUTPUTS = [  # (output activation, loss spec, target kind)
    ("sigmoid", {"type": "binary_cross_entropy"}, "binary"),
    ("softmax", {"type": "cross_entropy"}, "onehot"),
    ("identity", {"type": "mse"}, "real"),
    ("tanh", {"type": "mse", "samples": "sum", "outputs": "sum", "half": True}, "real"),
    ("softmax", {"type": "mse", "outputs": "sum"}, "onehot"),
    ("identity", {"type": "hinge"}, "onehot"),
]
HIDDEN = ELEMENTWISE + ["leaky_relu", "elu", "swish", "prelu", "maxout"]
PIECES = {"maxout": 2}  # a maxout layer of n units: Z (and W, b) n·2 wide


def random_scenario(rng, hidden: list[str], output, loss, targets, l2: float):
    m, n_in = int(rng.integers(1, 5)), int(rng.integers(1, 4))
    widths = [n_in] + [int(rng.integers(1, 4)) for _ in hidden] + [int(rng.integers(2, 4))]
    k = widths[-1]
    if targets == "binary":
        y = rng.integers(0, 2, size=(m, k)).astype(float).tolist()
    elif targets == "onehot":
        y = np.eye(k)[rng.integers(0, k, size=m)].tolist()
    else:
        y = rng.normal(size=(m, k)).tolist()
    layers = [{"units": w, "activation": {"name": a, "pieces": PIECES[a]} if a in PIECES else a}
              for w, a in zip(widths[1:-1], hidden)]
    pieces = [1] + [PIECES.get(a, 1) for a in hidden] + [1]
    layers.append({"units": k, "activation": output})
    params = {}
    for l in range(1, len(widths)):
        params[f"W{l}"] = rng.normal(size=(widths[l - 1], widths[l] * pieces[l])).tolist()
        params[f"b{l}"] = rng.normal(size=widths[l] * pieces[l]).tolist()
    raw = {"name": "random", "data": {"inputs": rng.normal(size=(m, n_in)).tolist(), "targets": y},
           "network": {"inputs": n_in, "layers": layers}, "parameters": params,
           "loss": dict(loss, l2=l2)}
    return validate(Source("random.yaml", raw))


def loss_and_grads(engine, params, x, y):
    grads, loss, pre = {}, None, []
    for step in engine.forward_backward(params, x, y):
        if step.key == "L":
            loss = step.value
        elif step.key.startswith("dL/d"):
            grads[step.key[4:]] = step.value
        elif step.key.startswith("Z"):
            pre.append(step.value)
    return loss, grads, pre


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1),
       hidden=st.lists(st.sampled_from(HIDDEN), min_size=0, max_size=2),
       out=st.sampled_from(OUTPUTS),
       l2=st.sampled_from([0.0, 0.05]))
def test_whole_network_gradients_match_finite_difference(seed, hidden, out, l2):
    rng = np.random.default_rng(seed)
    output, loss, targets = out
    scenario = random_scenario(rng, hidden, output, loss, targets, l2)
    engine = Engine(scenario)
    params = {k: v.copy() for k, v in engine.params.items()}  # W, b and any learnable slope (alpha)
    x, y = scenario.inputs, scenario.targets
    _, grads, pre = loss_and_grads(engine, params, x, y)
    # ReLU-like units at a kink have no derivative; finite differences straddle it
    assume(all(np.abs(z).min() > 1e-3 for z in pre))
    # a maxout unit whose two largest pieces (almost) tie is at its kink too
    for z, lay in zip(pre, scenario.layers):
        k = getattr(lay.activation, "pieces", 1)
        if k > 1:
            top = np.sort(z.reshape(z.shape[0], -1, k), axis=2)
            assume((top[..., -1] - top[..., -2]).min() > 1e-3)
    # a probability within 1e-4 of 0 or 1 makes log(yhat) / log(1 - yhat) lose most of
    # its digits to cancellation in float64, so no finite difference can serve as a
    # reference there (the rule itself is checked on every other draw)
    if loss["type"] != "mse":
        yhat = next(s.value for s in engine.forward_backward(params, x, y) if s.key == f"A{len(hidden) + 1}")
        assume(np.minimum(yhat, 1 - yhat).min() > 1e-4)
    for name, value in params.items():
        numeric = central_difference(lambda: loss_and_grads(engine, params, x, y)[0], value)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-7, err_msg=name)


def test_every_activation_and_loss_is_exercised():
    covered = set(HIDDEN) | {o[0] for o in OUTPUTS}
    assert covered >= set(ACTIVATIONS) - {"sign"}
    assert {o[1]["type"] for o in OUTPUTS} == set(LOSSES)


def test_prelu_alpha_gradient_matches_central_difference():
    """PReLU's learnable slope: dL/dalpha from its rule against a central difference."""
    from backprop_tutor.ops import PReLU

    rng = np.random.default_rng(7)
    z, g = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    op = PReLU(0.3)
    alpha = np.array(0.3)
    gz, grads = op.grads(g, z, op.apply(z, {"alpha": alpha}), {"alpha": alpha})
    numeric = central_difference(lambda: float((op.apply(z, {"alpha": alpha}) * g).sum()), alpha)
    np.testing.assert_allclose(grads["alpha"], numeric, rtol=1e-6, atol=1e-8)
    numeric_z = central_difference(lambda: float((op.apply(z, {"alpha": alpha}) * g).sum()), z)
    np.testing.assert_allclose(gz, numeric_z, rtol=1e-6, atol=1e-8)


def test_softmax_backward_matches_central_difference_and_is_exact_when_saturated():
    """Softmax's backward rule against a central difference, and its 1 - a (the other
    outputs' share) against the exact value where a rounds to 1."""
    softmax = ACTIVATIONS["softmax"]()
    rng = np.random.default_rng(11)
    z, g = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    numeric = central_difference(lambda: float((softmax.forward(z) * g).sum()), z)
    np.testing.assert_allclose(softmax.backward(z, softmax.forward(z), g), numeric, rtol=1e-7, atol=1e-9)
    z = np.array([[0.0, -18.75, -40.0]])
    a = softmax.forward(z)
    rest = np.exp(-18.75) + np.exp(-40.0)
    np.testing.assert_allclose(softmax.complement(z, a)[0, 0], rest / (1 + rest), rtol=1e-14)
    # cross-entropy on the first class: dL/dz_0 = a_0 - 1 = -(the others' share), with no cancellation
    grad = softmax.backward(z, a, np.array([[-1 / a[0, 0], 0.0, 0.0]]))
    np.testing.assert_allclose(grad[0, 0], -rest / (1 + rest), rtol=1e-14)
