"""Loss, training and notation sections, and the checks across sections that a
teacher would want: an output that can feed its loss, distinct symbols, a network
that fits the memory budget."""

from __future__ import annotations

from typing import Any

from ..i18n import N_, _
from ..ops import LOSSES
from . import limits
from .checker import Checker, Skip
from .penalty_rules import penalty
from .model import DTYPES, Notation, Training
from .yamlsource import Path

NOTATION_CHOICES = {"activation": ("A", "H", "a", "h"), "loss": ("L", "J")}


def loss(c: Checker, raw: Any, path: Path, output_activation):
    """Every mistake of the section is recorded (an unknown type, a bad option, a bad l2)."""
    if isinstance(raw, str):
        raw = {"type": raw}
    if not isinstance(raw, dict) or "type" not in raw:
        c.fail(path, _("expected `type: NAME` (allowed: {join}), optionally with `l2: LAMBDA`").format(join=', '.join(LOSSES)))
    before = len(c.errors)
    name = c.attempt(c.choice, raw["type"], path + ("type",), tuple(LOSSES), N_("loss"))
    # with an unknown type, the other fields are checked against what any loss allows
    options = LOSSES[name].options if name else _any_loss_options()
    c.mapping(raw, path, ("type", "l2", "penalty") + tuple(options))
    opts = {key: _option(c, raw[key], path + (key,), allowed, key)
            for key, allowed in options.items() if key in raw}
    l2, pen = c.attempt(penalty, c, raw, path, default=(None, None))
    if len(c.errors) > before:
        raise Skip
    if output_activation is not None:
        _output_feeds_loss(c, name, output_activation, path)
    return LOSSES[name](**opts), l2, pen


def _option(c: Checker, value: Any, path: Path, allowed, key: str):
    """A loss option: one of its allowed names, or a number where the loss takes one (`low` or more)."""
    if hasattr(allowed, "low"):
        return c.attempt(lambda: c.number(value, path, low=allowed.low))
    return c.attempt(c.choice, value, path, allowed, key)


def _any_loss_options() -> dict:
    merged: dict = {}
    for cls in LOSSES.values():
        for key, allowed in cls.options.items():
            if hasattr(allowed, "low"):
                merged.setdefault(key, allowed)
                continue
            merged[key] = tuple(dict.fromkeys(merged.get(key, ()) + tuple(allowed)))
    return merged


def _output_feeds_loss(c: Checker, name: str, output, path: Path) -> None:
    """The loss declares what its output must give (`Loss.needs`), the activation what it gives."""
    outputs = getattr(LOSSES[name], "outputs", ())
    if outputs and output.name not in outputs:
        c.fail(path + ("type",), _("{name} reads raw class scores, but the last layer's activation is {act}; "
                                   "allowed output activations: {allowed}").format(
                                     name=name, act=output.name, allowed=", ".join(outputs)))
    need = LOSSES[name].needs
    if not need or getattr(output, need, False):
        return
    if need == "distribution":
        c.fail(path + ("type",), _("{name} needs a softmax output layer; use binary_cross_entropy for a "
                                   "sigmoid output, or set the last layer's activation to softmax").format(
                                     name=name))
    else:
        c.fail(path + ("type",), _("{name} takes log(ŷ) and log(1 - ŷ), but {article} output is not always "
                                   "between 0 and 1 (the loss would be nan); use a sigmoid output layer, "
                                   "or loss type mse").format(name=name, article=article(output.name)))


