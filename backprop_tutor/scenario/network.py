"""The network and parameters sections: layers, activations, weights and their draw."""

from __future__ import annotations

from typing import Any

from ..i18n import N_, _
from ..lazy import numpy as np
from ..ops import ACTIVATIONS
from . import limits
from .checker import Checker, Skip, as_array
from .model import Layer
from .yamlsource import Path

INIT_METHODS = ("normal", "xavier", "he", "uniform", "zeros", "constant", "xavier_uniform", "he_uniform")
LAYER_TYPES = ("linear", "binary_linear")
#: a layer's `bias`: one per unit, or one number shared by every unit of the layer
BIAS_KINDS = ("own", "shared", "none")
#: most affine pieces per maxout unit
MAX_PIECES = 16


def activation(c: Checker, value: Any, path: Path, is_output: bool):
    """`sigmoid`, or `{name: leaky_relu, slope: 0.1}`."""
    if isinstance(value, dict):
        if "name" not in value:
            c.fail(path, _("an activation mapping needs a 'name'; allowed names: {join}").format(join=', '.join(ACTIVATIONS)))
        name = c.choice(value["name"], path + ("name",), tuple(ACTIVATIONS), N_("activation"))
        cls = ACTIVATIONS[name]
        c.mapping(value, path, ("name",) + cls.parameters)
        params = {k: c.number(value[k], path + (k,)) for k in cls.parameters if k in value}
        if "pieces" in params:
            params["pieces"] = c.integer(value["pieces"], path + ("pieces",), 2, MAX_PIECES)
    else:
        name = c.choice(value, path, tuple(ACTIVATIONS), N_("activation"))
        cls = ACTIVATIONS[name]
        params = {}
    if not cls.elementwise and not is_output and not getattr(cls, "hidden", False):
        c.fail(path, _("{name} is only allowed on the output layer; hidden layers take an element-wise "
                       "activation ({join})").format(
                         name=name, join=', '.join(n for n, k in ACTIVATIONS.items()
                                                   if k.elementwise or getattr(k, "hidden", False))))
    return cls(**params)


def network(c: Checker, raw: dict, path: Path, n_inputs_data: int | None):
    """(inputs, layers); a layer with a mistake is recorded and the others are still checked."""
    d = c.mapping(raw, path, ("inputs", "layers"), ("layers",))
    n_in = c.attempt(c.integer, d.get("inputs", n_inputs_data or 1), path + ("inputs",), 1, limits.MAX_UNITS)
    if n_in is not None and n_inputs_data is not None and n_in != n_inputs_data:
        c.note(path + ("inputs",), _("the network takes {n_in} inputs but each data row has "
                                     "{n_inputs_data}; they must agree").format(
                                       n_in=n_in, n_inputs_data=n_inputs_data))
    layers_raw = d["layers"]
    if not isinstance(layers_raw, list) or not layers_raw:
        c.fail(path + ("layers",), _("expected a list of layers, each `{units: N, activation: NAME}`"))
    if len(layers_raw) > limits.MAX_LAYERS:
        c.fail(path + ("layers",), _("{len} layers; a network may have at most {max_layers}").format(len=format(len(layers_raw), ","), max_layers=limits.MAX_LAYERS))
    layers = [c.attempt(_layer, c, lay, path + ("layers", i), i == len(layers_raw) - 1)
              for i, lay in enumerate(layers_raw)]
    if n_in is None or any(lay is None for lay in layers):
        raise Skip
    return n_in, layers


def _layer(c: Checker, lay: Any, p: Path, is_output: bool) -> Layer:
    c.mapping(lay, p, ("units", "activation", "type", "bias", "dropout", "batch_norm"), ("units", "activation"))
    units = c.attempt(c.integer, lay["units"], p + ("units",), 1, limits.MAX_UNITS)
    spec = lay["activation"]
    if isinstance(spec, dict) and spec.get("name") == "sign" and "threshold" in spec:
        c.fail(p + ("activation", "threshold"), _("every sign layer reads the one straight-through window "
                                                  "`ste: {threshold: T}`; set it there"))
    act = c.attempt(activation, c, spec, p + ("activation",), is_output)
    kind = c.choice(lay.get("type", "linear"), p + ("type",), LAYER_TYPES, N_("layer type"))
    bias = c.attempt(c.choice, lay.get("bias", "own"), p + ("bias",), BIAS_KINDS, N_("bias"))
    dropout = c.attempt(_drop_probability, c, lay.get("dropout", 0.0), p + ("dropout",))
    norm = c.attempt(batch_norm, c, lay.get("batch_norm", False), p + ("batch_norm",), units) if units else None
    if is_output and dropout:
        c.note(p + ("dropout",), _("dropout applies to a hidden layer's activations; the output layer feeds "
                                   "the loss (allowed: 0 here)"))
    if norm is not None and getattr(act, "pieces", 1) > 1:
        c.note(p + ("batch_norm",), _("batch normalisation is not available on a maxout layer (its Z has "
                                      "{pieces} pieces per unit); allowed here: false").format(pieces=act.pieces))
    if bias == "shared" and kind != "linear":
        c.note(p + ("bias",), _("a shared bias is for a `linear` layer (allowed here: own)"))
    if bias == "none" and (kind != "linear" or norm is not None or getattr(act, "pieces", 1) > 1):
        c.note(p + ("bias",), _("a layer without a bias is a `linear` layer without batch normalisation "
                                "or maxout (allowed here: own)"))
    if units is None or act is None or bias is None or dropout is None:
        raise Skip
    return Layer(units, act, kind, bias, float(dropout), norm)


