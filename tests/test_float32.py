"""Training by epochs in float32 (`training.dtype`, `--dtype`): it tracks float64, every
array of the pass stays float32, and the default float64 is computed exactly as the
unbuffered pass computes it. Worked examples stay float64."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.engine import Engine
from backprop_tutor.engine.epochs import Net, labels_of, net_of, prepared, train_epochs, train_scenario
from backprop_tutor.engine.network import run_pass, update
from backprop_tutor.ops import ACTIVATIONS, LOSSES, SignSTE
from backprop_tutor.ops.binary import passed
from backprop_tutor.scenario import ScenarioError, catalog, load, load_file

runner = CliRunner()
NETS = {  # a small net for each family of ops: smooth, piecewise linear, binarized
    "smooth": (["tanh", "sigmoid", "softmax"], "cross_entropy", ["linear"] * 3),
    "piecewise": (["relu", "leaky_relu", "sigmoid"], "binary_cross_entropy", ["linear"] * 3),
    "other": (["elu", "swish", "identity"], "mse", ["linear"] * 3),
}


def small_net(name: str, l2: float = 0.0):
    acts, loss, kinds = NETS[name]
    k = 1 if loss == "binary_cross_entropy" else 3
    rng = np.random.default_rng(7)
    x = rng.normal(size=(160, 6))
    labels = rng.integers(0, k if k > 1 else 2, 160)
    y = labels[:, None].astype(float) if k == 1 else np.eye(k)[labels]
    widths = [6, 8, 5, k]
    params = {}
    for l in range(3):
        params[f"W{l + 1}"] = rng.normal(size=(widths[l], widths[l + 1])) / np.sqrt(widths[l])
        params[f"b{l + 1}"] = rng.normal(size=widths[l + 1]) * 0.1
    net = Net(kinds, [ACTIVATIONS[a]() for a in acts], LOSSES[loss](), l2=l2)
    return net, params, x, y


def train(name: str, dtype: str, epochs: int = 4):
    net, params, x, y = small_net(name, l2=0.01)
    return train_epochs(net, params, x[:120], y[:120], labels_of(y[:120]), x[120:], labels_of(y[120:]),
                        lr=0.2, batch_size=16, epochs=epochs, seed=3, dtype=dtype)


@pytest.mark.parametrize("name", sorted(NETS))
def test_float32_training_tracks_float64(name):
    double, single = train(name, "float64"), train(name, "float32")
    assert all(v.dtype == np.float32 for v in single.params.values())
    assert all(v.dtype == np.float64 for v in double.params.values())
    # float32 rounds to about 7 digits (eps 1.2e-7); after 32 updates the parameters measured
    # within 7e-7 of float64 relative to their size, the losses within 5e-8: allow 20x that
    for key, ref in double.params.items():
        np.testing.assert_allclose(single.params[key], ref, rtol=2e-5, atol=2e-5 * np.abs(ref).max(), err_msg=key)
    for a, b in zip(single.epochs, double.epochs):
        assert a.loss == pytest.approx(b.loss, rel=1e-6)
        assert abs(a.train_accuracy - b.train_accuracy) <= 1 / 120  # at most one row on the edge
    # and the two are not the same computation (the option is not ignored)
    assert any(not np.array_equal(single.params[k], double.params[k]) for k in double.params)


def test_float32_binarized_scenario_tracks_float64():
    double = train_scenario(load("bnn-saturation"), epochs=2)
    single = train_scenario(load("bnn-saturation", ["training.dtype=float32"]), epochs=2)
    assert all(v.dtype == np.float32 for v in single.params.values())
    for a, b in zip(single.epochs, double.epochs):
        assert a.loss == pytest.approx(b.loss, rel=1e-4)
        assert a.train_accuracy == pytest.approx(b.train_accuracy, abs=0.01)
        assert a.saturation == pytest.approx(b.saturation, abs=0.01)


@pytest.mark.parametrize("name", sorted(NETS))
def test_every_array_of_the_float32_pass_is_float32(name):
    net, params, x, y = small_net(name, l2=0.01)
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    result = run_pass(net, p32, x[:16].astype(np.float32), y[:16].astype(np.float32), work={})
    assert result.yhat.dtype == np.float32
    assert {k: g.dtype for k, g in result.grads.items()} == {k: np.dtype(np.float32) for k in params}
    update(net, p32, result.grads, 0.1, inplace=True)
    assert all(v.dtype == np.float32 for v in p32.values())


def test_every_array_of_the_binarized_float32_pass_is_float32():
    s = load("bnn-saturation")
    net = Net([lay.kind for lay in s.layers], [lay.activation for lay in s.layers], s.loss)
    p32 = {k: v.astype(np.float32) for k, v in net.initial(s.parameters).items()}
    work: dict = {}
    result = run_pass(net, p32, s.inputs[:64].astype(np.float32) / 16, s.targets[:64].astype(np.float32), work=work)
    assert result.yhat.dtype == np.float32
    assert all(g.dtype == np.float32 for g in result.grads.values())
    assert all(buf.dtype == np.float32 for buf in work.values())
    # one buffer per layer: sign(W) for the forward pass, then dL/dW
    assert sorted(work) == ["w1", "w2", "w3"] and result.grads["W1"] is work["w1"]


def reference_epochs(net, params, x, y, lr, batch_size, epochs, seed):
    """The epoch loop written with the unbuffered pass and the update that returns new arrays."""
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(x.shape[0])
        for k in range(0, x.shape[0], batch_size):
            idx = order[k:k + batch_size]
            result = run_pass(net, params, x[idx], y[idx])
            losses.append(result.loss)
            params = update(net, params, result.grads, lr)
    return params, losses


@pytest.mark.parametrize("name", sorted(NETS))
def test_default_float64_is_the_unbuffered_pass_bit_for_bit(name):
    net, params, x, y = small_net(name, l2=0.01)
    fast = train_epochs(net, params, x, y, labels_of(y), x[:0], labels_of(y[:0]), lr=0.2, batch_size=16,
                        epochs=3, seed=3)
    ref, losses = reference_epochs(net, params, x, y, 0.2, 16, 3, 3)
    for key in params:
        assert fast.params[key].dtype == np.float64
        assert fast.params[key].tobytes() == ref[key].tobytes(), key
    assert [e.loss for e in fast.epochs] == [float(np.mean(losses[i * 10:(i + 1) * 10])) for i in range(3)]


def test_default_binarized_training_is_the_unbuffered_pass_bit_for_bit():
    s = load("bnn-saturation")
    fast = train_scenario(s, epochs=1)
    x, y, _, _ = prepared(s)
    net = net_of(s)
    ref, _ = reference_epochs(net, net.initial(s.parameters), x, y, s.training.learning_rate,
                              s.training.batch_size, 1, s.training.seed)
    for key in ref:
        assert fast.params[key].tobytes() == ref[key].tobytes(), key
    # and the dtype written out is the default
    same = train_scenario(load("bnn-saturation", ["training.dtype=float64"]), epochs=1)
    assert all(same.params[k].tobytes() == fast.params[k].tobytes() for k in ref)


def test_the_straight_through_mask_on_the_bits_is_np_where():
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64):
        g = rng.normal(size=(9, 7)).astype(dtype)
        g.flat[:6] = [np.inf, -np.inf, np.nan, -0.0, 0.0, np.finfo(dtype).tiny / 4]
        mask = rng.random((9, 7)) < 0.5
        mask.flat[:6] = [False, True, False, True, False, True]
        for gg, mm in ((g, mask), (g.T, mask.T), (g[:, ::2], mask[:, ::2])):
            got, want = passed(mm, gg), np.where(mm, gg, 0.0)
            assert got.dtype == want.dtype == dtype
            ints = f"i{got.itemsize}"  # the same bits, nan, inf, -0.0 and subnormals included
            assert np.array_equal(got.view(ints), want.view(ints))
    assert passed(np.array([True, False]), np.array([3, 4])).tolist() == [3, 0]  # integers: np.where


def test_sign_ste_backward_blocks_inf_and_nan_like_before():
    g = np.array([[np.inf, np.nan, -2.0, 5.0]], dtype=np.float32)
    z = np.array([[3.0, 0.5, -0.5, -4.0]], dtype=np.float32)
    out = SignSTE(1.0).backward(z, np.sign(z), g)
    assert out.dtype == np.float32
    assert out.tolist()[0][0] == 0.0 and np.isnan(out[0, 1]) and out.tolist()[0][2:] == [-2.0, 0.0]


# the scenario field and the option -------------------------------------------------------

def bnn_text(dtype_line: str) -> str:
    text = catalog.resolve("bnn-saturation").read_text(encoding="utf-8")
    return text.replace("  seed: 0\n  clip: 1", f"  seed: 0\n{dtype_line}\n  clip: 1")


def test_the_field_is_validated_with_its_line(tmp_path):
    path = tmp_path / "bnn.yaml"
    path.write_text(bnn_text("  dtype: float16"), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_file(path)
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "dtype: float16" in t)
    assert f"bnn.yaml:{line}: training.dtype: unknown dtype 'float16'; allowed: float64, float32" in str(err.value)
    path.write_text(bnn_text("  dtype: float32"), encoding="utf-8")
    assert load_file(path).training.dtype == "float32"
    assert load("bnn-saturation").training.dtype == "float64"


def test_a_worked_example_refuses_float32_at_the_field(tmp_path):
    text = catalog.resolve("logistic-4x2").read_text(encoding="utf-8")
    path = tmp_path / "ex.yaml"
    path.write_text(text.replace("  learning_rate: 0.1", "  learning_rate: 0.1\n  dtype: float32"), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_file(path)
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "dtype: float32" in t)
    assert f"ex.yaml:{line}: training.dtype: float32 applies to training by epochs" in str(err.value)


def test_run_explain_and_step_stay_float64_with_a_float32_scenario(tmp_path):
    path = tmp_path / "bnn32.yaml"
    path.write_text(bnn_text("  dtype: float32"), encoding="utf-8")
    model = load_file(path, up_close=True)
    plain = load("bnn-saturation", up_close=True)
    got, want = list(Engine(model).steps()), list(Engine(plain).steps())
    assert [s.key for s in got] == [s.key for s in want]
    for a, b in zip(got, want):
        assert np.asarray(a.value).dtype == np.asarray(b.value).dtype
        assert np.array_equal(np.asarray(a.value), np.asarray(b.value)), a.key
    run = runner.invoke(app, ["run", str(path), "--json"])
    assert run.exit_code == 0 and run.stdout == runner.invoke(app, ["run", "bnn-saturation", "--json"]).stdout
    one = runner.invoke(app, ["run", str(path), "--sample", "3", "--json"])  # one record: record mode
    assert one.exit_code == 0, one.output
    assert runner.invoke(app, ["explain", "dL/dW1", "-s", str(path)]).exit_code == 0


def test_train_dtype_option():
    default = runner.invoke(app, ["train", "bnn-saturation", "--epochs", "1", "--json"])
    same = runner.invoke(app, ["train", "bnn-saturation", "--epochs", "1", "--json", "--dtype", "float64"])
    single = runner.invoke(app, ["train", "bnn-saturation", "--epochs", "1", "--json", "--dtype", "float32"])
    assert default.exit_code == same.exit_code == single.exit_code == 0
    assert default.stdout == same.stdout
    d, s = json.loads(default.stdout)["epochs"][0], json.loads(single.stdout)["epochs"][0]
    assert d["loss"] != s["loss"] and s["loss"] == pytest.approx(d["loss"], rel=1e-5)
    shown = runner.invoke(app, ["train", "bnn-saturation", "--epochs", "1", "--dtype", "float32"])
    assert "computed in float32" in " ".join(shown.stdout.split())
    both = runner.invoke(app, ["compare", "bnn-saturation", "--vary", "ste.threshold=1,25", "--epochs", "1",
                               "--dtype", "float32", "--json"])
    assert both.exit_code == 0 and len(json.loads(both.stdout)["runs"]) == 2


def test_dtype_option_mistakes_exit_2_naming_the_option():
    for args, message in ((["train", "bnn-saturation", "--dtype", "float16"],
                           "--dtype float16: training.dtype: unknown dtype 'float16'; allowed: float64, float32"),
                          (["train", "logistic-4x2", "--dtype", "float32"],
                           "--dtype float32: training.dtype: float32 applies to training by epochs")):
        proc = subprocess.run([sys.executable, "-m", "backprop_tutor", *args], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=60, cwd=Path(__file__).parent)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert message in " ".join(proc.stderr.split())


def test_the_buffered_sign_of_w_is_only_used_for_the_parameters_it_was_made_from():
    """The in-place update leaves the next batch's sign(W) in the pass's buffer; a pass with
    other parameter arrays (the same work dict) computes sign(W) again."""
    s = load("bnn-saturation")
    net = net_of(s)
    x, y = s.inputs[:32] / 16, s.targets[:32]
    params = net.initial(s.parameters)
    work: dict = {}
    result = run_pass(net, params, x, y, work=work)
    update(net, params, result.grads, 0.1, inplace=True, work=work)
    assert "w1 ready" in work
    other = {k: -v for k, v in params.items()}  # new arrays: the buffered sign(W) is not theirs
    got = run_pass(net, other, x, y, work=work)
    want = run_pass(net, other, x, y)
    assert "w1 ready" not in work
    for key in want.grads:
        assert got.grads[key].tobytes() == want.grads[key].tobytes(), key


@pytest.mark.parametrize("name", sorted(NETS))
def test_float32_without_penalty_folds_the_learning_rate_and_still_tracks_float64(name):
    """Without a penalty, float32 training multiplies G by eta before dL/dW = H^T G (the
    weight gradients come out as eta dL/dW, named in `folded`); it stays within float32's
    rounding of float64, which keeps eta (H^T G)."""
    net, params, x, y = small_net(name)
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    result = run_pass(net, p32, x[:16].astype(np.float32), y[:16].astype(np.float32), fold_lr=0.2)
    plain = run_pass(net, p32, x[:16].astype(np.float32), y[:16].astype(np.float32))
    assert result.folded == {"W1", "W2", "W3"}
    for key in result.folded:
        np.testing.assert_allclose(result.grads[key], 0.2 * plain.grads[key], rtol=1e-5,
                                   atol=1e-6 * np.abs(plain.grads[key]).max())
    runs = {dt: train_epochs(net, params, x[:120], y[:120], labels_of(y[:120]), x[120:], labels_of(y[120:]),
                             lr=0.2, batch_size=16, epochs=4, seed=3, dtype=dt) for dt in ("float64", "float32")}
    for key, ref in runs["float64"].params.items():
        np.testing.assert_allclose(runs["float32"].params[key], ref, rtol=2e-5, atol=2e-5 * np.abs(ref).max(),
                                   err_msg=key)
