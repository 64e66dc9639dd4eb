"""Turn a raw scenario tree into a validated Scenario, or say exactly what is wrong.

Every message names the file and line, the field, what is wrong and what is
allowed. The fields and their meaning are documented in docs/scenario-format.md.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..ops import ACTIVATIONS, LOSSES, PREPROCESSING
from .errors import ScenarioError
from .model import Layer, Notation, Scenario, Source, Training
from .yamlsource import Path, dotted
from .yamlsource import Source as RawSource

TOP_FIELDS = {
    "name": "a short id, e.g. logistic-4x2",
    "title": "a one-line title",
    "source": "which document and section the example comes from",
    "description": "a paragraph for the student",
    "data": "inputs, targets and optional preprocessing",
    "network": "inputs and layers",
    "parameters": "initial W1, b1, ... and/or an initialiser",
    "loss": "the loss and an optional L2 term",
    "training": "learning rate, batch, stopping rule",
    "notation": "the symbols to print",
    "ste": "the straight-through window of every sign layer, {threshold: T}",
    "run": "field overrides for `tutor run` and `tutor explain`, e.g. {network.layers.0.units: 8}",
}
#: a decimal number written as text, e.g. 1e-5 or -2.5E3 (matched, never evaluated)
NUMBER_TEXT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\Z")
INIT_METHODS = ("normal", "xavier", "he", "uniform")
LAYER_TYPES = ("linear", "binary_linear")
DATASET_FIELDS = {"dataset": "", "test_fraction": "", "seed": "", "preprocess": "", "targets": ""}
NOTATION_CHOICES = {"activation": ("A", "H", "a", "h"), "loss": ("L", "J")}


class Checker:
    """Small helpers that read one field and raise a located ScenarioError."""

    def __init__(self, raw: RawSource) -> None:
        self.raw = raw

    def fail(self, path: Path, message: str):
        raise ScenarioError(self.raw.where(path), dotted(path), message)

    def mapping(self, value: Any, path: Path, allowed: dict | tuple, required: tuple = ()) -> dict:
        if not isinstance(value, dict):
            self.fail(path, f"expected a mapping of fields, got {_kind(value)}; allowed fields: {_names(allowed)}")
        for key in value:
            if key not in allowed:
                self.fail(path + (key,), f"unknown field {key!r}; allowed fields here: {_names(allowed)}")
        for key in required:
            if key not in value:
                self.fail(path, f"missing required field {key!r}; required here: {', '.join(required)}")
        return value

    def text(self, value: Any, path: Path) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(path, f"expected text, got {_kind(value)}")
        return str(value)

    def number(self, value: Any, path: Path, low: float | None = None, high: float | None = None,
               low_open: bool = False) -> float:
        if isinstance(value, str) and NUMBER_TEXT.match(value.strip()):
            value = float(value)  # YAML 1.1 reads 1e-5 (no dot) as text; it is a plain number
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(path, f"expected a number, got {_kind(value)}")
        x = float(value)
        if not np.isfinite(x):
            self.fail(path, f"expected a finite number, got {value!r}")
        if low is not None and (x <= low if low_open else x < low):
            bound = f"greater than {low:g}" if low_open else f"at least {low:g}"
            self.fail(path, f"{value!r} is out of range; allowed: a number {bound}")
        if high is not None and x > high:
            self.fail(path, f"{value!r} is out of range; allowed: a number at most {high:g}")
        return x

    def integer(self, value: Any, path: Path, low: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"expected a whole number, got {_kind(value)}")
        if low is not None and value < low:
            self.fail(path, f"{value!r} is out of range; allowed: a whole number of at least {low}")
        return int(value)

    def choice(self, value: Any, path: Path, allowed: tuple, what: str = "value") -> Any:
        if isinstance(value, str) and value not in allowed and value.lower() in allowed:
            value = value.lower()
        if value not in allowed:
            shown = value if isinstance(value, str) else _kind(value)
            self.fail(path, f"unknown {what} {shown!r}; allowed: {', '.join(map(str, allowed))}")
        return value

    def matrix(self, value: Any, path: Path, rows: int | None = None, cols: int | None = None,
               what: str = "matrix") -> np.ndarray:
        """A list of rows of numbers (a flat list is a single column or row where that fits)."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = [[value]]
        if not isinstance(value, list) or not value:
            self.fail(path, f"expected a {what} written as a list of rows of numbers, got {_kind(value)}")
        if all(not isinstance(v, list) for v in value):
            flat = [self.number(v, path + (i,)) for i, v in enumerate(value)]
            if cols == 1 or (cols is None and rows is None):
                out = np.array(flat, dtype=float).reshape(-1, 1)
            elif rows == 1:
                out = np.array(flat, dtype=float).reshape(1, -1)
            else:
                self.fail(path, f"expected a {rows} x {cols} {what} written as a list of {rows} rows; "
                                f"a flat list is only allowed when it has one row or one column")
        else:
            width = None
            data = []
            for i, row in enumerate(value):
                if not isinstance(row, list):
                    self.fail(path + (i,), f"expected a row (a list of numbers), got {_kind(row)}")
                if width is None:
                    width = len(row)
                elif len(row) != width:
                    self.fail(path + (i,), f"row {i + 1} has {len(row)} numbers but row 1 has {width}; "
                                           f"every row must have the same length")
                data.append([self.number(v, path + (i, j)) for j, v in enumerate(row)])
            out = np.array(data, dtype=float)
        if (rows is not None and out.shape[0] != rows) or (cols is not None and out.shape[1] != cols):
            want = f"{rows if rows is not None else 'any'} x {cols if cols is not None else 'any'}"
            self.fail(path, f"wrong shape: the {what} is {out.shape[0]} x {out.shape[1]}, "
                            f"but it must be {want}")
        return out


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a true/false value ({str(value).lower()})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {value!r}"
    return f"{value!r}"


