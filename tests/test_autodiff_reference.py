"""The engine against an independent autodiff (the `autograd` package).

Hypothesis draws small scenarios covering every activation, every loss, layers without a
bias (`bias: none`), the preprocessing of inputs and targets, L2, full-batch / record / minibatch training
and saturated outputs. A reference written here with autograd.numpy (nothing from
the tutor but the drawn numbers) gives the forward values, the loss, every
gradient and every updated parameter; `tutor run`'s steps, `train` (record and full
batch) and epoch training must agree with it within 1e-9 relative.
"""

from __future__ import annotations

import json
import math

import numpy as onp
import pytest

ag = pytest.importorskip("autograd")
import autograd.extend  # noqa: E402,F401
import autograd.numpy as anp  # noqa: E402
from hypothesis import HealthCheck, assume, given, settings, strategies as st  # noqa: E402

from backprop_tutor.engine import Engine, train  # noqa: E402
from backprop_tutor.engine.epochs import train_scenario  # noqa: E402
from backprop_tutor.scenario import load_file  # noqa: E402

HIDDEN = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "swish", "prelu",
          "relu6", "softplus", "mish", "gelu"]
RTOL = 1e-9


def _sigmoid(x):
    return anp.exp(_log_sigmoid(x))  # its derivative sigma(x) sigma(-x) keeps its digits when saturated


def _log_sigmoid(x):
    return -anp.logaddexp(0.0, -x)


def act_ref(name, z, alpha, p=None):
    if name == "identity":
        return z
    if name == "sigmoid":
        return _sigmoid(z)
    if name == "tanh":
        return 2 * _sigmoid(2 * z) - 1  # tanh, with a derivative that keeps its digits when saturated
    if name == "relu":
        return anp.where(z > 0, z, 0.0 * z)
    p = p or {}
    if name == "leaky_relu":
        return anp.where(z > 0, z, p.get("slope", 0.01) * z)
    if name == "elu":
        return anp.where(z > 0, z, p.get("alpha", 1.0) * (anp.exp(anp.where(z > 0, 0.0, z)) - 1))
    if name == "swish":
        return z * _sigmoid(p.get("beta", 1.0) * z)
    if name == "prelu":
        return anp.where(z > 0, z, alpha * z)
    if name == "relu6":
        return anp.where(z > 6, 0.0 * z + 6.0, anp.where(z > 0, z, 0.0 * z))
    if name == "softplus":
        return _softplus(z)
    if name == "mish":
        return z * anp.tanh(_softplus(z))
    if name == "gelu":
        return z * (1 + _erf(z / onp.sqrt(2.0))) / 2
    if name == "softmax":
        return anp.exp(z - logsumexp(z))
    raise AssertionError(name)


@ag.extend.primitive
def _erf(x):
    """erf entry by entry (math.erf; autograd's own erf needs scipy), d erf/dx = 2/sqrt(pi) e^(-x^2)."""
    return onp.vectorize(math.erf, otypes=[onp.asarray(x).dtype])(x)


ag.extend.defvjp(_erf, lambda ans, x: lambda g: g * 2 / onp.sqrt(onp.pi) * anp.exp(-x * x))


def _softplus(z):
    return anp.logaddexp(0.0, z)


def logsumexp(z):
    top = onp.max(z._value if hasattr(z, "_value") else z, axis=1, keepdims=True)
    return top + anp.log(anp.sum(anp.exp(z - top), axis=1, keepdims=True))


