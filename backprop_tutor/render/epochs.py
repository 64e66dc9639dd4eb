"""Epoch-by-epoch training drawn: a table like the notes' log, and curves side by side.

The renderer draws the records it is given (EpochRecord); it computes nothing.
"""

from __future__ import annotations

import math

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..i18n import _
from .train import sparkline


def percent(x: float | None) -> str:
    return _("no test set") if x is None else f"{100 * x:.2f}%"


def fitted_title(label, width: int) -> tuple[str | None, list]:
    """(a panel's title, lines to put first inside it): the label as the title where it fits
    the border, else whole and wrapped on the panel's first lines (a value is never cut)."""
    from rich.cells import cell_len

    plain = label.plain if isinstance(label, Text) else str(label)
    if cell_len(plain) + 6 <= width:
        return label, []
    return None, [label if isinstance(label, Text) else Text(label, style="bold")]


def _loss(x: float | None) -> str:
    return "–" if x is None else f"{x:.4g}"


def epoch_line(record) -> str:
    """One epoch as one line, in the notes' words."""
    sat = "  ".join(_("saturated sign {i}: {percent}").format(i=i, percent=percent(s)) for i, s in enumerate(record.saturation, 1))
    return (_("Epoch {epoch} | Loss: {loss}  Train Acc: {percent}  Test Acc: {percent2}  {sat}").format(epoch=format(record.epoch, "02d"), loss=format(record.loss, ".4g"), percent=percent(record.train_accuracy), percent2=percent(record.test_accuracy), sat=sat))


class EpochTable:
    """Loss, train/test accuracy and the saturated ratio of each sign layer, per epoch."""

    def __init__(self, records, title: str = "") -> None:
        self.records = list(records)
        self.title = title

    def __rich_console__(self, console, options):
        table = Table(title=self.title or None, title_justify="left", show_edge=False)
        table.add_column("epoch", justify="right")
        table.add_column("loss", justify="right")
        # the validation and test losses, evaluated at the end of each epoch, where there are such rows
        held = [(name, field) for name, field in ((_("val loss"), "validation_loss"), (_("test loss"), "test_loss"))
                if any(getattr(r, field, None) is not None for r in self.records)]
        for name, _field in held:
            table.add_column(name, justify="right")
        table.add_column(_("train acc"), justify="right")
        table.add_column(_("test acc"), justify="right")
        n_sign = len(self.records[0].saturation) if self.records else 0
        for i in range(n_sign):
            table.add_column(_("saturated sign {value}").format(value=i + 1), justify="right")
        for r in self.records:
            losses = [_loss(getattr(r, field, None)) for _name, field in held]
            table.add_row(str(r.epoch), f"{r.loss:.4g}", *losses, percent(r.train_accuracy), percent(r.test_accuracy),
                          *[percent(s) for s in r.saturation])
        yield table
        if not all(math.isfinite(r.loss) for r in self.records):
            from .train import NOT_FINITE

            yield Text(NOT_FINITE, style="bold yellow")


class Curves:
    """One run's curves (test accuracy, each sign layer's saturation) as sparklines on a 0..1 scale."""

    def __init__(self, label: str, records, with_table: bool = True) -> None:
        self.label = label
        self.records = list(records)
        self.with_table = with_table

    def __rich_console__(self, console, options):
        rs = self.records
        lines = []

        def row(name: str, values: list[float]) -> None:
            # pin the scale to [0, 1] so two runs' curves can be compared by eye
            spark = sparkline([0.0, 1.0] + values, 64)[2:]
            lines.append(Text.assemble((f"{name:<17}", "dim"), (spark, "yellow"), f"  {percent(values[-1])}"))

        if rs and rs[0].test_accuracy is None:
            lines.append(Text.assemble((f"{'test accuracy':<17}", "dim"), _("no test set")))
        else:
            row(_("test accuracy"), [r.test_accuracy for r in rs])
        row(_("train accuracy"), [r.train_accuracy for r in rs])
        for i in range(len(rs[0].saturation) if rs else 0):
            row(_("saturated sign {value}").format(value=i + 1), [r.saturation[i] for r in rs])
        parts = lines + ([EpochTable(rs)] if self.with_table else [])
        title, head = fitted_title(self.label, options.max_width)
        yield Panel(Group(*head, *parts), title=title, title_align="left")


class SideBySide:
    def __init__(self, runs: list[tuple[str, list]]) -> None:
        self.runs = runs

    #: below this many columns per run, the per-epoch tables go under the curves, full width
    TABLE_WIDTH = 64

    def __rich_console__(self, console, options):
        roomy = options.max_width // max(1, len(self.runs)) >= self.TABLE_WIDTH
        grid = Table.grid(expand=True, padding=(0, 1))
        for _run in self.runs:
            grid.add_column(ratio=1)
        grid.add_row(*[Curves(label, records, with_table=roomy) for label, records in self.runs])
        yield grid
        if not roomy:
            for label, records in self.runs:
                yield EpochTable(records, title=label)