def _names(allowed: dict | tuple) -> str:
    return ", ".join(allowed)


# --------------------------------------------------------------------------- sections


def _activation(c: Checker, value: Any, path: Path, is_output: bool):
    """`sigmoid`, or `{name: leaky_relu, slope: 0.1}`."""
    if isinstance(value, dict):
        if "name" not in value:
            c.fail(path, f"an activation mapping needs a 'name'; allowed names: {', '.join(ACTIVATIONS)}")
        name = c.choice(value["name"], path + ("name",), tuple(ACTIVATIONS), "activation")
        cls = ACTIVATIONS[name]
        c.mapping(value, path, ("name",) + cls.parameters)
        params = {k: c.number(value[k], path + (k,)) for k in cls.parameters if k in value}
    else:
        name = c.choice(value, path, tuple(ACTIVATIONS), "activation")
        cls = ACTIVATIONS[name]
        params = {}
    if not cls.elementwise and not is_output:
        c.fail(path, f"{name} is only allowed on the output layer; hidden layers take an element-wise "
                     f"activation ({', '.join(n for n, k in ACTIVATIONS.items() if k.elementwise)})")
    return cls(**params)


def _dataset(c: Checker, d: dict, path: Path):
    """`dataset: digits` (shipped) or `dataset: PATH` (MNIST IDX folder or .npz); one-hot targets."""
    from pathlib import Path as FilePath

    from .. import data as datasets

    c.mapping(d, path, DATASET_FIELDS, ("dataset",))
    name = c.text(d["dataset"], path + ("dataset",))
    fraction = c.number(d.get("test_fraction", 0.25), path + ("test_fraction",), low=0, high=0.9)
    seed = c.integer(d.get("seed", 0), path + ("seed",), low=0)
    c.choice(d.get("targets", "one_hot"), path + ("targets",), ("one_hot",), "target encoding")
    if name == "digits":
        images = datasets.digits(fraction, seed)
    else:
        where = FilePath(name).expanduser()
        if not where.is_absolute() and not where.exists() and c.raw.name:
            beside = FilePath(c.raw.name).parent / where
            where = beside if beside.exists() else where
        if not where.exists():
            c.fail(path + ("dataset",), f"{name!r} is not 'digits' and there is no such file or folder; give "
                                        f"'digits' or a path to MNIST (a folder of IDX files or an .npz "
                                        f"file); nothing is downloaded")
        try:
            images = datasets.mnist(where)
        except datasets.DataError as err:
            c.fail(path + ("dataset",), str(err))
    return images