def reference_loss(spec, params, x, y):
    """(loss with L2, the list of (Z, A) per layer) written independently of the tutor."""
    h, values = x, []
    n = len(spec["layers"])
    for l, (units, act) in enumerate(spec["layers"], start=1):
        z = anp.dot(h, params[f"W{l}"]) + (params[f"b{l}"] if f"b{l}" in params else 0.0)  # bias: none
        h = act_ref(act, z, params.get(f"alpha{l}"), spec.get("act_params", {}).get(l))
        values.append((z, h))
    z, yhat = values[-1]
    m, k = yhat.shape
    loss = spec["loss"]
    if loss == "binary_cross_entropy":  # sigmoid output: log(yhat) and log(1 - yhat) from z
        data = -anp.sum(y * _log_sigmoid(z) + (1 - y) * _log_sigmoid(-z)) / m
    elif loss == "cross_entropy":  # one-hot rows: -log yhat_c = log(1 + sum over k != c of exp(z_k - z_c))
        zc = anp.sum(y * z, axis=1, keepdims=True)
        data = anp.sum(anp.log1p(anp.sum((1 - y) * anp.exp(z - zc), axis=1))) / m
    elif loss == "hinge":  # sum over j != c of max(0, s_j - s_c + margin); 0 at a margin of exactly 0
        o = spec["hinge"]
        margins = (1 - y) * (yhat - anp.sum(y * yhat, axis=1, keepdims=True) + o["margin"])
        data = anp.sum(anp.where(margins > 0, margins, 0.0 * margins)) / (m if o["samples"] == "mean" else 1)
    else:
        o = spec.get("mse", {})
        c = (0.5 if o.get("half") else 1.0) / (m if o.get("samples", "mean") == "mean" else 1) \
            / (k if o.get("outputs", "mean") == "mean" else 1)
        data = c * anp.sum((yhat - y) ** 2)
    penalty = 0.5 * spec["l2"] * sum(anp.sum(params[f"W{l}"] ** 2) for l in range(1, n + 1))
    pen = spec.get("penalty")
    if pen:  # loss.penalty: λ Σ (c W² + |W|-part), by type and convention; autograd's d|w|/dw is 0 at 0
        sq = {"l1": 0.0, "l2": 1.0, "elastic_net": pen.get("beta", 1.0)}[pen["type"]]
        sq = sq / 2 if pen.get("convention", "half") == "half" else sq
        ab = 0.0 if pen["type"] == "l2" else 1.0
        penalty = pen["lambda"] * sum(sq * anp.sum(params[f"W{l}"] ** 2) + ab * anp.sum(anp.abs(params[f"W{l}"]))
                                      for l in range(1, n + 1))
    return data + penalty, values


def preprocess(method, table):
    if method == "minmax":
        lo, hi = table.min(axis=0), table.max(axis=0)
        span = onp.where(hi - lo == 0, 1.0, hi - lo)
        return (table - lo) / span
    if method == "standardize":
        sd = table.std(axis=0)
        return (table - table.mean(axis=0)) / onp.where(sd == 0, 1.0, sd)
    return table


