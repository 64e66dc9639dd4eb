"""The step-mode loop: draw a frame, wait for a key, move, draw again.

When standard input or output is not a terminal it never waits: it says why on
stderr and prints every step in order, then returns.
"""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.segment import Segment, Segments
from rich.text import Text

from ..i18n import _
from ..render.frame import footer, help_panel, separator
from .. import output
from . import terminal
from .keys import HELP, Navigator, decode
from .lesson import Lesson

#: how often (seconds) an idle loop looks at the terminal size
POLL = 0.5
#: seconds per step when `a` starts playing without --auto
DEFAULT_BEAT = 2.0


def print_all(lesson: Lesson, console: Console) -> None:
    for i in range(lesson.total):
        if i:
            console.print(separator(lesson.theme))
        console.print(lesson.frame(i))


def _lines(console: Console, renderable, width: int):
    return console.render_lines(renderable, console.options.update(width=width, height=None), pad=False)


def screen_lines(lesson: Lesson, nav: Navigator, console: Console, width: int, height: int):
    """The frame fitted to the terminal: header and footer always visible, the body
    scrolled to `nav.scroll`.

    When the picture and the operation do not both fit, the operation comes first
    (its formula, result and warnings lead it) and the picture follows below, where
    scrolling reaches it.
    """
    frame = lesson.frame(nav.index)
    status = nav.message
    if nav.goto is not None:
        status = _("go to step: {goto}_  (Enter goes, Esc cancels)").format(goto=nav.goto)
    elif nav.playing and not status:
        status = "playing"
    top = _lines(console, frame.header(), width)
    bottom = _lines(console, footer(status, lesson.theme), width)
    room = max(1, height - len(top) - len(bottom))
    if nav.help:
        body = _lines(console, help_panel(HELP, lesson.theme), width)
    else:
        op = _lines(console, frame.operation(), width)
        picture = _lines(console, frame.c.network, width) if frame.c.network is not None else []
        gap = [[]] * (lesson.theme.spacing if picture else 0)
        if len(picture) + len(gap) + len(op) <= room:
            body = picture + gap + op
        else:
            body = op + ([[]] + picture if picture else [])
    if len(body) <= room:
        nav.scroll, nav.scroll_max, nav.page = 0, 0, room
        return top + body + bottom
    view = max(1, room - 1)  # one line says what is above and below
    nav.scroll_max = len(body) - view
    nav.scroll = min(nav.scroll, nav.scroll_max)
    nav.page = view
    below = len(body) - nav.scroll - view
    if below:
        note = _("↓ {below} more lines below (↓ j PgDn scroll").format(below=below)
        note += _(", ↑ k PgUp back)") if nav.scroll else ")"
    else:
        note = _("↑ {scroll} lines above (↑ k PgUp scroll back)").format(scroll=nav.scroll)
    shown = body[nav.scroll:nav.scroll + view]
    return top + shown + [[Segment(note, console.get_style(lesson.theme.dim))]] + bottom


def draw(lesson, nav, console: Console) -> None:
    width, height = console.size
    lines = screen_lines(lesson, nav, console, width, height)
    out = []
    for k, line in enumerate(lines):
        out.extend(line)
        if k < len(lines) - 1:
            out.append(Segment.line())
    console.clear()
    console.print(Segments(out), end="")


class _StepScreen(terminal.Screen):
    """The alternate screen with a hidden cursor; taken again after `fg`, then redrawn."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.dirty = True

    def enter(self) -> None:
        self.console.set_alt_screen(True)
        self.console.show_cursor(False)
        self.dirty = True

    def leave(self) -> None:
        self.console.show_cursor(True)
        self.console.set_alt_screen(False)


def interactive(lesson: Lesson, console: Console, auto: float | None = None, fd: int | None = None) -> None:
    """The keyboard loop. Ctrl-C ends it with KeyboardInterrupt (status 130)."""
    fd = sys.stdin.fileno() if fd is None else fd
    nav = Navigator(lesson.total, lesson.phase_starts(), playing=bool(auto))
    beat = auto or DEFAULT_BEAT
    size = None
    screen = _StepScreen(console)
    with terminal.keyboard(fd, screen):
        next_beat = time.monotonic() + beat
        while True:
            if screen.dirty or console.size != size:
                size = console.size
                draw(lesson, nav, console)
                screen.dirty = False
            timeout = POLL
            if nav.playing:
                timeout = max(0.0, min(POLL, next_beat - time.monotonic()))
            data = terminal.read(fd, timeout)
            if data is None:
                if nav.playing and time.monotonic() >= next_beat:
                    screen.dirty = bool(nav.tick())
                    next_beat = time.monotonic() + beat
                continue
            if data == b"":  # the terminal went away
                return
            for key in decode(data):
                if nav.handle(key) == "quit":
                    return
                screen.dirty = True
            if nav.playing:
                next_beat = time.monotonic() + beat


def run(model, steps, theme, view: str = "auto", auto: float | None = None) -> None:
    lesson = Lesson(model, steps, theme, view)
    console = output.console()
    reason = terminal.interactive()
    if reason:
        Console(stderr=True, highlight=False).print(
            Text(_("tutor: --step needs a terminal ({reason}); printing every step instead.").format(reason=reason)))
        print_all(lesson, console)
        return
    interactive(lesson, console, auto)
