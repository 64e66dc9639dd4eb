"""typer's help, drawn in the tutor's own process (`tutor run --help`), with nothing cut.

typer lays out each parameter's help in rich Columns and its commands in a Table, whose
columns cut a word longer than themselves with "…": at 60 columns `--set` showed
`training.learnin…` and its example was lost. Here such a word is folded onto the next
line instead; what fits is drawn as before. `install` replaces the two names in
typer.rich_utils, and is called only by the command line (cli.main) before typer draws help.
"""

from __future__ import annotations

from rich.columns import Columns
from rich.measure import Measurement
from rich.table import Table


class _Folded:
    """A renderable drawn with overflow "fold" whatever the column around it says."""

    def __init__(self, renderable) -> None:
        self.renderable = renderable

    def __rich_measure__(self, console, options):
        return Measurement.get(console, options, self.renderable)

    def __rich_console__(self, console, options):
        yield from console.render(self.renderable, options.update(overflow="fold"))


class FoldingColumns(Columns):
    def __init__(self, renderables=None, *args, **kwargs) -> None:
        super().__init__([_Folded(r) for r in renderables or ()], *args, **kwargs)


class FoldingTable(Table):
    def add_row(self, *renderables, **kwargs):
        while len(self.columns) < len(renderables):  # the columns rich would add, but folding
            self.add_column(overflow="fold")
        super().add_row(*renderables, **kwargs)


def install() -> None:
    from typer import rich_utils

    rich_utils.Columns = FoldingColumns
    rich_utils.Table = FoldingTable
