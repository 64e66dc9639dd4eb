"""The network as a picture: inputs, each layer's units, the weights between them.

One row per unit. Units carry the values computed so far (z and a going forward,
∂/∂z once the backward pass reaches them); the weight column between two layers
lists, on the row of each unit, the weights and bias going into it: their values,
then ∂L/∂w once computed, then the updated values. What the current step touches
is highlighted. Values come from the step records given; nothing is computed here.
"""

from __future__ import annotations

import numpy as np
from rich import box
from rich.table import Table
from rich.text import Text

from .matrix import number

MAX_UNITS = 5
MAX_IN = 3  # weights listed per unit before "…"


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
    touched  step keys whose unit or weight column is highlighted
    params   the parameters before the update
    """

    def __init__(self, layers, values: dict, touched: set[str], theme, loss: str = "L",
                 sample: int = 0, samples: int = 1, params: dict | None = None) -> None:
        self.layers = layers
        self.values = values
        self.touched = touched
        self.theme = theme
        self.loss = loss
        self.sample = sample
        self.samples = samples
        self.params = params or {}
        self.digits = min(theme.digits, 3)  # a picture to glance at; the operation below has them all

    def _num(self, x) -> str:
        return number(x, self.digits)

    def _unit(self, l: int, j: int) -> Text:
        title, n, base = self.layers[l]
        v = self.values
        out = Text()
        if j >= n:
            return out
        if j == MAX_UNITS - 1 and n > MAX_UNITS:
            return Text(f"… {n - j} more", self.theme.dim)
        name = f"{base}{j + 1}" if n > 1 else base
        out.append(name, self.theme.strong)
        if l == 0:
            x = v.get("x", v.get("X", v.get("input")))
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
        return out

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
        if j >= n_out or (j == MAX_UNITS - 1 and n_out > MAX_UNITS):
            return out
        pw, W, sw = self._stage(f"W{l}")
        pb, B, sb = self._stage(f"b{l}")
        shown = [number(W[i, j], self.digits) for i in range(min(n_in, MAX_IN))]
        if n_in > MAX_IN:
            shown.append("…")
        out.append(f"{pw}w ", self.theme.strong)
        out.append(" ".join(shown), sw)
        out.append(f" {pb}b ", self.theme.strong)
        out.append(number(np.ravel(B)[j], self.digits), sb)
        return out

    def _title(self, l: int) -> str:
        if l == 0:
            return self.layers[0][0]
        return self.layers[l][0]

    def __rich_console__(self, console, options):
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1), expand=False,
                      header_style=self.theme.strong, pad_edge=False)
        hot = self.theme.highlight
        columns = []
        for l in range(len(self.layers)):
            if l > 0:
                touched = {f"W{l}", f"b{l}", f"dL/dW{l}", f"dL/db{l}"} & self.touched
                label = ", ".join({"→": f"{p} updated", "∂": f"∂{self.loss}/∂{p}"}.get(self._stage(p)[0], p)
                                  for p in (f"W{l}", f"b{l}"))
                table.add_column(label, style=hot if touched else "", overflow="fold", ratio=None)
                columns.append(lambda j, l=l: self._weights(l, j))
            touched = {f"Z{l}", f"A{l}", f"dL/dZ{l}", f"dL/dA{l}"} & self.touched or \
                (l == 0 and {"X", "x"} & self.touched) or \
                (l == len(self.layers) - 1 and {"L"} & self.touched)
            table.add_column(self._title(l), style=hot if touched else "", no_wrap=True, overflow="ellipsis")
            columns.append(lambda j, l=l: self._unit(l, j))
        rows = min(MAX_UNITS, max(n for _, n, _ in self.layers))
        for j in range(rows):
            table.add_row(*[col(j) for col in columns])
        yield table
        if self.samples > 1:
            yield Text(f"values of sample 1 of {self.samples}; weights into each unit on its row",
                       style=self.theme.dim)
        else:
            yield Text("weights into each unit on its row", style=self.theme.dim)
