"""Keys to moves, with no terminal involved: `Navigator` turns key names (Textual's:
right, enter, pagedown, ctrl+c, a letter ...) into a position among the steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..i18n import _

HELP = [
    ("→  Enter  Space", _("next step")),
    ("←  Backspace  b", _("previous step")),
    ("↓ ↑  j k", _("scroll the step a line down / up")),
    ("PgDn PgUp", _("scroll the step a page down / up")),
    ("g NUMBER Enter", _("go to step NUMBER")),
    ("g NAME Enter", _("go to the step of dL/dW1, z1^(1), w12^(1) ... (Esc cancels)")),
    ("f / r", _("start of the forward / backward phase")),
    ("Home / End", _("first / last step")),
    ("Tab  Shift+Tab", _("pick the next / previous value (a matrix entry, a unit, a weight)")),
    ("e  (or a click)", _("explain the picked value: its chain-rule derivation beside the step")),
    ("Esc", _("close the derivation")),
    ("c", _("quiz: type each value before it is shown (Esc leaves)")),
    ("s", _("statistics of each layer: mean, std, histogram, dead and saturated units (s again or Esc closes)")),
    ("t", _("light or dark background")),
    ("a", _("play the steps by themselves (any key pauses)")),
    ("?", _("show or hide these keys")),
    ("q  Ctrl-C", _("quit")),
]

#: the names a key has, by the name the navigator reads
ALIASES = {"ctrl+c": "ctrl-c", "ctrl+d": "ctrl-d", "question_mark": "?", "page_down": "pagedown",
           "page_up": "pageup", "ctrl+h": "backspace"}


@dataclass
class Navigator:
    """Where we are among `total` steps, and what the last key asked for.

    `phase_starts` maps a phase name (forward, backward ...) to its first index;
    `locate(text)` reads what was typed after `g` into (index, picked entry or None),
    raising ValueError with the message to show (numbers only when not given).
    `handle(key)` returns "quit", "redraw" or "" (nothing changed).
    """

    total: int
    phase_starts: dict[str, int] = field(default_factory=dict)
    index: int = 0
    goto: str | None = None  # what was typed after `g`, None when not entering a name
    help: bool = False
    playing: bool = False
    message: str = ""
    locate: Callable[[str], tuple[int, str | None]] | None = None
    #: the entry a `g NAME` picked (an explain target), for the screen to select
    picked: str | None = None
    #: first line of the step shown; the screen sets `page` (lines in view) and
    #: `scroll_max` (None until a screen has been drawn) and keeps `scroll` within them
    scroll: int = 0
    page: int = 10
    scroll_max: int | None = None

    def move(self, to: int) -> None:
        to = max(0, min(self.total - 1, to))
        if to != self.index:
            self.scroll, self.scroll_max = 0, None
        self.index = to

    def _scroll(self, by: int) -> None:
        top = self.scroll_max
        if by > 0 and top is not None and self.scroll >= top:
            self.message = (_("the whole step is shown (→ goes to the next)") if top == 0
                            else _("this is the end of the step (→ goes to the next)"))
            return
        if by < 0 and self.scroll == 0:
            self.message = _("this is the top of the step")
            return
        self.scroll = max(0, self.scroll + by)
        if top is not None:
            self.scroll = min(top, self.scroll)

    def tick(self) -> str:
        """One beat of --auto: the next step, stopping (paused) at the last."""
        if not self.playing:
            return ""
        if self.index >= self.total - 1:
            self.playing = False
            self.message = _("end of the steps: playing stopped")
            return "redraw"
        self.move(self.index + 1)
        return "redraw"

    def handle(self, key: str) -> str:
        key = ALIASES.get(key, key)
        self.message = ""
        if key in ("ctrl-c", "ctrl-d") or (key in ("q", "Q") and self.goto is None):
            return "quit"
        if self.playing:  # any key pauses
            self.playing = False
            self.message = _("paused (a plays again)")
            return "redraw"
        if self.goto is not None:
            return self._goto_key(key)
        if self.help and key in ("?", "escape"):
            self.help = False
            return "redraw"
        return self._move_key(key)

    def _move_key(self, key: str) -> str:
        if key in ("down", "j"):
            self._scroll(1)
        elif key in ("up", "k"):
            self._scroll(-1)
        elif key == "pagedown":
            self._scroll(max(1, self.page - 1))
        elif key == "pageup":
            self._scroll(-max(1, self.page - 1))
        elif key in ("right", "enter", "space", "n"):
            if self.index == self.total - 1:
                self.message = _("this is the last step (q quits)")
            self.move(self.index + 1)
        elif key in ("left", "backspace", "b", "p"):
            if self.index == 0:
                self.message = _("this is the first step")
            self.move(self.index - 1)
        elif key == "home":
            self.move(0)
        elif key == "end":
            self.move(self.total - 1)
        elif key == "g":
            self.goto = ""
        elif key in ("f", "r"):
            phase = "forward" if key == "f" else "backward"
            if phase in self.phase_starts:
                self.move(self.phase_starts[phase])
            else:
                self.message = _("this scenario has no {phase} phase").format(phase=phase)
        elif key == "a":
            self.playing = True
            self.message = _("playing (any key pauses)")
        elif key == "?":
            self.help = not self.help
        elif key == "escape":
            self.help = False
        else:
            self.message = _("unknown key {key}: ? shows the keys").format(key=repr(key))
        return "redraw"

    def _goto_key(self, key: str) -> str:
        typed = self.goto
        if key == "backspace":
            self.goto = typed[:-1]
        elif key == "escape":
            self.goto = None
        elif key == "enter" or (key in ("g", "space") and typed.isdigit()):
            self.goto = None
            self._go(typed)
        elif key == "space":
            pass  # a name has no spaces (g dL/dW1 reads the same as gdL/dW1)
        elif len(key) == 1 and key.isprintable():
            self.goto = typed + key
        else:  # an arrow or another key: the name is dropped and the key does its own work
            self.goto = None
            return self.handle(key)
        return "redraw"

    def _go(self, typed: str) -> None:
        if not typed:
            return
        if typed.isdigit() or self.locate is None:
            if not typed.isdigit():
                self.message = _("go to: {typed} is not a step number").format(typed=repr(typed))
                return
            number = int(typed)
            if 1 <= number <= self.total:
                self.move(number - 1)
            else:
                self.message = _("there is no step {number}: steps are 1 to {total}").format(number=number, total=self.total)
            return
        try:
            index, self.picked = self.locate(typed)
        except ValueError as err:
            self.message = str(err)
            return
        self.move(index)
