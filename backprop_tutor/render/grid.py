"""The table a matrix view draws, written line by line.

A matrix view is a grid of one-word cells (numbers, "…", "⋮") in square box lines, with a
title above and a caption below. rich's Table draws it, but measures and lays out every
cell through several layers of renderables: most of a printed run's time on a wide
network. `Grid` draws the same characters with the same styles directly when the table
fits the width it is given, and hands the rest (a table squeezed below its natural width)
to rich's Table, so the output is the same either way (tests/test_grid.py compares them).
"""

from __future__ import annotations

from rich import box
from rich.cells import cell_len
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text


class Grid:
    """A square-boxed table of one-word cells, right-justified, padded by one space, no
    header, with a title and caption centred over it (as `table()` builds with rich)."""

    def __init__(self, rows: list[list], title: str | None = None, caption: str | None = None,
                 style: str = "", title_style: str = "bold", caption_style: str = "dim",
                 min_width: int | None = None, columns: int | None = None) -> None:
        self.rows = rows
        self.title = title
        self.caption = caption
        self.style = style
        self.title_style = title_style
        self.caption_style = caption_style
        self.min_width = min_width
        ncols = len(rows[0]) if rows else columns or 0
        self.widths = [max((cell_len(_plain(r[c])) for r in rows), default=0) + 2 for c in range(ncols)]

    def table(self) -> Table:
        """The same table as rich builds it."""
        table = Table(box=box.SQUARE, show_header=False, title=self.title, caption=self.caption,
                      padding=(0, 1), style=self.style, title_style=self.title_style,
                      caption_style=self.caption_style, min_width=self.min_width)
        for _column in self.widths:
            table.add_column(justify="right")
        for row in self.rows:
            table.add_row(*row)
        return table

    def _extra(self) -> int:
        return len(self.widths) + 1  # the edges and the dividers

    def _fits(self, options) -> bool:
        return bool(self.rows) and all(w <= options.max_width - self._extra() for w in self.widths) and \
            sum(self.widths) + self._extra() <= options.max_width and not options.ascii_only \
            and not options.legacy_windows

    def __rich_measure__(self, console, options):
        if not self._fits(options):
            return Measurement.get(console, options, self.table())
        natural = sum(self.widths) + self._extra()
        return Measurement(natural, natural).clamp(self.min_width)

    def __rich_console__(self, console, options):
        if not self._fits(options):
            yield self.table()
            return
        widths = self._stretched(options)
        width = sum(widths) + self._extra()
        around = options.update(width=width, highlight=False, height=None)
        if self.title:
            yield from _annotation(console, around, self.title, Style.pick_first(self.title_style, "table.title"))
        border = console.get_style(self.style or "")
        line = Segment.line()
        yield Segment(box.SQUARE.get_top(widths), border)
        yield line
        bar = Segment("│", border)
        for row in self.rows:
            yield bar
            for k, (cell, w) in enumerate(zip(row, widths)):
                yield from _cell(console, cell, w)
                yield bar
            yield line
        yield Segment(box.SQUARE.get_bottom(widths), border)
        yield line
        if self.caption:
            yield from _annotation(console, around, self.caption,
                                   Style.pick_first(self.caption_style, "table.caption"))

    def _stretched(self, options) -> list[int]:
        """The column widths, widened as rich widens them up to the table's `min_width`."""
        widths = list(self.widths)
        extra = self._extra()
        if self.min_width is not None and sum(widths) < self.min_width - extra:
            from rich._ratio import ratio_distribute

            room = min(self.min_width - extra, options.max_width - extra)
            widths = [w + pad for w, pad in zip(widths, ratio_distribute(room - sum(widths), widths))]
        return widths


def _plain(cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _annotation(console, options, text: str, style):
    rendered = console.render_str(text, style=style, highlight=False)
    return console.render(rendered, options=options.update(justify="center"))


_PAD = Segment(" ", Style())


def _cell(console, cell, width: int):
    """One cell: a space, the word right-justified in width - 2 (the pad in the word's own
    style, as rich pads a justified text), a space."""
    if isinstance(cell, Text):
        word, style = cell.plain, console.get_style(cell.style) if cell.style else Style()
    else:
        word, style = cell, Style()
    yield _PAD
    yield Segment(" " * (width - 2 - cell_len(word)) + word, style)
    yield _PAD
