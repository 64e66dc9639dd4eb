"""Reading a student's answer sheet: YAML (name: number) or CSV (name,number).

    z1^(1): 0.25              # one entry, as the notes write it
    dL/dw12^(1): 0.0215
    dL/dW2: [[0.206], [0.228]]  # a whole matrix, a list of rows
    w12^(1)': 0.99785         # after the update
    L:                        # left blank: not answered

Numbers are kept as written (0.50 stays 0.50: the digits decide the tolerance). The
YAML is read by the scenario loader (safe, bounded, with the line of every value);
a mistake is reported as `file:line: name: what is wrong, and what is allowed`.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..i18n import _
from ..scenario import limits
from ..scenario.errors import ScenarioError
from ..scenario.yamlsource import decode, load_text
from .marks import ALLOWED, written
from .names import UnknownName, entry_name, entries, resolve

HEADERS = ("name", "value", "answer", "quantity", "key")


@dataclass(frozen=True)
class Entry:
    """One answered (or blank) entry of the sheet."""

    name: str  # as the sheet names it (an entry of a whole matrix: its own name)
    key: str  # the step's key
    index: tuple  # the entry of the step's value
    text: str | None  # the number as written; None: left blank
    where: str  # file:line


@dataclass
class Sheet:
    file: str
    entries: list[Entry]

    def numbers(self) -> dict[tuple[str, tuple], float]:
        """The student's numbers by (step key, entry), for the pass."""
        return {(e.key, e.index): float(written(e.text)) for e in self.entries if e.text is not None}


