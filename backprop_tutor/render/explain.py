"""An explanation drawn for a student: one titled block per part of the derivation.

The renderer draws the sections that backprop_tutor.printing prints, fitted to the width
it is given when it is drawn; it computes nothing.
"""

from __future__ import annotations

from rich.box import ROUNDED
from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from ..i18n import _


class ExplainView:
    FRAME = 4  # the panel's border and padding: a body gets the width it is drawn in less this

    def __init__(self, explanation, scenario_name: str, printed: tuple | None = None, theme=None) -> None:
        """`printed`: (title, sections) already printed for the console's width less FRAME
        (printing.kept), drawn as they are; else the explanation is printed when drawn, once
        per width. `theme`: step mode's theme (None: `tutor explain`'s own colours)."""
        self.explanation = explanation
        self.scenario_name = scenario_name
        self.printed = printed
        self.theme = theme
        self._sections: dict[int | None, list[tuple[str, str]]] = {}

    def sections(self, width: int | None) -> list[tuple[str, str]]:
        """The sections' text for a panel `width` columns wide (None: as wide as it comes)."""
        if self.printed is not None:
            return self.printed[1]
        if width not in self._sections:
            from ..printing.explain_text import text_sections

            self._sections[width] = text_sections(self.explanation, None if width is None else width - self.FRAME)
        return self._sections[width]

    def _title(self) -> str:
        if self.printed is not None:
            return self.printed[0]
        from ..printing.explain_text import title

        return title(self.explanation)

    def __rich_console__(self, console, options):
        t = self.theme
        heading, text, strong, border = ("bold cyan", "", "bold", "red") if t is None else \
            (t.phase_style("forward"), t.text, t.strong, t.phase_style("backward"))
        parts = []
        for i, (name, body) in enumerate(self.sections(options.max_width), 1):
            parts.append(Text(f"{i}. {name}", style=heading))
            parts.append(Text(body, style=text))
            parts.append(Text(""))
        header = Text.assemble((f" {self.scenario_name} ", strong), (" " + _("explain") + " ", f"bold reverse {border}"),
                               (f" {self._title()} ", strong))
        yield Panel(Group(*parts[:-1]), title=header, title_align="left", border_style=border,
                    box=t.box if t is not None else ROUNDED)
