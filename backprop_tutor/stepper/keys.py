"""Keys to moves, with no terminal involved: `decode` splits the bytes a terminal
sends into key names, `Navigator` turns key names into a position among the steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..i18n import _

#: escape sequences terminals send for the keys we use
SEQUENCES = {
    b"\x1b[C": "right", b"\x1bOC": "right",
    b"\x1b[D": "left", b"\x1bOD": "left",
    b"\x1b[A": "up", b"\x1bOA": "up",
    b"\x1b[B": "down", b"\x1bOB": "down",
    b"\x1b[H": "home", b"\x1b[F": "end", b"\x1b[1~": "home", b"\x1b[4~": "end",
    b"\x1b[5~": "pageup", b"\x1b[6~": "pagedown",
}
SINGLE = {
    b"\r": "enter", b"\n": "enter", b" ": "space", b"\x7f": "backspace", b"\x08": "backspace",
    b"\x03": "ctrl-c", b"\x04": "ctrl-d", b"\x1b": "escape", b"\t": "tab",
}

HELP = [
    ("→  Enter  Space", _("next step")),
    ("←  Backspace  b", _("previous step")),
    ("↓ ↑  j k", _("scroll the step a line down / up")),
    ("PgDn PgUp", _("scroll the step a page down / up")),
    ("g NUMBER Enter", _("go to step NUMBER")),
    ("f / r", _("start of the forward / backward phase")),
    ("Home / End", _("first / last step")),
    ("a", _("play the steps by themselves (any key pauses)")),
    ("?", _("show or hide these keys")),
    ("q  Ctrl-C", _("quit")),
]


def decode(data: bytes) -> list[str]:
    """Key names in the order typed; unknown escape sequences are dropped."""
    keys: list[str] = []
    i = 0
    while i < len(data):
        if data[i:i + 1] == b"\x1b" and i + 1 < len(data):
            for seq, name in SEQUENCES.items():
                if data.startswith(seq, i):
                    keys.append(name)
                    i += len(seq)
                    break
            else:
                # an unknown CSI sequence: skip to its final byte
                j = i + 1
                if data[j:j + 1] in (b"[", b"O"):
                    j += 1
                    while j < len(data) and not (0x40 <= data[j] <= 0x7E):
                        j += 1
                    i = j + 1
                else:
                    keys.append("escape")
                    i += 1
            continue
        one = data[i:i + 1]
        if one in SINGLE:
            keys.append(SINGLE[one])
        elif one.isascii() and one.decode().isprintable():
            keys.append(one.decode())
        i += 1
    return keys


@dataclass
class Navigator:
    """Where we are among `total` steps, and what the last key asked for.

    `phase_starts` maps a phase name (forward, backward ...) to its first index.
    `handle(key)` returns "quit", "redraw" or "" (nothing changed).
    """

    total: int
    phase_starts: dict[str, int] = field(default_factory=dict)
    index: int = 0
    goto: str | None = None  # digits typed after `g`, None when not entering a number
    help: bool = False
    playing: bool = False
    message: str = ""
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
        self.message = ""
        if key in ("q", "Q", "ctrl-c", "ctrl-d"):
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
        if key.isdigit() and len(key) == 1:
            self.goto += key
        elif key == "backspace":
            self.goto = self.goto[:-1]
        elif key == "escape":
            self.goto = None
        elif key in ("enter", "g", "space"):
            typed, self.goto = self.goto, None
            if typed:
                number = int(typed)
                if 1 <= number <= self.total:
                    self.move(number - 1)
                else:
                    self.message = _("there is no step {number}: steps are 1 to {total}").format(number=number, total=self.total)
        else:
            self.goto = None
            return self.handle(key)
        return "redraw"
