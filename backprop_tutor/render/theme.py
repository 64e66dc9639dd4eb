"""How a frame looks: the normal terminal theme and the projector themes.

A theme is settings only (styles, digits, spacing); the renderables read it.

The projector themes name every colour exactly, a foreground on a background of their
own, so a room sees the same contrast whatever the teacher's terminal uses: every text
and highlight pair reaches a WCAG contrast ratio of 7:1 or more (`pairs` lists them,
`contrast` computes a ratio; tests/test_app_theme.py checks each). `PROJECTOR` paints a
dark background, `PROJECTOR_LIGHT` a light one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rich import box


@dataclass(frozen=True)
class Theme:
    name: str
    digits: int = 6
    #: blank lines between the parts of a frame
    spacing: int = 0
    box: box.Box = box.ROUNDED
    phase: dict[str, str] = field(default_factory=lambda: {
        "preprocess": "magenta", "forward": "cyan", "loss": "yellow",
        "backward": "red", "update": "green"})
    text: str = ""
    dim: str = "dim"
    strong: str = "bold"
    highlight: str = "bold black on yellow"
    warning: str = "bold yellow"
    formula: str = "bold"
    #: the value picked for `explain` (in a matrix or the picture)
    selected: str = "reverse"
    #: the screen's own background ("" leaves the terminal's or the app's)
    background: str = ""
    #: "light" or "dark": the background this theme is made for ("" either)
    tone: str = ""

    def with_digits(self, digits: int | None) -> "Theme":
        return self if digits is None else replace(self, digits=digits)

    def phase_style(self, phase: str) -> str:
        return self.phase.get(phase, "white")


NORMAL = Theme("normal")

_DARK, _LIGHT = "#000000", "#ffffff"

#: high contrast for a room: no faint grey, bold everywhere, fewer digits, air between parts
PROJECTOR = Theme(
    "projector", digits=3, spacing=1, box=box.HEAVY,
    phase={"preprocess": f"bold #ff8cff on {_DARK}", "forward": f"bold #5ce1ff on {_DARK}",
           "loss": f"bold #ffe14d on {_DARK}", "backward": f"bold #ff8c8c on {_DARK}",
           "update": f"bold #7dff7d on {_DARK}"},
    text=f"bold #ffffff on {_DARK}", dim=f"bold #d9d9d9 on {_DARK}", strong=f"bold #ffffff on {_DARK}",
    highlight="bold #000000 on #ffe14d", warning="bold #ffffff on #a30000",
    formula=f"bold #ffffff on {_DARK}", selected="bold #000000 on #5ce1ff", background=_DARK, tone="dark",
)

#: the projector theme on a light background (the same parts, dark inks)
PROJECTOR_LIGHT = replace(
    PROJECTOR, name="projector-light",
    phase={"preprocess": f"bold #7a007a on {_LIGHT}", "forward": f"bold #004d66 on {_LIGHT}",
           "loss": f"bold #5c4300 on {_LIGHT}", "backward": f"bold #a30000 on {_LIGHT}",
           "update": f"bold #004d00 on {_LIGHT}"},
    text=f"bold #000000 on {_LIGHT}", dim=f"bold #262626 on {_LIGHT}", strong=f"bold #000000 on {_LIGHT}",
    highlight="bold #000000 on #ffe14d", warning="bold #ffffff on #a30000",
    formula=f"bold #000000 on {_LIGHT}", selected="bold #ffffff on #004d66", background=_LIGHT, tone="light",
)

THEMES = {"normal": NORMAL, "projector": PROJECTOR, "projector-light": PROJECTOR_LIGHT}


def for_background(theme: Theme, tone: str) -> Theme:
    """The projector theme made for a light or a dark background; other themes as they are."""
    if theme.name.startswith("projector") and tone in ("light", "dark"):
        chosen = PROJECTOR_LIGHT if tone == "light" else PROJECTOR
        return replace(chosen, digits=theme.digits)
    return theme


def pairs(theme: Theme) -> dict[str, str]:
    """Every text and highlight style of a theme, by the part it draws."""
    found = {k: getattr(theme, k) for k in ("text", "dim", "strong", "highlight", "warning", "formula", "selected")}
    found.update({f"phase {k}": v for k, v in theme.phase.items()})
    return found


def luminance(color: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(color[k:k + 2], 16) / 255 for k in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)
