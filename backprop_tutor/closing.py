"""What a command does when its output cannot be written, without importing rich (the
entry point reads these before it knows whether a console will be needed)."""

from __future__ import annotations

import errno
import os
import sys

#: write errors that end a command with a message (a closed pipe ends it quietly)
WRITE_ERRORS = (errno.ENOSPC, errno.EIO, errno.EFBIG, errno.EDQUOT, errno.EBADF)


def quiet_stdout() -> None:
    """Send whatever is still to be written to nowhere: the reader has gone."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout already closed
        pass
