"""The blank answer sheet of a scenario: every value a student computes, in step order.

`sheet_entries` lists them (the quiz asks them in this order); `template` writes the
sheet as YAML for a teacher to hand out, in the scenario's notation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..i18n import _
from .names import UnknownName, entries, entry_name, resolve

#: the phases a student computes (preprocessing is given)
PHASES = ("forward", "loss", "backward", "update")


@dataclass(frozen=True)
class SheetEntry:
    name: str
    key: str
    index: tuple
    phase: str


def sheet_entries(truth, phases: tuple[str, ...] | None = None) -> list[SheetEntry]:
    """Every entry of every step the student computes, named as an answer sheet names it."""
    shapes = truth.shapes()
    out = []
    for st in truth.steps:
        if st.phase not in (phases or PHASES):
            continue
        for ix in entries(np.shape(st.value)):
            name = entry_name(st, ix, truth.model)
            try:
                found = resolve(name, truth.model, shapes)
            except UnknownName:
                break  # a value the grammar does not name (a binary layer's sign(W)): not asked
            if found.key != st.key:
                break
            out.append(SheetEntry(name, st.key, ix, st.phase))
    return out


class Hints:
    """Each step's element lines (numbers put in, results left out) and formula, made by the
    step's own presentation rule when first asked for, once per step."""

    def __init__(self, truth) -> None:
        self.truth = truth
        self._lines: dict[str, list | None] = {}
        self._formulas: dict[str, str] = {}

    def hint(self, key: str, index: tuple) -> str:
        step = self.truth.by_key[key]
        if key not in self._lines:
            self._lines[key] = _lines(step)
        lines = self._lines[key]
        n = entries(np.shape(step.value)).index(tuple(index))
        return _hint(lines, n, step, tuple(index))

    def formula(self, key: str) -> str:
        if key not in self._formulas:
            self._formulas[key] = _formula(self.truth.by_key[key])
        return self._formulas[key]


def _lines(step):
    from ..symbolic import substitution

    try:
        found = substitution.element_lines(step, _fmt, limit=10 ** 6)
    except Exception:  # noqa: BLE001 - a step without element lines: the formula is the hint
        return None
    return None if found is None else list(found.lines)


def _fmt(x: float) -> str:
    from ..symbolic.elements import default_format

    return default_format(x, 6)


def _hint(lines, n: int, step, ix: tuple) -> str:
    """Entry n's element line without its result: the formula with the numbers put in."""
    if not lines:
        return ""
    size = int(np.size(step.value))
    line = lines[n] if len(lines) == size else (lines[-1] if size == 1 else "")
    result = f" = {_fmt(float(np.asarray(step.value)[ix]))}"
    return line[:-len(result)] if line.endswith(result) else line


def _formula(step) -> str:
    from ..symbolic import formulas

    try:
        return formulas.text(step)
    except Exception:  # noqa: BLE001 - an op without a symbolic form
        return ""


HEADER = _("# Answer sheet: {name} ({title})\n# {shape}; one pass{record}.\n# Write each value after its "
           "name, as you computed it (0.0215, -0.009, 2.155e-2);\n# the digits you write decide the "
           "tolerance. Leave a value blank to skip it.\n# Mark it with: tutor check {arg} {sheet}\n")


def template(truth, arg: str = "") -> str:
    """The blank sheet as YAML, grouped by phase, names quoted."""
    model = truth.model
    record = ""
    x = next((st for st in truth.steps if st.key == "x"), None)
    if x is not None:
        rows = x.extra.get("record")
        record = (_(" on records {join}").format(join=', '.join(map(str, rows))) if isinstance(rows, list) else _(" on record {rows}").format(rows=rows))
    from ..render.steps import phase_name
    from ..textsafe import visible

    text = HEADER.format(**{k: visible(v, newlines=False) for k, v in dict(
        name=model.name, title=_(model.title) if model.title else "", shape=model.shape_text(), record=record, arg=arg or model.name, sheet=_("THIS_FILE")).items()})
    phase = None
    for e in sheet_entries(truth):
        if e.phase != phase:
            phase = e.phase
            text += f"\n# {phase_name(phase)}\n"
        text += f'"{e.name}":\n'
    return text