def batch_norm(c: Checker, value: Any, p: Path, units: int):
    """`batch_norm: true`, or `{eps: 1e-5, momentum: 0.9, gamma: [...], beta: [...],
    running_mean: [...], running_var: [...]}` (γ 1, β 0, running mean 0 and variance 1 unless given)."""
    from ..ops.batchnorm import BatchNorm

    if value is False or value is None:
        return None
    if value is True:
        value = {}
    c.mapping(value, p, ("eps", "momentum", "gamma", "beta", "running_mean", "running_var"))
    eps = c.number(value.get("eps", 1e-5), p + ("eps",), low=0, low_open=True)  # a batch of one has σ² = 0
    momentum = c.number(value.get("momentum", 0.9), p + ("momentum",), low=0, high=1)
    vectors = {}
    for key in ("gamma", "beta", "running_mean", "running_var"):
        if key in value:
            v = c.matrix(value[key], p + (key,), what=key)
            if v.size != units or min(v.shape) != 1:
                c.fail(p + (key,), _("{key} has {size} numbers, but the layer has {units} units; give a flat "
                                     "list of {units} numbers").format(key=key, size=v.size, units=units))
            vectors[key] = tuple(x for row in v.rows for x in row)
    if any(x < 0 for x in vectors.get("running_var", ())):
        c.fail(p + ("running_var",), _("a variance is never negative; allowed: numbers >= 0"))
    return BatchNorm(units, eps, momentum, **vectors)


def _drop_probability(c: Checker, value: Any, p: Path) -> float:
    rate = c.number(value, p, low=0, high=1)
    if rate >= 1:
        c.fail(p, _("a drop probability of 1 drops every unit; allowed: 0 <= p < 1"))
    return rate


def parameters(c: Checker, raw: Any, path: Path, widths: list[int], shared: frozenset = frozenset(),
               pieces: tuple = (), nobias: frozenset = frozenset()):
    """({W1: Table or None (drawn), b1: Table or None (zeros), ...}, init): checked, nothing
    drawn yet (`parameter_arrays` draws, so that checking a file needs no numpy). `pieces`:
    each layer's affine pieces per unit (maxout's k; 1 for the others, the default)."""
    n_layers = len(widths) - 1
    widths = affine_widths(widths, pieces)
    names = {}
    for l in range(1, n_layers + 1):
        names[f"W{l}"] = _("the {value} x {value2} weight matrix of layer {l}").format(value=widths[l - 1][1], value2=widths[l][0], l=l)
        names[f"b{l}"] = _("the {value} biases of layer {l}").format(value=1 if l in shared else widths[l][0], l=l)
    allowed = dict(names, init=_("an initialiser {method: normal|xavier|xavier_uniform|he|he_uniform|uniform|"
                                 "zeros|constant, seed: N, sigma: S, bias: B, layers: {L: {method: ...}}}"))
    d = c.mapping(raw if raw is not None else {}, path, allowed)
    init = _init(c, d["init"], path + ("init",), n_layers) if "init" in d else {}
    params = {}
    for l in range(1, n_layers + 1):
        n_in, n_out = widths[l - 1][1], widths[l][0]
        w_key, b_key = f"W{l}", f"b{l}"
        with c.collect():
            if w_key in d:
                params[w_key] = c.matrix(d[w_key], path + (w_key,), n_in, n_out, what=_("weight matrix {name}").format(name=w_key))
            elif init:
                params[w_key] = None  # drawn
            else:
                c.fail(path, _("missing {w_key} ({value}); give it, or add `init: {{method: xavier, seed: "
                               "0}}` to draw the missing parameters").format(w_key=w_key, value=names[w_key]))
        if l in nobias:  # `bias: none`: no b is read, drawn or kept
            if b_key in d:
                c.note(path + (b_key,), _("layer {l} has no bias (bias: none); remove {b_key}, or set "
                                          "network.layers[{index}].bias: own").format(l=l, b_key=b_key, index=l - 1))
            continue
        with c.collect():
            params[b_key] = _bias(c, d, path, b_key, l, 1 if l in shared else n_out, init,
                                  widths[l][1] if widths[l][0] != widths[l][1] else None)
    if init:
        init["drawn"] = tuple(k for k, v in params.items() if v is None and k.startswith("W"))
        init["no_bias"] = tuple(sorted(nobias))  # layers without a bias: no b drawn or said
    return params, init


