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
#: working memory of one network: its parameters, their gradients and copies, and the
#: activations of one batch (bytes, float64)
MEMORY_BUDGET = 512 * 2**20
#: a data set in memory: its values as read and preprocessed (MNIST needs about 880 MB)
DATASET_BUDGET = 1024 * 2**20
#: longest data set path, and longest part of it (most file systems stop at 255)
MAX_PATH_CHARS = 4096
MAX_NAME_CHARS = 255
#: `tutor run` and `tutor explain` show every operation: at most this many units per layer
#: and parameters (a `run:` section narrows a larger network for them)
MAX_SHOWN_UNITS = 512
MAX_SHOWN_PARAMETERS = 300_000
#: ... and at most this many rows of the batch one step works on
MAX_SHOWN_ROWS = 1_000
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
                   units=units, params=format(params, ","), max_shown_units=MAX_SHOWN_UNITS, max_shown_parameters=format(MAX_SHOWN_PARAMETERS, ","), widest=widest))
    t = model.training
    rows = {"record": 1, "minibatch": t.step_batch}.get(t.batch, model.inputs.shape[0])
    if rows > MAX_SHOWN_ROWS:
        refuse(("training", "step_batch") if t.batch == "minibatch" else ("data", "inputs"),
               _("one step here works on {rows} rows, too many to show operation by operation; run and "
                 "explain show at most {max_shown_rows} rows. Show fewer (--sample K for one record, or "
                 "training.batch: N with training.step_batch: ROWS), or use tutor train or tutor run --json").format(
                   rows=format(rows, ","), max_shown_rows=format(MAX_SHOWN_ROWS, ",")))
