"""Weight-sized values of a wide layer, worked out a block of rows at a time, never held whole.

A recorded pass over a wide network (the slides' six 4096x4096 layers) would hold a gradient
and an updated copy of every weight matrix: three times the parameters' memory. Above
LAZY_ENTRIES entries a layer's dL/dW = Hᵀ G is kept as its two thin factors, and its update
as the op's own rule applied to blocks of rows; a view reads the rows it shows, the
statistics go through every block, JSON writes a block at a time. Each entry is computed
the same way wherever it is read: always in the same fixed blocks of BLOCK rows.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import numpy as np

from .summary import CHUNK_ROWS

#: a weight matrix of more entries than this is handled lazily in a recorded pass
LAZY_ENTRIES = 2**22
#: rows per block (every entry is computed inside the block that holds its row): summary's
#: CHUNK_ROWS, so a lazy and a whole matrix are compared block by block
BLOCK = CHUNK_ROWS


class Lazy:
    """A 2-D float matrix computed block by block; the subclass gives `_block(r0, r1)`."""

    ndim = 2
    dtype = np.dtype(float)

    def __init__(self, shape: tuple[int, int]) -> None:
        self.shape = tuple(int(n) for n in shape)
        self._last: tuple[int, np.ndarray] | None = None
        self._stats = None
        self._dependents: list = []  # weak references to lazy values computed from this one

    @property
    def size(self) -> int:
        return self.shape[0] * self.shape[1]

    def __len__(self) -> int:
        return self.shape[0]

    def _block(self, r0: int, r1: int) -> np.ndarray:
        raise NotImplementedError

    def block(self, k: int) -> np.ndarray:
        """Rows k*BLOCK .. (k+1)*BLOCK (the last kept: views read neighbouring rows)."""
        if self._last is not None and self._last[0] == k:
            return self._last[1]
        found = self._block(k * BLOCK, min(self.shape[0], (k + 1) * BLOCK))
        self._last = (k, found)
        return found

    def blocks(self):
        for k in range(-(-self.shape[0] // BLOCK)):
            yield self.block(k)

    def take_rows(self, rows: list[int]) -> np.ndarray:
        """The given rows (negative counts from the end) as one small array."""
        n = self.shape[0]
        out = np.empty((len(rows), self.shape[1]))
        for i, r in enumerate(rows):
            r = r + n if r < 0 else r
            out[i] = self.block(r // BLOCK)[r % BLOCK]
        return out

    def __getitem__(self, index):
        if isinstance(index, tuple) and len(index) == 2 and all(isinstance(i, (int, np.integer)) for i in index):
            return self.take_rows([int(index[0])])[0, int(index[1])]
        if isinstance(index, (int, np.integer)):
            return self.take_rows([int(index)])[0]
        raise TypeError("a lazily computed matrix is read by entry [i, j] or by row")

    def __iter__(self):
        for b in self.blocks():
            yield from b

    def __array__(self, dtype=None, copy=None):
        whole = np.concatenate(list(self.blocks())) if self.shape[0] else np.empty(self.shape)
        return whole if dtype is None else whole.astype(dtype, copy=False)

    def tolist(self) -> list:
        return [row.tolist() for row in self]

    def stats(self, riders: bool = True):
        """min, max, mean and std over every entry, one block at a time; a lazy argument
        read on the way (an update's gradient) gets its own statistics from the same sweep,
        and so does (with `riders`) a lazy value that reads this one (the update of a gradient)."""
        from .summary import Accumulator

        if self._stats is None:
            # the lazy values this one reads (an update's gradient) or that read it (the update
            # of this gradient): their blocks are at hand while this one's are computed
            near = [a for a in getattr(self, "args", ()) if isinstance(a, Lazy)]
            near += [d() for d in self._dependents if d() is not None] if riders else []
            riders = [a for a in near if a._stats is None]
            own, theirs = Accumulator(), [Accumulator() for _ in riders]
            for k in range(-(-self.shape[0] // BLOCK)):
                own.add(self.block(k))
                for rider, acc in zip(riders, theirs):
                    acc.add(rider.block(k))  # already computed for this block
            self._stats = own.stats()
            for rider, acc in zip(riders, theirs):
                rider._stats = acc.stats()
        return self._stats


class Product(Lazy):
    """left @ right (e.g. Hᵀ G: n_in x m times m x n_out), block by block of rows."""

    def __init__(self, left: np.ndarray, right: np.ndarray) -> None:
        super().__init__((left.shape[0], right.shape[1]))
        self.left, self.right = left, right

    def _block(self, r0: int, r1: int) -> np.ndarray:
        return self.left[r0:r1] @ self.right


class Rowwise(Lazy):
    """fn(*args) applied to the same block of rows of each argument (an entry-by-entry rule:
    an update theta - eta g, a penalty g + lambda w); scalars are passed as they are."""

    def __init__(self, fn: Callable, *args) -> None:
        shape = next(np.shape(a) for a in args if np.ndim(a) == 2)
        super().__init__(shape)
        self.fn, self.args = fn, args
        for a in args:
            if isinstance(a, Lazy):
                a._dependents.append(weakref.ref(self))

    def _block(self, r0: int, r1: int) -> np.ndarray:
        k = r0 // BLOCK
        parts = [a.block(k) if isinstance(a, Lazy) else a[r0:r1] if np.ndim(a) == 2 else a for a in self.args]
        return np.asarray(self.fn(*parts), dtype=float)


def is_lazy(value) -> bool:
    return isinstance(value, Lazy)


def wide(shape: tuple) -> bool:
    """Whether a weight-sized value of this shape is kept lazily in a recorded pass."""
    return len(shape) == 2 and shape[0] * shape[1] > LAZY_ENTRIES