@st.composite
def scenarios(draw):
    n_in = draw(st.integers(1, 3))
    depth = draw(st.integers(1, 3))
    loss = draw(st.sampled_from(["binary_cross_entropy", "cross_entropy", "mse", "hinge"]))
    layers = [(draw(st.integers(1, 3)), draw(st.sampled_from(HIDDEN))) for _ in range(depth - 1)]
    k = 1 if loss == "binary_cross_entropy" else draw(st.integers(2, 3))
    out = ({"binary_cross_entropy": "sigmoid", "cross_entropy": "softmax", "hinge": "identity"}.get(loss)
           or draw(st.sampled_from(HIDDEN + ["softmax"])))
    layers.append((k, out))
    m = draw(st.integers(2, 4))
    num = st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 3))
    saturate = draw(st.booleans())  # a large weight scale drives sigmoid/tanh/softmax outputs to the edge
    scale = 20.0 if saturate else 1.0
    widths = [n_in] + [u for u, _ in layers]
    params = {}
    for l in range(1, len(widths)):
        params[f"W{l}"] = [[draw(num) * scale for _ in range(widths[l])] for _ in range(widths[l - 1])]
        params[f"b{l}"] = [draw(num) for _ in range(widths[l])]
    nobias = [l for l in range(1, len(widths)) if draw(st.integers(0, 3)) == 0]  # `bias: none` layers
    for l in nobias:
        del params[f"b{l}"]
    x = [[draw(num) * 3 for _ in range(n_in)] for _ in range(m)]
    if loss == "mse":
        y = [[draw(num) for _ in range(k)] for _ in range(m)]
    elif loss in ("cross_entropy", "hinge"):
        y = [[1.0 if j == draw(st.integers(0, k - 1)) else 0.0 for j in range(k)] for _ in range(m)]
        y = [row if sum(row) == 1 else [1.0] + [0.0] * (k - 1) for row in y]
    else:
        y = [[float(draw(st.integers(0, 1)))] for _ in range(m)]
    alphas = {l: draw(st.sampled_from([0.1, 0.25, 0.5])) for l, (_, a) in enumerate(layers, 1) if a == "prelu"}
    options = {"leaky_relu": "slope", "elu": "alpha", "swish": "beta"}
    act_params = {l: {options[a]: draw(st.sampled_from([0.05, 0.5, 2.0]))}
                  for l, (_, a) in enumerate(layers, 1) if a in options and draw(st.booleans())}
    mse = {"samples": draw(st.sampled_from(["mean", "sum"])), "outputs": draw(st.sampled_from(["mean", "sum"])),
           "half": draw(st.booleans())} if loss == "mse" else {}
    return {
        "act_params": act_params, "mse": mse,
        "hinge": {"samples": draw(st.sampled_from(["mean", "sum"])), "margin": draw(st.sampled_from([1.0, 0.5]))}
        if loss == "hinge" else {},
        "step_batch": draw(st.integers(1, m)),
        "layers": layers, "loss": loss, "params": params, "x": x, "y": y, "alphas": alphas,
        "l2": draw(st.sampled_from([0.0, 0.0, 0.1])),
        "penalty": draw(st.sampled_from([None, None, {"type": "l1", "lambda": 0.1},
                                         {"type": "elastic_net", "lambda": 0.1, "beta": 0.5, "convention": "plain"},
                                         {"type": "elastic_net", "lambda": 0.2, "beta": 2.0},
                                         {"type": "l2", "lambda": 0.1, "convention": "plain"}])),
        "pre_x": draw(st.sampled_from(["none", "minmax", "standardize"])),
        "pre_y": draw(st.sampled_from(["none", "minmax", "standardize"])) if loss == "mse" else "none",
        "batch": draw(st.sampled_from(["full", "record", 2])),
        "record": draw(st.integers(0, m - 1)),
        "lr": draw(st.sampled_from([0.1, 0.5])),
    }


def write(spec, tmp_path) -> str:
    def act(l, name):
        if name == "prelu":
            return {"name": "prelu", "alpha": spec["alphas"][l]}
        return {"name": name, **spec["act_params"][l]} if l in spec["act_params"] else name

    training = {"learning_rate": spec["lr"], "max_iterations": 3}
    if spec["batch"] == "record":
        training.update(batch="record", record=spec["record"])
    elif spec["batch"] == "full":
        training["batch"] = "full"
    else:
        training.update(batch=spec["batch"], epochs=2, seed=3, step_batch=spec["step_batch"])
    doc = {
        "name": "drawn", "title": "drawn",
        "data": {"inputs": spec["x"], "targets": spec["y"],
                 "preprocess": {"inputs": spec["pre_x"], "targets": spec["pre_y"]}},
        "network": {"inputs": len(spec["x"][0]),
                    "layers": [{"units": u, "activation": act(l, a), **({} if f"b{l}" in spec["params"] else {"bias": "none"})}
                               for l, (u, a) in enumerate(spec["layers"], 1)]},
        "parameters": spec["params"],
        "loss": {"type": spec["loss"], **spec["mse"], **spec.get("hinge", {}),
                 **({"penalty": spec["penalty"]} if spec.get("penalty") else {"l2": spec["l2"]} if spec["l2"] else {})},
        "training": training,
    }
    path = tmp_path / "drawn.yaml"
    path.write_text(json.dumps(doc), encoding="utf-8")  # JSON is YAML
    return str(path)


def initial(spec):
    params = {k: onp.array(v, dtype=float) for k, v in spec["params"].items()}
    params.update({f"alpha{l}": onp.array(a) for l, a in spec["alphas"].items()})
    return params


