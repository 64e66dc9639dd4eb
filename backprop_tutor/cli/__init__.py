"""The command line (typer, thin). Each module registers its commands on `app`.

`main` chooses the language (--lang, TUTOR_LANG, the locale) first, so that every message
and help is written in it; it answers `tutor --version` before importing typer, runs `tutor list` and
`tutor validate FILE...` (without options) without building the typer application,
and draws `tutor --help` without typer (cli/tophelp.py), or replays it as drawn before in
the same setting; the commands
import what they need when they run, so the light commands (--help, list, validate)
never import numpy or sympy.
"""

import os
import sys
import types

# One BLAS thread unless the user sets another count: the tutor's matrix products are small
# (a batch of 16-64 rows, a wide layer's gradient a block of 16 rows at a time), and on a
# busy 2-core machine a second thread spins instead of helping (`tutor run` of the slides'
# 4096-wide demo: 11 s of CPU with two threads, 5 s with one). Set before numpy loads BLAS.
for _name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
# Ordinary pages for numpy's large arrays unless the user says otherwise: the tutor allocates
# its few large matrices once per command, and a kernel that compacts memory on a huge-page
# fault (defrag=madvise) made the 4096-wide demo's `tutor run` spend 0.7-1.7 s in the kernel
# against 0.4 s (benchmarks/wide.py). numpy reads this when it loads.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
# typer reads TERMINAL_WIDTH as a number when it loads, and a word there (TERMINAL_WIDTH=wide)
# ended every command with its traceback: such a value is not read (the terminal's width is)
if not os.environ.get("TERMINAL_WIDTH", "0").isdigit():
    del os.environ["TERMINAL_WIDTH"]


class _Package(types.ModuleType):
    """This package, whose name `app` is always the typer application: importing the
    submodule cli.app first (`from backprop_tutor.cli.app import ...`) would otherwise leave
    that module under the name, where `from backprop_tutor.cli import app` then finds it."""

    @property
    def app(self):
        return _application()

    @app.setter
    def app(self, _submodule):  # the import system records the submodule here: the name stays the application
        pass


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str):
    """`from backprop_tutor.cli import WRITE_ERRORS`, read once the application is built."""
    if name == "WRITE_ERRORS":
        _application()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _application():
    """The typer application, every command registered on it."""
    from . import commands  # noqa: F401  (registers list, run, train, validate)
    from . import check  # noqa: F401  (registers check, quiz)
    from . import compare  # noqa: F401  (registers compare)
    from . import explain  # noqa: F401  (registers explain)
    from . import export  # noqa: F401  (registers export)
    from . import plot  # noqa: F401  (registers plot)
    from .app import WRITE_ERRORS, app

    globals().update(WRITE_ERRORS=WRITE_ERRORS)  # `app` is _Package.app
    return app


