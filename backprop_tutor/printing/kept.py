"""`tutor explain`'s text, its printed formulas read back from the cache.

Deriving the chain rule and printing it are sympy's work and the most of the command's
time; the numbers are not. With a warm cache the engine runs its pass, the value is
chained again from the derived formulas (kept as the functions lambdify wrote for them)
and set beside the engine's value and a central finite difference, computed afresh, with
the self-check between them; only the printed formulas come from the cache. An entry is
used when the pass's numbers are the same to the last bit (they are in its key) and the
value chained again is the one its text shows; otherwise, or when the entry cannot be
read, everything is derived and printed again and the entry written anew.
"""

from __future__ import annotations

from .. import cache


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
    from ..symbolic.numeric import values
    from ..symbolic.values import Derived
    from .numbers import value_text

    if not _readable(entry):
        return None
    try:
        value, engine_value, fd, surrogates = values(p, Derived(entry["sources"]))
    except Exception:  # a damaged entry's formula: derived again  # noqa: BLE001
        return None
    if cache.numbers(value) != entry["value"]:
        return None
    sections = [tuple(s) for s in entry["sections"]]
    sections.append(("value", value_text(entry["title"], value, engine_value, fd, surrogates, width)))
    return entry["title"], sections


def _derived(p, width: int | None):
    """Everything derived and printed by sympy; the entry to keep, or None when the kept
    formulas (compiled again) do not give the value to the last bit."""
    from ..symbolic.derive import explain
    from ..symbolic.numeric import values
    from ..symbolic.values import Derived
    from .explain_text import text_sections, title

    derived = Derived()
    ex = explain(p.scenario, p.target, derived=derived)
    head, sections = title(ex), text_sections(ex, width)
    entry = None
    try:
        again = values(p, Derived(derived.sources), difference=False)[0]
        if cache.numbers(again) == cache.numbers(ex.value) and sections[-1][0] == "value":
            entry = {"title": head, "sections": [list(s) for s in sections[:-1]],
                     "sources": derived.sources, "value": cache.numbers(ex.value)}
    except Exception:  # a formula lambdify wrote that cannot be compiled again: not kept  # noqa: BLE001
        entry = None
    return head, sections, entry


def _readable(entry) -> bool:
    def text_pair(s) -> bool:
        return isinstance(s, list) and len(s) == 2 and all(isinstance(t, str) for t in s)

    return (isinstance(entry, dict) and isinstance(entry.get("title"), str)
            and isinstance(entry.get("value"), str)
            and isinstance(entry.get("sections"), list) and all(text_pair(s) for s in entry["sections"])
            and isinstance(entry.get("sources"), dict)
            and all(isinstance(v, list) and len(v) == 2 and isinstance(v[0], str) and isinstance(v[1], bool)
                    for v in entry["sources"].values()))
