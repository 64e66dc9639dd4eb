"""Training results drawn: a sparkline of the loss and the final numbers."""

from __future__ import annotations

import math

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..i18n import _
from .matrix import number

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float], width: int = 60) -> str:
    if not any(math.isfinite(v) for v in values):
        return ""
    if len(values) > width:  # one bar per bucket of iterations: the bucket's mean
        edges = [round(i * len(values) / width) for i in range(width + 1)]
        values = [sum(values[a:b]) / (b - a) for a, b in zip(edges, edges[1:])]
    finite = [v for v in values if math.isfinite(v)]
    lo, hi = min(finite), max(finite)
    span = hi - lo or 1.0
    return "".join(BARS[min(len(BARS) - 1, int((v - lo) / span * (len(BARS) - 1)))] if math.isfinite(v) else " "
                   for v in values)


#: said under a table in which some number is inf or nan
NOT_FINITE = (_("⚠ some values are not finite numbers (inf or nan): the loss took the log of 0 or a number "
                "overflowed; `tutor run` marks the step where it first happens"))


class TrainView:
    def __init__(self, scenario, result, loss_symbol: str = "L") -> None:
        self.scenario = scenario
        self.result = result
        self.loss_symbol = loss_symbol

    def __rich_console__(self, console, options):
        r = self.result
        width = max(10, min(60, options.max_width - 6))
        lines = [
            Text(_("iterations {iterations}  (stopped: {why})").format(
                iterations=r.iterations,
                why=_("every gradient norm < ε") if r.stopped_by == "epsilon" else _("maximum iterations"))),
        ]
        if r.loss:
            lines.append(Text.assemble((_("{loss_symbol} before each update: ").format(loss_symbol=self.loss_symbol), "dim"), number(r.loss[0]),
                                       " → ", number(r.loss[-1])))
            lines.append(Text(sparkline(r.loss, width), style="yellow"))
        lines.append(Text(_("at the final parameters, on the whole data set:"), style="dim"))
        table = Table(show_edge=False)
        table.add_column(_("quantity"))
        table.add_column(_("value"), justify="right")
        table.add_row(self.loss_symbol, number(r.final_loss))
        for name, norm in r.grad_norms.items():
            table.add_row(f"‖∂{self.loss_symbol}/∂{name}‖", number(norm))
        lines.append(table)
        if not all(math.isfinite(v) for v in [*r.loss, r.final_loss, *r.grad_norms.values()]):
            lines.append(Text(NOT_FINITE, style="bold yellow"))
        yield Panel(Group(*lines), title=Text(_("trained {name}").format(name=self.scenario.name)), title_align="left")