def _data(c: Checker, raw: dict, path: Path):
    images = None
    if isinstance(raw, dict) and "dataset" in raw:
        images = _dataset(c, raw, path)
        d = raw
        x, y = images.x_train, _one_hot(images.y_train)
    else:
        d = c.mapping(raw, path, {"inputs": "", "targets": "", "preprocess": "", "dataset": ""},
                      ("inputs", "targets"))
        x = c.matrix(d["inputs"], path + ("inputs",), what="input table")
        y = c.matrix(d["targets"], path + ("targets",), what="target table")
    if y.shape[0] != x.shape[0]:
        c.fail(path + ("targets",), f"there are {y.shape[0]} target rows for {x.shape[0]} input rows; "
                                    f"give one target row per input row")
    pre: dict = {}
    spec = d.get("preprocess")
    if spec is not None and spec != "none":
        p = path + ("preprocess",)
        if isinstance(spec, str):
            spec = {"inputs": spec}
        c.mapping(spec, p, ("inputs", "targets"))
        allowed = ("none",) + tuple(PREPROCESSING)
        for which, method in spec.items():
            method = c.choice(method, p + (which,), allowed, "preprocessing")
            if method != "none":
                pre[which] = PREPROCESSING[method]()
    return x, y, pre, images


def _one_hot(labels):
    from ..data import one_hot

    return one_hot(labels)


def _network(c: Checker, raw: dict, path: Path, n_inputs_data: int):
    d = c.mapping(raw, path, ("inputs", "layers"), ("layers",))
    n_in = c.integer(d.get("inputs", n_inputs_data), path + ("inputs",), low=1)
    if n_in != n_inputs_data:
        c.fail(path + ("inputs",), f"the network takes {n_in} inputs but each data row has "
                                   f"{n_inputs_data}; they must agree")
    layers_raw = d["layers"]
    if not isinstance(layers_raw, list) or not layers_raw:
        c.fail(path + ("layers",), "expected a list of layers, each `{units: N, activation: NAME}`")
    layers = []
    for i, lay in enumerate(layers_raw):
        p = path + ("layers", i)
        c.mapping(lay, p, ("units", "activation", "type"), ("units", "activation"))
        units = c.integer(lay["units"], p + ("units",), low=1)
        spec = lay["activation"]
        if isinstance(spec, dict) and spec.get("name") == "sign" and "threshold" in spec:
            c.fail(p + ("activation", "threshold"), "every sign layer reads the one straight-through window "
                                                    "`ste: {threshold: T}`; set it there")
        act = _activation(c, spec, p + ("activation",), is_output=i == len(layers_raw) - 1)
        kind = c.choice(lay.get("type", "linear"), p + ("type",), LAYER_TYPES, "layer type")
        layers.append(Layer(units, act, kind))
    return n_in, layers


def _parameters(c: Checker, raw: Any, path: Path, widths: list[int]):
    n_layers = len(widths) - 1
    names = {}
    for l in range(1, n_layers + 1):
        names[f"W{l}"] = f"the {widths[l - 1]} x {widths[l]} weight matrix of layer {l}"
        names[f"b{l}"] = f"the {widths[l]} biases of layer {l}"
    allowed = dict(names, init="an initialiser {method: normal|xavier|he, seed: N, sigma: S}")
    d = c.mapping(raw if raw is not None else {}, path, allowed)
    init = {}
    if "init" in d:
        p = path + ("init",)
        spec = d["init"]
        if isinstance(spec, str):
            spec = {"method": spec}
        c.mapping(spec, p, ("method", "seed", "sigma", "limit"), ("method",))
        init["method"] = c.choice(spec["method"], p + ("method",), INIT_METHODS, "initialiser")
        init["seed"] = c.integer(spec.get("seed", 0), p + ("seed",), low=0)
        init["sigma"] = c.number(spec.get("sigma", 0.01), p + ("sigma",), low=0)
        if init["method"] == "uniform":
            init["limit"] = c.number(spec.get("limit", 0.1), p + ("limit",), low=0, low_open=True)
    rng = np.random.default_rng(init.get("seed", 0))
    params = {}
    for l in range(1, n_layers + 1):
        n_in, n_out = widths[l - 1], widths[l]
        w_key, b_key = f"W{l}", f"b{l}"
        # draw first, so that giving one matrix explicitly does not change the others
        drawn_w = _draw(init, rng, n_in, n_out) if init else None
        if w_key in d:
            params[w_key] = c.matrix(d[w_key], path + (w_key,), n_in, n_out, what=f"weight matrix {w_key}")
        elif drawn_w is not None:
            params[w_key] = drawn_w
        else:
            c.fail(path, f"missing {w_key} ({names[w_key]}); give it, or add "
                         f"`init: {{method: xavier, seed: 0}}` to draw the missing parameters")
        if b_key in d:
            b = c.matrix(d[b_key], path + (b_key,), what=f"bias vector {b_key}")
            if b.size != n_out or min(b.shape) != 1:
                c.fail(path + (b_key,), f"wrong shape: {b_key} has {b.size} numbers, but layer {l} has "
                                        f"{n_out} units; give a flat list of {n_out} numbers")
            params[b_key] = b.reshape(-1)
        elif init:
            params[b_key] = np.zeros(n_out)
        else:
            c.fail(path, f"missing {b_key} ({names[b_key]}); give it, or add an `init` to start from zeros")
    return params, init