def _print_version() -> int:
    """`tutor --version`, without starting the command line (typer, rich)."""
    from .. import __version__

    try:
        sys.stdout.write(f"tutor {__version__}\n")
        sys.stdout.flush()
    except BrokenPipeError:
        from ..closing import quiet_stdout

        quiet_stdout()
    except OSError as exc:
        from ..closing import quiet_stdout

        quiet_stdout()
        sys.stderr.write(f"tutor: cannot write the output ({exc.strerror or exc})\n")
        return 2
    return 0


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        sys.exit(_print_version())
    import errno
    import warnings

    from ..i18n import _, choose

    choose(sys.argv[1:])  # once, before any message or help is written (gettext: the standard library)

    from ..closing import WRITE_ERRORS, quiet_stdout
    from ..errors import TutorError

    # numpy's messages on a log(0) or an overflow stay quiet (the tutor shows such values
    # itself): a command that computes sets numpy's error state when it loads its scenario
    # (cli.app.load); this filter covers the light commands, which do not import numpy first
    warnings.filterwarnings("ignore", category=RuntimeWarning,
                            message="(overflow|divide by zero|invalid value|underflow) encountered")
    status = 0
    try:
        status = _run(sys.argv[1:])
    except SystemExit as done:
        status = done.code
    except TutorError as err:  # the one place a library error becomes a message and status 2
        from ..textsafe import visible

        sys.stderr.write(f"{visible(err)}\n")
        status = err.exit_status
    except KeyboardInterrupt:  # Ctrl-C before or after a command ran: the shell's 130
        status = 130
    except MemoryError as err:  # a network too big for the memory this process may use (ulimit -v)
        status = _out_of_memory(err)
    except UnicodeEncodeError as err:  # an output that takes only ASCII (PYTHONIOENCODING=ascii)
        quiet_stdout()
        sys.stderr.write(_("tutor: the output cannot hold the character {char} in its encoding ({encoding}); "
                           "set PYTHONIOENCODING=utf-8 or a UTF-8 locale").format(
            char=ascii(err.object[err.start:err.end]), encoding=err.encoding) + "\n")
        status = 2
    except BrokenPipeError:  # --help or --version into a closed pipe: quiet, as a command
        quiet_stdout()
    except OSError as exc:  # --help or --version that cannot be written (a command says so itself)
        if exc.errno not in WRITE_ERRORS:
            raise
        quiet_stdout()
        sys.stderr.write(_("tutor: cannot write the output ({reason})").format(reason=exc.strerror or exc) + "\n")
        status = 2
    try:  # what is still buffered: a closed pipe is quiet, a full disk is said
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
    except OSError as exc:
        quiet_stdout()
        if exc.errno is not None and exc.errno != errno.EPIPE:
            sys.stderr.write(_("tutor: cannot write the output ({reason})").format(reason=exc.strerror or exc) + "\n")
            status = status or 2
    sys.exit(status)


def _out_of_memory(err: MemoryError) -> int:
    """A command that ran out of memory says so on stderr and ends with status 2."""
    from ..i18n import _
    from ..textsafe import visible

    reason = visible(str(err)) if str(err) else _("the memory this process may use is used up")
    sys.stderr.write(_("tutor: not enough memory for this command ({reason}); a smaller network, batch or data "
                       "set needs less").format(reason=reason) + "\n")
    return 2


def _run(argv: list[str]) -> int:
    """The command `argv`, its exit status: `list` and `validate FILE...` without options run
    directly (cli/light.py), `--help` is replayed when it was drawn before in this very
    setting (cli/helptext.py) or else drawn without typer (cli/tophelp.py), anything else
    goes through typer (which exits itself)."""
    from .light import simple

    light = simple(argv)
    if light is not None:
        return light()
    help_key = None
    if argv == ["--help"]:
        from . import helptext

        help_key = helptext.entry_key()
        if help_key is not None and helptext.replay(help_key):
            return 0
        from .tophelp import drawing

        draw = drawing()  # the top-level help without typer (cli/tophelp.py), or None
        if draw is not None:
            return _kept(draw, help_key)
    app = _application()
    if "--help" in argv or not argv:  # help, printed through typer's rich helpers
        _help_drawing()
    else:  # a command that computes: this process's heap keeps freed memory for reuse (cli/heap.py)
        from .heap import reuse_freed_memory

        reuse_freed_memory()
    return _kept(app, help_key)


def _kept(draw, help_key) -> int:
    """`draw()` (typer's application, or the top-level help), what it writes kept under
    `help_key` when there is one."""
    if help_key is None:
        draw()
        return 0
    from . import helptext

    recorder, ended = helptext.recording(), None
    try:
        draw()
    except SystemExit as done:
        ended = done.code
        raise
    finally:  # kept only when the whole help was drawn and ended with status 0
        helptext.stop(recorder, help_key if ended in (0, None) else None)
    return 0


def _help_drawing() -> None:
    """typer prints --help through a rich Console of its own, which exits with status 1
    when the reader has gone; the tutor's console ends quietly with 0 instead. A word too
    long for its column is folded, not cut (cli/helpfold.py)."""
    try:
        from typer import rich_utils

        from ..output import TutorConsole
        from .helpfold import install
    except ImportError:  # typer without rich: click's help, which raises BrokenPipeError
        return
    rich_utils.Console = TutorConsole
    install()
