"""The data section: an inline table, or a data set (shipped digits, MNIST by path)."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Any

from ..i18n import N_, _
from ..ops import PREPROCESSING
from . import limits
from .checker import Checker, Skip, Table, as_array
from .yamlsource import Path

DATASET_FIELDS = {"dataset": "", "test_fraction": "", "seed": "", "preprocess": "", "targets": ""}
TABLE_FIELDS = {"inputs": "", "targets": "", "preprocess": "", "dataset": "", "random": ""}


def _dataset_path(c: Checker, name: str, path: Path) -> FilePath:
    """The file or folder `data.dataset` names (beside the scenario when relative)."""
    if len(name) > limits.MAX_PATH_CHARS or any(len(part) > limits.MAX_NAME_CHARS for part in name.split("/")):
        c.fail(path, _("the path is {len} characters long, or has a part longer than {max_name_chars}; "
                       "give a shorter path to the data set").format(
                         len=format(len(name), ","), max_name_chars=limits.MAX_NAME_CHARS))
    if "\0" in name:
        c.fail(path, _("the path holds a NUL character; give a plain path to the data set"))
    try:
        where = FilePath(name).expanduser()
        if not where.is_absolute() and not where.exists() and c.raw.name:
            beside = FilePath(c.raw.name).parent / where
            where = beside if beside.exists() else where
        found = where.exists()
    except (OSError, RuntimeError, ValueError) as exc:
        c.fail(path, _("cannot look at {name} ({value})").format(name=repr(name), value=getattr(exc, 'strerror', None) or exc))
    if not found:
        c.fail(path, _("{name} is not 'digits' and there is no such file or folder; give 'digits' or a "
                       "path to MNIST (a folder of IDX files or an .npz file); nothing is downloaded").format(
                         name=repr(name)))
    return where


def dataset(c: Checker, d: dict, path: Path):
    """`dataset: digits` (shipped) or `dataset: PATH` (MNIST IDX folder or .npz); one-hot targets."""
    from .. import data as datasets

    c.mapping(d, path, DATASET_FIELDS, ("dataset",))
    name = c.text(d["dataset"], path + ("dataset",))
    fraction = c.number(d.get("test_fraction", 0.25), path + ("test_fraction",), low=0, high=0.9)
    seed = c.integer(d.get("seed", 0), path + ("seed",), low=0)
    c.choice(d.get("targets", "one_hot"), path + ("targets",), ("one_hot",), N_("target encoding"))
    if name == "digits":
        return datasets.digits(fraction, seed)
    where = _dataset_path(c, name, path + ("dataset",))
    try:
        return datasets.mnist(where)
    except datasets.DataError as err:
        c.fail(path + ("dataset",), str(err))


def data(c: Checker, raw: Any, path: Path):
    """(inputs, targets, preprocessing, image set or None)."""
    images = None
    if isinstance(raw, dict) and "dataset" in raw:
        images = dataset(c, raw, path)
        d = raw
        x, y = images.x_train, one_hot(images.y_train)
    elif isinstance(raw, dict) and "random" in raw:
        from .randomdata import random_tables

        d = c.mapping(raw, path, TABLE_FIELDS, ("random",))
        for given in ("inputs", "targets"):
            if given in d:
                c.note(path + (given,), _("data.random draws the inputs and targets; give one or the other"))
        x, y = random_tables(c, raw["random"], path + ("random",))
    else:
        d = c.mapping(raw, path, TABLE_FIELDS, ("inputs", "targets"))
        x = c.attempt(c.matrix, d["inputs"], path + ("inputs",), None, None, N_("input table"))
        y = c.attempt(c.matrix, d["targets"], path + ("targets",), None, None, N_("target table"))
    pre = c.attempt(_preprocess, c, d.get("preprocess"), path + ("preprocess",), default={})
    if x is None or y is None:
        raise Skip
    if y.shape[0] != x.shape[0]:
        c.fail(path + ("targets",), _("there are {value} target rows for {value2} input rows; give one "
                                      "target row per input row").format(value=y.shape[0], value2=x.shape[0]))
    return x, y, pre, images


def _preprocess(c: Checker, spec: Any, p: Path) -> dict:
    pre: dict = {}
    if spec is None or spec == "none":
        return pre
    if isinstance(spec, str):
        spec = {"inputs": spec}
    c.mapping(spec, p, ("inputs", "targets"))
    allowed = ("none",) + tuple(PREPROCESSING)
    for which in ("inputs", "targets"):
        if which in spec:
            method = c.attempt(c.choice, spec[which], p + (which,), allowed, N_("preprocessing"))
            if method not in (None, "none"):
                pre[which] = PREPROCESSING[method]()
    return pre


def one_hot(labels):
    from ..data import one_hot as encode

    return encode(labels)


def targets_fit_loss(c: Checker, loss, y, method) -> None:
    """Cross-entropies read targets as probabilities: 0 <= y <= 1 once preprocessed; a loss
    that reads class labels (`one_hot`) needs each row of targets to be one-hot."""
    if getattr(loss, "one_hot", False):
        _targets_one_hot(c, loss, y, method)
        return
    if loss.name not in ("binary_cross_entropy", "cross_entropy"):
        return
    if method is None and isinstance(y, Table):  # a table as written: no numpy needed
        low, high = min(min(row) for row in y.rows), max(max(row) for row in y.rows)
    else:
        y = as_array(y)
        scaled = method.forward(y, method.fit(y)) if method is not None else y
        low, high = float(scaled.min()), float(scaled.max())
    if low < 0 or high > 1:
        where = _("after preprocessing, ") if method is not None else ""
        c.fail(("data", "targets"),
               _("{title} needs targets between 0 and 1, but {where}they run from {low} to {high}; scale "
                 "them (data.preprocess: {{targets: minmax}}) or use loss type mse").format(
                   title=loss.title, where=where, low=format(low, "g"), high=format(high, "g")))


def _targets_one_hot(c: Checker, loss, y, method) -> None:
    if method is None and isinstance(y, Table):  # a table as written: no numpy needed
        rows = y.shape[1] > 1 and all(all(v in (0, 1) for v in row) and sum(row) == 1 for row in y.rows)
    else:
        y = as_array(y)
        y = method.forward(y, method.fit(y)) if method is not None else y
        rows = (y.ndim == 2 and y.shape[1] > 1 and bool(((y == 0) | (y == 1)).all())
                and bool((y.sum(axis=1) == 1).all()))
    if not rows:
        c.fail(("data", "targets"),
               _("{title} needs one-hot targets (one 1 per row, every other entry 0, at least two "
                 "classes), one row per sample").format(title=_(loss.title)))
