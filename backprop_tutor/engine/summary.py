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

#: rows taken at a time for the statistics of a value computed block by block: 16 rows of a
#: 4096-wide layer are 512 KiB, so a block, its gradient and its update stay in the core's
#: cache through the statistics' passes (the slides' demo, `tutor run`: 0.07 s less than 64)
CHUNK_ROWS = 16


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


def stats(value, riders: bool = True) -> Stats:
    """min, max, mean and (population) std over every entry, each as numpy computes it;
    remembered for the last few values (a frame is drawn again on every key). `riders`: a
    lazily computed gradient's sweep also gives its update's statistics (a frame shows both;
    the statistics of each layer show only the gradient)."""
    key = id(value)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is value:
        _CACHE.move_to_end(key)
        return hit[1]
    own = getattr(value, "stats", None)
    found = own(riders=riders) if callable(own) else _array_stats(np.asarray(value, dtype=float))
    _CACHE[key] = (value, found)
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return found


#: a matrix of more entries than this gets its statistics a block of rows at a time (numpy's
#: std would hold a second copy of it); a smaller one as numpy computes them over the whole
WHOLE_STATS = 2**20


def _array_stats(a: np.ndarray) -> Stats:
    if a.size == 0:
        nan = float("nan")
        return Stats(0, nan, nan, nan, nan)
    if a.size > WHOLE_STATS and a.ndim == 2:
        return block_stats(a[r:r + CHUNK_ROWS] for r in range(0, a.shape[0], CHUNK_ROWS))
    with np.errstate(invalid="ignore", over="ignore"):
        return Stats(int(a.size), float(a.min()), float(a.max()), float(a.mean()), float(a.std()))


def block_stats(blocks) -> Stats:
    """The statistics of the blocks' entries taken together, in one pass."""
    acc = Accumulator()
    for b in blocks:
        acc.add(b)
    return acc.stats()


class Accumulator:
    """Statistics gathered a block at a time: each block's own mean and sum of squared
    deviations, merged (Chan et al.), so the std keeps its digits. A block whose mean is
    small beside its spread (a weight matrix, a gradient) gets its sum of squared deviations
    as Σx² − k·mean² from one dot product; any other as Σ(x − mean)²."""

    def __init__(self) -> None:
        self.n, self.lo, self.hi, self.mean, self.m2 = 0, np.inf, -np.inf, 0.0, 0.0
        self._scratch = np.empty(0)  # reused for the deviations: no fresh memory per block

    def add(self, b: np.ndarray) -> None:
        k = b.size
        if not k:
            return
        with np.errstate(invalid="ignore", over="ignore"):
            flat = b.reshape(-1)
            bmean = float(flat.sum()) / k
            squares = float(np.dot(flat, flat))
            bm2 = squares - k * bmean * bmean
            if not bm2 > 0.5 * squares:  # mean² near the mean square (or nan, inf): deviations first
                bm2 = self._deviations(b, bmean)
            delta = bmean - self.mean
            total = self.n + k
            self.mean += delta * k / total
            self.m2 += bm2 + delta * delta * self.n * k / total
            self.n = total
            # as numpy's min and max: a nan anywhere makes them nan
            self.lo, self.hi = float(np.minimum(self.lo, b.min())), float(np.maximum(self.hi, b.max()))

    def _deviations(self, b: np.ndarray, bmean: float) -> float:
        """The block's sum of squared deviations from its mean, taken entry by entry (the sum
        of squares less k·mean² would lose digits where the mean outweighs the spread)."""
        if self._scratch.shape != b.shape:
            self._scratch = np.empty(b.shape)
        d = self._scratch
        np.subtract(b, bmean, out=d)
        np.multiply(d, d, out=d)
        return float(d.sum())

    def stats(self) -> Stats:
        if not self.n:
            nan = float("nan")
            return Stats(0, nan, nan, nan, nan)
        return Stats(self.n, self.lo, self.hi, self.mean, float(np.sqrt(self.m2 / self.n)))


def row_blocks(value):
    """The value a block of rows at a time (a scalar or vector as one block)."""
    if hasattr(value, "blocks"):
        yield from value.blocks()
        return
    a = np.asarray(value, dtype=float)
    if a.ndim < 2 or a.size <= WHOLE_STATS:
        yield a
        return
    for r in range(0, a.shape[0], CHUNK_ROWS):
        yield a[r:r + CHUNK_ROWS]


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


def edges(count: int, edge: int = 3) -> list[int]:
    """The first and last `edge` of `count` indices (all of them when there are few)."""
    return list(range(count)) if count <= 2 * edge else list(range(edge)) + list(range(count - edge, count))


def edge_sample(value, edge: int = 3) -> tuple[list[int], list[int], np.ndarray]:
    """(rows, cols, entries) of a matrix's first and last `edge` rows and columns, read alone."""
    rows, cols = edges(value.shape[0], edge), edges(value.shape[1], edge)
    return rows, cols, pick(value, rows, cols)
