"""Safe YAML loading that remembers the line of every value.

Only YAML's plain data (mappings, lists, strings, numbers, booleans, null) is
built: the SafeLoader's constructors, never a Python object, never code. Each
value's line is kept in `Source.lines`, keyed by its path, e.g.
("network", "layers", 1, "activation"), so a mistake can be reported where it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import ScenarioError

Path = tuple  # a path of mapping keys (str) and list indexes (int)


@dataclass
class Source:
    """A raw scenario tree plus where each of its values came from."""

    name: str  # the file name shown in messages
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    #: paths changed by --set, with the option text that changed them
    overrides: dict[Path, str] = field(default_factory=dict)

    def where(self, path: Path) -> str:
        """`file:line` of the value at `path` (or of its nearest parent)."""
        probe = tuple(path)
        while True:
            if probe in self.overrides:
                return self.overrides[probe]
            if probe in self.lines:
                return f"{self.name}:{self.lines[probe]}"
            # not in the file: a field an option created on its way to what it set
            made_by = [label for p, label in self.overrides.items() if probe and p[:len(probe)] == probe]
            if made_by:
                return made_by[0]
            if not probe:
                return f"{self.name}:1"
            probe = probe[:-1]


PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


def _build(node: yaml.Node, path: Path, lines: dict, name: str, constructor) -> Any:
    lines[path] = node.start_mark.line + 1
    if not isinstance(node, yaml.ScalarNode) and node.tag not in PLAIN_TAGS:
        raise ScenarioError(f"{name}:{lines[path]}", _dotted(path),
                            f"the YAML tag {node.tag} is not allowed; a scenario is plain data "
                            f"(mappings, lists, numbers, text)")
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise ScenarioError(f"{name}:{line}", _dotted(path), f"a key must be a name, got {key!r}")
            if key in out:
                raise ScenarioError(
                    f"{name}:{line}", _dotted(path + (key,)), "this key appears twice; give it once"
                )
            out[key] = _build(value_node, path + (key,), lines, name, constructor)
            lines[path + (key,)] = line
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(v, path + (i,), lines, name, constructor) for i, v in enumerate(node.value)]
    return constructor.construct_object(node, deep=True)


def _dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


dotted = _dotted


def load_text(text: str, name: str) -> Source:
    """Parse YAML text safely into a Source; syntax errors become ScenarioError."""
    try:
        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                raise ScenarioError(f"{name}:1", "", "the file is empty; a scenario is a mapping of fields")
            lines: dict = {}
            data = _build(root, (), lines, name, loader)
        finally:
            loader.dispose()
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ScenarioError(f"{name}:{line}", "", f"not plain data: {exc.problem}; a scenario holds only "
                                                  f"mappings, lists, numbers and text") from None
    except yaml.MarkedYAMLError as exc:
        # inside [..] or {..} the parser notices a mistake only on a later line; the
        # bracket that was left open is where the student should look
        in_flow = (exc.context or "").startswith("while parsing a flow")
        mark = (exc.context_mark if in_flow else None) or exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "invalid YAML"
        raise ScenarioError(
            f"{name}:{line}", "", f"YAML syntax error: {problem}; check indentation, colons and brackets"
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - other YAML errors carry no mark
        raise ScenarioError(f"{name}:1", "", f"YAML error: {exc}") from None
    return Source(name=name, data=data, lines=lines)
