"""A matrix or number as a rich renderable: a small table with its shape.

Matrices larger than the space allows are cut with an ellipsis row/column and
keep their full shape in the caption, never wrapped into an unreadable block.
"""

from __future__ import annotations

import numpy as np
from rich import box
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text


def number(x: float, digits: int = 6) -> str:
    """A number the way the source documents print it: 6 significant digits."""
    x = float(x)
    if not np.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    text = f"{x:.{digits}g}"
    if "e" in text:
        mant, exp = text.split("e")
        return f"{mant}e{int(exp)}"
    return text


def shape_text(value) -> str:
    shape = np.shape(value)
    if len(shape) == 0:
        return "scalar"
    if len(shape) == 1:
        return f"{shape[0]} (vector)"
    return " x ".join(map(str, shape))


class MatrixView:
    """Draws one value; stores settings only, all drawing in __rich_console__."""

    def __init__(self, value, title: str = "", digits: int = 6, max_rows: int = 8, max_cols: int = 6,
                 style: str = "") -> None:
        self.value = value
        self.title = title
        self.digits = digits
        self.max_rows = max_rows
        self.max_cols = max_cols
        self.style = style

    def __rich_console__(self, console, options):
        yield self._fitted(console, options)

    def __rich_measure__(self, console, options):
        natural = Measurement.get(console, options, self._fitted(console, options)).maximum
        return Measurement(natural, natural)

    def _fitted(self, console, options):
        """The widest table (up to max_cols columns) that fits the width offered."""
        if np.ndim(self.value) == 0:
            return self._table(self.max_cols)
        cols = min(self.max_cols, np.shape(self.value)[-1])
        while True:
            table = self._table(cols)
            if cols <= 2 or Measurement.get(console, options, table).maximum <= options.max_width:
                return table
            cols -= 1

    def _table(self, fit_cols: int):
        v = self.value
        if np.ndim(v) == 0:
            return Text.assemble((f"{self.title} = " if self.title else "", "bold"), number(v, self.digits))
        m = np.atleast_2d(v) if np.ndim(v) == 2 else np.asarray(v).reshape(1, -1)
        rows, cols = m.shape
        show_r = list(range(rows)) if rows <= self.max_rows else list(range(self.max_rows - 1)) + [-1]
        show_c = list(range(cols)) if cols <= fit_cols else list(range(fit_cols - 1)) + [-1]
        cut_c = len(show_c) < cols
        caption = shape_text(v)
        if len(show_r) < rows or cut_c:
            caption += " (cut to fit)"
        table = Table(box=box.SQUARE, show_header=False, title=self.title or None, caption=caption,
                      padding=(0, 1), style=self.style, title_style="bold", caption_style="dim",
                      min_width=len(caption) + 2)
        for _ in range(len(show_c) + (1 if cut_c else 0)):
            table.add_column(justify="right", no_wrap=True)

        def cells(r):
            if not cut_c:
                return [number(m[r, c], self.digits) for c in show_c]
            return [number(m[r, c], self.digits) for c in show_c[:-1]] + ["…", number(m[r, -1], self.digits)]

        for idx, r in enumerate(show_r):
            if len(show_r) < rows and idx == len(show_r) - 1:
                table.add_row(*["⋮"] * (len(show_c) + (1 if cut_c else 0)))
            table.add_row(*cells(r))
        return table
