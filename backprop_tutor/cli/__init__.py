"""The command line (typer, thin). Each module registers its commands on `app`."""

from . import commands  # noqa: F401  (registers list, run, train, validate)
from . import compare  # noqa: F401  (registers compare)
from . import explain  # noqa: F401  (registers explain)
from .app import app


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
