"""The printed formulas of a run's steps, read back from the cache when they are there.

`tutor run` prints each step's formula, f'(z) and element lines (sympy's work, the most
of the command's time). Inside `kept(...)` those three are looked up by the step's place
in the run before sympy is asked, and what sympy printed is kept for the next time (see
backprop_tutor.cache for the key: the scenario's bytes, the options, the tutor and sympy,
and every number of every step, to the last bit). Outside it, nothing is kept.
"""

from __future__ import annotations

from contextlib import contextmanager

_active: list = []  # the memo of the run being printed, if any


class _Memo:
    def __init__(self, steps, entry: dict | None) -> None:
        self.place = {id(st): i for i, st in enumerate(steps)}
        self.entry = entry if entry is not None else {}
        self.new = False


class Kept:
    """The printed formulas of a run's steps, open for as long as the run is shown (step mode
    keeps it open while the app runs): `save()` writes what was newly printed, `close()` stops
    looking steps up. `parts`: what, besides the steps' numbers and the tutor, the printed
    text depends on."""

    def __init__(self, parts: tuple, steps) -> None:
        from .. import cache

        import shutil
        from dataclasses import fields

        steps = list(steps)
        columns = shutil.get_terminal_size(fallback=(0, 0)).columns  # where sympy breaks a long formula
        self.key = cache.key("run", list(parts), columns, cache.numbers(
            [[(f.name, getattr(st, f.name)) for f in fields(st)] for st in steps]))
        self.memo = _Memo(steps, cache.read("run", self.key))
        _active.append(self.memo)

    def has(self, step) -> bool:
        """Whether the step's formula was printed before (its frame needs no sympy)."""
        place = self.memo.place.get(id(step))
        found = None if place is None else self.memo.entry.get(str(place))
        return isinstance(found, dict) and is_text(found.get("formula"))

    def save(self) -> None:
        from .. import cache

        if self.memo.new:
            cache.write("run", self.key, self.memo.entry)
            self.memo.new = False

    def close(self) -> None:
        if self.memo in _active:
            _active.remove(self.memo)


@contextmanager
def kept(parts: tuple, steps):
    """Within the block, the steps' printed formulas come from the cache (or are kept in it);
    `parts`: what, besides the steps' numbers and the tutor, the printed text depends on."""
    memo = Kept(parts, steps)
    try:
        yield memo
    finally:
        memo.close()
    memo.save()


def keeps(step) -> bool:
    """Whether the step's printed formulas are looked up in (and kept in) the cache."""
    return bool(_active) and id(step) in _active[-1].place


def recall(step, what: str, compute, valid):
    """`compute()`, or what it gave the last time for this step of this run (JSON data that
    `valid` accepts: anything else found, from an edited or damaged entry, is computed again)."""
    memo = _active[-1] if _active else None
    place = None if memo is None else memo.place.get(id(step))
    if place is None:
        return compute()
    found = memo.entry.get(str(place))
    if not isinstance(found, dict):
        found = memo.entry[str(place)] = {}
    if what not in found or not valid(found[what]):
        found[what] = compute()
        memo.new = True
    return found[what]


def is_text(value) -> bool:
    return isinstance(value, str)
