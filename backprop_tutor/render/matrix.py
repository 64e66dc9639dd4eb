"""A matrix or number as a rich renderable: a small table with its shape.

Matrices larger than the space allows are cut with an ellipsis row/column and
keep their full shape in the caption, never wrapped into an unreadable block.
"""

from __future__ import annotations

import numpy as np
from rich import box
from rich.table import Table
from rich.text import Text

from ..engine import summary


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

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        return Measurement.get(console, options, self._renderable(options))

    def __rich_console__(self, console, options):
        yield self._renderable(options)

    def _renderable(self, options):
        """The table for this width, built once per width (measuring and drawing both ask)."""
        found = self.__dict__.get("_drawn")
        if found is None or found[0] != options.max_width:
            found = self._drawn = (options.max_width, self._build(options))
        return found[1]

    def _build(self, options):
        v = self.value
        if np.ndim(v) == 0:
            return Text.assemble((f"{self.title} = " if self.title else "", "bold"), number(v, self.digits))
        shape = np.shape(v)
        rows, cols = shape if len(shape) == 2 else (1, int(np.prod(shape)))
        show_r = list(range(rows)) if rows <= self.max_rows else list(range(self.max_rows - 1)) + [-1]
        # only the entries that can be shown are read and formatted: the shown rows at the
        # first max_cols columns and the last (so a measured width gives the same table when
        # drawn at that width, and a matrix of 10^7 entries costs no more than one of 40)
        first = list(range(min(cols, self.max_cols)))
        sub = summary.pick(v, show_r, first + ([cols - 1] if cols > len(first) else []))
        widths = [max(len(number(x, self.digits)) for x in sub[:, c]) + 3 for c in first]
        fit_cols, used = 0, 1
        for w in widths:
            if used + w > options.max_width:
                break
            fit_cols, used = fit_cols + 1, used + w
        if fit_cols < cols:  # room for the "…" column and the last column
            fit_cols = max(2, min(fit_cols, self.max_cols) - 1)
        show_c = list(range(cols)) if cols <= fit_cols else list(range(fit_cols - 1)) + [-1]
        caption = shape_text(v)
        cut = len(show_r) < rows or len(show_c) < cols
        if cut:
            caption += " (cut to fit)\n" + self._left_out(v, len(show_r), rows, len(show_c), cols)
        table = Table(box=box.SQUARE, show_header=False, title=self.title or None, caption=caption,
                      padding=(0, 1), style=self.style, title_style="bold", caption_style="dim",
                      min_width=max(len(line) for line in caption.split("\n")) + 2)
        for _ in range(len(show_c) + (1 if len(show_c) < cols else 0)):
            table.add_column(justify="right")

        def cell(k, c):
            return number(sub[k, c if c >= 0 else -1], self.digits)

        def cells(k):
            if len(show_c) < cols:
                return [cell(k, c) for c in show_c[:-1]] + ["…", cell(k, -1)]
            return [cell(k, c) for c in show_c]

        for idx in range(len(show_r)):
            if len(show_r) < rows and idx == len(show_r) - 1:
                table.add_row(*["⋮"] * (len(show_c) + (1 if len(show_c) < cols else 0)))
            table.add_row(*cells(idx))
        return table

    def _left_out(self, v, shown_rows: int, rows: int, shown_cols: int, cols: int) -> str:
        """What a cut view leaves out, and the statistics of every entry."""
        st = summary.stats(v)
        n = (lambda x: number(x, self.digits))
        where = (f"{shown_cols} of {cols} entries shown" if np.ndim(v) < 2 else
                 f"{shown_rows} of {rows} rows, {shown_cols} of {cols} columns shown")
        return f"{where}\nmin {n(st.min)}, max {n(st.max)}\nmean {n(st.mean)}, std {n(st.std)}"
