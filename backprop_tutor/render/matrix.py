"""A matrix or number as a rich renderable: a small table with its shape.

Matrices larger than the space allows are cut with an ellipsis row/column and
keep their full shape in the caption, never wrapped into an unreadable block.
"""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text

from ..engine import summary
from ..i18n import _
from .grid import Grid


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
        if len(show_c) < cols:  # the last column may be wider than those it replaced: never squeeze a number
            last = max(len(number(x, self.digits)) for x in sub[:, -1]) + 3
            while len(show_c) > 2 and 1 + sum(widths[c] for c in show_c[:-1]) + 4 + last > options.max_width:
                show_c = show_c[:-2] + [-1]
        caption = shape_text(v)
        if len(show_r) < rows or len(show_c) < cols:
            caption = _("{shape} (cut to fit)").format(shape=caption) + "\n" + \
                self._left_out(v, len(show_r), rows, len(show_c), cols)
        ncols = len(show_c) + (1 if len(show_c) < cols else 0)

        def cell(k, c):  # row k of those shown, column c (-1: the last)
            return self._cell(sub[k, c if c >= 0 else -1], show_r[k] % rows, c % cols)

        def cells(k):
            if len(show_c) < cols:
                return [cell(k, c) for c in show_c[:-1]] + ["…", cell(k, -1)]
            return [cell(k, c) for c in show_c]

        grid = []
        for idx in range(len(show_r)):
            if len(show_r) < rows and idx == len(show_r) - 1:
                grid.append(["⋮"] * ncols)
            grid.append(cells(idx))
        widest = max(len(line) for line in caption.split("\n"))
        return Grid(grid, title=self.title or None, caption=caption, style=self.style, title_style="bold",
                    caption_style=self.caption_style, min_width=widest + 2, columns=ncols)

    def _left_out(self, v, shown_rows: int, rows: int, shown_cols: int, cols: int) -> str:
        """What a cut view leaves out, and the statistics of every entry."""
        st = summary.stats(v)
        n = (lambda x: number(x, self.digits))
        where = (_("{shown} of {count} entries shown").format(shown=shown_cols, count=cols) if np.ndim(v) < 2 else
                 _("{shown_rows} of {rows} rows, {shown_cols} of {cols} columns shown").format(
                     shown_rows=shown_rows, rows=rows, shown_cols=shown_cols, cols=cols))
        return "\n".join([where, _("min {min}, max {max}").format(min=n(st.min), max=n(st.max)),
                          _("mean {mean}, std {std}").format(mean=n(st.mean), std=n(st.std))])

    def _cell(self, x, r: int, c: int) -> Text | str:
        text = number(x, self.digits)
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
