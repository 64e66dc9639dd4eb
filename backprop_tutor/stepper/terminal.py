"""The keyboard side of a real terminal: cbreak mode in, the old mode always back.

Standard library only (termios, tty, select). The terminal's settings are saved on
entry and restored on every way out: q, Ctrl-C, an error, or a signal that ends us.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import termios
import tty
from contextlib import contextmanager


def interactive(stdin=None, stdout=None) -> str:
    """"" when both ends are terminals, else the plain reason we cannot step."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    try:
        if not stdin.isatty():
            return "standard input is not a terminal"
        if not stdout.isatty():
            return "standard output is not a terminal"
    except (AttributeError, ValueError):
        return "no terminal"
    return ""


@contextmanager
def keyboard(fd: int):
    """Keys arrive one at a time, unechoed; Ctrl-C still raises KeyboardInterrupt."""
    saved = termios.tcgetattr(fd)
    previous = signal.getsignal(signal.SIGTERM)

    def restore(*_):
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    def on_term(signum, frame):
        restore()
        raise SystemExit(128 + signum)

    try:
        tty.setcbreak(fd, termios.TCSANOW)
        signal.signal(signal.SIGTERM, on_term)
        yield
    finally:
        restore()
        signal.signal(signal.SIGTERM, previous)


def read(fd: int, timeout: float | None) -> bytes | None:
    """The bytes of one key press (or a burst), b"" at end of input, None on timeout."""
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return None
    data = os.read(fd, 64)
    # an escape sequence can arrive split; wait a moment for the rest of it
    while data.endswith(b"\x1b") or (data.startswith(b"\x1b") and len(data) < 3 and data != b"\x1b"):
        more, _, _ = select.select([fd], [], [], 0.03)
        if not more:
            break
        chunk = os.read(fd, 64)
        if not chunk:
            break
        data += chunk
    return data
