"""`tutor list`'s tables, drawn line by line.

A table of the list (cli/light.py: a title, rich's heavy-headed box, a header, a line
between rows, text cells wrapped in their columns) is a rich Table. rich measures and draws
each cell through several layers of renderables (Padding, render_lines, alignment, shape):
most of a first `tutor list`'s time. `Drawn` takes the column widths rich's Table gives
and writes each cell's lines directly with rich's own wrapping, so every character and its
style are the ones the Table draws (tests/test_listdraw.py compares them, byte for byte, in
colour and plain, at many widths), but for one thing: where rich's table comes out wider
than the line (printed, it was cut at the line's end), the columns are fitted to the line.
A table that cannot fit (no room for a cell's padding) is handed to rich's Table and cut
as console.print cuts it: the list prints with crop=False, which saves measuring every
piece of every line again.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text


class Drawn:
    """`table` (a rich Table as cli/light.py builds it), drawn line by line."""

    def __init__(self, table) -> None:
        self.table = table

    def __rich_console__(self, console, options):
        table = self.table
        extra = table._extra_width
        widths = _widths(console, options, table, options.max_width - extra)
        if widths is None or min(widths, default=0) < 3 or sum(widths) + extra > options.max_width:
            # no room for a cell's padding, or wider than the line: rich's Table draws it, cut
            # at the line's end as console.print cuts it (the list is printed with crop=False)
            for cut in console.render_lines(table, options, pad=False):
                yield from cut
                yield Segment.line()
            return
        width = sum(widths) + extra
        render_options = options.update(width=width, highlight=table.highlight, height=None)
        if table.title:
            title = table.title
            if isinstance(title, str):
                title = console.render_str(title, style=Style.pick_first(table.title_style, "table.title"),
                                           highlight=False)
            yield from console.render(title, options=render_options.update(justify=table.title_justify))
        yield from self._body(console, render_options, widths)

    def _body(self, console, options, widths):
        table = self.table
        box = table.box.substitute(options, safe=table.safe_box if table.safe_box is not None else console.safe_box)
        border = console.get_style(table.style or "") + console.get_style(table.border_style or "")
        line = Segment.line()
        yield Segment(box.get_top(widths), border)
        yield line
        header_style = console.get_style(table.header_style or "")
        rows = [[(header_style + console.get_style(column.header_style), column.header) for column in table.columns]]
        rows += [[(console.get_style(column.style or ""), cell) for column, cell in zip(table.columns, cells)]
                 for cells in zip(*(list(column.cells) for column in table.columns))]
        edges = [(Segment(box.head_left, border), Segment(box.head_right, border), Segment(box.head_vertical, border)),
                 (Segment(box.mid_left, border), Segment(box.mid_right, border), Segment(box.mid_vertical, border)),
                 (Segment(box.foot_left, border), Segment(box.foot_right, border), Segment(box.foot_vertical, border))]
        last = len(rows) - 1
        for index, row in enumerate(rows):
            cells = [_cell(console, style, cell, column, w)
                     for (style, cell), column, w in zip(row, table.columns, widths)]
            height = max(len(cell) for cell in cells)
            align = Segment.align_bottom if index == 0 else Segment.align_top
            cells = [align(cell, w, height, style) for cell, w, (style, _) in zip(cells, widths, row)]
            left, right, divider = edges[0 if index == 0 else (2 if index == last else 1)]
            for n in range(height):
                yield left
                for k, cell in enumerate(cells):
                    if k:
                        yield divider
                    yield from cell[n]
                yield right
                yield line
            if index == 0:
                yield Segment(box.get_row(widths, "head", edge=True), border)
                yield line
            elif index != last and table.show_lines:
                yield Segment(box.get_row(widths, "row", edge=True), border)
                yield line
        yield Segment(box.get_bottom(widths), border)
        yield line


def _widths(console, options, table, max_width: int) -> list[int] | None:
    """The columns' widths as rich's Table computes them (Table._calculate_column_widths, not
    expanded: each column as wide as its widest cell, collapsed to fit), from the cells' text,
    but never wider than the line (`_fitted`); None for a table laid out otherwise (fixed
    or limited widths, expanded, no box)."""
    from rich.table import Table

    columns = table.columns
    if (table.expand or table.width is not None or table.min_width is not None or table.box is None
            or table.collapse_padding or not table.pad_edge or table.padding != (0, 1, 0, 1) or table.show_footer
            or not table.show_edge or table.leading or any(c.width is not None or c.max_width is not None
                                                           for c in columns)):
        return None
    plains = [[_plain(console, options, column.header)] + [_plain(console, options, cell) for cell in column.cells]
              for column in columns]
    ranges = [_measure(cells, max_width, column.min_width) for cells, column in zip(plains, columns)]
    widths = [high or 1 for _, high in ranges]
    if sum(widths) > max_width:
        from rich._ratio import ratio_reduce

        widths = Table._collapse_widths(widths, [not column.no_wrap for column in columns], max_width)
        if sum(widths) > max_width:
            widths = ratio_reduce(sum(widths) - max_width, [1] * len(widths), widths, widths)
        widths = [_measure(cells, width, column.min_width)[1] or 0
                  for cells, width, column in zip(plains, widths, columns)]
        if sum(widths) > max_width:
            widths = _fitted(widths, [high for _, high in ranges], columns, max_width)
    return widths


def _fitted(widths: list[int], natural: list[int], columns, max_width: int) -> list[int]:
    """Widths that fit `max_width` where rich's do not. rich collapses the widest columns,
    then widens a column with a minimum width back to it, and the table comes out wider
    than the line: printed, its right side was cut off (at 80 columns the list lost two
    characters of a file name and its right border). Here a column with a minimum keeps
    it, and the others share what is left as rich shares it (the widths unchanged when even
    that cannot fit: rich's Table draws it then)."""
    from rich._ratio import ratio_reduce
    from rich.table import Table

    kept = [column.min_width is not None for column in columns]
    budget = max_width - sum(w for w, keep in zip(widths, kept) if keep)
    others = [n for n, keep in zip(natural, kept) if not keep]
    if budget < 4 * len(others):
        return widths
    shared = Table._collapse_widths(others, [True] * len(others), budget)
    if sum(shared) > budget:
        shared = ratio_reduce(sum(shared) - budget, [1] * len(shared), shared, shared)
    if min(shared, default=4) < 4:  # a cell of 1 cell's room cannot hold a wide (CJK) character
        return widths
    rest = iter(shared)
    return [w if keep else next(rest) for w, keep in zip(widths, kept)]


def _plain(console, options, cell) -> str | None:
    if isinstance(cell, str):
        return console.render_str(cell, markup=options.markup, highlight=False).plain
    return cell.plain if isinstance(cell, Text) else None


def _measure(cells: list, limit: int, min_width: int | None) -> tuple[int, int]:
    """rich's Measurement of a column of padded text cells (Table._measure_column)."""
    from rich.cells import cell_len

    if limit < 1:
        return 0, 0
    lows, highs = [], []
    for plain in cells:
        if plain is None:
            raise TypeError("a cell that is not text")
        if limit - 2 < 1:
            low = high = limit
        else:
            lines, words = plain.splitlines(), plain.split()
            high = max((cell_len(line) for line in lines), default=0)
            low = max((cell_len(word) for word in words), default=high)
            low, high = _normal(low, high)
            low, high = min(low, limit), min(high, limit)
            low, high = (0, 0) if high < 1 else _normal(low, high)
            low, high = min(low + 2, limit), min(high + 2, limit)
        low, high = _normal(low, high)
        low, high = min(low, limit), min(high, limit)
        low, high = (0, 0) if high < 1 else _normal(low, high)
        lows.append(low)
        highs.append(high)
    low, high = (max(lows) if lows else 1), (max(highs) if highs else limit)
    low, high = min(low, limit), min(high, limit)
    if min_width is not None:
        low, high = max(low, min_width + 2), max(high, min_width + 2)
    return low, high


def _normal(low: int, high: int) -> tuple[int, int]:
    low = min(max(0, low), high)
    return max(0, low), max(0, max(low, high))


def _cell(console, style: Style, cell, column, width: int) -> list[list[Segment]]:
    """A cell's lines, each `width` cells wide: its text wrapped as rich wraps it in the
    column, a space on either side, the cell's style under its own."""
    text = console.render_str(cell, highlight=column.highlight) if isinstance(cell, str) else cell
    inner = width - 2
    lines = text.wrap(console, inner, justify=text.justify or column.justify or "left",
                      overflow=text.overflow or column.overflow or "fold",
                      tab_size=(console.tab_size if text.tab_size is None else text.tab_size) or 8,
                      no_wrap=text.no_wrap if text.no_wrap is not None else bool(column.no_wrap))
    pad = Segment(" ")
    out = []
    for line in lines:  # each exactly `inner` cells: wrap pads a left-justified line to its width
        out.append([Segment(s.text, style + s.style) if style else s for s in (pad, *line.render(console), pad)])
    return out
