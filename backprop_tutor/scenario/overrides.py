"""`--set dotted.path=value`: change one field of a loaded scenario, for a "what if".

The value is read as YAML (numbers, text, lists, true/false), with the safe
loader: it is data, never code. The changed tree is validated like a file, and a
mistake in it is reported against the `--set` option that made it.
"""

from __future__ import annotations

import yaml

from .errors import ScenarioError
from .yamlsource import Source


def parse(option: str) -> tuple[tuple, object]:
    if "=" not in option:
        raise ScenarioError(f"--set {option}", "", "expected PATH=VALUE, e.g. --set training.learning_rate=0.5")
    key, _, text = option.partition("=")
    parts = [p for p in key.strip().split(".")]
    if not key.strip() or any(not p for p in parts):
        raise ScenarioError(f"--set {option}", "", "the path is empty or has an empty part; "
                                                    "write fields with dots, e.g. network.layers.0.units")
    try:
        value = yaml.safe_load(text) if text.strip() else ""
    except yaml.YAMLError:
        raise ScenarioError(f"--set {option}", key, "the value is not valid YAML; quote text, "
                                                   "write lists as [1, 2]") from None
    path = tuple(int(p) if p.isdigit() else p for p in parts)
    return path, value


def _path(key: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in key.strip().split("."))


def _set(source: Source, path: tuple, value, label: str) -> None:
    node = source.data
    for i, part in enumerate(path[:-1]):
        nxt = path[i + 1]
        if isinstance(node, dict):
            if part not in node or not isinstance(node[part], (dict, list)):
                node[part] = [] if isinstance(nxt, int) else {}
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            raise ScenarioError(label, ".".join(map(str, path[: i + 1])),
                                "no such field to change; check the path against the scenario file")
    last = path[-1]
    if isinstance(node, dict):
        node[last] = value
    elif isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = value
    else:
        raise ScenarioError(label, ".".join(map(str, path)),
                            "no such field to change; check the path against the scenario file")
    source.overrides[path] = label


def apply(source: Source, options: list) -> Source:
    """Apply `PATH=VALUE` options in order. An option may be a (label, "PATH=VALUE") pair
    when another command-line option stands behind it (e.g. ("--sample 3", "training.record=3")),
    so that a mistake is reported against what the user typed."""
    for option in options:
        label, text = option if isinstance(option, tuple) else (f"--set {option}", option)
        try:
            path, value = parse(text)
        except ScenarioError as err:
            raise ScenarioError(label, err.field, err.message) from None
        _set(source, path, value, label)
    return source


RUN_SECTION = "run"


def apply_run_section(source: Source) -> Source:
    """Apply the scenario's own `run:` overrides (what `tutor run` and `explain` show up close,
    e.g. a narrower network), each reported at its own line if it is wrong."""
    section = source.data.get(RUN_SECTION) if isinstance(source.data, dict) else None
    if section is None:
        return source
    if not isinstance(section, dict):
        raise ScenarioError(source.where((RUN_SECTION,)), RUN_SECTION,
                            "expected a mapping of FIELD: VALUE, e.g. `network.layers.0.units: 8`")
    for key, value in list(section.items()):
        where = source.where((RUN_SECTION, key))
        if not isinstance(key, str) or not key.strip() or any(not p for p in key.split(".")):
            raise ScenarioError(where, f"{RUN_SECTION}.{key}", "expected a field path with dots, "
                                                               "e.g. network.layers.0.units")
        if _path(key)[0] == RUN_SECTION:
            raise ScenarioError(where, f"{RUN_SECTION}.{key}", "the run section cannot change itself")
        _set(source, _path(key), value, where)
    return source
