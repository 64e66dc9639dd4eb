"""The command line (typer, thin). Each module registers its commands on `app`."""

from . import commands  # noqa: F401  (registers list, run, train, validate)
from . import compare  # noqa: F401  (registers compare)
from . import explain  # noqa: F401  (registers explain)
from .app import app


def main() -> None:
    import numpy as np

    # a log(0) or an overflow is the lesson, not a crash: the tutor shows such values itself
    # (as inf / nan, a warning on the step, null in JSON), so numpy's own messages stay quiet
    np.seterr(all="ignore")
    from ..errors import TutorError

    try:
        app()
    except TutorError as err:  # the one place a library error becomes a message and status 2
        import sys

        sys.stderr.write(f"{err}\n")
        sys.exit(err.exit_status)