def sgd(spec, params, x, y):
    """One reference iteration: (loss, forward values, gradients, updated parameters).

    The reference runs in extended precision (numpy's longdouble), so its own rounding
    (1 - a near a = 1, a sum of large and small terms) stays far below the 1e-9 it checks."""
    wide = {k: onp.asarray(v, dtype=onp.longdouble) for k, v in params.items()}
    xw, yw = onp.asarray(x, dtype=onp.longdouble), onp.asarray(y, dtype=onp.longdouble)
    loss, values = reference_loss(spec, wide, xw, yw)
    grads = ag.grad(lambda p: reference_loss(spec, p, xw, yw)[0])(wide)
    new = {k: (wide[k] - spec["lr"] * grads[k]).astype(float) for k in wide}
    values = [(onp.asarray(z, dtype=float), onp.asarray(a, dtype=float)) for z, a in values]
    return float(loss), values, {k: onp.asarray(g, dtype=float) for k, g in grads.items()}, new


def representable(values):
    """Outputs saturated up to |z| = 600 are drawn; beyond about 745 a probability of
    exp(-|z|) is 0 in floating point and no float computation of it can be exact."""
    z = onp.asarray(values[-1][0])
    assume(onp.abs(z).max() <= 600 and onp.ptp(z, axis=1).max() <= 600)


def close(got, want, what, scale: float = 1.0):
    """Within 1e-9 relative, entry by entry, down to a floor of 1e-15 x `scale`: where an entry
    is a sum of terms of size `scale` that cancel to (almost) 0, its last digits are the
    rounding of those terms, in the engine and in any reference (the extended-precision
    reference rounds at about 1e-19, far below). Tiny values that are not such sums (a
    saturated unit's gradient) are checked to 1e-9 relative by the unit tests below."""
    got, want = onp.asarray(got, dtype=float), onp.asarray(want, dtype=float)
    assert got.shape == want.shape, what
    ok = (onp.abs(got - want) <= RTOL * onp.abs(want) + 1e-15 * scale) | (got == want)
    assert ok.all(), f"{what}: engine {got} vs autodiff {want}"


def term_scale(x, values) -> float:
    """The size of the terms the pass adds up: the inputs and every Z and A."""
    return max([1.0, float(onp.abs(x).max())] + [float(onp.abs(v).max()) for zv in values for v in zv])


def tables(spec):
    x = preprocess(spec["pre_x"], onp.array(spec["x"], dtype=float))
    y = preprocess(spec["pre_y"], onp.array(spec["y"], dtype=float))
    return x, y


