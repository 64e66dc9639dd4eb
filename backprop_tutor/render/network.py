"""The network as a picture: inputs, each layer's units, the weights between them.

One row per unit. Units carry the values computed so far (z and a going forward,
∂/∂z once the backward pass reaches them); the weight column between two layers
lists, on the row of each unit, the weights and bias going into it: their values,
then ∂L/∂w once computed, then the updated values. What the current step touches
is highlighted. Values come from the step records given; nothing is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich import box
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from ..i18n import _
from .matrix import number

MAX_UNITS = 5
MAX_IN = 3  # weights listed per unit before "…"
#: what marks the unit or weight column the current step touches (colour alone is lost under NO_COLOR)
MARK = "▶ "


@dataclass(frozen=True)
class Fit:
    """How much of the picture is drawn: tried from the fullest to the barest until it fits."""

    digits: int
    max_in: int = MAX_IN  # weights listed per unit
    weights: bool = True  # the weight columns at all
    long_labels: bool = True  # "∂L/∂W1, ∂L/∂b1" rather than "∂W1, ∂b1"


def _at(value, sample: int, j: int):
    v = np.asarray(value, dtype=float)
    if v.ndim == 0:
        return float(v)
    if v.ndim == 1:
        return float(v[j])
    return float(v[min(sample, v.shape[0] - 1), j])


class NetworkView:
    """Stores what to draw; draws in __rich_console__.

    layers   [(title, n_units, element base name)] for the inputs and each layer
    values   step key -> value of every step done so far (the current one included),
             plus "input" -> the table the first layer reads
    touched  step keys whose unit or weight column is highlighted (colour and a ▶ mark)
    params   the parameters before the update
    select   whether a step chooses the record (then the input is blank until it does)
    pick     pick(kind, layer, index) -> the explain target of a unit (kind Z) or a weight
             or bias (W, b), or None; kept in the style meta (`pick`) for step mode's app
    selected the picked target, drawn in the theme's `selected` style
    max_units units drawn per layer before "… n more"

