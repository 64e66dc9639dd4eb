"""What a view of a large matrix shows besides its corner: its statistics, taken over
every entry, and the entries a view picks, read without touching the rest.

A view of a matrix larger than the screen shows its shape, these statistics (min, max,
mean, std) and a corner; it formats only the numbers it shows. A value may be a numpy
array or a lazily computed matrix (engine/lazy.py) that is never held whole.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

#: rows taken at a time for the statistics of a value computed block by block
CHUNK_ROWS = 256


@dataclass(frozen=True)
class Stats:
    """Statistics of every entry of a matrix (nan and inf as numpy gives them)."""

    count: int
    min: float
    max: float
    mean: float
    std: float


_CACHE: OrderedDict = OrderedDict()  # id -> (value, Stats); the value is kept so its id is not reused
_CACHE_SIZE = 64


def stats(value) -> Stats:
    """min, max, mean and (population) std over every entry, each as numpy computes it;
    remembered for the last few values (a frame is drawn again on every key)."""
    key = id(value)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is value:
        _CACHE.move_to_end(key)
        return hit[1]
    own = getattr(value, "stats", None)
    found = own() if callable(own) else _array_stats(np.asarray(value, dtype=float))
    _CACHE[key] = (value, found)
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return found


def _array_stats(a: np.ndarray) -> Stats:
    if a.size == 0:
        nan = float("nan")
        return Stats(0, nan, nan, nan, nan)
    with np.errstate(invalid="ignore", over="ignore"):
        return Stats(int(a.size), float(a.min()), float(a.max()), float(a.mean()), float(a.std()))


def shape(value) -> tuple[int, ...]:
    return tuple(getattr(value, "shape", None) or np.shape(value))


def pick(value, rows: list[int], cols: list[int]) -> np.ndarray:
    """value[rows][:, cols] as a small array (negative indices count from the end), reading
    only those rows of a lazily computed matrix; a vector is one row."""
    take = getattr(value, "take_rows", None)
    if callable(take):
        return take(rows)[:, cols]
    a = np.asarray(value)
    if a.ndim < 2:
        a = a.reshape(1, -1)
    return a[rows][:, cols]
