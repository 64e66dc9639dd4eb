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
import math
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..i18n import _

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


#: a data set may take at most this many bytes in memory while it is read and used
#: (MNIST: ~880 MB as an IDX folder, ~935 MB as an .npz)
BUDGET = 1024 * 2**20
#: every value is held as an 8-byte number, and once more after preprocessing
PER_VALUE = 16
#: an IDX file holds labels (1 dimension) or images (2 or 3)
IDX_DIMS = (1, 2, 3)
#: an IDX file is read this many bytes at a time, straight into 8-byte numbers
CHUNK = 2**20


def _budget(what: str, count: int, stored: int = 0) -> None:
    """`count` values as 8-byte numbers twice (as read, and preprocessed), plus `stored`
    bytes held whole while reading (an .npz array before it is converted)."""
    need = count * PER_VALUE + stored
    if need > BUDGET:
        raise DataError(_("{what} would take {size} in memory ({count} values as 8-byte numbers, as read "
                          "and preprocessed); a data set may take at most {size2}").format(
                            what=what, size=_size(need), count=format(count, ","), size2=_size(BUDGET)))


def _size(n: int) -> str:
    return f"{n / 2**30:.3g} GiB" if n >= 2**30 else f"{n / 2**20:.3g} MiB"


def _idx_header(f, path: Path) -> tuple[np.dtype, tuple]:
    head = f.read(4)
    if len(head) < 4 or head[0] != 0 or head[1] != 0 or head[2] not in _IDX_TYPES:
        raise DataError(_("{path} is not an IDX file (bad magic number)").format(path=path))
    dims = head[3]
    if dims not in IDX_DIMS:
        raise DataError(_("{path} has {dims} dimensions; an IDX file of MNIST holds labels (1 dimension) "
                          "or images (3)").format(path=path, dims=dims))
    raw = f.read(4 * dims)
    if len(raw) < 4 * dims:
        raise DataError(_("{path} is cut short: its header promises {dims} dimensions").format(path=path, dims=dims))
    return np.dtype(_IDX_TYPES[head[2]]), struct.unpack(f">{dims}I", raw)


def _opener(path: Path):
    return gzip.open if path.suffix == ".gz" else open


def idx_shape(path: str | Path) -> tuple:
    """The shape an IDX file's header promises (nothing else is read)."""
    path = Path(path)
    try:
        with _opener(path)(path, "rb") as f:
            return _idx_header(f, path)[1]
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DataError(_("cannot read {path} ({value})").format(path=path, value=getattr(exc, 'strerror', None) or exc)) from None


def read_idx(path: str | Path, into=None) -> np.ndarray:
    """One IDX file (optionally gzipped): the magic number says type and dimensions. The
    header is checked against the budget before the data is read, and the data is read a
    chunk at a time straight into an array of dtype `into` (default: the file's own)."""
    path = Path(path)
    try:
        with _opener(path)(path, "rb") as f:
            dtype, shape = _idx_header(f, path)
            count = math.prod(shape)
            _budget(str(path), count)
            out = np.empty(count, dtype=into or dtype)
            got = _read_into(f, dtype, out)
            extra = f.read(1)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DataError(_("cannot read {path} ({value})").format(path=path, value=getattr(exc, 'strerror', None) or exc)) from None
    want = count * dtype.itemsize
    if got != want or extra:
        more = _("more than") if extra else str(got)
        raise DataError(_("{path} holds {more} bytes of data but its header promises {want} for shape "
                          "{shape}").format(path=path, more=more, want=want, shape=shape))
    return out.reshape(shape)


