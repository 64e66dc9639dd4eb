"""Turn a raw scenario tree into a validated Scenario, or say exactly what is wrong.

Every message names the file and line, the field, what is wrong and what is
allowed; every mistake of a file is reported, not only the first. The fields and
their meaning are documented in docs/scenario-format.md. The sections are read in
network.py, dataspec.py and rules.py; this module puts them together.
"""

from __future__ import annotations

from ..i18n import _
from ..textsafe import visible
from .checker import Checker, Skip, as_array
from .dataspec import data as data_section
from .dataspec import one_hot, targets_fit_loss
from .model import Scenario, Source
from .network import network as network_section
from .network import parameter_arrays
from .network import parameters as parameters_section
from .network import ste as ste_section
from .rules import batch_rows, distinct_symbols, memory_budget, softmax_units
from .rules import loss as loss_section
from .rules import notation as notation_section
from .rules import frozen_known, training as training_section
from .yamlsource import Source as RawSource

TOP_FIELDS = {
    "name": _("a short id, e.g. logistic-4x2"),
    "title": _("a one-line title"),
    "source": _("which document and section the example comes from"),
    "description": _("a paragraph for the student"),
    "data": _("inputs, targets and optional preprocessing"),
    "network": _("inputs and layers"),
    "parameters": _("initial W1, b1, ... and/or an initialiser"),
    "loss": _("the loss and an optional L2 term"),
    "training": _("learning rate, batch, stopping rule"),
    "notation": _("the symbols to print"),
    "ste": _("the straight-through window of every sign layer, {threshold: T}"),
    "run": _("field overrides for `tutor run` and `tutor explain`, e.g. {network.layers.0.units: 8}"),
    "compare": _("the sweep `tutor compare NAME` makes without --vary, {vary: FIELD, values: [...]}"),
}


def _header(c: Checker, d: dict) -> dict:
    """Name, title, description and source: text for the student, its control characters
    made visible (an escape sequence in a title must not act on the terminal)."""
    out = {}
    with c.collect():
        out["name"] = c.text(d["name"], ("name",)).strip()
        if not out["name"]:
            c.fail(("name",), _("the name is empty; give a short id such as logistic-4x2"))
    with c.collect():
        out["title"] = c.text(d.get("title", out.get("name", "")), ("title",))
    with c.collect():
        out["description"] = c.text(d.get("description", ""), ("description",)).strip()
    with c.collect():
        src = d.get("source", "")
        if isinstance(src, dict):
            c.mapping(src, ("source",), ("document", "section"))
            out["source"] = Source(c.text(src.get("document", ""), ("source", "document")),
                                   c.text(src.get("section", ""), ("source", "section")))
        else:
            out["source"] = Source(c.text(src, ("source",)) if src else "")
    out = {k: visible(v, newlines=k == "description") if isinstance(v, str) else v for k, v in out.items()}
    if "source" in out:
        out["source"] = Source(visible(out["source"].document, False), visible(out["source"].section, False))
    return out


def _model(c: Checker, d: dict, arrays: bool = True) -> dict:
    """Every section, each checked even when another has a mistake (as far as it can be);
    `arrays`: the tables as numpy arrays, the missing parameters drawn (else the checked
    tables: `tutor validate` needs no numpy)."""
    got = c.attempt(data_section, c, d["data"], ("data",))
    x, y, pre, images = got if got else (None, None, {}, None)
    training = c.attempt(training_section, c, d.get("training"), ("training",), None if x is None else x.shape[0])
    notation = c.attempt(notation_section, c, d.get("notation"), ("notation",))
    net = c.attempt(network_section, c, d["network"], ("network",), None if x is None else x.shape[1])
    n_in, layers = net if net else (None, None)
    if layers:
        with c.collect():
            softmax_units(c, layers, ("network", "layers"))
        if y is not None and layers[-1].units != y.shape[1]:
            c.note(("network", "layers", len(layers) - 1, "units"),
                   _("the output layer has {units} units but each target row has {value} values; they must "
                     "agree").format(units=layers[-1].units, value=y.shape[1]))
        if notation is not None:
            with c.collect():
                distinct_symbols(c, notation, len(layers), ("notation",))
    lossed = c.attempt(loss_section, c, d["loss"], ("loss",), layers[-1].activation if layers else None)
    if lossed and y is not None:
        with c.collect():
            targets_fit_loss(c, lossed[0], y, pre.get("targets"))
    threshold = c.attempt(ste_section, c, d.get("ste"), ("ste",), layers) if layers else None
    params = init = None
    if layers and x is not None:
        widths = [n_in] + [lay.units for lay in layers]
        with c.collect():
            pieces = tuple(getattr(lay.activation, "pieces", 1) for lay in layers)
            # a maxout layer's Z is units x pieces wide (counted for the next layer's W too: an upper bound)
            memory_budget(c, [n_in] + [lay.units * k for lay, k in zip(layers, pieces)],
                          batch_rows(training, x.shape[0]), ("network",))
            shared = frozenset(l for l, lay in enumerate(layers, start=1) if lay.bias == "shared")
            nobias = frozenset(l for l, lay in enumerate(layers, start=1) if lay.bias == "none")
            params, init = parameters_section(c, d.get("parameters"), ("parameters",), widths, shared, pieces,
                                              nobias)
            if training is not None and training.frozen:
                frozen_known(c, training.frozen, [f"{slot}{l}" for l, lay in enumerate(layers, start=1)
                                                  for slot in ("W", *(("b",) if lay.bias != "none" else ()),
                                                               *lay.activation.learnable,
                                                               *(lay.norm.learnable if lay.norm is not None else ()))],
                             ("training", "frozen"))
    c.raise_errors()
    if arrays:
        x, y, params = as_array(x), as_array(y), parameter_arrays(params, init, widths, shared, pieces)
    return dict(inputs=x, targets=y, preprocess=pre, n_inputs=n_in, layers=layers, parameters=params,
                loss=lossed[0], l2=lossed[1], penalty=lossed[2], training=training, notation=notation, init=init,
                ste_threshold=threshold,
                test_inputs=None if images is None else images.x_test,
                test_targets=None if images is None else one_hot(images.y_test),
                dataset="" if images is None else images.name)


def validate(raw: RawSource, arrays: bool = True) -> Scenario:
    """The checked Scenario; with `arrays` False its tables stay as read (`checker.Table`) and
    the drawn parameters are left undrawn (None): a scenario to describe, not to run."""
    c = Checker(raw)
    try:
        d = c.mapping(raw.data, (), TOP_FIELDS, ("name", "data", "network", "loss"))
    except Skip:
        d = None
    if d is None:
        c.raise_errors()
    header = _header(c, d)
    if "compare" in d:
        from .comparespec import check as compare_section

        c.attempt(compare_section, c, d["compare"])
    model = _model(c, d, arrays)
    return Scenario(name=header["name"], title=header["title"], description=header["description"],
                    source=header["source"], path=raw.name, where=raw.where, **model)