def _draw(init: dict, rng: np.random.Generator, n_in: int, n_out: int) -> np.ndarray:
    if init["method"] == "uniform":  # U(-limit, limit), e.g. the latent weights of binary layers
        return rng.uniform(-init["limit"], init["limit"], (n_in, n_out))
    z = rng.standard_normal((n_in, n_out))
    if init["method"] == "normal":
        return init["sigma"] * z
    if init["method"] == "xavier":
        return z * np.sqrt(2.0 / (n_in + n_out))
    return z * np.sqrt(2.0 / n_in)  # he


def _loss(c: Checker, raw: Any, path: Path, output_activation):
    if isinstance(raw, str):
        raw = {"type": raw}
    if not isinstance(raw, dict) or "type" not in raw:
        c.fail(path, f"expected `type: NAME` (allowed: {', '.join(LOSSES)}), optionally with `l2: LAMBDA`")
    name = c.choice(raw["type"], path + ("type",), tuple(LOSSES), "loss")
    cls = LOSSES[name]
    c.mapping(raw, path, ("type", "l2") + tuple(cls.options))
    opts = {}
    for key, allowed in cls.options.items():
        if key in raw:
            opts[key] = c.choice(raw[key], path + (key,), allowed, key)
    l2 = c.number(raw.get("l2", 0.0), path + ("l2",), low=0)
    if name == "cross_entropy" and output_activation.name != "softmax":
        c.fail(path + ("type",), "cross_entropy needs a softmax output layer; use binary_cross_entropy "
                                 "for a sigmoid output, or set the last layer's activation to softmax")
    return cls(**opts), l2


def _training(c: Checker, raw: Any, path: Path, m: int) -> Training:
    d = c.mapping(raw if raw is not None else {}, path,
                  ("learning_rate", "batch", "record", "max_iterations", "epsilon",
                   "epochs", "seed", "clip", "step_batch"))
    lr = c.number(d.get("learning_rate", 0.1), path + ("learning_rate",), low=0, low_open=True)
    batch = d.get("batch", "full")
    seed = c.integer(d.get("seed", 0), path + ("seed",), low=0)
    clip = c.number(d.get("clip", 1.0), path + ("clip",), low=0, low_open=True)
    step_batch = min(m, c.integer(d.get("step_batch", 4), path + ("step_batch",), low=1))
    epochs = c.integer(d.get("epochs", 1), path + ("epochs",), low=1)
    if isinstance(batch, int) and not isinstance(batch, bool):
        size = c.integer(batch, path + ("batch",), low=1)
        return Training(learning_rate=lr, batch="minibatch", batch_size=size, epochs=epochs,
                        max_iterations=c.integer(d.get("max_iterations", 1000), path + ("max_iterations",), low=1),
                        seed=seed, clip=clip, step_batch=step_batch)
    batch = c.choice(batch, path + ("batch",), ("full", "record"), "batch (full, record or a number of samples)")
    record = c.integer(d.get("record", 0), path + ("record",), low=0)
    if record >= m:
        c.fail(path + ("record",), f"there is no record {record}; records are numbered 0 to {m - 1}")
    iters = c.integer(d.get("max_iterations", 1000), path + ("max_iterations",), low=1)
    eps = c.number(d.get("epsilon", 0.0), path + ("epsilon",), low=0)
    # epochs and step_batch only matter for minibatch training (`--sample` turns a minibatch
    # scenario into record mode, so they are accepted and left aside here)
    return Training(lr, batch, record, iters, eps, seed=seed, clip=clip)


