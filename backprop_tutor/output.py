"""The one kind of console the tutor writes to.

When the reader of standard output goes away (`tutor run logistic-4x2 | head -1`),
the rest of the output goes nowhere and the tutor ends quietly with status 0, as
`head` expects; rich's own choice would be status 1.
"""

from __future__ import annotations

from rich.console import Console

from .closing import WRITE_ERRORS, quiet_stdout  # noqa: F401  (read from here by the commands)


class TutorConsole(Console):
    def on_broken_pipe(self) -> None:
        quiet_stdout()
        raise SystemExit(0)


def console(stderr: bool = False) -> Console:
    return TutorConsole(stderr=stderr, highlight=False)
