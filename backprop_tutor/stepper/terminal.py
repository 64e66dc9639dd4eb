"""The keyboard side of a real terminal: cbreak mode in, the old mode always back.

Standard library only (termios, tty, select). The terminal's settings are saved on
entry and restored on every way out: q, Ctrl-C, an error, a write error, or a signal
that ends us (SIGTERM, SIGHUP, SIGQUIT); Ctrl-Z and `fg` give the terminal back and
take it again.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import termios
import tty
from contextlib import contextmanager

from ..i18n import _


def interactive(stdin=None, stdout=None) -> str:
    """"" when both ends are terminals, else the plain reason we cannot step."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    try:
        if not stdin.isatty():
            return _("standard input is not a terminal")
        if not stdout.isatty():
            return _("standard output is not a terminal")
    except (AttributeError, ValueError):
        return _("no terminal")
    return ""


#: signals that end step mode: the terminal is restored, the exit status is 128 + the signal
ENDING = (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


class Screen:
    """What step mode changes on the screen besides the line mode (alternate screen, hidden
    cursor): `leave` puts it back, `enter` takes it again. The default changes nothing."""

    def enter(self) -> None:
        pass

    def leave(self) -> None:
        pass


def _safely(action) -> None:
    try:
        action()
    except (OSError, ValueError, termios.error):  # the terminal may be gone (SIGHUP) or full
        pass


@contextmanager
def keyboard(fd: int, screen: Screen | None = None):
    """Keys arrive one at a time, unechoed; Ctrl-C still raises KeyboardInterrupt.

    On every way out (q, Ctrl-C, an error, SIGTERM, SIGHUP, SIGQUIT) the line mode and
    the screen are put back; Ctrl-Z puts them back before stopping, and `fg` takes the
    keyboard and the screen again."""
    screen = screen or Screen()
    saved = termios.tcgetattr(fd)
    previous = {sig: signal.getsignal(sig) for sig in ENDING + (signal.SIGTSTP, signal.SIGCONT)}

    def restore() -> None:
        _safely(screen.leave)
        _safely(lambda: termios.tcsetattr(fd, termios.TCSADRAIN, saved))

    def on_end(signum, frame):
        raise SystemExit(128 + signum)  # the `finally` below restores the terminal

    def on_stop(signum, frame):
        restore()
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)  # stops here until `fg`
        signal.signal(signal.SIGTSTP, on_stop)
        on_continue(signal.SIGCONT, frame)

    def on_continue(signum, frame):
        _safely(lambda: tty.setcbreak(fd, termios.TCSANOW))
        _safely(screen.enter)

    try:
        tty.setcbreak(fd, termios.TCSANOW)
        for sig in ENDING:
            signal.signal(sig, on_end)
        signal.signal(signal.SIGTSTP, on_stop)
        signal.signal(signal.SIGCONT, on_continue)
        _safely(screen.enter)
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        restore()


def read(fd: int, timeout: float | None) -> bytes | None:
    """The bytes of one key press (or a burst), b"" at end of input, None on timeout."""
    ready, _w, _x = select.select([fd], [], [], timeout)
    if not ready:
        return None
    data = os.read(fd, 64)
    # an escape sequence can arrive split; wait a moment for the rest of it
    while data.endswith(b"\x1b") or (data.startswith(b"\x1b") and len(data) < 3 and data != b"\x1b"):
        more, _w, _x = select.select([fd], [], [], 0.03)
        if not more:
            break
        chunk = os.read(fd, 64)
        if not chunk:
            break
        data += chunk
    return data
