"""Shipped digits and MNIST loading from IDX and .npz files the test writes itself."""

import gzip
from pathlib import Path

import numpy as np
import pytest

from backprop_tutor import data
from backprop_tutor.scenario import ScenarioError, load_file


def test_shipped_digits():
    images, labels = data.load_digits_raw()
    assert images.shape == (1797, 8, 8) and labels.shape == (1797,)
    assert images.min() == 0 and images.max() == 16 and set(np.unique(labels)) == set(range(10))
    ds = data.digits(0.25, 0)
    assert ds.x_train.shape[0] + ds.x_test.shape[0] == 1797
    assert ds.x_train.max() == 255.0 and ds.x_train.min() == 0.0
    again = data.digits(0.25, 0)
    assert np.array_equal(ds.y_test, again.y_test)  # a fixed seed gives the same split
    assert (Path(data.__file__).parent / "PROVENANCE.md").read_text().count("CC BY 4.0") >= 1


def _fake_mnist(rng, n):
    return rng.integers(0, 256, size=(n, 28, 28)).astype(np.uint8), rng.integers(0, 10, size=n).astype(np.uint8)


def test_idx_round_trip_and_folder(tmp_path):
    rng = np.random.default_rng(0)
    xtr, ytr = _fake_mnist(rng, 12)
    xte, yte = _fake_mnist(rng, 5)
    data.write_idx(tmp_path / "train-images-idx3-ubyte", xtr)
    data.write_idx(tmp_path / "train-labels-idx1-ubyte", ytr)
    data.write_idx(tmp_path / "t10k-images-idx3-ubyte", xte)
    raw = (tmp_path / "t10k-labels-idx1-ubyte")
    data.write_idx(raw, yte)
    # a gzipped file is read too
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(raw.read_bytes()))
    raw.unlink()
    assert np.array_equal(data.read_idx(tmp_path / "train-images-idx3-ubyte"), xtr)
    ds = data.mnist(tmp_path)
    assert ds.x_train.shape == (12, 784) and ds.x_test.shape == (5, 784)
    assert np.array_equal(ds.x_train, xtr.reshape(12, -1).astype(float))
    assert np.array_equal(ds.y_test, yte)


def test_npz(tmp_path):
    rng = np.random.default_rng(1)
    xtr, ytr = _fake_mnist(rng, 10)
    xte, yte = _fake_mnist(rng, 4)
    np.savez(tmp_path / "mnist.npz", x_train=xtr, y_train=ytr, x_test=xte, y_test=yte)
    ds = data.mnist(tmp_path / "mnist.npz")
    assert ds.x_train.shape == (10, 784) and np.array_equal(ds.y_train, ytr)
    np.savez(tmp_path / "bad.npz", x_train=xtr)
    with pytest.raises(data.DataError, match="lacks"):
        data.mnist(tmp_path / "bad.npz")


def test_bad_idx(tmp_path):
    (tmp_path / "x").write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(data.DataError, match="magic"):
        data.read_idx(tmp_path / "x")
    (tmp_path / "y").write_bytes(bytes([0, 0, 8, 1]) + (10).to_bytes(4, "big") + b"\x00" * 3)
    with pytest.raises(data.DataError, match="promises"):
        data.read_idx(tmp_path / "y")


def test_scenario_pointed_at_mnist(tmp_path):
    rng = np.random.default_rng(2)
    xtr, ytr = _fake_mnist(rng, 20)
    xte, yte = _fake_mnist(rng, 6)
    np.savez(tmp_path / "mnist.npz", x_train=xtr, y_train=ytr, x_test=xte, y_test=yte)
    text = (Path(__file__).resolve().parents[1] / "scenarios" / "bnn-saturation.yaml").read_text()
    text = text.replace("dataset: digits", "dataset: mnist.npz").replace("inputs: 64", "inputs: 784")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    s = load_file(path)  # the path is found beside the scenario file
    assert s.inputs.shape == (20, 784) and s.test_inputs.shape == (6, 784) and s.dataset == "mnist"
    from backprop_tutor.engine.epochs import train_scenario

    rec = train_scenario(s, epochs=1).epochs[0]
    assert 0 <= rec.test_accuracy <= 1
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    path.write_text(text.replace("mnist.npz", "junk.npz"))
    with pytest.raises(ScenarioError) as info:
        load_file(path)
    assert info.value.field == "data.dataset"
