"""Step mode: the app on a terminal, every step printed without one.

When standard input or output is not a terminal it never waits: it says why on
stderr and prints every step in order, then returns. `body_lines` fits a frame to a
screen (the operation first when the picture and the operation do not both fit, a
line saying what is above and below when it scrolls); the app (app.py) draws it.
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from ..i18n import _
from ..render.frame import footer, help_panel, separator
from .. import output
from .keys import HELP, Navigator
from .lesson import Lesson

#: seconds per step when `a` starts playing without --auto
DEFAULT_BEAT = 2.0


def print_all(lesson: Lesson, console: Console) -> None:
    for i in range(lesson.total):
        if i:
            console.print(separator(lesson.theme))
        console.print(lesson.frame(i))


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


def _lines(console: Console, renderable, width: int):
    return console.render_lines(renderable, console.options.update(width=width, height=None), pad=False)


def status(nav: Navigator) -> str:
    """The line above the keys: a message, the name being typed after `g`, or playing."""
    if nav.goto is not None:
        return _("go to: {goto}_  (a number or a name such as dL/dW1; Enter goes, Esc cancels)").format(goto=nav.goto)
    if nav.playing and not nav.message:
        return _("playing")
    return nav.message


def arrange(frame, console: Console, width: int, room: int, theme, help: bool = False, picture=None):
    """Every line of the part of the screen between the header and the keys, unscrolled.

    When the picture and the operation do not both fit in `room` lines, the operation
    comes first (its formula, result and warnings lead it) and the picture follows
    below, where scrolling reaches it."""
    if help:
        return _lines(console, help_panel(HELP, theme), width)
    op = _lines(console, frame.operation(), width)
    picture = frame.c.network if picture is None else picture
    drawn = _lines(console, picture, width) if picture is not None else []
    gap = [[]] * (theme.spacing if drawn else 0)
    if len(drawn) + len(gap) + len(op) <= room:
        return drawn + gap + op
    return op + ([[]] + drawn if drawn else [])


def scrolled(body, nav: Navigator, console: Console, room: int, theme):
    """`room` lines at most of the body, from `nav.scroll` (nav's page and scroll_max are
    set for this screen), with a line saying what is above and below."""
    if len(body) <= room:
        nav.scroll, nav.scroll_max, nav.page = 0, 0, room
        return body
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
    return shown + [[Segment(note, console.get_style(theme.dim))]]


def body_lines(frame, nav: Navigator, console: Console, width: int, room: int, theme):
    """The body of one screen: arranged, then scrolled to `nav.scroll`."""
    return scrolled(arrange(frame, console, width, room, theme, nav.help), nav, console, room, theme)


def screen_lines(lesson: Lesson, nav: Navigator, console: Console, width: int, height: int):
    """The frame fitted to a terminal: header and keys always visible, the body scrolled."""
    frame = lesson.frame(nav.index)
    top = _lines(console, frame.header(), width)
    bottom = _lines(console, footer(status(nav), lesson.theme), width)
    room = max(1, height - len(top) - len(bottom))
    return top + body_lines(frame, nav, console, width, room, lesson.theme) + bottom


def run(model, steps, theme, view: str = "auto", auto: float | None = None, tone: str = "auto",
        keep: tuple | None = None) -> None:
    """`keep`: what the printed formulas depend on besides the numbers (as `tutor run` keys
    them), to read them from the cache and keep new ones; None keeps nothing."""
    lesson = Lesson(model, steps, theme, view)
    reason = interactive()
    if reason:
        Console(stderr=True, highlight=False).print(
            Text(_("tutor: --step needs a terminal ({reason}); printing every step instead.").format(reason=reason)))
        print_all(lesson, output.console())
        return
    from .app import StepApp

    if keep is None:
        StepApp(lesson, auto=auto, tone=tone).run_to_end()
        return
    from ..symbolic.printed import Kept

    memo = Kept(keep, steps)
    lesson.keep(memo)
    try:
        StepApp(lesson, auto=auto, tone=tone).run_to_end()
    finally:
        memo.close()
        lesson.save()