def _read_into(f, dtype: np.dtype, out: np.ndarray) -> int:
    """Fill `out` from `f`, CHUNK bytes at a time; the number of bytes read."""
    step = max(1, CHUNK // dtype.itemsize)
    done = 0
    for start in range(0, out.size, step):
        want = min(step, out.size - start) * dtype.itemsize
        chunk = f.read(want)
        done += len(chunk)
        if len(chunk) < want:
            break
        out[start:start + step] = np.frombuffer(chunk, dtype=dtype)
    return done


def _idx_file(folder: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if (folder / name).is_file():
            return folder / name
    raise DataError(_("{folder} has no {stem} (or {stem2}.gz); an MNIST folder holds the four IDX files "
                      "{join}").format(
                        folder=folder, stem=stem, stem2=stem, join=', '.join(IDX_NAMES.values())))


def _npz_member(zf: zipfile.ZipFile, key: str, path: Path) -> tuple[int, int]:
    """Check one array's .npy header (dtype, shape, size) before numpy allocates it: the
    number of values and the bytes numpy reads them into."""
    info = zf.getinfo(f"{key}.npy")
    with zf.open(info) as member:
        try:
            version = np.lib.format.read_magic(member)
            reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, _offset, dtype = reader(member)
        except (ValueError, SyntaxError, TypeError) as exc:
            raise DataError(_("{path}: {key} is not a numpy array ({exc})").format(path=path, key=key, exc=exc)) from None
    if dtype.hasobject or dtype.kind not in "biuf":
        raise DataError(_("{path}: {key} holds {dtype} values; expected numbers").format(path=path, key=key, dtype=dtype))
    count = math.prod(shape)
    _budget(f"{path}: {key} (shape {shape})", count)
    if count * dtype.itemsize > info.file_size:
        raise DataError(_("{path}: {key} promises shape {shape} but the file holds only {file_size} bytes").format(path=path, key=key, shape=shape, file_size=info.file_size))
    return count, count * dtype.itemsize


def _read_npz(path: Path) -> dict:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            missing = [k for k in IDX_NAMES if f"{k}.npy" not in names]
            if missing:
                raise DataError(_("{path} lacks {join}; an MNIST .npz holds x_train, y_train, x_test, "
                                  "y_test").format(path=path, join=', '.join(missing)))
            sizes = [_npz_member(zf, key, path) for key in IDX_NAMES]
            _budget(str(path), sum(n for n, _stored in sizes), sum(stored for _n, stored in sizes))
        with np.load(path, allow_pickle=False) as f:
            return {k: f[k] for k in IDX_NAMES}
    except DataError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        raise DataError(_("cannot read {path} as .npz ({exc})").format(path=path, exc=exc)) from None


def _check_split(path: Path, name: str, x: np.ndarray, y: np.ndarray) -> None:
    if x.ndim < 2 or y.ndim != 1 or x.shape[0] != y.shape[0]:
        raise DataError(_("{path}: {name} images {shape} and labels {shape2} do not match").format(path=path, name=name, shape=x.shape, shape2=y.shape))
    if y.dtype.kind == "f" and not (np.all(np.isfinite(y)) and np.all(y == np.round(y))):
        raise DataError(_("{path}: {name} labels must be whole numbers 0..9; some are not (nan, inf or "
                          "fractions)").format(path=path, name=name))
    if y.dtype.kind not in "biuf":
        raise DataError(_("{path}: {name} labels hold {dtype} values; expected digits 0..9").format(path=path, name=name, dtype=y.dtype))
    if y.size and (y.min() < 0 or y.max() > 9):
        raise DataError(_("{path}: {name} labels must be digits 0..9, but they run from {min} to {max}").format(path=path, name=name, min=format(y.min(), "g"), max=format(y.max(), "g")))
    if x.dtype.kind == "f" and not np.all(np.isfinite(x)):
        raise DataError(_("{path}: {name} images hold nan or infinite pixels").format(path=path, name=name))


def mnist(path: str | Path) -> ImageSet:
    """MNIST from a folder of IDX files or an .npz file; nothing is downloaded.

    A test set may be empty (the scenario then has no test set); the training set may not."""
    path = Path(path).expanduser()
    if path.is_dir():
        files = {key: _idx_file(path, stem) for key, stem in IDX_NAMES.items()}
        _budget(str(path), sum(math.prod(idx_shape(f)) for f in files.values()))
        parts = {key: read_idx(f, np.float64 if key.startswith("x") else None) for key, f in files.items()}
    elif path.suffix == ".npz" and path.is_file():
        parts = _read_npz(path)
    else:
        raise DataError(_("{path} is neither a folder of MNIST IDX files nor an .npz file").format(path=path))
    for split_name in ("train", "test"):
        _check_split(path, split_name, parts[f"x_{split_name}"], parts[f"y_{split_name}"])
    if parts["x_train"].shape[0] == 0 or math.prod(parts["x_train"].shape[1:]) == 0:
        raise DataError(_("{path}: the training set is empty; it needs images").format(path=path))
    train_pixels, test_pixels = math.prod(parts["x_train"].shape[1:]), math.prod(parts["x_test"].shape[1:])
    if parts["x_test"].shape[0] and test_pixels != train_pixels:
        raise DataError(_("{path}: test images have {test_pixels} pixels but training images {train_pixels}").format(path=path, test_pixels=test_pixels, train_pixels=train_pixels))
    flat = {k: v.reshape(v.shape[0], train_pixels).astype(float, copy=False) if k.startswith("x")
            else v.astype(int)
            for k, v in parts.items()}
    return ImageSet("mnist", flat["x_train"], flat["y_train"], flat["x_test"], flat["y_test"])


def write_idx(path: str | Path, array: np.ndarray) -> None:
    """Write an unsigned-byte IDX file (used by the tests and handy for small samples)."""
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    Path(path).write_bytes(header + array.tobytes())
