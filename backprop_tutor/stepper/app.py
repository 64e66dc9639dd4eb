"""Step mode's classroom app, on Textual: the step, the network picture and, on demand,
the chain-rule derivation of any value, beside the step.

Textual owns the terminal (keys, mouse, resizing, the alternate screen, Ctrl-Z and `fg`);
the drawing is render/frame.py's, handed over as lines (panes.py). Keys go through the
Navigator (keys.py); frames are worked out ahead of the keys by a worker thread.
"""

from __future__ import annotations

import asyncio
import os
import signal

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Static

from ..i18n import _
from ..render.frame import footer
from ..render.theme import for_background
from .keys import Navigator
from .loop import DEFAULT_BEAT, scrolled, status
from .statspane import StatsPane
from .quiz import Quizzing
from .panes import Drawing, Prepare, console

#: the key line of the app (every key is in the `?` help)
KEYS = _("→ next  ← back  ↓↑ scroll  g go to  f/r phase  Tab pick  e explain  ? keys  q quit")
#: the keys that quit (while no name is being typed after `g`)
QUIT_KEYS = frozenset({"q", "Q", "ctrl+c", "ctrl+d"})
#: signals that end step mode: the terminal is restored, the exit status is 128 + the signal
ENDING = (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


class Pane(VerticalScroll, can_focus=False):
    """The derivation pane: scrolled by the mouse wheel and J / K, never focused (the
    keys stay with the steps)."""


class StepPane(Widget):
    """The step, its lines handed to Textual as strips (drawn once, in panes.py). A click
    on a value the drawing marked as explainable (a matrix entry, a unit, a weight: the
    `pick` in its style) opens that value's derivation."""

    def show(self, lines) -> None:
        self._lines, self._strips = lines, {}
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """Line y at the pane's width now (the strips are made once per width)."""
        width = self.size.width
        strips = self._strips.get(width) if hasattr(self, "_strips") else None
        if strips is None:
            base = self.rich_style
            strips = [Strip(line).extend_cell_length(width).crop(0, width).apply_style(base)
                      for line in getattr(self, "_lines", [])] + [Strip.blank(width, base)]
            if hasattr(self, "_strips"):
                self._strips[width] = strips
        return strips[y] if y < len(strips) - 1 else strips[-1]

    def on_click(self, event) -> None:
        target = event.style.meta.get("pick") if event.style is not None else None
        if target:
            self.app.action_pick(target)

    def on_mouse_scroll_down(self, event) -> None:
        self.app.scroll_step(3)

    def on_mouse_scroll_up(self, event) -> None:
        self.app.scroll_step(-3)


def tone_of_terminal() -> str:
    """light or dark: COLORFGBG (set by many terminals: "15;0" is white on black) when it
    says, else dark."""
    parts = os.environ.get("COLORFGBG", "").split(";")
    if parts[-1].isdigit():
        return "light" if int(parts[-1]) in (7, 15) else "dark"
    return "dark"


class StepApp(StatsPane, Quizzing, App):
    CSS = """
    Screen { layout: vertical; overflow: hidden; }
    #header, #footer { height: 1; width: 100%; }
    #main { height: 1fr; }
    #step { width: 1fr; height: 100%; }
    #explain { display: none; height: 100%; border-left: solid $secondary; }
    #quiz { display: none; height: 100%; }
    #quiz-view { height: 1fr; }
    """
    BINDINGS = [
        Binding("ctrl+c", "interrupt", show=False, priority=True),
        Binding("ctrl+z", "suspend_process", show=False, priority=True),
        Binding("tab", "next_pick(1)", show=False, priority=True),
        Binding("shift+tab", "next_pick(-1)", show=False, priority=True),
    ]
    ENABLE_COMMAND_PALETTE = False
    AUTO_FOCUS = None  # the keys belong to the steps (the quiz's answer box takes them while quizzing)

    def __init__(self, lesson, auto: float | None = None, tone: str = "auto", prepare: bool = True) -> None:
        from .driver import StepDriver

        super().__init__(driver_class=StepDriver)
        self.lesson = lesson
        self.tone = tone_of_terminal() if tone == "auto" else tone
        lesson.theme = for_background(lesson.theme, self.tone)
        self.nav = Navigator(lesson.total, lesson.phase_starts(), playing=bool(auto), locate=self.locate)
        self.beat = auto or DEFAULT_BEAT
        self.drawing = Drawing(lesson)
        self.prepare = Prepare(self.drawing, self._prepared) if prepare else None
        self.selected: str | None = None
        self.explaining: str | None = None
        self.explained: dict[tuple, object] = {}
        #: what the panes show, as plain text: header, step, keys, derivation
        self.shown: tuple[str, str, str] = ("", "", "")
        self.derivation = ""
        self._out = None
        self._timer = None

    # set-up -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="header")
        with Horizontal(id="main"):
            yield StepPane(id="step")
            with Pane(id="explain"):
                yield Static(id="derivation")
            with Vertical(id="quiz"):
                yield Static(id="quiz-view")
                yield Input(id="answer", placeholder=_("your value, then Enter (s skips, b goes back)"), disabled=True)
        yield Static(id="footer")

    def on_mount(self) -> None:
        self._paint()
        try:
            loop = asyncio.get_running_loop()
            for sig in ENDING:
                loop.add_signal_handler(sig, lambda sig=sig: self.quit(128 + sig))
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread (tests)
            pass
        self.redraw()
        if self.prepare is not None:
            self.prepare.start()
        self._timer = self.set_interval(self.beat, self._tick, pause=not self.nav.playing)

    def on_unmount(self) -> None:
        if self.prepare is not None:
            self.prepare.stop()

    def run_to_end(self) -> None:
        """Run on the terminal; Ctrl-C ends with KeyboardInterrupt (status 130) and an ending
        signal with SystemExit(128 + signal), the terminal restored either way."""
        self.run()
        code = self.return_code or 0
        if code == 130:
            raise KeyboardInterrupt
        if code:
            raise SystemExit(code)

    def _paint(self) -> None:
        """The screen's own colours: the projector theme's background and ink, or Textual's
        light or dark theme."""
        look = self.lesson.theme
        self.theme = "textual-light" if self.tone == "light" else "textual-dark"
        if look.background:
            from rich.style import Style

            ink = Style.parse(look.text).color
            for node in (self.screen, self.query_one("#explain"), self.query_one("#quiz-view"),
                         self.query_one("#answer")):
                node.styles.background = look.background
                node.styles.color = ink.triplet.hex if ink is not None and ink.triplet else None
            self.query_one("#answer", Input).placeholder = ""  # Textual's faint placeholder: the pane says it

    # drawing ------------------------------------------------------------------------

    def sizes(self) -> tuple[int, int]:
        """The step pane's width and the lines between the header and the keys."""
        width, height = self.size
        if self.explaining is not None or self.quizzing is not None:
            width -= width // 2  # the derivation or the quiz takes the right half
        return max(20, width), max(3, height - 2)

    def redraw(self) -> None:
        nav, les = self.nav, self.lesson
        width, room = self.sizes()
        if self._out is None or self._out.width != width:
            self._out = console(width, room)
        i = nav.index
        body = self.drawing.body(i, width, room, self.selected, nav.help, self._out)
        lines = scrolled(body, nav, self._out, room, les.theme)
        content = les.content(i) if les.ready(i) else les.quick(i)
        from ..render.frame import Frame

        header, keys = Frame(content, les.theme).header(), footer(status(nav), les.theme, KEYS)
        self.shown = (header.plain, "\n".join("".join(seg.text for seg in line) for line in lines), keys.plain)
        # every pane's size is fixed by the CSS: no layout pass is needed
        self.query_one("#header", Static).update(header, layout=False)
        self.query_one("#step", StepPane).show(lines)
        self.query_one("#footer", Static).update(keys, layout=False)
        if self.prepare is not None:
            self.prepare.want(i, width, room, self.selected)
        if hasattr(self._driver, "quit_keys"):
            self._driver.quit_keys = QUIT_KEYS if nav.goto is None else frozenset({"ctrl+c"})

    def _prepared(self, i: int) -> None:
        """From the worker: step i's formulas are ready; redraw if it is the one shown."""
        if i == self.nav.index:
            try:
                self.call_from_thread(self.redraw)
            except RuntimeError:  # the app has ended
                pass

    def on_resize(self, event) -> None:
        self.redraw()
        if self.explaining is not None:
            self.explain(self.explaining)

    # keys ---------------------------------------------------------------------------

    def on_key(self, event) -> None:
        key = event.key
        if self.quizzing is not None:  # the answer box has the keys; Esc leaves, ↓↑ PgDn PgUp scroll
            if key == "escape":
                self.leave_quiz()
            elif key in ("up", "down", "pageup", "pagedown"):
                self.nav.handle(key)
                self.redraw()
            return
        event.stop()
        event.prevent_default()
        char = event.character
        if char and len(char) == 1 and char.isprintable() and char != " ":
            key = char
        if self.nav.goto is None and not self.nav.playing and self._own_key(key):
            return
        if self.nav.handle(key) == "quit":
            self.quit(0)
            return
        if self.nav.picked is not None:
            self.selected, self.nav.picked = self.nav.picked, None
            self.nav.message = _("picked {selected}: e explains it").format(selected=self.selected)
        if self.nav.playing:
            self._timer.resume()
            self._timer.reset()
        else:
            self._timer.pause()
        self.redraw()

    def _own_key(self, key: str) -> bool:
        """The app's own keys: explain, close, the quiz, the background, the derivation's scrolling."""
        if key == "e":
            self.action_explain()
        elif key == "c":
            self.start_quiz()
        elif key == "escape" and self.explaining is not None and not self.nav.help:
            self.close_explain()
        elif key == "t":
            self.toggle_tone()
        elif key == "s":
            self.toggle_stats()
        elif key in ("J", "K") and self.explaining is not None:
            self.query_one("#explain").scroll_relative(y=3 if key == "J" else -3, animate=False)
        else:
            return False
        self.redraw()
        return True

    def _tick(self) -> None:
        if self.nav.tick():
            self.redraw()
        if not self.nav.playing:
            self._timer.pause()

    def scroll_step(self, by: int) -> None:
        for _step in range(abs(by)):
            self.nav.handle("down" if by > 0 else "up")
        self.redraw()

    def action_interrupt(self) -> None:
        self.quit(130)

    def quit(self, code: int) -> None:
        """End with this exit status; what is typed from now on is left for the shell."""
        driver = self._driver
        if hasattr(driver, "quitting"):
            driver.quitting = True
        self.exit(return_code=code)

    def action_next_pick(self, by: int) -> None:
        width, room = self.sizes()
        picks = self.drawing.picks(self.nav.index, width, room)
        if not picks:
            self.nav.message = _("nothing to pick on this step")
        else:
            at = picks.index(self.selected) + by if self.selected in picks else (0 if by > 0 else -1)
            self.selected = picks[at % len(picks)]
            self.nav.message = _("picked {selected}: e explains it").format(selected=self.selected)
        self.redraw()

    def toggle_tone(self) -> None:
        self.tone = "light" if self.tone == "dark" else "dark"
        self.lesson.theme = for_background(self.lesson.theme, self.tone)
        self._paint()
        if self.explaining is not None:
            self.explain(self.explaining)

    def locate(self, text: str):
        from .names import locate

        return locate(self.lesson, text)

    def text(self) -> str:
        """The screen as plain text: header, step, keys (and the derivation when open)."""
        return "\n".join(self.shown) + (f"\n{self.derivation}" if self.explaining else "")
