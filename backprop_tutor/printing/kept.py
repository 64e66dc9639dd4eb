"""`tutor explain`'s text, its printed formulas read back from the cache.

Deriving the chain rule and printing it are sympy's work and the most of the command's
time; the numbers it checks against are not. An entry holds data only (text, and numbers
written as text): the printed sections, the value the derived formulas gave when they were
derived (each float as its exact hexadecimal form) and the self-check's verdict on it. It
is used only when the pass's numbers are the same to the last bit (they are all in its
key, and the derived formulas' value is a function of them); the engine's pass, the
engine's value and the central finite difference are computed afresh on every call and
the self-check must give the kept verdict again. Nothing read from the cache is run as
code. An entry that cannot be read or does not serve is derived, printed and kept anew.
"""

from __future__ import annotations

from .. import cache
from ..i18n import _


def explained(model, target, width: int | None, parts: tuple) -> tuple[str, list[tuple[str, str]]]:
    """(the title, the text sections fitted to `width`) of the explanation of `target`;
    `parts`: what, besides the pass's numbers and the tutor, the text depends on."""
    import shutil
    from dataclasses import fields

    from ..symbolic.numeric import pass_for

    p = pass_for(model, target)
    columns = shutil.get_terminal_size(fallback=(0, 0)).columns  # where sympy breaks what it is not told
    entry_key = cache.key("explain", list(parts), width, columns, cache.numbers(
        [[(f.name, getattr(st, f.name)) for f in fields(st)] for st in p.steps.values()]))
    found = _from_entry(p, cache.read("explain", entry_key), width)
    if found is not None:
        return found
    head, sections, entry = _derived(p, width)
    if entry is not None:
        cache.write("explain", entry_key, entry)
    return head, sections


def _from_entry(p, entry: dict | None, width: int | None):
    """The kept text with a fresh value section, or None when the entry does not serve."""
    from ..symbolic.numeric import checks, value_warnings
    from .numbers import value_text

    if not _readable(entry):
        return None
    value = decoded(entry["value"])
    if value is None:
        return None
    engine_value, fd, surrogates = checks(p)
    if value_warnings(value, engine_value) != entry["check"]:  # not the verdict it was kept with
        return None
    sections = [tuple(s) for s in entry["sections"]]
    sections.append((_("value"), value_text(entry["title"], value, engine_value, fd, surrogates, width,
                                            getattr(p, "kinks", []))))
    return entry["title"], sections


def _derived(p, width: int | None):
    """Everything derived and printed by sympy, and the entry to keep (None when the value
    is not one an entry can hold)."""
    from ..symbolic.derive import explain
    from ..symbolic.numeric import value_warnings
    from .explain_text import text_sections, title

    ex = explain(p.scenario, p.target)
    head, sections = title(ex), text_sections(ex, width)
    value = encoded(ex.value)
    entry = None
    if value is not None and sections[-1][0] == _("value"):
        entry = {"title": head, "sections": [list(s) for s in sections[:-1]], "value": value,
                 "check": value_warnings(ex.value, ex.engine_value)}
    return head, sections, entry


def encoded(value) -> dict | None:
    """A float64 value (a number or an array) as data: its shape and each entry's exact
    hexadecimal text (`float.hex`, nan and inf included); a wide layer's lazily computed
    matrix by the entries its printed value and the self-check read (its first and last rows
    and columns, `Edges`); None for any other value."""
    import numpy as np

    if hasattr(value, "take_rows"):
        from ..engine.summary import edge_sample
        from .numbers import EDGE

        rows, cols, entries = edge_sample(value, EDGE)
        if entries.dtype != np.float64:
            return None
        return {"shape": list(value.shape), "rows": rows, "cols": cols,
                "hex": [float(x).hex() for x in entries.reshape(-1)]}
    if not isinstance(value, (np.ndarray, np.floating)) or value.dtype != np.float64:
        return None
    a = np.asarray(value)
    return {"shape": list(a.shape), "hex": [float(x).hex() for x in a.reshape(-1)]}


def decoded(data) -> object | None:
    """The value `encoded` wrote (a 0-d value as a numpy float64, as the derivation gives
    it; a lazily computed matrix as its `Edges`), or None for data it cannot have written."""
    import math

    import numpy as np

    try:
        shape, entries = data["shape"], data["hex"]
        if (not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape)
                or not isinstance(entries, list) or not all(isinstance(t, str) for t in entries)):
            return None
        numbers = [float.fromhex(t) for t in entries]
        if "rows" in data:
            return Edges.of(shape, data["rows"], data["cols"], numbers)
        if math.prod(shape) != len(entries):
            return None
    except (TypeError, KeyError, ValueError, OverflowError):
        return None
    if not shape:
        return np.float64(numbers[0])
    return np.array(numbers, dtype=np.float64).reshape(shape)


class Edges:
    """A wide layer's lazily computed matrix as an entry keeps it: its shape and the entries
    of its first and last rows and columns, all that its printed value and the self-check
    read (`engine.summary.edge_sample`); any other row cannot be read."""

    ndim = 2

    def __init__(self, shape: tuple, rows: list, cols: list, values) -> None:
        self.shape, self.rows, self.cols, self.values = shape, rows, cols, values

    @classmethod
    def of(cls, shape, rows, cols, numbers) -> "Edges | None":
        import numpy as np

        from ..engine.summary import edges
        from .numbers import EDGE

        if (len(shape) != 2 or rows != edges(shape[0], EDGE) or cols != edges(shape[1], EDGE)
                or len(numbers) != len(rows) * len(cols)):
            return None
        return cls(tuple(shape), rows, cols, np.array(numbers, dtype=np.float64).reshape(len(rows), len(cols)))

    def take_rows(self, rows: list[int]):
        import numpy as np

        out = np.full((len(rows), self.shape[1]), np.nan)
        for i, r in enumerate(rows):
            out[i, self.cols] = self.values[self.rows.index(r % self.shape[0])]
        return out


def _readable(entry) -> bool:
    def text_pair(s) -> bool:
        return isinstance(s, list) and len(s) == 2 and all(isinstance(t, str) for t in s)

    return (isinstance(entry, dict) and isinstance(entry.get("title"), str)
            and isinstance(entry.get("value"), dict)
            and isinstance(entry.get("sections"), list) and all(text_pair(s) for s in entry["sections"])
            and isinstance(entry.get("check"), list) and all(isinstance(t, str) for t in entry["check"]))