def article(word: str) -> str:
    """`an identity`, `a relu`: the word with its indefinite article."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def softmax_units(c: Checker, layers: list, path: Path) -> None:
    """A softmax over one unit always outputs 1: nothing could be learned."""
    last = layers[-1]
    if last.activation.name == "softmax" and last.units == 1:
        c.fail(path + (len(layers) - 1, "activation"),
               _("softmax over a single unit always outputs 1, so nothing can be learned; use sigmoid for "
                 "one output unit, or give the layer one unit per class"))


def training(c: Checker, raw: Any, path: Path, m: int | None) -> Training:
    """Every bad value of the section is recorded, not only the first."""
    d = c.mapping(raw if raw is not None else {}, path,
                  ("learning_rate", "batch", "record", "max_iterations", "epsilon",
                   "epochs", "seed", "clip", "step_batch", "dtype", "frozen", "mode", "validation",
                   "patience"))
    before = len(c.errors)

    def get(key: str, default, check, *args, **kw):
        return c.attempt(lambda: check(d.get(key, default), path + (key,), *args, **kw))

    lr = get("learning_rate", 0.1, c.number, low=0, low_open=True)
    seed = get("seed", 0, c.integer, low=0)
    clip = get("clip", 1.0, c.number, low=0, low_open=True)
    step_batch = get("step_batch", 4, c.integer, 1, limits.MAX_ROWS)
    epochs = get("epochs", 1, c.integer, 1, limits.MAX_EPOCHS)
    iters = get("max_iterations", 1000, c.integer, 1, limits.MAX_ITERATIONS)
    dtype = get("dtype", "float64", c.choice, DTYPES, "dtype")
    mode = get("mode", "train", c.choice, MODES, N_("training.mode"))
    frozen = get("frozen", [], _frozen_names, c)
    batch = d.get("batch", "full")
    minibatch = isinstance(batch, int) and not isinstance(batch, bool)
    validation = get("validation", 0.0, c.number, low=0, high=0.9)
    patience = get("patience", 0, c.integer, low=0)
    if patience and not validation:
        c.note(path + ("patience",), _("early stopping watches the validation loss: give training.validation "
                                       "too (a share of the training rows, e.g. 0.2)"))
    if minibatch:
        size = get("batch", 0, c.integer, 1)
    else:
        batch = get("batch", "full", c.choice, ("full", "record"), N_("batch (full, record or a number of samples)"))
        record = get("record", 0, c.integer, low=0)
        if m is not None and record is not None and record >= m:
            c.note(path + ("record",), _("there is no record {record}; records are numbered 0 to {value}").format(record=record, value=m - 1))
        # epochs and step_batch only matter for minibatch training (`--sample` turns a minibatch
        # scenario into record mode, so they are accepted and left aside here)
        eps = get("epsilon", 0.0, c.number, low=0)
        if validation:
            c.note(path + ("validation",), _("a validation split applies to training by epochs "
                                             "(training.batch: N, training.epochs: E)"))
        if dtype not in (None, "float64"):
            c.note(path + ("dtype",), _("{dtype} applies to training by epochs (training.batch: N); a "
                                        "scenario trained by iterations is a worked example, computed in "
                                        "float64 (allowed here: float64)").format(dtype=dtype))
    if len(c.errors) > before:
        raise Skip
    if minibatch:
        return Training(learning_rate=lr, batch="minibatch", batch_size=size, epochs=epochs,
                        max_iterations=iters, seed=seed, clip=clip,
                        step_batch=min(m, step_batch) if m else step_batch, dtype=dtype,
                        frozen=frozen, mode=mode, validation=validation, patience=patience)
    return Training(lr, batch, record, iters, eps, seed=seed, clip=clip, frozen=frozen, mode=mode)


#: `training.mode`: dropout is applied while training and is the identity at inference
MODES = ("train", "inference")


def _frozen_names(value: Any, path: Path, c: Checker) -> tuple:
    """`frozen: [b1, b2]`: parameter names (checked against the network in `frozen_known`)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        c.fail(path, _("expected a list of parameter names, e.g. [b1, b2]"))
    return tuple(value)


def frozen_known(c: Checker, frozen: tuple, names: list[str], path: Path) -> None:
    """Every frozen name is a parameter of the network."""
    for name in frozen:
        if name not in names:
            c.note(path, _("{name} is not a parameter of this network; allowed: {join}").format(
                name=name, join=", ".join(names)))


def notation(c: Checker, raw: Any, path: Path) -> Notation:
    d = c.mapping(raw if raw is not None else {}, path,
                  ("activation", "loss", "inputs", "targets", "preactivation", "output"))
    kw = {}
    for key in ("activation", "loss"):
        if key in d:
            with c.collect():
                kw[key] = c.choice(d[key], path + (key,), NOTATION_CHOICES[key], f"{key} symbol").upper()
    for key in ("inputs", "targets", "preactivation", "output"):
        if key in d:
            with c.collect():
                text = c.text(d[key], path + (key,))
                if not (0 < len(text) <= 8) or not all(ch.isalnum() or ch in "^_̂" for ch in text):
                    c.fail(path + (key,), _("{value} is not a symbol; allowed: up to 8 letters or digits").format(value=repr(text[:20])))
                kw[key] = text
    return Notation(**kw)


def distinct_symbols(c: Checker, note: Notation, n_layers: int, path: Path) -> None:
    """Every printed name (X, Y, Z1, A1, ..., L) must name one thing only."""
    names: dict[str, str] = {}
    fields = [("inputs", note.inputs), ("targets", note.targets), ("loss", note.loss)]
    for l in range(1, n_layers + 1):
        fields += [("preactivation", note.pre(l)), ("activation" if l < n_layers or not note.output else "output",
                                                    note.act(l, n_layers))]
    for field, name in fields:
        if name in names and names[name] != field:
            other = names[name]
            blamed = other if path + (other,) in c.raw.overrides and path + (field,) not in c.raw.overrides else field
            c.fail(path + (blamed,), _("the symbol {name} would name both the {other} and the {field}; "
                                       "give them different letters").format(
                                         name=name, other=other, field=field))
        names.setdefault(name, field)


def memory_budget(c: Checker, widths: list[int], rows: int, path: Path) -> None:
    """Refuse a network that neither training (MEMORY_BUDGET) nor showing it
    (SHOWN_MEMORY_BUDGET) could hold, before drawing it; `train` refuses one that only
    the second admits (limits.check_trainable)."""
    need = limits.network_bytes(widths, rows)
    if need <= limits.MEMORY_BUDGET:
        return
    widest = max(range(1, len(widths)), key=lambda l: widths[l])
    if c.raw.for_training:
        c.fail(path + ("layers", widest - 1, "units"), limits.memory_message(widths, rows, need, training=True))
    if limits.shown_bytes(widths, rows) > limits.SHOWN_MEMORY_BUDGET:
        c.fail(path + ("layers", widest - 1, "units"), limits.memory_message(widths, rows, need))


def batch_rows(t: Training | None, m: int) -> int:
    """Rows one step works on: the whole table, or a minibatch (predictions go 4096 at a time)."""
    if t is not None and t.batch == "minibatch":
        return min(m, max(t.batch_size, 4096))
    return m
