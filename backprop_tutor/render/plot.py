"""`tutor plot`: an activation and its derivative drawn on axes, where it dies or saturates
marked under the x axis, and a table of both at the asked points. Draws a `Curve`
(engine/curves.py); computes nothing."""

from __future__ import annotations

import math

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..i18n import _
from .matrix import number

F_MARK, DF_MARK = "•", "·"
DEAD_MARK, SATURATED_MARK = "█", "░"


class CurveChart:
    """f (•) and f' (·) on one plot: the y axis from the lowest to the highest value of both,
    the x axis from the range's start to its end, with 0 marked on each where it lies within;
    under the x axis, █ where f' = 0 (dead) and ░ where it saturates."""

    def __init__(self, curve, height: int = 15) -> None:
        self.curve, self.height = curve, height

    def __rich_console__(self, console, options):
        c = self.curve
        values = [v for v in c.f + c.df if math.isfinite(v)]
        if not values:
            yield Text(_("no finite value to draw on this range"))
            return
        lo, hi = min(values), max(values)
        if hi == lo:
            lo, hi = lo - 1.0, hi + 1.0
        labels = [number(hi, 3), number(lo, 3)] + ([number(0.0)] if lo < 0 < hi else [])
        pad = max(len(s) for s in labels)
        width = max(10, options.max_width - pad - 2)
        rows = self._grid(width, lo, hi)
        zero_row = round((hi - 0.0) / (hi - lo) * (self.height - 1)) if lo < 0 < hi else None
        lines = []
        for r, cells in enumerate(rows):
            label = labels[0] if r == 0 else labels[1] if r == self.height - 1 else "0" if r == zero_row else ""
            text = Text(label.rjust(pad), style="dim")
            text.append(" ┤" if label else " │", style="dim")
            for ch in cells:
                text.append(ch, style="yellow" if ch == F_MARK else "cyan" if ch == DF_MARK else "dim")
            lines.append(text)
        lines.append(Text(" " * pad + " └" + "─" * width, style="dim"))
        lines.append(Text(" " * (pad + 2) + self._band(width), style="red"))
        lines.append(Text(" " * (pad + 2) + self._x_labels(width), style="dim"))
        yield Group(*lines)

    def _column(self, i: int, width: int) -> int:
        return min(width - 1, i * width // len(self.curve.x))

    def _grid(self, width: int, lo: float, hi: float) -> list[list[str]]:
        grid = [[" "] * width for _ in range(self.height)]
        zero = round(hi / (hi - lo) * (self.height - 1)) if lo < 0 < hi else None
        if zero is not None:
            grid[zero] = ["╌"] * width
        for values, mark in ((self.curve.df, DF_MARK), (self.curve.f, F_MARK)):  # f drawn over f'
            for i, v in enumerate(values):
                if math.isfinite(v):
                    grid[round((hi - v) / (hi - lo) * (self.height - 1))][self._column(i, width)] = mark
        return grid

    def _band(self, width: int) -> str:
        band = [" "] * width
        x = self.curve.x
        for runs, mark in ((self.curve.saturated, SATURATED_MARK), (self.curve.dead, DEAD_MARK)):
            for a, b in runs:
                first, last = x.index(a), x.index(b)
                for i in range(first, last + 1):
                    band[self._column(i, width)] = mark
        return "".join(band)

    def _x_labels(self, width: int) -> str:
        x = self.curve.x
        first, last = number(x[0], 3), number(x[-1], 3)
        line = [" "] * width
        line[:len(first)] = first
        line[width - len(last):] = last
        if x[0] < 0 < x[-1]:
            col = round(-x[0] / (x[-1] - x[0]) * (width - 1))
            if len(first) < col < width - len(last) - 1:
                line[col] = "0"
        return "".join(line)


def legend(curve) -> Text:
    text = Text()
    text.append(f"{F_MARK} f(x)  ", style="yellow")
    text.append(f"{DF_MARK} f'(x)  ", style="cyan")
    text.append(_("{mark} dead: f'(x) = 0").format(mark=DEAD_MARK) + "  ", style="red")
    text.append(_("{mark} saturated: 0 < |f'(x)| < {share:g} × the largest |f'| here").format(
        mark=SATURATED_MARK, share=curve.share), style="red")
    return text


def ranges(curve) -> Text:
    """Where the unit dies and where it saturates, in words, on the sampled points."""
    def spans(runs):
        return ", ".join(f"[{number(a, 4)}, {number(b, 4)}]" for a, b in runs)

    lines = []
    if curve.dead:
        lines.append(_("dies (f' = 0, no gradient passes) for x in {spans}").format(spans=spans(curve.dead)))
    if curve.saturated:
        lines.append(_("saturates (almost no gradient passes) for x in {spans}").format(spans=spans(curve.saturated)))
    if not lines:
        lines.append(_("neither dies nor saturates on this range"))
    return Text("\n".join(lines))


def at_table(curve) -> Table:
    table = Table(show_edge=False)
    for head in ("x", "f(x)", "f'(x)"):
        table.add_column(head, justify="right")
    table.add_column("")
    words = {"dead": _("dead: no gradient"), "saturated": _("saturated"), "": ""}
    for x, f, d, state in curve.at:
        table.add_row(number(x), number(f), number(d), words[state])
    return table


def plot_view(curve, title: str) -> Group:
    return Group(Text(title, style="bold"), CurveChart(curve), legend(curve), ranges(curve), Text(""),
                 Text(_("at the points asked (the slides: what happens at x = -10, 0, 10?)"), style="bold"),
                 at_table(curve))
