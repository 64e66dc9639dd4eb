"""Small helpers that read one field of a raw scenario and report a located mistake.

`Checker.fail` raises a ScenarioError; `Checker.collect()` is a block whose mistake
is recorded instead, so that one pass over a file reports every mistake in it.
"""

from __future__ import annotations

import math
import re
from contextlib import contextmanager
from typing import Any

from ..i18n import N_, _
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
            self.fail(path, _("expected a mapping of fields, got {got}; allowed fields: {allowed}").format(
                got=kind(value), allowed=", ".join(allowed)))
        for key in value:
            if key not in allowed:
                self.note(path + (key,), _("unknown field {field}; allowed fields here: {allowed}").format(
                    field=shorten(key), allowed=", ".join(allowed)))
        missing = [key for key in required if key not in value]
        for key in missing:
            self.note(path, _("missing required field {field}; required here: {required}").format(
                field=repr(key), required=", ".join(required)))
        if missing:
            raise Skip
        return value

    def text(self, value: Any, path: Path) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(path, _("expected text, got {got}").format(got=kind(value)))
        if isinstance(value, int) and abs(value) > limits.MAX_INT:
            self.fail(path, _("expected text, got {got}").format(got=kind(value)))
        return str(value)

    def number(self, value: Any, path: Path, low: float | None = None, high: float | None = None,
               low_open: bool = False) -> float:
        if isinstance(value, str) and len(value) < 400 and NUMBER_TEXT.match(value.strip()):
            value = float(value)  # YAML 1.1 reads 1e-5 (no dot) as text; it is a plain number
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(path, _("expected a number, got {got}").format(got=kind(value)))
        try:
            x = float(value)
        except OverflowError:
            x = float("inf")
        if not math.isfinite(x):
            self.fail(path, _("expected a finite number, got {got}; allowed: at most about 1.8e308 in size").format(
                got=shorten(value)))
        if low is not None and (x <= low if low_open else x < low):
            bound = (_("{value} is out of range; allowed: a number greater than {low}") if low_open else
                     _("{value} is out of range; allowed: a number at least {low}"))
            self.fail(path, bound.format(value=shorten(value), low=f"{low:g}"))
        if high is not None and x > high:
            self.fail(path, _("{value} is out of range; allowed: a number at most {high}").format(
                value=shorten(value), high=f"{high:g}"))
        return x

    def integer(self, value: Any, path: Path, low: int | None = None, high: int = limits.MAX_INT) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, _("expected a whole number, got {got}").format(got=kind(value)))
        if low is not None and value < low:
            self.fail(path, _("{value} is out of range; allowed: a whole number of at least {low}").format(
                value=shorten(value), low=low))
        if value > high:
            self.fail(path, _("{value} is out of range; allowed: a whole number of at most {high}").format(
                value=shorten(value), high=f"{high:,}"))
        return int(value)

    def choice(self, value: Any, path: Path, allowed: tuple, what: str = N_("value")) -> Any:
        if isinstance(value, str) and value not in allowed and value.lower() in allowed:
            value = value.lower()
        if isinstance(value, (dict, list)) or value not in allowed:
            shown = shorten(value) if isinstance(value, str) else repr(kind(value))
            self.fail(path, _("unknown {what} {value}; allowed: {allowed}").format(
                what=_(what), value=shown, allowed=", ".join(map(str, allowed))))
        return value

    def matrix(self, value: Any, path: Path, rows: int | None = None, cols: int | None = None,
               what: str = N_("matrix")) -> Table:
        """A list of rows of numbers (a flat list is a single column or row where that fits)."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = [[value]]
        if not isinstance(value, list) or not value:
            self.fail(path, _("expected a {what} written as a list of rows of numbers, got {got}").format(
                what=_(what), got=kind(value)))
        if len(value) > limits.MAX_ROWS:
            self.fail(path, _("the {what} has {rows} rows; a scenario table may have at most {most} "
                              "(use a data set file for more: data.dataset)").format(
                what=_(what), rows=f"{len(value):,}", most=f"{limits.MAX_ROWS:,}"))
        if all(not isinstance(v, list) for v in value):
            out = self._flat(value, path, rows, cols, what)
        else:
            out = self._rows(value, path)
        if (rows is not None and out.shape[0] != rows) or (cols is not None and out.shape[1] != cols):
            anything = _("any")
            want = f"{rows if rows is not None else anything} x {cols if cols is not None else anything}"
            self.fail(path, _("wrong shape: the {what} is {shape}, but it must be {want}").format(
                what=_(what), shape=f"{out.shape[0]} x {out.shape[1]}", want=want))
        return out

    def _flat(self, value: list, path: Path, rows, cols, what: str) -> Table:
        flat = [self.number(v, path + (i,)) for i, v in enumerate(value)]
        if cols == 1 or (cols is None and rows is None):
            return Table([[v] for v in flat])
        if rows == 1:
            return Table([flat])
        self.fail(path, _("expected a {rows} x {cols} {what} written as a list of {rows} rows; "
                          "a flat list is only allowed when it has one row or one column").format(
            rows=rows, cols=cols, what=_(what)))

    def _rows(self, value: list, path: Path) -> Table:
        width = None
        data = []
        for i, row in enumerate(value):
            if not isinstance(row, list):
                self.fail(path + (i,), _("expected a row (a list of numbers), got {got}").format(got=kind(row)))
            if width is None:
                width = len(row)
            elif len(row) != width:
                self.fail(path + (i,), _("row {row} has {count} numbers but row 1 has {width}; "
                                         "every row must have the same length").format(
                    row=i + 1, count=len(row), width=width))
            data.append([self.number(v, path + (i, j)) for j, v in enumerate(row)])
        if not width:
            self.fail(path, _("expected rows of numbers, got empty rows"))
        return Table(data)


def shorten(value: Any, most: int = 60) -> str:
    """repr(value), cut to `most` characters (a huge number is described by its length)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        k = int(value.bit_length() * 0.30102999566398)
        return _("a whole number of {digits} digits").format(digits=k + 1 if abs(value) >= 10**k else k)
    text = repr(value)
    return text if len(text) <= most else text[:most - 5] + "...'" if isinstance(value, str) else text[:most] + "..."


def kind(value: Any) -> str:
    if value is None:
        return _("nothing (null)")
    if isinstance(value, bool):
        return _("a true/false value ({value})").format(value=str(value).lower())
    if isinstance(value, dict):
        return _("a mapping")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, str):
        return _("text {value}").format(value=shorten(value))
    return shorten(value)
