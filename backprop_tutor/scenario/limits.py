"""The documented size limits of a scenario (docs/scenario-format.md, "Limits").

A scenario file is untrusted data: these bounds keep every command's time and memory
small and predictable, and everything beyond them is refused before it is read or
allocated, with the size it would need.
"""

from __future__ import annotations

from ..i18n import _

#: largest scenario file read (bytes); larger data belongs in a data set file
MAX_FILE_BYTES = 256 * 1024
#: deepest nesting of mappings and lists (a scenario needs 4 or 5 levels)
MAX_DEPTH = 32
#: most values a file may hold once every alias is expanded
MAX_VALUES = 50_000
#: most rows of an inline table (data.inputs, data.targets, a weight matrix)
MAX_ROWS = 10_000
#: most layers in a network
MAX_LAYERS = 64
#: most units in one layer
MAX_UNITS = 100_000
#: most iterations of `tutor train` (file or --iterations) and epochs
MAX_ITERATIONS = 1_000_000
MAX_EPOCHS = 10_000
#: working memory of training one network: its parameters, their gradients and copies, and
#: the activations of one batch (bytes, float64)
MEMORY_BUDGET = 512 * 2**20
#: working memory of showing one network (run, explain, step mode): one copy of its
#: parameters (a wide layer's gradient and update are worked out a block at a time) and the
#: activations of one batch; a network within this but not MEMORY_BUDGET can be shown, not trained
SHOWN_MEMORY_BUDGET = 800 * 2**20
#: a data set in memory: its values as read and preprocessed (MNIST needs about 880 MB)
DATASET_BUDGET = 1024 * 2**20
#: longest data set path, and longest part of it (most file systems stop at 255)
MAX_PATH_CHARS = 4096
MAX_NAME_CHARS = 255
#: `tutor run` and `tutor explain` show every operation: at most this many units per layer
#: and parameters (the slides' demo of six 4096-unit tanh layers fits; a matrix larger than
#: the screen is shown by its corner and statistics; a `run:` section narrows a larger network)
MAX_SHOWN_UNITS = 4096
MAX_SHOWN_PARAMETERS = SHOWN_MEMORY_BUDGET // 8
#: ... at most this many rows of the batch one step works on
MAX_SHOWN_ROWS = 1_000
#: ... and at most this many multiply-adds in one pass (rows x parameters: about a second)
MAX_SHOWN_WORK = 2 * 10**9
#: `tutor compare --vary` values, `tutor list` rows shown, errors listed per file
MAX_COMPARE_VALUES = 8
MAX_LIST_ROWS = 100
MAX_ERRORS = 20
#: `tutor check`: largest answer file (bytes), most answered entries in one file, most
#: answer files marked in one call, most questions of one `tutor quiz`
MAX_ANSWER_BYTES = 256 * 1024
MAX_ANSWERS = 2_000
MAX_ANSWER_FILES = 1_000
MAX_QUESTIONS = 2_000
#: whole numbers beyond this (seeds, records) are refused
MAX_INT = 2**63 - 1


def size_text(n_bytes: float) -> str:
    """1.5 GiB, 300 MiB, 12 KiB: a size for a message, in the binary units the docs use
    (never fails on huge numbers)."""
    if n_bytes >= 1e30:
        return _("more than 10^30 bytes")
    for unit, scale in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.3g} {unit}"
    return f"{int(n_bytes)} bytes"


def network_bytes(widths: list[int], batch_rows: int) -> int:
    """Working memory of training a network of these widths on `batch_rows` rows at a time:
    4 copies of every parameter (value, gradient, update, a step record) and 4 of every
    activation of the batch (Z, A and their gradients)."""
    params = sum(a * b + b for a, b in zip(widths, widths[1:]))
    return 8 * (4 * params + 4 * batch_rows * sum(widths))


