"""The one kind of console the tutor writes to.

When the reader of standard output goes away (`tutor run logistic-4x2 | head -1`),
the rest of the output goes nowhere and the tutor ends quietly with status 0, as
`head` expects; rich's own choice would be status 1.
"""

from __future__ import annotations

import errno
import os
import sys

from rich.console import Console

#: write errors that end a command with a message (a closed pipe ends it quietly)
WRITE_ERRORS = (errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT, errno.EBADF)


def quiet_stdout() -> None:
    """Send whatever is still to be written to nowhere: the reader has gone."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout already closed
        pass


class TutorConsole(Console):
    def on_broken_pipe(self) -> None:
        quiet_stdout()
        raise SystemExit(0)


def console(stderr: bool = False) -> Console:
    return TutorConsole(stderr=stderr, highlight=False)