def _notation(c: Checker, raw: Any, path: Path) -> Notation:
    d = c.mapping(raw if raw is not None else {}, path,
                  ("activation", "loss", "inputs", "targets", "preactivation", "output"))
    kw = {}
    for key in ("activation", "loss"):
        if key in d:
            kw[key] = c.choice(d[key], path + (key,), NOTATION_CHOICES[key], f"{key} symbol").upper()
    for key in ("inputs", "targets", "preactivation", "output"):
        if key in d:
            text = c.text(d[key], path + (key,))
            if not (0 < len(text) <= 8) or not all(ch.isalnum() or ch in "^_̂" for ch in text):
                c.fail(path + (key,), f"{text!r} is not a symbol; allowed: up to 8 letters or digits")
            kw[key] = text
    return Notation(**kw)


def _targets_fit_loss(c: Checker, loss, y: np.ndarray, method) -> None:
    """Cross-entropies read targets as probabilities: 0 <= y <= 1 once preprocessed."""
    if loss.name not in ("binary_cross_entropy", "cross_entropy"):
        return
    scaled = method.forward(y, method.fit(y)) if method is not None else y
    low, high = float(scaled.min()), float(scaled.max())
    if low < 0 or high > 1:
        where = "after preprocessing, " if method is not None else ""
        c.fail(("data", "targets"),
               f"{loss.title} needs targets between 0 and 1, but {where}they run from {low:g} to "
               f"{high:g}; scale them (data.preprocess: {{targets: minmax}}) or use loss type mse")


def validate(raw: RawSource) -> Scenario:
    c = Checker(raw)
    d = c.mapping(raw.data, (), TOP_FIELDS, ("name", "data", "network", "loss"))
    name = c.text(d["name"], ("name",)).strip()
    if not name:
        c.fail(("name",), "the name is empty; give a short id such as logistic-4x2")
    src = d.get("source", "")
    if isinstance(src, dict):
        c.mapping(src, ("source",), ("document", "section"))
        source = Source(c.text(src.get("document", ""), ("source", "document")),
                        c.text(src.get("section", ""), ("source", "section")))
    else:
        source = Source(c.text(src, ("source",)) if src else "")
    x, y, pre, images = _data(c, d["data"], ("data",))
    n_in, layers = _network(c, d["network"], ("network",), x.shape[1])
    if layers[-1].units != y.shape[1]:
        c.fail(("network", "layers", len(layers) - 1, "units"),
               f"the output layer has {layers[-1].units} units but each target row has {y.shape[1]} "
               f"values; they must agree")
    widths = [n_in] + [lay.units for lay in layers]
    params, init = _parameters(c, d.get("parameters"), ("parameters",), widths)
    loss, l2 = _loss(c, d["loss"], ("loss",), layers[-1].activation)
    _targets_fit_loss(c, loss, y, pre.get("targets"))
    training = _training(c, d.get("training"), ("training",), x.shape[0])
    notation = _notation(c, d.get("notation"), ("notation",))
    threshold = _ste(c, d.get("ste"), ("ste",), layers)
    return Scenario(
        name=name,
        title=c.text(d.get("title", name), ("title",)),
        description=c.text(d.get("description", ""), ("description",)).strip(),
        source=source,
        inputs=x,
        targets=y,
        preprocess=pre,
        n_inputs=n_in,
        layers=layers,
        parameters=params,
        loss=loss,
        l2=l2,
        training=training,
        notation=notation,
        path=raw.name,
        init=init,
        ste_threshold=threshold,
        test_inputs=None if images is None else images.x_test,
        test_targets=None if images is None else _one_hot(images.y_test),
        dataset="" if images is None else images.name,
    )


def _ste(c: Checker, raw: Any, path: Path, layers: list) -> float | None:
    """The one window t that every sign layer reads (1 when not given)."""
    from ..ops import SignSTE

    t = 1.0
    if raw is not None:
        d = c.mapping(raw, path, ("threshold",), ("threshold",))
        t = c.number(d["threshold"], path + ("threshold",), low=0)
    signs = [i for i, lay in enumerate(layers) if isinstance(lay.activation, SignSTE)]
    if not signs:
        if raw is not None:
            c.fail(path, "there is no sign layer to read the straight-through window; "
                         "give a layer `activation: sign` or remove `ste`")
        return None
    for i in signs:
        layers[i] = Layer(layers[i].units, SignSTE(threshold=t), layers[i].kind)
    return t