def shown_bytes(widths: list[int], batch_rows: int) -> int:
    """Working memory of showing a network: one copy of every parameter, 3 more of each
    weight matrix small enough to be held whole (its gradient, its update, a buffer), and
    6 of every activation of the batch."""
    from ..engine.lazy import LAZY_ENTRIES

    params = sum(a * b + b for a, b in zip(widths, widths[1:]))
    whole = sum(a * b for a, b in zip(widths, widths[1:]) if a * b <= LAZY_ENTRIES)
    return 8 * (params + 3 * whole + 6 * batch_rows * sum(widths))


def check_shown(model) -> None:
    """`run`, `explain` and step mode print every operation: refuse a network or a batch too
    large to show (a ScenarioError at the field's line, or the option that set it)."""
    from .errors import ScenarioError
    from .yamlsource import dotted

    def refuse(path: tuple, message: str):
        raise ScenarioError(model.where(path) if model.where else model.path, dotted(path), message)

    widths = model.widths()
    params = sum(a * b + b for a, b in zip(widths, widths[1:]))
    widest = max(range(len(model.layers)), key=lambda i: model.layers[i].units)
    units = model.layers[widest].units
    if units > MAX_SHOWN_UNITS or params > MAX_SHOWN_PARAMETERS:
        refuse(("network", "layers", widest, "units"),
               _("this network ({units} units in its widest layer, {params} parameters) is too large to "
                 "show operation by operation; run and explain show at most {max_shown_units} units per "
                 "layer and {max_shown_parameters} parameters. Narrow it for them with a run: section "
                 "(e.g. `run: {{network.layers.{widest}.units: 8}}`, as bnn-saturation does), or use tutor "
                 "train or tutor run --json").format(
                   units=format(units, ","), params=format(params, ","), max_shown_units=format(MAX_SHOWN_UNITS, ","),
                   max_shown_parameters=format(MAX_SHOWN_PARAMETERS, ","), widest=widest))
    t = model.training
    rows = {"record": 1, "minibatch": t.step_batch}.get(t.batch, model.inputs.shape[0])
    if rows * params > MAX_SHOWN_WORK and rows <= MAX_SHOWN_ROWS:
        refuse(("training", "step_batch") if t.batch == "minibatch" else ("data", "inputs"),
               _("one step here works on {rows} rows of a network of {params} parameters: {work} "
                 "multiply-adds a pass, more than run and explain show ({max_work}, about a second). Show "
                 "fewer rows (--sample K for one record, or training.batch: N with training.step_batch: "
                 "ROWS), or use tutor train or tutor run --json").format(
                   rows=format(rows, ","), params=format(params, ","), work=format(rows * params, ","),
                   max_work=format(MAX_SHOWN_WORK, ",")))
    if rows > MAX_SHOWN_ROWS:
        refuse(("training", "step_batch") if t.batch == "minibatch" else ("data", "inputs"),
               _("one step here works on {rows} rows, too many to show operation by operation; run and "
                 "explain show at most {max_shown_rows} rows. Show fewer (--sample K for one record, or "
                 "training.batch: N with training.step_batch: ROWS), or use tutor train or tutor run --json").format(
                   rows=format(rows, ","), max_shown_rows=format(MAX_SHOWN_ROWS, ",")))


def memory_message(widths: list[int], rows: int, need: int, training: bool = False) -> str:
    """Why a network is refused for memory; `training`: it fits what run and explain hold
    (one copy of its parameters) but not what training holds."""
    fields = dict(size=size_text(need), params=format(sum(a * b + b for a, b in zip(widths, widths[1:])), ","),
                  rows=format(rows, ","), limit=size_text(MEMORY_BUDGET))
    if training:
        return _("this network would need about {size} of memory (its {params} parameters and a batch of "
                 "{rows} rows); the limit is {limit}: use fewer or narrower layers to train it (tutor run "
                 "and tutor explain, which hold one copy of its parameters, can show it)").format(**fields)
    return _("this network would need about {size_text} of memory (its {sum} parameters and a batch of "
             "{rows} rows); the limit is {size_text2}: use fewer or narrower layers").format(
               size_text=fields["size"], sum=fields["params"], rows=fields["rows"], size_text2=fields["limit"])
