"""The per-layer statistics drawn: one row per layer and value (A_l, dL/dZ_l, dL/dW_l) with its
mean, its standard deviation and its histogram as a row of bars. Reads `engine.layerstats`
records and computes nothing; it never prints a matrix, so it fits any width of network."""

from __future__ import annotations

import math

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..i18n import _
from .matrix import number

#: bars of a histogram (engine/layerstats.py BINS; the renderer does not import the engine)
BINS = 12

BARS = " ▁▂▃▄▅▆▇█"


def bars(counts) -> str:
    """A histogram as one bar per bin, the tallest bin full; an empty bin blank, a non-empty
    one at least the lowest bar (a few entries far out stay visible)."""
    top = max(counts) if counts else 0
    if not top:
        return ""
    return "".join(BARS[0] if not c else BARS[max(1, math.ceil(c / top * (len(BARS) - 1)))] for c in counts)


def name_shown(name: str, layer: int, loss: str) -> str:
    """A, dL/dZ, dL/dW of layer l as the table writes them: A3, ∂L/∂Z3, ∂L/∂W3."""
    if name.startswith("dL/d"):
        return f"∂{loss}/∂{name[4:]}{layer}"
    return f"{name}{layer}"


class LayerStatsView:
    """The statistics of every layer of a pass (`engine.layerstats.layer_stats`)."""

    def __init__(self, layers, loss_symbol: str = "L", digits: int = 4, title: str | None = None) -> None:
        self.layers = layers
        self.loss = loss_symbol
        self.digits = digits
        self.title = title

    def table(self) -> Table:
        t = Table(show_edge=False, pad_edge=False, box=None, padding=(0, 1))
        t.add_column(_("layer"), justify="right", no_wrap=True)
        t.add_column(_("value"), no_wrap=True)
        t.add_column(_("mean"), justify="right", no_wrap=True)
        t.add_column(_("std"), justify="right", no_wrap=True)
        t.add_column(_("histogram (min … max)"), min_width=BINS, overflow="fold")
        for lay in self.layers:
            for i, (name, v) in enumerate(lay.values.items()):
                hist = (Text(bars(v.histogram.counts), style="cyan") if v.histogram is not None
                        else Text(_("(wide: not drawn)"), style="dim"))
                t.add_row(str(lay.layer) if i == 0 else "", name_shown(name, lay.layer, self.loss),
                          number(v.stats.mean, self.digits), number(v.stats.std, self.digits), hist,
                          end_section=i == len(lay.values) - 1)
        return t

    def units(self) -> Text:
        parts = [_("layer {layer}, {activation} × {units}: dead units {dead}, saturated units {saturated}").format(
            layer=lay.layer, activation=lay.activation, units=lay.units, dead=lay.dead, saturated=lay.saturated)
            for lay in self.layers]
        return Text("\n".join(parts), style="dim")

    def __rich_console__(self, console, options):
        note = Text(_("std of each layer's values over every entry; a histogram's bars span that value's "
                      "min … max"), style="dim")
        title = self.title or _("statistics of each layer")
        yield Panel(Group(self.table(), note, self.units()), title=Text(title), title_align="left")