The picture never wraps: it is measured, and drawn with fewer digits, fewer
weights or no weight columns until it fits the width.
    """

    def __init__(self, layers, values: dict, touched: set[str], theme, loss: str = "L",
                 sample: int = 0, samples: int = 1, params: dict | None = None,
                 select: bool = False, pick=None, selected: str | None = None,
                 max_units: int = MAX_UNITS) -> None:
        self.layers = layers
        self.values = values
        self.touched = touched
        self.theme = theme
        self.loss = loss
        self.sample = sample
        self.samples = samples
        self.params = params or {}
        self.select = select  # a record is chosen by a step (x): show no input before it
        self.digits = min(theme.digits, 3)  # a picture to glance at; the operation below has them all
        self.fit = Fit(self.digits)
        self.pick = pick
        self.selected = selected
        self.max_units = max(2, max_units)

    def _picked(self, text: Text, kind: str, layer: int, index: tuple) -> Text:
        """The text, clickable (and drawn as selected) when it names an explain target."""
        target = self.pick(kind, layer, index) if self.pick is not None else None
        if target is None:
            return text
        from rich.style import Style

        if target == self.selected:
            text.stylize(getattr(self.theme, "selected", "reverse"))
        text.stylize(Style(meta={"pick": target}))
        return text

    def fits(self) -> list[Fit]:
        """From the fullest picture to the barest: fewer digits, fewer weights, no weights."""
        d = self.digits
        low = min(d, 2)
        tries = [Fit(d)]
        for digits in (d, low):
            tries += [Fit(digits, max_in=k, long_labels=False) for k in (MAX_IN, 2, 1)]
        tries += [Fit(d, weights=False), Fit(low, weights=False)]
        return tries

    def _num(self, x) -> str:
        return number(x, self.fit.digits)

    def _unit(self, l: int, j: int) -> Text:
        title, n, base = self.layers[l]
        v = self.values
        out = Text()
        if j >= n:
            return out
        if j == self.max_units - 1 and n > self.max_units:
            return Text(f"… {n - j} more", self.theme.dim)
        name = f"{base}{j + 1}" if n > 1 else base
        out.append(name, self.theme.strong)
        if l == 0:
            x = v.get("x")
            if x is None and not self.select:  # no record is chosen later: the data themselves
                x = v.get("X", v.get("input"))
            out.append(" " + (self._num(_at(x, self.sample, j)) if x is not None else "·"))
            if f"dL/dA{l}" in v:
                out.append(f" ∂ {self._num(_at(v['dL/dA0'], self.sample, j))}")
            return out
        if f"dL/dZ{l}" in v:
            out.append(f" ∂z {self._num(_at(v[f'dL/dZ{l}'], self.sample, j))}", self.theme.phase_style("backward"))
        elif f"dL/dA{l}" in v:
            out.append(f" ∂a {self._num(_at(v[f'dL/dA{l}'], self.sample, j))}", self.theme.phase_style("backward"))
        elif f"A{l}" in v:
            out.append(f" a {self._num(_at(v[f'A{l}'], self.sample, j))}")
        elif f"Z{l}" in v:
            out.append(f" z {self._num(_at(v[f'Z{l}'], self.sample, j))}")
        return self._picked(out, "Z", l, (self.sample, j))

    def _stage(self, name: str):
        """(prefix, values, style) of a parameter: updated, its gradient, or as given."""
        v = self.values
        if name in v:
            return "→", np.asarray(v[name]), self.theme.phase_style("update")
        if f"dL/d{name}" in v:
            return "∂", np.asarray(v[f"dL/d{name}"]), self.theme.phase_style("backward")
        return "", np.asarray(self.params.get(name)), ""

    def _weights(self, l: int, j: int) -> Text:
        n_in, n_out = self.layers[l - 1][1], self.layers[l][1]
        out = Text()
        if j >= n_out or (j == self.max_units - 1 and n_out > self.max_units):
            return out
        pw, W, sw = self._stage(f"W{l}")
        pb, B, sb = self._stage(f"b{l}")
        out.append(f"{pw}w ", self.theme.strong)
        for i in range(min(n_in, self.fit.max_in)):
            out.append(" " if i else "")
            out.append(self._picked(Text(self._num(W[i, j]), sw), "W", l, (i, j)))
        if n_in > self.fit.max_in:
            out.append(" …", sw)
        if not self._has_bias(l):  # a layer without a bias (bias: none)
            return out
        out.append(f" {pb}b ", self.theme.strong)
        jb = j if np.size(B) > 1 else 0  # a bias shared by the layer's units: the one number on every row
        out.append(self._picked(Text(self._num(np.ravel(B)[jb]), sb), "b", l, (jb,)))
        return out

    def _has_bias(self, l: int) -> bool:
        return not self.params or f"b{l}" in self.params

    def _label(self, p: str) -> str:
        stage = self._stage(p)[0]
        if self.fit.long_labels:
            return {"→": f"{p} updated", "∂": f"∂{self.loss}/∂{p}"}.get(stage, p)
        return {"→": f"{p}′", "∂": f"∂{p}"}.get(stage, p)

    def _title(self, l: int) -> str:
        if l == 0:
            return self.layers[0][0]
        return self.layers[l][0]

    def table(self) -> Table:
        """The picture under the current `fit`; every cell on one line (a wrapped row
        would put a value beside the wrong unit)."""
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1), expand=False,
                      header_style=self.theme.strong, pad_edge=False)
        hot = self.theme.highlight
        columns = []
        last = len(self.layers) - 1
        for l in range(len(self.layers)):
            if l > 0 and self.fit.weights:
                touched = {f"W{l}", f"b{l}", f"dL/dW{l}", f"dL/db{l}"} & self.touched
                label = ", ".join(self._label(p) for p in (f"W{l}", f"b{l}") if p[0] == "W" or self._has_bias(l))
                table.add_column(MARK + label if touched else label, style=hot if touched else "",
                                 no_wrap=True, overflow="ellipsis")
                columns.append(lambda j, l=l: self._weights(l, j))
            touched = {f"Z{l}", f"A{l}", f"dL/dZ{l}", f"dL/dA{l}"} & self.touched or \
                (l == 0 and {"X", "x"} & self.touched) or \
                (l == last and {"L", "Y", "y"} & self.touched)
            title = self._title(l)
            table.add_column(MARK + title if touched else title, style=hot if touched else "",
                             no_wrap=True, overflow="ellipsis")
            columns.append(lambda j, l=l: self._unit(l, j))
        rows = min(self.max_units, max(n for _name, n, _base in self.layers))
        for j in range(rows):
            table.add_row(*[col(j) for col in columns])
        return table

    def __rich_console__(self, console, options):
        width = options.max_width
        unbounded = options.update(max_width=10_000)  # Measurement.get clamps to max_width
        for fit in self.fits():
            self.fit = fit
            table = self.table()
            if Measurement.get(console, unbounded, table).maximum <= width:
                break
        yield table
        where = _("weights into each unit on its row") if self.fit.weights else \
            _("weights left out to fit (a wider window shows them)")
        if self.samples > 1:
            where = _("values of sample {value} of {samples}; {where}").format(value=self.sample + 1, samples=self.samples, where=where)
        yield Text(where, style=self.theme.dim)
