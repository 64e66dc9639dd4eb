"""Image data sets for the binarized-network scenario: shipped digits, or MNIST by path.

- `digits`: the 8x8 UCI optical digits (1,797 images, labels 0..9), shipped in
  `digits.npz` next to this file; see PROVENANCE.md here (UCI ML repository,
  E. Alpaydin and C. Kaynak, CC BY 4.0). Its pixels are 0..16; they are put on
  MNIST's 0..255 scale (times 255/16) so the notes' recipe x/255, -0.5, /0.5
  maps both data sets to [-1, 1].
- MNIST from files the user already has, never downloaded: a folder holding the
  four IDX files (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
  `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, optionally `.gz`), or an
  `.npz` file with `x_train, y_train, x_test, y_test` (the keras `mnist.npz` layout).

Everything here is numpy and the standard library only.
"""

from __future__ import annotations

import gzip
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DIGITS_FILE = HERE / "digits.npz"
IDX_NAMES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class DataError(ValueError):
    """A data set that cannot be read; the message says why and what is expected."""


@dataclass
class ImageSet:
    """Images as rows of pixels on the 0..255 scale, with integer labels."""

    name: str
    x_train: np.ndarray  # m x n (float, 0..255)
    y_train: np.ndarray  # m (int)
    x_test: np.ndarray
    y_test: np.ndarray
    classes: int = 10


def one_hot(labels: np.ndarray, classes: int = 10) -> np.ndarray:
    out = np.zeros((labels.shape[0], classes))
    out[np.arange(labels.shape[0]), labels.astype(int)] = 1.0
    return out


def load_digits_raw() -> tuple[np.ndarray, np.ndarray]:
    """The shipped digits as stored: images 1797 x 8 x 8 (0..16) and labels."""
    with np.load(DIGITS_FILE) as f:
        return f["images"], f["labels"]


def split(x: np.ndarray, y: np.ndarray, test_fraction: float, seed: int):
    """A shuffled train/test split with a fixed seed (the same seed, the same split)."""
    order = np.random.default_rng(seed).permutation(x.shape[0])
    n_test = int(round(test_fraction * x.shape[0]))
    test, train = order[:n_test], order[n_test:]
    return x[train], y[train], x[test], y[test]


def digits(test_fraction: float = 0.25, seed: int = 0) -> ImageSet:
    images, labels = load_digits_raw()
    x = images.reshape(images.shape[0], -1).astype(float) * (255.0 / 16.0)
    xt, yt, xs, ys = split(x, labels.astype(int), test_fraction, seed)
    return ImageSet("digits", xt, yt, xs, ys)


def read_idx(path: str | Path) -> np.ndarray:
    """One IDX file (optionally gzipped): the magic number says type and dimensions."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise DataError(f"cannot read {path} ({exc.strerror or exc})") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise DataError(f"{path} is not an IDX file (bad magic number)")
    dims = raw[3]
    header = 4 + 4 * dims
    if len(raw) < header:
        raise DataError(f"{path} is cut short: its header promises {dims} dimensions")
    shape = struct.unpack(f">{dims}I", raw[4:header])
    dtype = np.dtype(_IDX_TYPES[raw[2]])
    count = int(np.prod(shape)) if shape else 0
    if len(raw) - header != count * dtype.itemsize:
        raise DataError(f"{path} holds {len(raw) - header} bytes of data but its header promises "
                        f"{count * dtype.itemsize} for shape {shape}")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)


def _idx_file(folder: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if (folder / name).is_file():
            return folder / name
    raise DataError(f"{folder} has no {stem} (or {stem}.gz); an MNIST folder holds the four IDX files "
                    f"{', '.join(IDX_NAMES.values())}")


def mnist(path: str | Path) -> ImageSet:
    """MNIST from a folder of IDX files or an .npz file; nothing is downloaded."""
    path = Path(path).expanduser()
    if path.is_dir():
        parts = {key: read_idx(_idx_file(path, stem)) for key, stem in IDX_NAMES.items()}
    elif path.suffix == ".npz" and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as f:
                missing = [k for k in IDX_NAMES if k not in f.files]
                if missing:
                    raise DataError(f"{path} lacks {', '.join(missing)}; an MNIST .npz holds "
                                    f"x_train, y_train, x_test, y_test")
                parts = {k: f[k] for k in IDX_NAMES}
        except (OSError, ValueError) as exc:
            if isinstance(exc, DataError):
                raise
            raise DataError(f"cannot read {path} as .npz ({exc})") from None
    else:
        raise DataError(f"{path} is neither a folder of MNIST IDX files nor an .npz file")
    for split_name in ("train", "test"):
        x, y = parts[f"x_{split_name}"], parts[f"y_{split_name}"]
        if x.ndim < 2 or y.ndim != 1 or x.shape[0] != y.shape[0]:
            raise DataError(f"{path}: {split_name} images {x.shape} and labels {y.shape} do not match")
        if y.size and (y.min() < 0 or y.max() > 9):
            raise DataError(f"{path}: {split_name} labels must be digits 0..9")
    flat = {k: v.reshape(v.shape[0], -1).astype(float) if k.startswith("x") else v.astype(int)
            for k, v in parts.items()}
    return ImageSet("mnist", flat["x_train"], flat["y_train"], flat["x_test"], flat["y_test"])


def write_idx(path: str | Path, array: np.ndarray) -> None:
    """Write an unsigned-byte IDX file (used by the tests and handy for small samples)."""
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    Path(path).write_bytes(header + array.tobytes())
