"""`data: {random: {rows: 16, columns: 4096, seed: 0, classes: 10}}`: inputs drawn from
N(0, 1) (x = randn(rows, columns), as the initialisation slides' demo draws them), then
one class per row from the same seeded generator, as one-hot targets. Nothing is drawn
until the tables' numbers are read (by the engine, or by a check of the targets' range)."""

from __future__ import annotations

from typing import Any

from ..i18n import _
from . import limits
from .checker import Checker, Table
from .yamlsource import Path

FIELDS = ("rows", "columns", "seed", "classes")


class _Draw:
    """The two tables of one seeded draw, made once when first read."""

    def __init__(self, rows: int, columns: int, seed: int, classes: int) -> None:
        self.rows, self.columns, self.seed, self.classes = rows, columns, seed, classes
        self._tables = None

    def tables(self):
        if self._tables is None:
            import numpy as np

            rng = np.random.default_rng(self.seed)
            x = rng.standard_normal((self.rows, self.columns))
            labels = rng.integers(0, self.classes, self.rows)
            y = np.zeros((self.rows, self.classes))
            y[np.arange(self.rows), labels] = 1.0
            self._tables = (x, y)
        return self._tables


class Drawn(Table):
    """A drawn table: its shape known at once, its numbers drawn when read."""

    def __init__(self, draw: _Draw, which: int, shape: tuple[int, int]) -> None:
        self._draw, self._which, self.shape = draw, which, shape

    @property
    def rows(self):  # read by the checks across fields (e.g. cross-entropy targets in 0..1)
        return self.array().tolist()

    def array(self):
        return self._draw.tables()[self._which]


def random_tables(c: Checker, spec: Any, p: Path) -> tuple[Drawn, Drawn]:
    d = c.mapping(spec, p, FIELDS, ("rows", "columns"))
    rows = c.integer(d["rows"], p + ("rows",), 1, limits.MAX_ROWS)
    columns = c.integer(d["columns"], p + ("columns",), 1, limits.MAX_UNITS)
    if rows * columns * 16 > limits.DATASET_BUDGET:
        c.fail(p, _("{rows} x {columns} values would take more memory than a data set may "
                    "({size} MiB); draw fewer rows or columns").format(
                      rows=rows, columns=columns, size=limits.DATASET_BUDGET // 2**20))
    seed = c.integer(d.get("seed", 0), p + ("seed",), low=0)
    classes = c.integer(d.get("classes", 2), p + ("classes",), 2, limits.MAX_UNITS)
    draw = _Draw(rows, columns, seed, classes)
    return Drawn(draw, 0, (rows, columns)), Drawn(draw, 1, (rows, classes))
