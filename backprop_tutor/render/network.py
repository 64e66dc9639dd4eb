"""The network as a picture: inputs, each layer's units, the weights between them.

Units carry the values computed so far (z and a going forward, the gradients
going back); weight columns carry w, then ∂L/∂w, then the updated w. What the
current step touches is highlighted. Values come from the step records given;
nothing is computed here.
"""

from __future__ import annotations

import numpy as np
from rich import box
from rich.table import Table
from rich.text import Text

from .matrix import number

MAX_UNITS = 5
MAX_WEIGHTS = 6


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
    values   step key -> value of every step done so far (the current one included)
    touched  step keys whose unit or weight column is highlighted
    loss     the loss symbol (L, J)
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

    def _num(self, x) -> str:
        return number(x, self.theme.digits)

    def _units(self, l: int) -> Text:
        title, n, base = self.layers[l]
        v = self.values
        out = Text()
        shown = list(range(min(n, MAX_UNITS)))
        for j in shown:
            name = f"{base}{j + 1}" if n > 1 else base
            if l == 0:
                x = v.get("x", v.get("X"))
                out.append(f"{name} ", self.theme.strong)
                out.append(self._num(_at(x, self.sample, j)) if x is not None else "·")
            else:
                out.append(f"({name})", self.theme.strong)
                if f"Z{l}" in v:
                    out.append(f" z {self._num(_at(v[f'Z{l}'], self.sample, j))}")
                if f"A{l}" in v:
                    out.append(f"\n  a {self._num(_at(v[f'A{l}'], self.sample, j))}")
            grads = [(f"dL/dA{l}", f"∂{self.loss}/∂a"), (f"dL/dZ{l}", f"∂{self.loss}/∂z")]
            for key, label in grads:
                if key in v:
                    out.append(f"\n  {label} {self._num(_at(v[key], self.sample, j))}",
                               self.theme.phase_style("backward"))
            if j != shown[-1]:
                out.append("\n\n" if l > 0 else "\n")
        if n > len(shown):
            out.append(f"\n… {n - len(shown)} more", self.theme.dim)
        return out

    def _weights(self, l: int) -> Text:
        n_in, n_out = self.layers[l - 1][1], self.layers[l][1]
        v = self.values
        out = Text()
        W = self.params.get(f"W{l}")
        b = self.params.get(f"b{l}")
        entries = [(f"w{i + 1}{j + 1}", f"W{l}", (i, j)) for j in range(n_out) for i in range(n_in)]
        entries += [(f"b{j + 1}", f"b{l}", (j,)) for j in range(n_out)]
        shown = entries[:MAX_WEIGHTS + n_out] if len(entries) > MAX_WEIGHTS + n_out else entries
        for k, (label, name, idx) in enumerate(shown):
            base = W if name.startswith("W") else b
            style = self.theme.highlight if (name in self.touched or f"dL/d{name}" in self.touched) else ""
            out.append(f"{label} ", self.theme.strong)
            out.append(self._num(np.asarray(base)[idx]) if base is not None else "·", style)
            if f"dL/d{name}" in v:
                out.append(f" ∂ {self._num(np.asarray(v[f'dL/d{name}'])[idx])}",
                           self.theme.phase_style("backward"))
            if name in v:
                out.append(f" → {self._num(np.asarray(v[name])[idx])}", self.theme.phase_style("update"))
            if k != len(shown) - 1:
                out.append("\n")
        if len(entries) > len(shown):
            out.append(f"\n… {len(entries) - len(shown)} more", self.theme.dim)
        return out

    def __rich_console__(self, console, options):
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1), expand=False,
                      header_style=self.theme.strong)
        cells = []
        for l in range(len(self.layers)):
            if l > 0:
                table.add_column(f"W{l}, b{l}", overflow="fold")
                cells.append(self._weights(l))
            title = self.layers[l][0]
            hot = any(k in self.touched for k in (f"Z{l}", f"A{l}", f"dL/dZ{l}", f"dL/dA{l}")) or \
                (l == 0 and self.touched & {"X", "x"})
            table.add_column(title, style=self.theme.highlight if hot else "", overflow="fold")
            cells.append(self._units(l))
        table.add_row(*cells)
        yield table
        if self.samples > 1:
            yield Text(f"values of sample {self.sample + 1} of {self.samples}", style=self.theme.dim)