SETTINGS = settings(max_examples=int(__import__("os").environ.get("AUTODIFF_EXAMPLES", 40)), deadline=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(spec=scenarios())
def test_run_matches_autodiff(spec, tmp_path_factory):
    compare_run(spec, tmp_path_factory)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(spec=scenarios().filter(lambda s: s["loss"] == "hinge"))
def test_the_hinge_loss_matches_autodiff(spec, tmp_path_factory):
    compare_run(spec, tmp_path_factory)


def compare_run(spec, tmp_path_factory):
    path = write(spec, tmp_path_factory.mktemp("s"))
    steps = {s.key: s for s in Engine(load_file(path)).steps()}
    x, y = tables(spec)
    if spec["batch"] == "record":
        x, y = x[spec["record"]:spec["record"] + 1], y[spec["record"]:spec["record"] + 1]
    elif spec["batch"] == 2:  # `tutor run` shows one iteration on the first step_batch rows
        x, y = x[:spec["step_batch"]], y[:spec["step_batch"]]
    loss, values, grads, new = sgd(spec, initial(spec), x, y)
    representable(values)
    for l, (z, a) in enumerate(values, start=1):
        close(steps[f"Z{l}"].value, z, f"Z{l}")
        close(steps[f"A{l}"].value, a, f"A{l}")
    close(steps["L"].value, loss, "L")
    scale = term_scale(x, values)
    for name in grads:
        close(steps[f"dL/d{name}"].value, grads[name], f"dL/d{name}", scale)
        close(steps[name].value, new[name], f"updated {name}", scale)


def _smooth_penalty(spec) -> bool:
    """No |W| term in the penalty. Training is compared step by step only without one: at W = 0
    the subgradient of |W| jumps from 0 to ±λ, so two exact computations whose last bits differ
    (a gradient of 1e-18 against 0, float32 against float64) send a weight at 0 by ηλ or not,
    and the runs part. The L1 and elastic-net gradients themselves are checked on one pass
    (`test_run_matches_autodiff`) and by central differences (tests/test_lessons_penalty.py)."""
    return not spec.get("penalty") or spec["penalty"]["type"] == "l2"


@SETTINGS
@given(spec=scenarios().filter(lambda s: s["batch"] != 2 and _smooth_penalty(s)))
def test_train_matches_autodiff(spec, tmp_path_factory):
    path = write(spec, tmp_path_factory.mktemp("s"))
    result = train(load_file(path), iterations=3)
    x, y = tables(spec)
    params, scale = initial(spec), 1.0
    for i in range(3):
        if spec["batch"] == "record":
            k = (spec["record"] + i) % len(x)
            xb, yb = x[k:k + 1], y[k:k + 1]
        else:
            xb, yb = x, y
        loss, values, _, params = sgd(spec, params, xb, yb)
        representable(values)
        scale = max(scale, term_scale(xb, values))
        close(result.loss[i], loss, f"loss of iteration {i + 1}", scale)
    for name in params:  # each update adds its rounding: the floor grows with the iterations
        close(result.params[name], params[name], f"{name} after 3 iterations", 3 * scale)
    wide = {k: onp.asarray(v, dtype=onp.longdouble) for k, v in params.items()}
    final, values = reference_loss(spec, wide, onp.asarray(x, dtype=onp.longdouble),
                                   onp.asarray(y, dtype=onp.longdouble))
    representable([(onp.asarray(z, dtype=float), None) for z, _ in values])
    close(result.final_loss, float(final), "final loss")


@SETTINGS
@given(spec=scenarios().filter(lambda s: s["batch"] == 2 and _smooth_penalty(s)))
def test_epoch_training_matches_autodiff(spec, tmp_path_factory):
    path = write(spec, tmp_path_factory.mktemp("s"))
    result = train_scenario(load_file(path))
    x, y = tables(spec)
    params, rng, scale, updates = initial(spec), onp.random.default_rng(3), 1.0, 0
    for epoch in result.epochs:
        order, losses = rng.permutation(len(x)), []
        for start in range(0, len(x), 2):
            idx = order[start:start + 2]
            loss, values, _, params = sgd(spec, params, x[idx], y[idx])
            representable(values)
            scale, updates = max(scale, term_scale(x[idx], values)), updates + 1
            losses.append(loss)
        close(epoch.loss, onp.mean(losses), f"epoch {epoch.epoch} loss (L2 included)", scale)
    for name in params:  # each update adds its rounding: the floor grows with the updates
        close(result.params[name], params[name], f"{name} after the epochs", updates * scale)


def test_bce_gradient_where_the_output_equals_its_target():
    """A term weighted by 0 contributes 0, and so does its derivative (no 0/0)."""
    from backprop_tutor.ops import LOSSES

    bce = LOSSES["binary_cross_entropy"]()
    yhat, y = onp.array([[1.0], [0.0], [0.5]]), onp.array([[1.0], [0.0], [1.0]])
    assert onp.isfinite(bce.forward(yhat, y))
    onp.testing.assert_array_equal(bce.backward(yhat, y), [[-1 / 3], [1 / 3], [-2 / 3]])


def test_saturated_sigmoid_gradient_is_exact():
    """At z = 36, 1 - yhat rounds badly; computed as sigma(-z) the gradient is exact."""
    from backprop_tutor.ops import ACTIVATIONS, LOSSES

    z = onp.array([[36.0]])
    sig, bce = ACTIVATIONS["sigmoid"](), LOSSES["binary_cross_entropy"]()
    a, y = sig.forward(z), onp.array([[0.0]])
    g = bce.backward(a, y, sig.complement(z, a))
    gz = sig.backward(z, a, g)
    exact = 1 / (1 + onp.exp(-36.0))  # dL/dz = yhat - y
    assert abs(gz[0, 0] - exact) <= 1e-15
    assert bce.forward(a, y, sig.complement(z, a)) == pytest.approx(36.0 + onp.log1p(onp.exp(-36.0)), rel=1e-15)


PRELU = """\
name: prelu-demo
title: a learnable PReLU slope
data: {inputs: [[1, -2], [-1, 0.5], [2, 1]], targets: [[1], [0], [1]]}
network:
  inputs: 2
  layers:
    - {units: 2, activation: {name: prelu, alpha: 0.25}}
    - {units: 1, activation: sigmoid}
parameters: {W1: [[0.5, -0.3], [0.2, 0.8]], b1: [0.1, -0.1], W2: [[0.7], [-0.4]], b2: [0]}
loss: {type: binary_cross_entropy}
training: {learning_rate: 0.5, batch: full, max_iterations: 50}
"""


@pytest.mark.parametrize("target", ["dL/dalpha1", "dL/dα1", "dL/dW1", "dL/db1"])
def test_explain_through_and_of_a_learnable_parameter(tmp_path, target):
    """explain derives dL/dalpha from PReLU's symbolic form; its value, the engine's, a
    central difference through the pass and autograd agree."""
    from backprop_tutor.symbolic import derive
    from backprop_tutor.symbolic.targets import parse

    path = tmp_path / "prelu.yaml"
    path.write_text(PRELU, encoding="utf-8")
    s = load_file(str(path))
    ex = derive.explain(s, parse(target, s))
    spec = {"layers": [(2, "prelu"), (1, "sigmoid")], "loss": "binary_cross_entropy", "l2": 0.0}
    params = {"W1": onp.array([[0.5, -0.3], [0.2, 0.8]]), "b1": onp.array([0.1, -0.1]),
              "W2": onp.array([[0.7], [-0.4]]), "b2": onp.array([0.0]), "alpha1": onp.array(0.25)}
    x, y = onp.array([[1, -2], [-1, 0.5], [2, 1]], float), onp.array([[1], [0], [1]], float)
    grads = ag.grad(lambda p: reference_loss(spec, p, x, y)[0])(params)
    name = {"dL/dα1": "alpha1"}.get(target, target[4:])
    close(ex.value, grads[name], "explain's derivation")
    close(ex.engine_value, grads[name], "the engine")
    onp.testing.assert_allclose(ex.finite_difference, grads[name], rtol=1e-7)


@SETTINGS
@given(spec=scenarios().filter(lambda s: s["batch"] == 2 and _smooth_penalty(s)))
def test_float32_epoch_training_tracks_autodiff(spec, tmp_path_factory):
    """The float32 fast path (its folded learning rate, its buffers) against the same
    extended-precision reference, to float32's precision: each entry within 1e-3 relative,
    down to a floor of 1e-4 x the size of the terms summed. Outputs saturated up to |z| = 80
    are drawn: as `representable` says for float64 at about 745, beyond about 100 a
    probability of exp(-|z|) is 0 in float32 (no |W| penalty: see `_smooth_penalty`)."""
    from backprop_tutor.api import load

    path = write(spec, tmp_path_factory.mktemp("s"))
    result = train_scenario(load(str(path), ["training.dtype=float32"]))
    x, y = tables(spec)
    params, rng, scale = initial(spec), onp.random.default_rng(3), 1.0
    for _ in result.epochs:
        order = rng.permutation(len(x))
        for start in range(0, len(x), 2):
            idx = order[start:start + 2]
            _, values, _, params = sgd(spec, params, x[idx], y[idx])
            z = onp.asarray(values[-1][0])
            assume(onp.abs(z).max() <= 80 and onp.ptp(z, axis=1).max() <= 80)
            scale = max(scale, term_scale(x[idx], values))
    for name in params:
        got, want = onp.asarray(result.params[name], dtype=float), onp.asarray(params[name], dtype=float)
        assert str(onp.asarray(result.params[name]).dtype) == "float32", name
        ok = onp.abs(got - want) <= 1e-3 * onp.abs(want) + 1e-4 * scale
        assert ok.all(), f"{name}: float32 engine {got} vs autodiff {want}"


LAYERS = """\
name: layers-ad
title: dropout, batch normalisation and a shared bias against autograd
data: {inputs: [[1, -2, 0.5], [-1, 0.5, 2], [2, 1, -1], [0.3, 0.2, 0.1], [-0.5, 1.5, 1]],
       targets: [[1, 0], [0, 1], [1, 0], [0, 1], [1, 1]]}
network:
  inputs: 3
  layers:
    - {units: 4, activation: tanh, batch_norm: {eps: 1.0e-3, gamma: [1.2, 0.8, -0.5, 1.0], beta: [0.1, 0, -0.2, 0.3]},
       dropout: 0.4}
    - {units: 3, activation: sigmoid, bias: shared, dropout: 0.25}
    - {units: 2, activation: sigmoid}
parameters:
  W1: [[0.5, -0.3, 0.2, 0.1], [0.2, 0.8, -0.6, 0.4], [-0.1, 0.3, 0.5, -0.7]]
  b1: [0.1, -0.1, 0.2, 0.0]
  W2: [[0.7, -0.4, 0.2], [-0.3, 0.5, 0.6], [0.2, 0.1, -0.8], [0.4, -0.2, 0.3]]
  b2: [0.25]
  W3: [[0.6, -0.5], [0.3, 0.2], [-0.4, 0.7]]
  b3: [0.05, -0.05]
loss: {type: binary_cross_entropy}
training: {learning_rate: 0.3, batch: full, max_iterations: 3, seed: 11, frozen: [W3]}
"""


def _layers_reference(params, x, y, masks, eps=1e-3):
    """The LAYERS network written with autograd.numpy: batch normalisation over the batch, the
    fixed dropout masks scaled by 1/(1 - p), a bias shared by the units of layer 2."""
    z1 = anp.dot(x, params["W1"]) + params["b1"]
    mu = anp.mean(z1, axis=0)
    var = anp.mean((z1 - mu) ** 2, axis=0)
    y1 = params["gamma1"] * (z1 - mu) / anp.sqrt(var + eps) + params["beta1"]
    h1 = anp.tanh(y1) * masks[0] / (1 - 0.4)
    h2 = _sigmoid(anp.dot(h1, params["W2"]) + params["b2"][0]) * masks[1] / (1 - 0.25)
    z3 = anp.dot(h2, params["W3"]) + params["b3"]
    m = x.shape[0]
    return -anp.sum(y * _log_sigmoid(z3) + (1 - y) * _log_sigmoid(-z3)) / m


def test_dropout_batch_norm_and_shared_bias_match_autodiff(tmp_path):
    """Every gradient and every update of a network with batch normalisation, dropout (its
    fixed, seeded masks) and a shared bias, against autograd; W3 frozen stays."""
    path = tmp_path / "layers.yaml"
    path.write_text(LAYERS, encoding="utf-8")
    s = load_file(str(path))
    steps = {st.key: st for st in Engine(s).steps()}
    masks = [steps["D1"].args["m"], steps["D2"].args["m"]]
    assert 0 < masks[0].sum() < masks[0].size and 0 < masks[1].sum() < masks[1].size
    params = {k: onp.array(v, float) for k, v in s.parameters.items()}
    params["gamma1"], params["beta1"] = onp.array([1.2, 0.8, -0.5, 1.0]), onp.array([0.1, 0, -0.2, 0.3])
    x, y = s.inputs, s.targets
    close(steps["L"].value, _layers_reference(params, x, y, masks), "L")
    grads = ag.grad(lambda p: _layers_reference(p, x, y, masks))(params)
    for name, g in grads.items():
        close(steps[f"dL/d{name}"].value, g, f"dL/d{name}")
        want = params[name] if name == "W3" else params[name] - 0.3 * g
        close(steps[name].value, want, name)


@st.composite
def maxout_networks(draw):
    """A hidden maxout layer (n units, k pieces: Z1 of width n·k, piece p of unit u in column
    u·k + p) under a tanh output, squared error; no two pieces of a unit tie (the subgradient
    there is a choice, not a derivative)."""
    n_in, n, k, m = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(2, 3)), draw(st.integers(1, 4))
    num = st.floats(-2, 2, allow_nan=False).map(lambda v: round(v, 3))
    out = draw(st.integers(1, 2))
    return {"n_in": n_in, "n": n, "k": k, "out": out,
            "W1": [[draw(num) for _ in range(n * k)] for _ in range(n_in)], "b1": [draw(num) for _ in range(n * k)],
            "W2": [[draw(num) for _ in range(out)] for _ in range(n)], "b2": [draw(num) for _ in range(out)],
            "x": [[draw(num) for _ in range(n_in)] for _ in range(m)],
            "y": [[draw(num) for _ in range(out)] for _ in range(m)]}


