"""`tutor compare` drawn: one panel per value, titled with it. A run trained by epochs is the
epoch view (render/epochs.py); one trained by iterations shows its loss curve on the scale all
the runs share, from the first loss to the last, and the final loss."""

from __future__ import annotations

import math

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..i18n import _
from .epochs import Curves, EpochTable, fitted_title
from .matrix import number
from .train import sparkline


class LossRun:
    """One run trained by iterations: its loss per iteration as a curve on [lo, hi]."""

    def __init__(self, label, result, lo: float, hi: float, subtitle: str = "") -> None:
        self.label, self.result, self.lo, self.hi, self.subtitle = label, result, lo, hi, subtitle

    def __rich_console__(self, console, options):
        r = self.result
        width = max(8, min(64, options.max_width - 4))
        spark = sparkline([self.lo, self.hi] + list(r.loss), width + 2)[2:] if r.loss else ""
        why = _("every gradient norm < ε") if r.stopped_by == "epsilon" else _("maximum iterations")
        lines = [Text(spark, style="yellow"),
                 Text(_("iterations {iterations}  (stopped: {why})").format(iterations=r.iterations, why=why)),
                 Text.assemble((_("first loss "), "dim"), number(r.loss[0]) if r.loss else "-",
                               (_("  final loss "), "dim"), number(r.final_loss))]
        if not all(math.isfinite(v) for v in [*r.loss, r.final_loss]):
            from .train import NOT_FINITE

            lines.append(Text(NOT_FINITE, style="bold yellow"))
        title, head = fitted_title(self.label, options.max_width)
        yield Panel(Group(*head, *lines), title=title, title_align="left",
                    subtitle=Text(self.subtitle) if self.subtitle else None, subtitle_align="left")


class SideBySideRuns:
    """runs: (label, epoch records or None, TrainResult or None, subtitle), one panel each."""

    TABLE_WIDTH = 64
    #: below this many columns per run the panels go one under another (a title keeps its value)
    PANEL_WIDTH = 34

    def __init__(self, runs) -> None:
        self.runs = runs

    def __rich_console__(self, console, options):
        losses = [v for _l, _e, r, _s in self.runs if r is not None for v in r.loss if math.isfinite(v)]
        lo, hi = (min(losses), max(losses)) if losses else (0.0, 1.0)
        roomy = options.max_width // max(1, len(self.runs)) >= self.TABLE_WIDTH
        panels = [Curves(label, records, with_table=roomy) if records is not None
                  else LossRun(label, trained, lo, hi, sub) for label, records, trained, sub in self.runs]
        if options.max_width // max(1, len(self.runs)) < self.PANEL_WIDTH:
            yield from panels
        else:
            grid = Table.grid(expand=True, padding=(0, 1))
            for _run in self.runs:
                grid.add_column(ratio=1)
            grid.add_row(*panels)
            yield grid
        if not roomy:
            for label, records, _trained, _sub in self.runs:
                if records is not None:
                    yield EpochTable(records, title=label)
