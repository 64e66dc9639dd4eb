"""How a frame looks: the normal terminal theme and the projector theme.

A theme is settings only (styles, digits, spacing); the renderables read it.
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

    def with_digits(self, digits: int | None) -> "Theme":
        return self if digits is None else replace(self, digits=digits)

    def phase_style(self, phase: str) -> str:
        return self.phase.get(phase, "white")


NORMAL = Theme("normal")

#: high contrast for a room: no dim grey, bold everywhere, fewer digits, air between parts
PROJECTOR = Theme(
    "projector", digits=3, spacing=1, box=box.HEAVY,
    phase={"preprocess": "bold bright_magenta", "forward": "bold bright_cyan", "loss": "bold bright_yellow",
           "backward": "bold bright_red", "update": "bold bright_green"},
    text="bold", dim="bold", strong="bold bright_white", highlight="bold black on bright_yellow",
    warning="bold black on bright_red", formula="bold bright_white",
)

THEMES = {"normal": NORMAL, "projector": PROJECTOR}
