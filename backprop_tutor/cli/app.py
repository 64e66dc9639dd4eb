"""The typer application and what every command shares: loading and errors.

Commands are thin: they collect options, call the library, hand records to the
renderer. A ScenarioError becomes `file:line: field: message` on stderr and exit
status 2, never a traceback.
"""

from __future__ import annotations

import errno
import json
import math
import sys
from contextlib import contextmanager

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import TutorError
from ..output import quiet_stdout
from ..textsafe import visible

#: write errors that end a command with a message (a closed pipe ends it quietly)
WRITE_ERRORS = (errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT, errno.EBADF)


class OutputError(TutorError):
    """The output could not be written (a full disk, a closed terminal)."""


class Group(TyperGroup):
    """Commands whose output goes to a closed pipe end quietly with status 0
    (`tutor run logistic-4x2 | head -1`); one that cannot write says so, status 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            quiet_stdout()
            raise typer.Exit(0) from None
        except OSError as exc:
            if exc.errno not in WRITE_ERRORS:
                raise
            quiet_stdout()
            raise OutputError(f"tutor: cannot write the output ({exc.strerror or exc})") from None


app = typer.Typer(
    cls=Group,
    name="tutor",
    help=(
        "Teach neural-network backpropagation one operation at a time.\n\n"
        "Load a scenario (a small network with given weights and data), run it forward and "
        "backward step by step, and see every z, a, loss, gradient and update with its formula "
        "and numbers. Start with `tutor list`, then `tutor run logistic-4x2`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)

EXIT_BAD_INPUT = 2


def _version(value: bool) -> None:
    if value:
        try:
            typer.echo(f"tutor {__version__}")
        except BrokenPipeError:  # before click's own handler, which exits with 1
            quiet_stdout()
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Teach backpropagation one operation at a time."""


def fail(message: str) -> None:
    typer.echo(visible(message), err=True)
    raise typer.Exit(EXIT_BAD_INPUT)


@contextmanager
def scenario_errors():
    """Turn the library's ScenarioError into a clean message and exit status 2."""
    from ..scenario import ScenarioError

    try:
        yield
    except ScenarioError as err:
        fail(str(err))


def load(name_or_path: str, settings: list[str] | None = None, sample: int | None = None,
         up_close: bool = False, shown: bool = False, trainable: bool = False):
    """A scenario, validated; `shown`: it is printed operation by operation, so it must be
    small enough for that (run, explain and step mode; not `run --json`); `trainable`: it
    is trained, so its copies must fit the training memory budget (train, compare)."""
    from ..scenario import load as load_scenario
    from ..scenario.limits import check_shown

    settings = list(settings or [])
    if sample is not None:
        settings += [(f"--sample {sample}", "training.batch=record"),
                     (f"--sample {sample}", f"training.record={sample}")]
    with scenario_errors():
        model = load_scenario(name_or_path, settings, up_close, trainable)
        if shown:
            check_shown(model)
    return model


def console(stderr: bool = False):
    from ..output import console as make

    return make(stderr)


def print_json(data) -> None:
    """The JSON object on stdout; a number that is not finite is written as null, and a
    warning on stderr says how many were."""
    found: list[int] = [0]
    _write(data, sys.stdout, found)
    sys.stdout.write("\n")
    if found[0]:
        sys.stdout.flush()
        sys.stderr.write(f"warning: {found[0]} value(s) are not finite numbers (inf or nan: a log of 0 or "
                         f"an overflow) and are written as null\n")


def _write(data, out, found: list[int]) -> None:
    """JSON written piece by piece: a large array goes out a row at a time, so a data set's
    table never exists as one list of Python floats or one string."""
    import numpy as np

    if isinstance(data, dict):
        out.write("{")
        for i, (k, v) in enumerate(data.items()):
            out.write((", " if i else "") + json.dumps(k) + ": ")
            _write(v, out, found)
        out.write("}")
    elif isinstance(data, (list, tuple)) or (isinstance(data, np.ndarray) and data.ndim > 1) \
            or hasattr(data, "take_rows"):  # a wide layer's lazily computed matrix, a block of rows at a time
        out.write("[")
        for i, v in enumerate(data):
            if i:
                out.write(", ")
            _write(v, out, found)
        out.write("]")
    else:
        value = data.tolist() if isinstance(data, (np.ndarray, np.generic)) else data
        out.write(json.dumps(_finite_all(value, found), allow_nan=False, default=_jsonable))


def _finite_all(data, found: list[int]):
    """JSON has no NaN or infinity: every such number, at any depth, becomes null (counted)."""
    if isinstance(data, dict):
        return {k: _finite_all(v, found) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite_all(v, found) for v in data]
    if isinstance(data, float) and not math.isfinite(data):
        found[0] += 1
        return None
    return data


def _jsonable(value):  # pragma: no cover - numpy scalars only
    return float(value)
