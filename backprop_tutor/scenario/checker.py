"""Small helpers that read one field of a raw scenario and report a located mistake.

`Checker.fail` raises a ScenarioError; `Checker.collect()` is a block whose mistake
is recorded instead, so that one pass over a file reports every mistake in it.
"""

from __future__ import annotations

import math
import re
from contextlib import contextmanager
from typing import Any

from . import limits
from .errors import ScenarioError, combined
from .yamlsource import Path, dotted
from .yamlsource import Source as RawSource

#: a decimal number written as text, e.g. 1e-5 or -2.5E3 (matched, never evaluated)
NUMBER_TEXT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\Z")


class Skip(Exception):
    """A section cannot go on; its mistakes are already recorded."""


class Table:
    """A checked table of numbers, rows of floats: its shape is known without numpy (checking
    a file needs none); `array()` is the float64 array the engine reads."""

    def __init__(self, rows: list[list[float]]) -> None:
        self.rows = rows
        self.shape = (len(rows), len(rows[0]))

    @property
    def size(self) -> int:
        return self.shape[0] * self.shape[1]

    def array(self):
        import numpy as np

        return np.array(self.rows, dtype=float)


def as_array(value):
    """A Table as its array; an array (a data set's) as it is."""
    return value.array() if isinstance(value, Table) else value


class Checker:
    def __init__(self, raw: RawSource) -> None:
        self.raw = raw
        self.errors: list[ScenarioError] = []

    def error(self, path: Path, message: str) -> ScenarioError:
        return ScenarioError(self.raw.where(path), dotted(path), message)

    def fail(self, path: Path, message: str):
        raise self.error(path, message)

    def note(self, path: Path, message: str) -> None:
        """Record a mistake and go on."""
        self.errors.append(self.error(path, message))

    @contextmanager
    def collect(self):
        """Record the block's mistake (if any) and go on after the block."""
        try:
            yield
        except ScenarioError as err:
            self.errors.append(err)
        except Skip:
            pass

    def attempt(self, function, *args, default=None):
        """function(*args), or `default` when it found a mistake (recorded)."""
        with self.collect():
            return function(*args)
        return default

    def raise_errors(self) -> None:
        if self.errors:
            raise combined(self.errors)

    def mapping(self, value: Any, path: Path, allowed: dict | tuple, required: tuple = ()) -> dict:
        """A mapping: every unknown field is recorded; a missing required one stops the section."""
        if not isinstance(value, dict):
            self.fail(path, f"expected a mapping of fields, got {kind(value)}; allowed fields: {', '.join(allowed)}")
        for key in value:
            if key not in allowed:
                self.note(path + (key,), f"unknown field {shorten(key)}; allowed fields here: {', '.join(allowed)}")
        missing = [key for key in required if key not in value]
        for key in missing:
            self.note(path, f"missing required field {key!r}; required here: {', '.join(required)}")
        if missing:
            raise Skip
        return value

    def text(self, value: Any, path: Path) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(path, f"expected text, got {kind(value)}")
        if isinstance(value, int) and abs(value) > limits.MAX_INT:
            self.fail(path, f"expected text, got {kind(value)}")
        return str(value)

    def number(self, value: Any, path: Path, low: float | None = None, high: float | None = None,
               low_open: bool = False) -> float:
        if isinstance(value, str) and len(value) < 400 and NUMBER_TEXT.match(value.strip()):
            value = float(value)  # YAML 1.1 reads 1e-5 (no dot) as text; it is a plain number
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(path, f"expected a number, got {kind(value)}")
        try:
            x = float(value)
        except OverflowError:
            x = float("inf")
        if not math.isfinite(x):
            self.fail(path, f"expected a finite number, got {shorten(value)}; allowed: at most about 1.8e308 "
                            f"in size")
        if low is not None and (x <= low if low_open else x < low):
            bound = f"greater than {low:g}" if low_open else f"at least {low:g}"
            self.fail(path, f"{shorten(value)} is out of range; allowed: a number {bound}")
        if high is not None and x > high:
            self.fail(path, f"{shorten(value)} is out of range; allowed: a number at most {high:g}")
        return x

    def integer(self, value: Any, path: Path, low: int | None = None, high: int = limits.MAX_INT) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"expected a whole number, got {kind(value)}")
        if low is not None and value < low:
            self.fail(path, f"{shorten(value)} is out of range; allowed: a whole number of at least {low}")
        if value > high:
            self.fail(path, f"{shorten(value)} is out of range; allowed: a whole number of at most {high:,}")
        return int(value)

    def choice(self, value: Any, path: Path, allowed: tuple, what: str = "value") -> Any:
        if isinstance(value, str) and value not in allowed and value.lower() in allowed:
            value = value.lower()
        if isinstance(value, (dict, list)) or value not in allowed:
            shown = shorten(value) if isinstance(value, str) else repr(kind(value))
            self.fail(path, f"unknown {what} {shown}; allowed: {', '.join(map(str, allowed))}")
        return value

    def matrix(self, value: Any, path: Path, rows: int | None = None, cols: int | None = None,
               what: str = "matrix") -> Table:
        """A list of rows of numbers (a flat list is a single column or row where that fits)."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = [[value]]
        if not isinstance(value, list) or not value:
            self.fail(path, f"expected a {what} written as a list of rows of numbers, got {kind(value)}")
        if len(value) > limits.MAX_ROWS:
            self.fail(path, f"the {what} has {len(value):,} rows; a scenario table may have at most "
                            f"{limits.MAX_ROWS:,} (use a data set file for more: data.dataset)")
        if all(not isinstance(v, list) for v in value):
            out = self._flat(value, path, rows, cols, what)
        else:
            out = self._rows(value, path)
        if (rows is not None and out.shape[0] != rows) or (cols is not None and out.shape[1] != cols):
            want = f"{rows if rows is not None else 'any'} x {cols if cols is not None else 'any'}"
            self.fail(path, f"wrong shape: the {what} is {out.shape[0]} x {out.shape[1]}, "
                            f"but it must be {want}")
        return out

    def _flat(self, value: list, path: Path, rows, cols, what: str) -> Table:
        flat = [self.number(v, path + (i,)) for i, v in enumerate(value)]
        if cols == 1 or (cols is None and rows is None):
            return Table([[v] for v in flat])
        if rows == 1:
            return Table([flat])
        self.fail(path, f"expected a {rows} x {cols} {what} written as a list of {rows} rows; "
                        f"a flat list is only allowed when it has one row or one column")

    def _rows(self, value: list, path: Path) -> Table:
        width = None
        data = []
        for i, row in enumerate(value):
            if not isinstance(row, list):
                self.fail(path + (i,), f"expected a row (a list of numbers), got {kind(row)}")
            if width is None:
                width = len(row)
            elif len(row) != width:
                self.fail(path + (i,), f"row {i + 1} has {len(row)} numbers but row 1 has {width}; "
                                       f"every row must have the same length")
            data.append([self.number(v, path + (i, j)) for j, v in enumerate(row)])
        if not width:
            self.fail(path, "expected rows of numbers, got empty rows")
        return Table(data)


def shorten(value: Any, most: int = 60) -> str:
    """repr(value), cut to `most` characters (a huge number is described by its length)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        k = int(value.bit_length() * 0.30102999566398)
        return f"a whole number of {k + 1 if abs(value) >= 10**k else k} digits"
    text = repr(value)
    return text if len(text) <= most else text[:most - 5] + "...'" if isinstance(value, str) else text[:most] + "..."


def kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a true/false value ({str(value).lower()})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"text {shorten(value)}"
    return shorten(value)
