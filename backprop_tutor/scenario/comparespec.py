"""A scenario's own sweep for `tutor compare NAME` without --vary:

    compare: {vary: training.learning_rate, values: [0.001, 0.01, 0.1, 0.3, 0.5, 1]}

Each value is any YAML value (a number, a word, a list of layers), applied as
`--set FIELD=VALUE` would apply it, and checked the same way when the run is made."""

from __future__ import annotations

import json
from typing import Any

from ..i18n import _
from .checker import Checker
from .limits import MAX_COMPARE_VALUES
from .yamlsource import Path


def check(c: Checker, raw: Any, p: Path = ("compare",)) -> None:
    d = c.mapping(raw, p, ("vary", "values"), ("vary", "values"))
    field = c.text(d["vary"], p + ("vary",)).strip()
    if not field or any(not part for part in field.split(".")):
        c.fail(p + ("vary",), _("expected a field written with dots, e.g. training.learning_rate"))
    values = d["values"]
    if not isinstance(values, list) or not values or len(values) > MAX_COMPARE_VALUES:
        c.fail(p + ("values",), _("expected a list of 1 to {most} values, one run each").format(
            most=MAX_COMPARE_VALUES))


def sweep(raw: dict) -> tuple[str, list[tuple[str, str]]] | None:
    """(field, [(label, FIELD=VALUE setting), ...]) of a file's checked `compare`, or None."""
    spec = raw.get("compare") if isinstance(raw, dict) else None
    if not isinstance(spec, dict) or "vary" not in spec or not isinstance(spec.get("values"), list):
        return None
    field = str(spec["vary"]).strip()
    out = []
    for value in spec["values"]:
        text = value if isinstance(value, str) else json.dumps(value, separators=(", ", ": "))
        out.append((text, f"{field}={text}"))
    return field, out


def sweep_errors(path, source) -> list:
    """Each value of the file's `compare` sweep applied as `--set FIELD=VALUE` and checked
    (nothing drawn): a ScenarioError per value the scenario refuses, at the value's line
    (`tutor validate` reports them; `tutor compare` would refuse them one run at a time)."""
    from . import ScenarioError, load_file

    planned = sweep(source.data)
    if planned is None:
        return []
    field, runs = planned
    found = []
    for i, (value, setting) in enumerate(runs):
        try:
            load_file(path, [setting], arrays=False)
        except ScenarioError as err:
            inner = "; ".join(f"{e.field}: {e.message}" if e.field else e.message
                              for e in getattr(err, "errors", [err]))
            found.append((i, value, inner))
    if len(found) == len(runs) > 1 and len({why for _i, _v, why in found}) == 1:  # the field itself
        return [ScenarioError(source.where(("compare", "vary")), "compare.vary",
                              _("{field} is refused for every value: {why}").format(field=field, why=found[0][2]))]
    return [ScenarioError(source.where(("compare", "values", i)), f"compare.values[{i}]",
                          _("{field}={value} is refused: {why}").format(field=field, value=value, why=why))
            for i, value, why in found]
