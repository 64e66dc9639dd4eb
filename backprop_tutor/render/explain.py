"""An explanation drawn for a student: one titled block per part of the derivation.

The renderer draws the sections that backprop_tutor.printing prints, fitted to the width
it is given when it is drawn; it computes nothing.
"""

from __future__ import annotations

from rich.box import ROUNDED
from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from ..printing.explain_text import text_sections, title


class ExplainView:
    FRAME = 4  # the panel's border and padding: a body gets the width it is drawn in less this

    def __init__(self, explanation, scenario_name: str, theme=None) -> None:
        self.explanation = explanation
        self.scenario_name = scenario_name
        self.theme = theme  # step mode's theme (None: `tutor explain`'s own colours)
        self._sections: dict[int | None, list[tuple[str, str]]] = {}

    def sections(self, width: int | None) -> list[tuple[str, str]]:
        """The sections' text for a panel `width` columns wide (None: as wide as it comes),
        printed once per width."""
        if width not in self._sections:
            self._sections[width] = text_sections(self.explanation, None if width is None else width - self.FRAME)
        return self._sections[width]

    def __rich_console__(self, console, options):
        t = self.theme
        heading, text, strong, border = ("bold cyan", "", "bold", "red") if t is None else \
            (t.phase_style("forward"), t.text, t.strong, t.phase_style("backward"))
        parts = []
        for i, (name, body) in enumerate(self.sections(options.max_width), 1):
            parts.append(Text(f"{i}. {name}", style=heading))
            parts.append(Text(body, style=text))
            parts.append(Text(""))
        header = Text.assemble((f" {self.scenario_name} ", strong), (" explain ", f"bold reverse {border}"),
                               (f" {title(self.explanation)} ", strong))
        yield Panel(Group(*parts[:-1]), title=header, title_align="left", border_style=border,
                    box=t.box if t is not None else ROUNDED)