def affine_widths(widths: list[int], pieces: tuple = ()) -> list[tuple[int, int]]:
    """Per layer (the inputs first): (width of its Z, width of its output). A maxout layer of
    n units with k pieces has a Z of width n·k; every other layer's Z is as wide as its output."""
    k = (1,) + tuple(pieces) + (1,) * (len(widths) - 1 - len(pieces))
    return [(w * k[i], w) for i, w in enumerate(widths)]


def parameter_arrays(params: dict, init: dict, widths: list[int], shared: frozenset = frozenset(),
                     pieces: tuple = ()) -> dict:
    """The checked parameters as arrays: the missing weights drawn from the initialiser (every
    layer's draw made in turn, so that giving one matrix explicitly does not change the
    others), the missing biases the initialiser's `bias` (0 unless it says), a bias vector flat."""
    rng = np.random.default_rng(init.get("seed", 0))
    out = {}
    widths = affine_widths(widths, pieces)
    for l in range(1, len(widths)):
        n_in, n_out = widths[l - 1][1], widths[l][0]
        spec = layer_init(init, l)
        drawn_w = _draw(spec, rng, n_in, n_out) if init else None
        given_w = params[f"W{l}"]
        out[f"W{l}"] = drawn_w if given_w is None else as_array(given_w)
        if f"b{l}" not in params:  # a layer without a bias
            continue
        given_b = params[f"b{l}"]
        out[f"b{l}"] = (np.full(1 if l in shared else n_out, float(spec.get("bias", 0.0))) if given_b is None
                        else as_array(given_b).reshape(-1))
    return out


def layer_init(init: dict, layer: int) -> dict:
    """The initialiser of one layer: the scenario's, or its `layers: {L: ...}` override."""
    own = (init.get("layers") or {}).get(layer)
    if own is None:
        return init
    return {**{k: v for k, v in init.items() if k not in ("layers", "sigma", "limit", "value")}, **own}


def _bias(c: Checker, d: dict, path: Path, b_key: str, l: int, n_out: int, init: dict, units: int | None = None):
    """`units`: the units of a layer whose affine map gives several pieces per unit (maxout)."""
    if b_key in d:
        b = c.matrix(d[b_key], path + (b_key,), what=_("bias vector {name}").format(name=b_key))
        if units is not None and (b.size != n_out or min(b.shape) != 1):
            c.fail(path + (b_key,), _("wrong shape: {b_key} has {size} numbers, but layer {l} has {units} maxout "
                                      "units of {pieces} pieces; give a flat list of {n_out} numbers (piece p "
                                      "of unit u at place u·{pieces} + p)").format(
                                        b_key=b_key, size=b.size, l=l, units=units, pieces=n_out // units,
                                        n_out=n_out))
        if b.size != n_out or min(b.shape) != 1:
            c.fail(path + (b_key,), _("wrong shape: {b_key} has {size} numbers, but layer {l} has {n_out} "
                                      "units; give a flat list of {n_out2} numbers").format(
                                        b_key=b_key, size=b.size, l=l, n_out=n_out, n_out2=n_out))
        return b
    if init:
        return None  # zeros
    c.fail(path, _("missing {b_key} (the {n_out} biases of layer {l}); give it, or add an `init` to start "
                   "from zeros").format(b_key=b_key, n_out=n_out, l=l))


def _init(c: Checker, spec: Any, p: Path, n_layers: int | None = None) -> dict:
    if isinstance(spec, str):
        spec = {"method": spec}
    c.mapping(spec, p, ("method", "seed", "sigma", "limit", "value", "bias", "layers"), ("method",))
    init = _method(c, spec, p)
    init["seed"] = c.integer(spec.get("seed", 0), p + ("seed",), low=0)
    if "layers" in spec:
        init["layers"] = _layer_inits(c, spec["layers"], p + ("layers",), n_layers)
    return init


def _method(c: Checker, spec: Any, p: Path) -> dict:
    """One initialiser's method and its numbers (sigma, limit, value, bias)."""
    init = {"method": c.choice(spec["method"], p + ("method",), INIT_METHODS, "initialiser"),
            "sigma": c.number(spec.get("sigma", 0.01), p + ("sigma",), low=0)}
    if init["method"] == "uniform":
        init["limit"] = c.number(spec.get("limit", 0.1), p + ("limit",), low=0, low_open=True)
    if init["method"] == "constant":
        init["value"] = c.number(spec.get("value", 0.0), p + ("value",))
    if "bias" in spec:
        init["bias"] = c.number(spec["bias"], p + ("bias",))
    return init


