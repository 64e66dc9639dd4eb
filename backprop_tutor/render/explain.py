"""An explanation drawn for a student: one titled block per part of the derivation.

The renderer draws the sections that backprop_tutor.printing prints, fitted to the width
it is given when it is drawn; it computes nothing.
"""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from ..i18n import _


class ExplainView:
    FRAME = 4  # the panel's border and padding: a body gets the width it is drawn in less this

    def __init__(self, explanation, scenario_name: str, printed: tuple | None = None) -> None:
        """`printed`: (title, sections) already printed for the console's width less FRAME
        (printing.kept), drawn as they are; else the explanation is printed when drawn."""
        self.explanation = explanation
        self.scenario_name = scenario_name
        self.printed = printed

    def sections(self, width: int | None) -> list[tuple[str, str]]:
        """The sections' text for a panel `width` columns wide (None: as wide as it comes)."""
        if self.printed is not None:
            return self.printed[1]
        from ..printing.explain_text import text_sections

        return text_sections(self.explanation, None if width is None else width - self.FRAME)

    def __rich_console__(self, console, options):
        parts = []
        for i, (heading, body) in enumerate(self.sections(options.max_width), 1):
            parts.append(Text(f"{i}. {heading}", style="bold cyan"))
            parts.append(Text(body))
            parts.append(Text(""))
        if self.printed is not None:
            head = self.printed[0]
        else:
            from ..printing.explain_text import title

            head = title(self.explanation)
        header = Text.assemble((f" {self.scenario_name} ", "bold"), (" " + _("explain") + " ", "bold reverse red"),
                               (f" {head} ", "bold"))
        yield Panel(Group(*parts[:-1]), title=header, title_align="left", border_style="red")
