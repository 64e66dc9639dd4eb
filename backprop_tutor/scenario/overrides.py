"""`--set dotted.path=value` and a file's `run:` section: change fields before validation.

The value is read as YAML (numbers, text, lists, true/false), with the same bounded
safe loader as a file: it is data, never code. The changed tree is validated like a
file. A mistake at a changed field is reported against the option or `run:` entry
that changed it; a mistake that a change caused elsewhere (e.g. a narrower layer
that no longer fits the given W1) names that change too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..i18n import _
from .errors import ScenarioError, combined
from .yamlsource import Source, load_value

RUN_SECTION = "run"
_INDEX = re.compile(r"[0-9]+\Z")
#: fields that may be one word standing for a mapping: the key the word fills
_WORDS = (
    (("loss",), "type"),
    (("data", "preprocess"), "inputs"),
    (("parameters", "init"), "method"),
    (("network", "layers", int, "activation"), "name"),
    (("source",), "document"),
)


@dataclass
class Change:
    where: str  # what a message at the changed field starts with: the option, or file:line
    name: str  # the option, or "run: PATH"
    path: tuple
    value: object


def _path(key: str) -> tuple:
    return tuple(int(p) if _INDEX.match(p) else p for p in key.strip().split("."))


def parse(option: str) -> tuple[tuple, object]:
    if "=" not in option:
        raise ScenarioError(f"--set {option}", "", _("expected PATH=VALUE, e.g. --set "
                                                     "training.learning_rate=0.5"))
    key, _sep, text = option.partition("=")
    parts = key.strip().split(".")
    if not key.strip() or any(not p for p in parts):
        raise ScenarioError(f"--set {option}", "", _("the path is empty or has an empty part; write fields "
                                                     "with dots, e.g. network.layers.0.units"))
    value = load_value(text, f"--set {option}", key) if text.strip() else ""
    return _path(key), value


def _word_key(path: tuple) -> str | None:
    for pattern, key in _WORDS:
        if len(pattern) == len(path) and all(p is int and isinstance(q, int) or p == q for p, q in zip(pattern, path)):
            return key
    return None


def _set(source: Source, path: tuple, value, label: str) -> None:
    node = source.data
    for i, part in enumerate(path[:-1]):
        nxt = path[i + 1]
        if isinstance(node, dict):
            word = node.get(part)
            key = _word_key(path[:i + 1])
            if isinstance(word, str) and key is not None:  # `loss: mse` + loss.l2 -> {type: mse, l2: ...}
                node[part] = {} if (key == "inputs" and word == "none") else {key: word}
            elif part not in node or not isinstance(node[part], (dict, list)):
                node[part] = [] if isinstance(nxt, int) else {}
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            raise ScenarioError(label, ".".join(map(str, path[: i + 1])),
                                _("no such field to change; check the path against the scenario file"))
    last = path[-1]
    if isinstance(node, dict):
        node[last] = value
    elif isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = value
    else:
        raise ScenarioError(label, ".".join(map(str, path)),
                            _("no such field to change; check the path against the scenario file"))
    source.overrides[path] = label


def planned(source: Source, settings: list, up_close: bool) -> list[Change]:
    """The changes to make, in order: the `run:` section (when up close), then the options."""
    changes = _run_section(source) if up_close else []
    for option in settings:
        label, text = option if isinstance(option, tuple) else (f"--set {option}", option)
        try:
            path, value = parse(text)
        except ScenarioError as err:
            raise ScenarioError(label, err.field, err.message) from None
        changes.append(Change(label, label, path, value))
    return changes


def apply_changes(source: Source, changes: list[Change]) -> Source:
    for change in changes:
        _set(source, change.path, change.value, change.where)
    return source


def apply(source: Source, options: list) -> Source:
    """Apply `PATH=VALUE` options in order. An option may be a (label, "PATH=VALUE") pair
    when another command-line option stands behind it (e.g. ("--sample 3", "training.record=3")),
    so that a mistake is reported against what the user typed."""
    return apply_changes(source, planned(source, options, up_close=False))


def _run_section(source: Source) -> list[Change]:
    section = source.data.get(RUN_SECTION) if isinstance(source.data, dict) else None
    if section is None:
        return []
    if not isinstance(section, dict):
        raise ScenarioError(source.where((RUN_SECTION,)), RUN_SECTION,
                            _("expected a mapping of FIELD: VALUE, e.g. `network.layers.0.units: 8`"))
    changes = []
    for key, value in section.items():
        where = source.where((RUN_SECTION, key))
        if not isinstance(key, str) or not key.strip() or any(not p for p in key.split(".")):
            raise ScenarioError(where, f"{RUN_SECTION}.{key}", _("expected a field path with dots, e.g. "
                                                                 "network.layers.0.units"))
        if _path(key)[0] == RUN_SECTION:
            raise ScenarioError(where, f"{RUN_SECTION}.{key}", _("the run section cannot change itself"))
        changes.append(Change(where, f"{RUN_SECTION}: {key}", _path(key), value))
    return changes


def apply_run_section(source: Source) -> Source:
    """Apply the scenario's own `run:` overrides (what `tutor run` and `explain` show up close,
    e.g. a narrower network), each reported at its own line if it is wrong."""
    return apply_changes(source, _run_section(source))


def _flat(err: ScenarioError | None) -> list[ScenarioError]:
    return [] if err is None else list(getattr(err, "errors", [err]))


def blame(err: ScenarioError, fresh, changes: list[Change], validate) -> ScenarioError:
    """Name the change that caused each mistake found away from the fields it changed.

    `fresh()` gives the unchanged Source again; the changes are applied one more at a
    time until the mistake appears."""
    labels = {c.where for c in changes}
    pending = [e for e in _flat(err) if e.where not in labels]
    cause: dict[int, Change] = {}
    for k in range(len(changes)):
        if not pending:
            break
        try:
            validate(apply_changes(fresh(), [c for c in changes[:k]]))
            found = set()
        except ScenarioError as seen:
            found = {str(e) for e in _flat(seen)}
        for e in list(pending):
            if str(e) in found:
                pending.remove(e)
                if k:
                    cause[id(e)] = changes[k - 1]
    for e in pending:
        cause[id(e)] = changes[-1]
    out = []
    for e in _flat(err):
        change = cause.get(id(e))
        if change is None:
            out.append(e)
            continue
        after = "" if change.name == change.where else f"after {change.name}; "
        out.append(ScenarioError(change.where, e.field, _("{message} ({after}{value} is at {where})").format(message=e.message, after=after, value=e.field or 'it', where=e.where)))
    return combined(out)
