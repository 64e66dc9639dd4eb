"""`tutor list`'s tables drawn line by line (cli/listdraw.py) are what rich's Table draws,
byte for byte: the built-in list in both languages at many widths, in colour and plain, and
random tables of the list's shape (wrapped, folded and cut words, wide characters, empty and
multi-line cells, styles)."""

from __future__ import annotations

import io
import random

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from backprop_tutor.cli import light, listdraw
from backprop_tutor.cli.listdraw import Drawn
from backprop_tutor.i18n import set_language
from backprop_tutor.scenario import catalog, listing
from backprop_tutor.scenario.documents import heading


def drawn(renderable, width: int, colour: bool, crop: bool = True) -> str:
    console = Console(file=io.StringIO(), width=width, force_terminal=colour, color_system="truecolor" if colour else None,
                      legacy_windows=False)
    console.print(renderable, crop=crop)
    return console.file.getvalue()


def same(table, width: int, colour: bool) -> None:
    """rich's drawing where rich's table fits the line (or where no table can); where rich's
    comes out wider (and was cut at the line's end), a table that fits, every cell's text
    whole in its column."""
    ours = drawn(Drawn(table), width, colour, crop=False)
    console, extra = Console(width=width), table._extra_width
    theirs = sum(table._calculate_column_widths(console, console.options.update_width(width - extra))) + extra
    fitted = listdraw._widths(console, console.options, table, width - extra)
    if theirs <= width or min(fitted) < 3 or sum(fitted) + extra > width:
        assert ours == drawn(table, width, colour), (width, colour)
        return
    plain = drawn(Drawn(table), width, False, crop=False)
    assert all(cell_len(line) <= width for line in plain.splitlines()), width
    cells = [[column.header] + [cell.plain for cell in column.cells] for column in table.columns]
    assert columns_of(plain) == [["".join(cell.split()) for cell in column] for column in cells], width


def columns_of(plain: str) -> list[list[str]]:
    """Each column's cells as drawn (their lines joined, spaces left out), from a drawn table."""
    rows: list = []
    for line in plain.splitlines():
        if line[:1] in "┏┡├":  # a new row begins
            rows.append(None)
        elif line[:1] in "┃│" and rows:
            fields = ["".join(f.split()) for f in line.strip()[1:-1].replace("┃", "│").split("│")]
            rows[-1] = fields if rows[-1] is None else [a + f for a, f in zip(rows[-1], fields)]
    return [list(column) for column in zip(*(row for row in rows if row is not None))]


def builtin_tables() -> list:
    names = catalog.builtin_names()
    groups: dict = {}
    for name in names:
        raw = listing.listed(catalog.resolve(name))
        groups.setdefault(light._document(raw), []).append(light._list_row(name, raw))
    tables = []
    for document in sorted(groups):
        table = light._list_table(Text(heading(document), style="bold"), max(len(name) for name in names))
        for row in groups[document]:
            table.add_row(*row)
        tables.append(table)
    return tables


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_built_in_list_is_drawn_as_rich_draws_it(lang):
    set_language(lang)
    try:
        tables = builtin_tables()
        for width in [20, 33, 40, 47, 60, 72, 80, 100, 120, 150, 200]:
            for colour in (False, True):
                for table in tables:
                    same(table, width, colour)
    finally:
        set_language("en")


WORDS = ["a", "net", "sigmoid", "→", "relu", "3", "backpropagation", "x" * 40, "mạng", "nơ-ron", "誤差逆伝播",
         "003_f52022dd7c009d47.txt", "", "  ", "tanh,relu"]


def random_text(rng: random.Random) -> Text:
    text = Text()
    for line in range(rng.choice([1, 1, 2, 3])):
        if line:
            text.append("\n")
        for k in range(rng.randint(0, 6)):
            text.append((" " if k else "") + rng.choice(WORDS), style=rng.choice(["", "bold", "dim", "red on blue"]))
    return text


def test_random_tables_of_the_lists_shape_are_drawn_as_rich_draws_them():
    rng = random.Random(7)
    for case in range(300):
        title = Text(rng.choice(["", "003 chapter 18", "a long title " * 5]), style="bold")
        table = light._list_table(title if title.plain else None, rng.randint(1, 30))
        for _ in range(rng.randint(0, 5)):
            table.add_row(*(random_text(rng) for _ in range(4)))
        same(table, rng.randint(10, 160), rng.random() < 0.5)
