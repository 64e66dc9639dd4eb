"""Safe, bounded YAML loading that remembers the line of every value.

Only YAML's plain data (mappings, lists, strings, numbers, booleans, null) is
built: the SafeLoader's constructors, never a Python object, never code. Each
value's line is kept in `Source.lines`, keyed by its path, e.g.
("network", "layers", 1, "activation"), so a mistake can be reported where it is.

A scenario file is untrusted: its size, its nesting and the values its aliases
expand to are bounded (see limits.py), and a value reached through an alias is
reported at the line where the alias is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent

from . import limits
from .errors import ScenarioError
from .textcheck import lookalike_near, syntax_location, unreadable_character

try:  # libyaml's event parser is about six times faster; the composer stays in Python
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml.parser import Parser as _Parser
    from yaml.reader import Reader as _Reader
    from yaml.scanner import Scanner as _Scanner
else:
    _Reader = _Scanner = None

Path = tuple  # a path of mapping keys (str) and list indexes (int)


@dataclass
class Source:
    """A raw scenario tree plus where each of its values came from."""

    name: str  # the file name shown in messages
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    #: paths changed by --set, with the option text that changed them
    overrides: dict[Path, str] = field(default_factory=dict)
    #: read to be trained (train, compare): its network must fit the training memory budget
    for_training: bool = False

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


class _BoundedComposer(Composer):
    """PyYAML's composer, with a nesting limit, an alias budget and no self-reference.

    An alias is composed as a copy of its anchor's node marked at the alias (so a
    mistake in it is reported where the alias is used); `sizes` holds the number of
    values each node expands to, and `total` the values of the whole file so far."""

    def _bounds(self, name: str) -> None:
        self.name, self.depth, self.total = name, 0, 0
        self.sizes: dict[int, int] = {}
        self.open_anchors: list[str] = []
        self.copies: list = []  # alias copies stay alive, so the ids in `sizes` stay unique

    def _refuse(self, mark, message: str):
        raise ScenarioError(f"{self.name}:{mark.line + 1}", "", message)

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            return self._alias(self.get_event())
        event = self.peek_event()
        if self.depth >= limits.MAX_DEPTH:
            self._refuse(event.start_mark, f"the lists and mappings here are nested more than "
                                           f"{limits.MAX_DEPTH} deep; a scenario needs a few levels")
        self.depth += 1
        if event.anchor is not None:
            self.open_anchors.append(event.anchor)
        node = super().compose_node(parent, index)
        if event.anchor is not None:
            self.open_anchors.pop()
        self.depth -= 1
        size = 1
        if isinstance(node, yaml.SequenceNode):
            size += sum(self.sizes[id(v)] for v in node.value)
        elif isinstance(node, yaml.MappingNode):
            size += sum(self.sizes[id(k)] + self.sizes[id(v)] for k, v in node.value)
        self.sizes[id(node)] = size
        self._count(1, event.start_mark)
        return node

    def _alias(self, event):
        anchor = event.anchor
        if anchor in self.open_anchors:
            self._refuse(event.start_mark, f"the alias *{anchor} is used inside its own anchor &{anchor}; "
                                           f"a value cannot contain itself")
        if anchor not in self.anchors:
            self._refuse(event.start_mark, f"the alias *{anchor} has no anchor &{anchor} before it")
        node = self.anchors[anchor]
        if isinstance(node, yaml.ScalarNode):
            copy = yaml.ScalarNode(node.tag, node.value, event.start_mark, event.end_mark, node.style)
        else:
            copy = type(node)(node.tag, node.value, event.start_mark, event.end_mark, node.flow_style)
        copy.alias = anchor
        self.sizes[id(copy)] = self.sizes[id(node)]
        self._count(self.sizes[id(node)], event.start_mark, anchor)
        self.copies.append(copy)
        return copy

    def _count(self, n: int, mark, anchor: str | None = None) -> None:
        self.total += n
        if self.total > limits.MAX_VALUES:
            how = f" once the alias *{anchor} is expanded" if anchor else ""
            self._refuse(mark, f"the file holds more than {limits.MAX_VALUES:,} values{how}; a scenario "
                               f"needs far fewer (put large data in a data set file: data.dataset)")


if _Reader is None:
    class _Loader(_BoundedComposer, _Parser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        def __init__(self, text: str, name: str) -> None:
            _Parser.__init__(self, text)
            Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._bounds(name)
else:  # pragma: no cover
    class _Loader(_Reader, _Scanner, _Parser, _BoundedComposer, yaml.constructor.SafeConstructor,
                  yaml.resolver.Resolver):
        def __init__(self, text: str, name: str) -> None:
            _Reader.__init__(self, text)
            _Scanner.__init__(self)
            _Parser.__init__(self)
            Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._bounds(name)


def _scalar(node: yaml.ScalarNode, constructor, where: str, path: Path) -> Any:
    try:
        return constructor.construct_object(node, deep=True)
    except (ValueError, OverflowError):  # e.g. an integer of more than 4300 digits
        raise ScenarioError(where, _dotted(path), "this number is too long to read; a scenario's numbers "
                                                  "have at most a few dozen digits") from None
    except yaml.YAMLError:
        raise
    except Exception:  # a tag's own reader failing on its text, e.g. `!!timestamp nonsense`
        raise ScenarioError(where, _dotted(path), f"cannot read this value as {node.tag}; a scenario "
                                                  f"holds plain numbers and text") from None


def _build(node: yaml.Node, path: Path, lines: dict, name: str, constructor, at: int | None = None) -> Any:
    """The plain value of `node`; `at` is the line of the alias this value was reached through."""
    if getattr(node, "alias", None) is not None and at is None:
        at = node.start_mark.line + 1
    lines[path] = at or node.start_mark.line + 1
    if len(path) > 2 * limits.MAX_DEPTH:
        raise ScenarioError(f"{name}:{lines[path]}", _dotted(path[:4]) + "...",
                            f"the aliases here nest values more than {2 * limits.MAX_DEPTH} deep")
    if not isinstance(node, yaml.ScalarNode) and node.tag not in PLAIN_TAGS:
        raise ScenarioError(f"{name}:{lines[path]}", _dotted(path),
                            f"the YAML tag {node.tag} is not allowed; a scenario is plain data "
                            f"(mappings, lists, numbers, text)")
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            line = at or key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError(f"{name}:{line}", _dotted(path), "a key must be a name, got a list or mapping")
            key = _scalar(key_node, constructor, f"{name}:{line}", path)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise ScenarioError(f"{name}:{line}", _dotted(path), f"a key must be a name, got {key!r}")
            if key in out:
                raise ScenarioError(
                    f"{name}:{line}", _dotted(path + (key,)), "this key appears twice; give it once"
                )
            out[key] = _build(value_node, path + (key,), lines, name, constructor, at)
            lines[path + (key,)] = line
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(v, path + (i,), lines, name, constructor, at) for i, v in enumerate(node.value)]
    return _scalar(node, constructor, f"{name}:{lines[path]}", path)


def _dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


dotted = _dotted


def load_text(text: str, name: str) -> Source:
    """Parse YAML text safely into a Source; syntax errors become ScenarioError."""
    if len(text) > limits.MAX_FILE_BYTES:
        raise ScenarioError(f"{name}:1", "", too_big(len(text)))
    bad = unreadable_character(text)
    if bad:
        line, message = bad
        raise ScenarioError(f"{name}:{line}", "", message)
    try:
        loader = _Loader(text, name)
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
        line, problem = syntax_location(exc)
        near = lookalike_near(text, line)
        if near:
            line, problem = near
        raise ScenarioError(
            f"{name}:{line}", "", f"YAML syntax error: {problem}; check indentation, colons and brackets"
        ) from None
    except yaml.YAMLError as exc:  # e.g. a reader error: carries a position, not a mark
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else 1
        raise ScenarioError(f"{name}:{line}", "", f"YAML error: {getattr(exc, 'reason', None) or exc}") from None
    except RecursionError:  # pragma: no cover - the depth limit comes first
        raise ScenarioError(f"{name}:1", "", "the file nests values too deeply") from None
    return Source(name=name, data=data, lines=lines)


def load_value(text: str, label: str, key: str) -> Any:
    """A `--set` value: YAML data, read with the same bounds as a file."""
    try:
        loader = _Loader(text, label)
        try:
            root = loader.get_single_node()
            return None if root is None else _build(root, (), {}, label, loader)
        finally:
            loader.dispose()
    except ScenarioError as err:
        raise ScenarioError(label, key, err.message) from None
    except (yaml.YAMLError, RecursionError):
        raise ScenarioError(label, key, "the value is not valid YAML; quote text, "
                                        "write lists as [1, 2]") from None


def too_big(size: int) -> str:
    return (f"the file is {limits.size_text(size)}; a scenario file may be at most "
            f"{limits.size_text(limits.MAX_FILE_BYTES)} (put large data in a data set file: data.dataset)")


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text of a file's bytes; a byte that is not UTF-8 is reported at its own line."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError(f"{name}:{line}", "", f"the byte 0x{raw[exc.start]:02X} at column {column} is "
                                                  f"not UTF-8 text; save the file as UTF-8") from None
