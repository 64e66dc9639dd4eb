"""A matrix or number as a rich renderable: a small table with its shape.

Matrices larger than the space allows are cut with an ellipsis row/column and
keep their full shape in the caption, never wrapped into an unreadable block.
"""

from __future__ import annotations

import numpy as np
from rich import box
from rich.style import Style
from rich.table import Table
from rich.text import Text

from ..i18n import _


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
        return _("scalar")
    if len(shape) == 1:
        return _("{length} (vector)").format(length=shape[0])
    return " x ".join(map(str, shape))


class MatrixView:
    """Draws one value; stores settings only, all drawing in __rich_console__.

    `pick(row, col)` names what an entry explains (a target `tutor explain` reads, or
    None; `pick(index)` for a vector), kept in the entry's style meta (`pick`), where
    step mode's app finds what was clicked.
    The entry whose target is `selected` is drawn in `selected_style`."""

    def __init__(self, value, title: str = "", digits: int = 6, max_rows: int = 8, max_cols: int = 6,
                 style: str = "", caption_style: str = "dim", pick=None, selected=None,
                 selected_style: str = "reverse") -> None:
        self.value = value
        self.title = title
        self.digits = digits
        self.max_rows = max_rows
        self.max_cols = max_cols
        self.style = style
        self.caption_style = caption_style
        self.pick = pick
        self.selected = selected
        self.selected_style = selected_style

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        return Measurement.get(console, options, self._renderable(options))

    def __rich_console__(self, console, options):
        yield self._renderable(options)

    def _renderable(self, options):
        v = self.value
        if np.ndim(v) == 0:
            return Text.assemble((f"{self.title} = " if self.title else "", "bold"), number(v, self.digits))
        m = np.atleast_2d(v) if np.ndim(v) == 2 else np.asarray(v).reshape(1, -1)
        rows, cols = m.shape
        show_r = list(range(rows)) if rows <= self.max_rows else list(range(self.max_rows - 1)) + [-1]
        # as many columns as fit, measured on the numbers shown (so a measured width gives
        # the same table when drawn at that width; a table of 10^5 rows costs no more than 8)
        shown = m[show_r]
        widths = [max(len(number(x, self.digits)) for x in shown[:, c]) + 3 for c in range(min(cols, self.max_cols))]
        fit_cols, used = 0, 1
        for w in widths:
            if used + w > options.max_width:
                break
            fit_cols, used = fit_cols + 1, used + w
        if fit_cols < cols:  # room for the "…" column and the last column
            fit_cols = max(2, min(fit_cols, self.max_cols) - 1)
        show_c = list(range(cols)) if cols <= fit_cols else list(range(fit_cols - 1)) + [-1]
        if len(show_c) < cols:  # the last column may be wider than those it replaced: never squeeze a number
            last = max(len(number(x, self.digits)) for x in shown[:, -1]) + 3
            while len(show_c) > 2 and 1 + sum(widths[c] for c in show_c[:-1]) + 4 + last > options.max_width:
                show_c = show_c[:-2] + [-1]
        caption = shape_text(v)
        if len(show_r) < rows or len(show_c) < cols:
            caption = _("{shape} (cut to fit)").format(shape=caption)
        table = Table(box=box.SQUARE, show_header=False, title=self.title or None, caption=caption,
                      padding=(0, 1), style=self.style, title_style="bold", caption_style=self.caption_style,
                      min_width=len(caption) + 2)
        for _column in range(len(show_c) + (1 if len(show_c) < cols else 0)):
            table.add_column(justify="right")

        def cells(r):
            out = [self._cell(m, r, c) for c in show_c[:-1]] if len(show_c) < cols else \
                [self._cell(m, r, c) for c in show_c]
            if len(show_c) < cols:
                out += ["…", self._cell(m, r, cols - 1)]
            return out

        show_r = [r % rows for r in show_r]
        for idx, r in enumerate(show_r):
            if len(show_r) < rows and idx == len(show_r) - 1:
                table.add_row(*["⋮"] * (len(show_c) + (1 if len(show_c) < cols else 0)))
            table.add_row(*cells(r))
        return table

    def _cell(self, m, r: int, c: int) -> Text | str:
        text = number(m[r, c], self.digits)
        if self.pick is None:
            return text
        where = (r, c) if np.ndim(self.value) == 2 else (c,)
        target = self.pick(*where)
        if target is None:
            return text
        style = Style(meta={"pick": target})
        if target == self.selected:
            style = Style.parse(self.selected_style) + style
        return Text(text, style=style)
