"""The typer application and what every command shares: loading and errors.

Commands are thin: they collect options, call the library, hand records to the
renderer. A ScenarioError becomes `file:line: field: message` on stderr and exit
status 2, never a traceback.
"""

from __future__ import annotations

import json
import math
import sys
from contextlib import contextmanager
from typing import Optional

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import TutorError
from ..i18n import LANGUAGES, LanguageError, _, language, set_language
from ..output import WRITE_ERRORS, quiet_stdout
from ..textsafe import visible
from .words import app_help, lang_help, version_help



def _plain_parameters() -> None:
    """typer (0.2x) coerces every parameter through a pydantic TypeAdapter, built when the
    parameter is first read, and importing pydantic costs more than a light command itself
    (`tutor list`, `tutor validate`). A value that already has its declared type (text, a
    flag, texts for a list of text) or was not given needs no coercion and is taken as it
    is; any other value goes through typer's own coercion, built only then."""
    try:
        from dataclasses import dataclass
        from typing import Any, get_args, get_origin

        from typer import core
        from typer._coercion import RuntimeParam
    except ImportError:  # a typer that does not coerce through pydantic
        return
    build = getattr(core, "build_runtime_param", None)
    if build is None or getattr(build, "plain", False):
        return

    def already(annotation, value) -> bool:
        if annotation in (str, bool):
            return type(value) is annotation
        return (get_origin(annotation) is list and get_args(annotation) == (str,)
                and isinstance(value, (list, tuple)) and all(type(v) is str for v in value))

    @dataclass(frozen=True)
    class Plain(RuntimeParam):
        descriptor: Any = None

        def _coerce_value(self, value, param, ctx):
            if already(self.annotation, value):
                return list(value) if isinstance(value, (list, tuple)) else value
            return build(self.descriptor)._coerce_value(value, param=param, ctx=ctx)

    def plain(descriptor):
        info = descriptor.parameter_info
        if descriptor.file_annotation is not None or getattr(info, "parser", None) is not None:
            return build(descriptor)
        return Plain(parameter_info=info, annotation=descriptor.annotation, descriptor=descriptor)

    plain.plain = True
    core.build_runtime_param = plain


_plain_parameters()


def _plain_types() -> None:
    """typer (0.29) writes each parameter's Python type in help: `--step <bool>` reads as if
    the flag took a value, `--set <list[str]>` speaks Python to a student. In the tutor's help
    a flag shows no type, a parameter with a metavar shows it (`--set KEY=VALUE`, `--sample N`),
    and an argument without one shows only its name. typer builds every parameter from its
    own classes, so the method is replaced on them; it draws as typer does for a parameter
    of any other application (one whose root command is not the tutor's Group)."""
    try:
        from typer import core
    except ImportError:  # pragma: no cover - typer is a dependency
        return
    for cls, arguments in ((getattr(core, "TyperOption", None), False), (getattr(core, "TyperArgument", None), True)):
        show = getattr(cls, "display_type_rich", None)
        if show is None or getattr(show, "plain", False):
            continue

        def display_type_rich(self, ctx, _show=show, _arguments=arguments):
            if not isinstance(getattr(ctx.find_root(), "command", None), Group):
                return _show(self, ctx)
            if getattr(self, "metavar", None) is not None:
                return self.metavar
            if _arguments or (getattr(self, "is_flag", False) and not getattr(self, "count", False)):
                return None
            return _show(self, ctx)

        display_type_rich.plain = True
        cls.display_type_rich = display_type_rich


_plain_types()


class OutputError(TutorError):
    """The output could not be written (a full disk, a closed terminal)."""


class Group(TyperGroup):
    """Commands whose output goes to a closed pipe end quietly with status 0
    (`tutor run logistic-4x2 | head -1`); one that cannot write says so, status 2."""

    def parse_args(self, ctx, args):
        """--lang is global and may stand anywhere before `--` (`tutor run NAME --lang vi`):
        it is taken out here, and the language set, before the command parses the rest."""
        rest, i = [], 0
        while i < len(args):
            arg = args[i]
            if arg == "--":
                rest += args[i:]
                break
            if arg == "--lang" and i + 1 < len(args) and i > 0:
                _language(args[i + 1])
                i += 2
                continue
            if arg.startswith("--lang=") and i > 0:
                _language(arg.split("=", 1)[1])
                i += 1
                continue
            rest.append(arg)
            i += 1
        return super().parse_args(ctx, rest)

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
            raise OutputError(_("tutor: cannot write the output ({reason})").format(reason=exc.strerror or exc)) from None


app = typer.Typer(
    cls=Group,
    name="tutor",
    help=app_help(),
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


def _language(value: str | None) -> str | None:
    """--lang: the language chosen at start (cli.main) is the same; from the API or a test
    runner, it is chosen here, before the command runs."""
    if value:
        try:
            set_language(value)
        except LanguageError:
            raise typer.BadParameter(_("expected one of {languages}, got {value}").format(
                languages=", ".join(LANGUAGES), value=repr(value)), param_hint="--lang") from None
        _help_words()
    return value


def _help_words() -> None:
    """typer's and click's own words (help panels, usage line, usage errors) in the chosen language."""
    from .clickwords import install

    install()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help=version_help()),
    lang: Optional[str] = typer.Option(None, "--lang", callback=_language, is_eager=True, envvar="TUTOR_LANG",
                             show_envvar=False, metavar="en|vi",
                             help=lang_help()),
) -> None:
    """Teach backpropagation one operation at a time (the help is the application's)."""


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
    """A scenario, validated (backprop_tutor.api.load); `shown`: it is printed operation by
    operation, so it must be small enough for that (run, explain and step mode; not `run --json`);
    `trainable`: it is trained, so its copies must fit the training memory budget (train, compare)."""
    from ..api import load as load_scenario

    import numpy as np

    # a log(0) or an overflow is the lesson, not a crash: the tutor shows such values itself
    # (as inf / nan, a warning on the step, null in JSON), so numpy's own messages stay quiet
    np.seterr(all="ignore")
    with scenario_errors():
        return load_scenario(name_or_path, settings, sample, up_close, shown, trainable)


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
        sys.stderr.write(_("warning: {count} value(s) are not finite numbers (inf or nan: a log of 0 or "
                           "an overflow) and are written as null").format(count=found[0]) + "\n")


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


if language() != "en":  # chosen at start (cli.main), before the commands' help was written
    _help_words()