def _layer_inits(c: Checker, raw: Any, p: Path, n_layers: int | None) -> dict:
    """`layers: {2: {method: he}}`: a layer's own initialiser, drawn in its turn from the one seed."""
    if not isinstance(raw, dict):
        c.fail(p, _("expected a mapping from a layer number to its initialiser, e.g. {{2: {{method: he}}}}"))
    out = {}
    for layer, spec in raw.items():
        if isinstance(layer, bool) or not isinstance(layer, int) or not 1 <= layer <= (n_layers or 0):
            c.note(p + (layer,), _("expected a layer number from 1 to {most}").format(most=n_layers or 0))
            continue
        if isinstance(spec, str):
            spec = {"method": spec}
        c.mapping(spec, p + (layer,), ("method", "sigma", "limit", "value", "bias"), ("method",))
        out[layer] = _method(c, spec, p + (layer,))
    return out


def _draw(init: dict, rng, n_in: int, n_out: int):
    method = init["method"]
    if method in ("zeros", "constant"):  # nothing drawn: the same numbers for the other layers
        return np.full((n_in, n_out), float(init.get("value", 0.0)))
    if method in ("uniform", "xavier_uniform", "he_uniform"):  # U(-limit, limit)
        return rng.uniform(-draw_scale(init, n_in, n_out), draw_scale(init, n_in, n_out), (n_in, n_out))
    if method == "normal":
        scale = init["sigma"]
    elif method == "xavier":
        scale = np.sqrt(2.0 / (n_in + n_out))
    else:  # he
        scale = np.sqrt(2.0 / n_in)
    # drawn a few rows at a time into one array and each rows' block scaled while it is in the
    # cache: the same numbers as scale * standard_normal((n_in, n_out)), since a generator's
    # normals come one after the other however many are asked for at once
    z = pages((n_in, n_out))
    for r in range(0, n_in, DRAW_ROWS):
        block = z[r:r + DRAW_ROWS]
        rng.standard_normal(out=block)
        block *= scale
    return z


#: rows of a normal draw made and scaled at a time
DRAW_ROWS = 32
#: an array of at least this many bytes gets its pages from the kernel at once
POPULATE_BYTES = 32 << 20


def pages(shape: tuple[int, int]):
    """An uninitialised float array; a large one (a 4096x4096 layer) on Linux in memory the
    kernel maps in one call (MAP_POPULATE) rather than a page at a time on first touch: the
    slides' demo draws 800 MB of weights, and a fault per 4 KiB page cost it 0.1 s more."""
    import mmap

    size = shape[0] * shape[1] * 8
    flags = getattr(mmap, "MAP_POPULATE", 0)
    if size < POPULATE_BYTES or not flags:
        return np.empty(shape)
    try:
        memory = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | flags)
    except OSError:  # no memory to map at once: numpy's own allocation gives the error or the pages
        memory = None
    if memory is None:  # outside the handler: numpy's MemoryError is not chained to the mmap's
        return np.empty(shape)
    return np.frombuffer(memory, dtype=float).reshape(shape)


def draw_scale(init: dict, n_in: int, n_out: int) -> float:
    """sigma of a normal draw, the limit of a uniform one, the value of a constant."""
    method = init["method"]
    if method in ("zeros", "constant"):
        return float(init.get("value", 0.0))
    if method == "uniform":
        return init["limit"]
    if method == "xavier_uniform":
        return float(np.sqrt(6.0 / (n_in + n_out)))
    if method == "he_uniform":
        return float(np.sqrt(6.0 / n_in))
    if method == "normal":
        return init["sigma"]
    if method == "xavier":
        return float(np.sqrt(2.0 / (n_in + n_out)))
    return float(np.sqrt(2.0 / n_in))


def ste(c: Checker, raw: Any, path: Path, layers: list) -> float | None:
    """The one window t that every sign layer reads (1 when not given)."""
    from ..ops import SignSTE

    t = 1.0
    if raw is not None:
        d = c.mapping(raw, path, ("threshold",), ("threshold",))
        t = c.number(d["threshold"], path + ("threshold",), low=0)
    signs = [i for i, lay in enumerate(layers) if getattr(lay.activation, "straight_through", False)]
    if not signs:
        if raw is not None:
            c.fail(path, _("there is no sign layer to read the straight-through window; give a layer "
                           "`activation: sign` or remove `ste`"))
        return None
    for i in signs:
        layers[i] = Layer(layers[i].units, SignSTE(threshold=t), layers[i].kind, layers[i].bias, layers[i].dropout,
                          layers[i].norm)
    return t
