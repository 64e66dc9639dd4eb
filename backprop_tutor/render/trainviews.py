"""Training drawn over time: loss curves on axes, the dead and saturated units of each layer per
epoch, where early stopping stopped, and the parameters after training (every number of a small
one; the statistics of a large one). Draws the records it is given; computes nothing."""

from __future__ import annotations

import math

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..i18n import _
from .matrix import number

#: a parameter of at most this many numbers is shown whole after training
SHOWN_WHOLE = 24
MARKS = ("•", "○", "×")


class LossChart:
    """Curves (name, values per epoch or iteration) on one plot: a y axis from the lowest to the
    highest value, an x axis from the first to the last epoch; one mark per curve and column."""

    def __init__(self, curves, x_label: str, height: int = 8) -> None:
        self.curves = [(name, list(vals)) for name, vals in curves if any(v is not None for v in vals)]
        self.x_label, self.height = x_label, height

    def __rich_console__(self, console, options):
        finite = [v for _n, vals in self.curves for v in vals if v is not None and math.isfinite(v)]
        if not finite:
            return
        lo, hi = min(finite), max(finite)
        span = hi - lo or 1.0
        labels = (number(hi, 4), number(lo, 4))
        pad = max(len(s) for s in labels)
        n = max(len(vals) for _n, vals in self.curves)
        width = max(8, min(60, options.max_width - pad - 3))
        grid = [[" "] * width for _ in range(self.height)]
        for mark, (_name, vals) in zip(MARKS, self.curves):
            for c in range(width):
                i = min(len(vals) - 1, c * len(vals) // width)
                v = vals[i]
                if v is not None and math.isfinite(v):
                    grid[self.height - 1 - round((v - lo) / span * (self.height - 1))][c] = mark
        rows = []
        for r, cells in enumerate(grid):
            label = labels[0] if r == 0 else labels[1] if r == self.height - 1 else ""
            rows.append(Text.assemble((label.rjust(pad), "dim"), " ┤" if label else " │", ("".join(cells), "yellow")))
        rows.append(Text(" " * pad + " └" + "─" * width, style="dim"))
        first, last = "1", str(n)
        rows.append(Text(" " * (pad + 2) + first + last.rjust(width - len(first)), style="dim"))
        key = "  ".join(f"{m} {name}" for m, (name, _v) in zip(MARKS, self.curves))
        rows.append(Text(f"{' ' * (pad + 2)}{self.x_label}   {key}", style="dim"))
        yield Group(*rows)


class UnitsTable:
    """The dead / saturated units of each layer (over every training row), per epoch or at the
    sampled iterations: rows of (epoch or iteration, dead per layer, saturated per layer)."""

    def __init__(self, rows, title: str, column: str, every: int = 1) -> None:
        self.rows = list(rows)
        self.title, self.column, self.every = title, column, every

    def __rich_console__(self, console, options):
        layers = len(self.rows[0][1]) if self.rows else 0
        if not layers:
            return
        t = Table(title=self.title, title_justify="left", show_edge=False)
        t.add_column(self.column, justify="right")
        for l in range(1, layers + 1):
            t.add_column(_("layer {layer}").format(layer=l), justify="right")
        shown = [r for i, r in enumerate(self.rows) if i % self.every == 0 or i == len(self.rows) - 1]
        for n, dead, sat in shown:
            t.add_row(str(n), *[f"{d} / {s}" for d, s in zip(dead, sat)])
        yield t


def stopping_line(result, total: int) -> Text:
    """Where early stopping stopped and which epoch's parameters were kept."""
    if not result.best_epoch:
        return Text("")
    if result.stopped_early:
        said = _("early stopping: no lower validation loss for {patience} epochs, stopped after epoch {epoch} "
                 "of {total}; kept the parameters of epoch {best} (lowest validation loss)")
    else:
        said = _("validation: trained all {total} epochs; kept the parameters of epoch {best} (lowest "
                 "validation loss)")
    last = result.epochs[-1].epoch if result.epochs else 0
    return Text(said.format(patience=last - result.best_epoch, epoch=last, total=total, best=result.best_epoch),
                style="bold")


class ParamsView:
    """The parameters after training: a small one whole, a large one as its statistics."""

    def __init__(self, params: dict, stats_of) -> None:
        self.params = params
        self.stats_of = stats_of  # engine.summary.stats

    def __rich_console__(self, console, options):
        t = Table(title=_("parameters after training"), title_justify="left", show_edge=False)
        t.add_column(_("parameter"))
        t.add_column(_("shape"), justify="right")
        t.add_column(_("values (or mean, std, min … max)"), overflow="fold")
        for name, value in self.params.items():
            shape = " x ".join(str(d) for d in value.shape)
            if value.size <= SHOWN_WHOLE:
                shown = "  ".join(number(v, 6) for v in value.ravel())
            else:
                st = self.stats_of(value)
                shown = _("mean {mean}, std {std}, {lo} … {hi}").format(
                    mean=number(st.mean, 4), std=number(st.std, 4), lo=number(st.min, 4), hi=number(st.max, 4))
            t.add_row(name, shape, shown)
        yield t
