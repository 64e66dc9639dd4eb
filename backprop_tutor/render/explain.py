"""An explanation drawn for a student: one titled block per part of the derivation.

The renderer draws the sections the symbolic layer printed; it computes nothing.
"""

from __future__ import annotations

from rich.console import Group
from rich.panel import Panel
from rich.text import Text


class ExplainView:
    FRAME = 4  # the panel's border and padding: a body gets the console's width less this
    def __init__(self, title: str, scenario_name: str, sections: list[tuple[str, str]]) -> None:
        self.title = title
        self.scenario_name = scenario_name
        self.sections = sections

    def __rich_console__(self, console, options):
        parts = []
        for i, (heading, body) in enumerate(self.sections, 1):
            parts.append(Text(f"{i}. {heading}", style="bold cyan"))
            parts.append(Text(body))
            parts.append(Text(""))
        header = Text.assemble((f" {self.scenario_name} ", "bold"), (" explain ", "bold reverse red"),
                               (f" {self.title} ", "bold"))
        yield Panel(Group(*parts[:-1]), title=header, title_align="left", border_style="red")