def read(path: str | Path, truth) -> Sheet:
    """Read and check an answer sheet against the scenario's values (ScenarioError if bad)."""
    shown = str(path)
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            raw = f.read(limits.MAX_ANSWER_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(shown, "", _("cannot read the answer file ({value})").format(value=exc.strerror or exc)) from None
    if max(size, len(raw)) > limits.MAX_ANSWER_BYTES:
        raise ScenarioError(f"{shown}:1", "", _("the file is {size_text}; an answer file may be at most "
                                                "{size_text2}").format(
                                                  size_text=limits.size_text(max(size, len(raw))), size_text2=limits.size_text(limits.MAX_ANSWER_BYTES)))
    text = decode(raw, shown)
    pairs = _csv(text, shown) if shown.lower().endswith(".csv") else _yaml(text, shown)
    return sheet_of(shown, pairs, truth)


def sheet_of(shown: str, pairs, truth) -> Sheet:
    """A sheet from (name, written tree, where) triples, each name resolved and checked."""
    found: list[Entry] = []
    seen: dict[tuple, str] = {}
    shapes = truth.shapes()
    for name, tree, where in pairs:
        for entry in _entries(name, tree, where, truth, shapes):
            ident = (entry.key, entry.index)
            if ident in seen:
                raise ScenarioError(where, name, _("this value is given twice (also at {value}); give each "
                                                   "value once").format(value=seen[ident]))
            seen[ident] = where
            found.append(entry)
            if len(found) > limits.MAX_ANSWERS:
                raise ScenarioError(where, name, _("more than {max_answers} answers in one file").format(max_answers=format(limits.MAX_ANSWERS, ",")))
    return Sheet(shown, found)


# YAML -------------------------------------------------------------------------------
def _yaml(text: str, shown: str):
    source = load_text(text, shown, keep_text=True)
    if not isinstance(source.data, dict):
        raise ScenarioError(f"{shown}:1", "", _("an answer sheet is a mapping of names to numbers, e.g. "
                                                "`z1^(1): 0.25` (tutor check --template SCENARIO writes "
                                                "one)"))
    out = []
    for key, value in source.data.items():
        where = source.where((key,))
        out.append((str(key), _tree(value, (key,), source.texts, where, str(key)), where))
    return out


def _tree(value, path, texts, where, name):
    """The written form of a value: None (blank), the number's text, or a list of trees."""
    if value is None:
        return None
    if isinstance(value, list):
        return [_tree(v, path + (i,), texts, where, name) for i, v in enumerate(value)]
    text = texts.get(path, str(value)) if not isinstance(value, str) else value
    if isinstance(value, (bool, dict)) or written(text) is None:
        raise ScenarioError(where, name, _("{said} is not a number; write {allowed} (or leave it blank), "
                                           "or a list of rows for a whole matrix").format(
                                             said=_said(text), allowed=ALLOWED))
    return str(text).strip()


def _said(text) -> str:
    from ..textsafe import visible

    return repr(visible(str(text), newlines=False)[:40])


# CSV --------------------------------------------------------------------------------
def _csv(text: str, shown: str):
    reader = csv.reader(io.StringIO(text))
    out, first = [], True
    for row in reader:
        where = f"{shown}:{reader.line_num}"
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if first and cells[0].lower() in HEADERS:
            first = False
            continue
        first = False
        if len(cells) < 2 or any(cells[2:]):
            raise ScenarioError(where, cells[0], _("a row is NAME,NUMBER (e.g. dL/dw12^(1),0.0215); quote "
                                                   "a whole matrix: \"dL/dW1\",\"[[0.045, 0.0215]]\""))
        value = cells[1]
        if value.startswith("["):
            source = load_text(value, where, keep_text=True)
            tree = _tree(source.data, (), source.texts, where, cells[0])
        else:
            tree = _tree(value or None, (), {}, where, cells[0])
        out.append((cells[0], tree, where))
    return out


# names and shapes ----------------------------------------------------------------------
def _entries(name, tree, where, truth, shapes) -> list[Entry]:
    try:
        found = resolve(name, truth.model, shapes)
    except UnknownName as err:
        raise ScenarioError(where, name, _("not a value of this scenario: {err} (tutor check --template "
                                           "lists every name)").format(err=err)) from None
    shape = shapes[found.key]
    step = truth.by_key[found.key]
    if found.index is not None or int(np.prod(shape)) == 1:
        index = found.index if found.index is not None else (0,) * len(shape)
        if isinstance(tree, list):
            raise ScenarioError(where, name, _("one entry takes one number, not a list"))
        return [Entry(name, found.key, index, tree, where)]
    if not isinstance(tree, list):
        if tree is None:  # a whole matrix left blank
            return [Entry(entry_name(step, ix, truth.model), found.key, ix, None, where) for ix in entries(shape)]
        raise ScenarioError(where, name, _("this is a {shape_text} matrix: give a list of {rows_text}, or "
                                           "name one entry (e.g. {entry_name})").format(
                                             shape_text=_shape_text(shape), rows_text=_rows_text(shape), entry_name=entry_name(step, entries(shape)[0], truth.model)))
    flat = _flatten(tree, shape)
    if flat is None:
        raise ScenarioError(where, name, _("this is a {shape_text} matrix: give a list of {rows_text}").format(shape_text=_shape_text(shape), rows_text=_rows_text(shape)))
    return [Entry(entry_name(step, ix, truth.model), found.key, ix, text, where)
            for ix, text in zip(entries(shape), flat)]


def _flatten(tree, shape):
    """The entries of a nested list in row-major order if it has the value's shape (a single
    row or column may also be written as one flat list); None otherwise."""
    def nested(t, dims):
        if not dims:
            return None if isinstance(t, list) else [t]
        if not isinstance(t, list) or len(t) != dims[0]:
            return None
        out = []
        for part in t:
            sub = nested(part, dims[1:])
            if sub is None:
                return None
            out += sub
        return out
    flat = nested(tree, list(shape))
    if flat is None and len(shape) == 2 and 1 in shape:
        flat = nested(tree, [int(np.prod(shape))])
    return flat


def _shape_text(shape) -> str:
    return "x".join(map(str, shape)) if len(shape) > 1 else f"{shape[0]}-entry"


def _rows_text(shape) -> str:
    if len(shape) == 1:
        return f"{shape[0]} numbers"
    return _("{value} row(s) of {value2} number(s)").format(value=shape[0], value2=shape[1])