def _maxout_reference(spec, params, x, y):
    z1 = anp.dot(x, params["W1"]) + params["b1"]
    a1 = anp.max(anp.reshape(z1, (x.shape[0], spec["n"], spec["k"])), axis=2)
    a2 = anp.tanh(anp.dot(a1, params["W2"]) + params["b2"])
    return 0.5 * anp.sum((a2 - y) ** 2) / x.shape[0], z1, a1


@SETTINGS
@given(spec=maxout_networks())
def test_maxout_matches_autodiff(spec, tmp_path_factory):
    """Maxout's forward values, every gradient and every update, and two iterations of `train`,
    against autograd's max over each unit's pieces."""
    layer = {"units": spec["n"], "activation": {"name": "maxout", "pieces": spec["k"]}}
    doc = {"name": "drawn", "title": "drawn", "data": {"inputs": spec["x"], "targets": spec["y"]},
           "network": {"inputs": spec["n_in"], "layers": [layer, {"units": spec["out"], "activation": "tanh"}]},
           "parameters": {key: spec[key] for key in ("W1", "b1", "W2", "b2")},
           "loss": {"type": "mse", "samples": "mean", "outputs": "sum", "half": True},
           "training": {"learning_rate": 0.1, "batch": "full", "max_iterations": 2}}
    path = tmp_path_factory.mktemp("s") / "maxout.yaml"
    path.write_text(json.dumps(doc), encoding="utf-8")
    params = {key: onp.array(spec[key], dtype=float) for key in ("W1", "b1", "W2", "b2")}
    x, y = onp.array(spec["x"], dtype=float), onp.array(spec["y"], dtype=float)
    loss, z1, a1 = _maxout_reference(spec, params, x, y)
    blocks = onp.sort(z1.reshape(x.shape[0], spec["n"], spec["k"]), axis=2)
    assume((blocks[..., -1] - blocks[..., -2]).min() > 1e-6)
    s = load_file(str(path))
    steps = {st_.key: st_ for st_ in Engine(s).steps()}
    close(steps["Z1"].value, z1, "Z1")
    close(steps["A1"].value, a1, "A1")
    close(steps["L"].value, loss, "L")
    grads = ag.grad(lambda p: _maxout_reference(spec, p, x, y)[0])(params)
    for name, g in grads.items():
        close(steps[f"dL/d{name}"].value, g, f"dL/d{name}", 10.0)
        close(steps[name].value, params[name] - 0.1 * g, f"updated {name}", 10.0)
    second = {name: params[name] - 0.1 * g for name, g in grads.items()}
    z1b = _maxout_reference(spec, second, x, y)[1]
    blocks = onp.sort(z1b.reshape(x.shape[0], spec["n"], spec["k"]), axis=2)
    assume((blocks[..., -1] - blocks[..., -2]).min() > 1e-6)
    grads2 = ag.grad(lambda p: _maxout_reference(spec, p, x, y)[0])(second)
    trained = train(s)
    for name in second:
        close(trained.params[name], second[name] - 0.1 * grads2[name], f"trained {name}", 10.0)
