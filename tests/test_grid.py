"""A matrix view's grid draws what rich's Table draws for the same cells: every character
with its style and pick (step mode's click target), the measurement, and the bytes on a
colour terminal and a plain one, at widths that fit it and widths that squeeze it."""

from __future__ import annotations

import io
import random

import numpy as np
import pytest
from rich.console import Console
from rich.style import Style
from rich.text import Text

from backprop_tutor.render.grid import Grid
from backprop_tutor.render.matrix import MatrixView


def chars(console, renderable, width):
    out = []
    for seg in console.render(renderable, console.options.update_width(width)):
        style = seg.style or Style()
        out += [(ch, str(style), style.meta or None) for ch in seg.text]
    return out


def printed(renderable, width, colors):
    console = Console(file=io.StringIO(), width=width, color_system=colors, highlight=False,
                      force_terminal=colors is not None)
    console.print(renderable)
    return console.file.getvalue()


def random_grid(rng: random.Random) -> Grid:
    def word():
        k = rng.random()
        return "…" if k < 0.1 else "⋮" if k < 0.15 else f"{rng.uniform(-1000, 1000):.{rng.randint(0, 6)}g}"

    rows = []
    for i in range(rng.randint(1, 9)):
        row = []
        for j in range(rng.randint(1, 7) if not rows else len(rows[0])):
            w = word()
            if rng.random() < 0.3:
                style = Style(meta={"pick": f"dL/dW{i}{j}"})
                row.append(Text(w, style=Style.parse("reverse") + style if rng.random() < 0.3 else style))
            else:
                row.append(w)
        rows.append(row)
    caption = rng.choice([None, "3 x 4", "16 x 4096 (cut to fit)\n8 of 16 rows, 5 of 4096 columns shown\n"
                          "min -2.87678, max 2.60125\nmean -0.00217025, std 0.640995"])
    wide = max(len(line) for line in caption.split("\n")) + 2 if caption and rng.random() < 0.8 else None
    return Grid(rows, rng.choice([None, "Z1", "W₁", "dL/dZ2"]), caption, style=rng.choice(["", "cyan", "bold magenta"]),
                caption_style=rng.choice(["dim", "", "italic"]), min_width=wide)


@pytest.mark.parametrize("seed", range(4))
def test_a_grid_draws_what_richs_table_draws(seed):
    rng = random.Random(seed)
    fitted = 0
    for _ in range(100):
        grid, width = random_grid(rng), rng.randint(10, 130)
        console = Console(file=io.StringIO(), width=width, color_system=None)
        options = console.options.update_width(width)
        fitted += grid._fits(options)
        assert chars(console, grid, width) == chars(console, grid.table(), width)
        assert console.measure(grid, options=options) == console.measure(grid.table(), options=options)
        for colors in ("truecolor", None):
            assert printed(grid, width, colors) == printed(grid.table(), width, colors)
    assert fitted > 30  # most draw by the grid's own path, not rich's


def test_a_matrix_view_is_a_grid_with_its_picks():
    a = np.random.default_rng(0).standard_normal((40, 30))
    view = MatrixView(a, "W1", pick=lambda r, c: f"dL/dw{r}{c}", selected="dL/dw00")
    console = Console(file=io.StringIO(), width=80, color_system="truecolor")
    drawn = chars(console, view, 80)
    picks = {meta["pick"] for _, _, meta in drawn if meta}
    assert picks == {f"dL/dw{r}{c}" for r in [*range(7), 39] for c in [*range(4), 29]}  # the corner shown
    assert isinstance(view._renderable(console.options.update_width(80)), Grid)
