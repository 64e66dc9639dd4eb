"""The command line (typer, thin). Each module registers its commands on `app`."""

import os

# One BLAS thread unless the user sets another count: the tutor's matrix products are small
# (a batch of 16-64 rows, a wide layer's gradient a block of 64 rows at a time), and on a
# busy 2-core machine a second thread spins instead of helping (`tutor run` of the slides'
# 4096-wide demo: 11 s of CPU with two threads, 5 s with one). Set before numpy loads BLAS.
for _name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from . import commands  # noqa: E402,F401  (registers list, run, train, validate)
from . import compare  # noqa: E402,F401  (registers compare)
from . import explain  # noqa: E402,F401  (registers explain)
from .app import WRITE_ERRORS, app  # noqa: E402


def main() -> None:
    import errno
    import sys

    import numpy as np

    from ..errors import TutorError
    from ..textsafe import visible
    from ..output import quiet_stdout

    # a log(0) or an overflow is the lesson, not a crash: the tutor shows such values itself
    # (as inf / nan, a warning on the step, null in JSON), so numpy's own messages stay quiet
    np.seterr(all="ignore")
    _help_console_quiet_on_a_closed_pipe()
    status = 0
    try:
        app()
    except SystemExit as done:
        status = done.code
    except TutorError as err:  # the one place a library error becomes a message and status 2
        sys.stderr.write(f"{visible(err)}\n")
        status = err.exit_status
    except KeyboardInterrupt:  # Ctrl-C before or after a command ran: the shell's 130
        status = 130
    except BrokenPipeError:  # --help or --version into a closed pipe: quiet, as a command
        quiet_stdout()
    except OSError as exc:  # --help or --version that cannot be written (a command says so itself)
        if exc.errno not in WRITE_ERRORS:
            raise
        quiet_stdout()
        sys.stderr.write(f"tutor: cannot write the output ({exc.strerror or exc})\n")
        status = 2
    try:  # what is still buffered: a closed pipe is quiet, a full disk is said
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
    except OSError as exc:
        quiet_stdout()
        if exc.errno is not None and exc.errno != errno.EPIPE:
            sys.stderr.write(f"tutor: cannot write the output ({exc.strerror or exc})\n")
            status = status or 2
    sys.exit(status)


def _help_console_quiet_on_a_closed_pipe() -> None:
    """typer prints --help through a rich Console of its own, which exits with status 1
    when the reader has gone; the tutor's console ends quietly with 0 instead."""
    try:
        from typer import rich_utils

        from ..output import TutorConsole
    except ImportError:  # typer without rich: click's help, which raises BrokenPipeError
        return
    rich_utils.Console = TutorConsole
