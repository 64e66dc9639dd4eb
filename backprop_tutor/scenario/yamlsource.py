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

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent

from ..i18n import _
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
    #: the text of each scalar as written (0.0215, not the float), kept when asked for
    texts: dict[Path, str] = field(default_factory=dict)
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
FLOAT_TAG = "tag:yaml.org,2002:float"
#: a decimal float() reads exactly as YAML's float constructor does (no _, no .inf, no 1:30)
DECIMAL = re.compile(r"[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?\Z")


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
            self._refuse(event.start_mark, _("the lists and mappings here are nested more than {max_depth} "
                                             "deep; a scenario needs a few levels").format(
                                               max_depth=limits.MAX_DEPTH))
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
            self._refuse(event.start_mark, _("the alias *{anchor} is used inside its own anchor "
                                             "&{anchor2}; a value cannot contain itself").format(
                                               anchor=anchor, anchor2=anchor))
        if anchor not in self.anchors:
            self._refuse(event.start_mark, _("the alias *{anchor} has no anchor &{anchor2} before it").format(anchor=anchor, anchor2=anchor))
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
            how = _(" once the alias *{anchor} is expanded").format(anchor=anchor) if anchor else ""
            self._refuse(mark, _("the file holds more than {max_values} values{how}; a scenario needs far "
                                 "fewer (put large data in a data set file: data.dataset)").format(
                                   max_values=format(limits.MAX_VALUES, ","), how=how))


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


def _c_loader(text: str):
    """libyaml's own loader (parser and composer in C, about three times faster on a large inline
    table) for a file it can compose safely, else None. Its composer recurses on the C stack
    and shares an anchor's node wherever an alias uses it, so the file's events are read first:
    a file with an alias, nested deeper than the limit, holding more values than the limit, or
    that libyaml cannot read goes to the bounded composer above, which reports each of these at
    its line (and with the same message as always)."""
    try:
        from yaml import CSafeLoader
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover - PyYAML without libyaml
        return None
    from yaml.events import AliasEvent, MappingEndEvent, MappingStartEvent, ScalarEvent
    from yaml.events import SequenceEndEvent, SequenceStartEvent, StreamEndEvent

    parser = CParser(text)
    depth = values = 0
    try:
        while True:
            kind = type(parser.get_event())
            if kind is ScalarEvent:
                values += 1
            elif kind is SequenceStartEvent or kind is MappingStartEvent:
                depth += 1
                values += 1
                if depth > limits.MAX_DEPTH:
                    return None
            elif kind is SequenceEndEvent or kind is MappingEndEvent:
                depth -= 1
            elif kind is AliasEvent:
                return None
            elif kind is StreamEndEvent:
                break
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()
    return CSafeLoader(text) if values <= limits.MAX_VALUES else None


def _scalar(node: yaml.ScalarNode, constructor, where: str, path: Path) -> Any:
    try:
        return constructor.construct_object(node, deep=True)
    except (ValueError, OverflowError):  # e.g. an integer of more than 4300 digits
        raise ScenarioError(where, _dotted(path), _("this number is too long to read; a scenario's numbers "
                                                    "have at most a few dozen digits")) from None
    except yaml.YAMLError:
        raise
    except Exception:  # a tag's own reader failing on its text, e.g. `!!timestamp nonsense`
        raise ScenarioError(where, _dotted(path), _("cannot read this value as {tag}; a scenario holds "
                                                    "plain numbers and text").format(tag=node.tag)) from None


def _build(node: yaml.Node, path: Path, lines: dict, name: str, constructor, at: int | None = None,
           texts: dict | None = None) -> Any:
    """The plain value of `node`; `at` is the line of the alias this value was reached through;
    `texts` (if given) receives each scalar's text as written."""
    if getattr(node, "alias", None) is not None and at is None:
        at = node.start_mark.line + 1
    lines[path] = at or node.start_mark.line + 1
    if len(path) > 2 * limits.MAX_DEPTH:
        raise ScenarioError(f"{name}:{lines[path]}", _dotted(path[:4]) + "...",
                            _("the aliases here nest values more than {value} deep").format(value=2 * limits.MAX_DEPTH))
    if not isinstance(node, yaml.ScalarNode) and node.tag not in PLAIN_TAGS:
        raise ScenarioError(f"{name}:{lines[path]}", _dotted(path),
                            _("the YAML tag {tag} is not allowed; a scenario is plain data (mappings, "
                              "lists, numbers, text)").format(tag=node.tag))
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            line = at or key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError(f"{name}:{line}", _dotted(path), _("a key must be a name, got a list or mapping"))
            key = _scalar(key_node, constructor, f"{name}:{line}", path)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise ScenarioError(f"{name}:{line}", _dotted(path), _("a key must be a name, got {key}").format(key=repr(key)))
            if key in out:
                raise ScenarioError(
                    f"{name}:{line}", _dotted(path + (key,)), _("this key appears twice; give it once")
                )
            out[key] = _build(value_node, path + (key,), lines, name, constructor, at, texts)
            lines[path + (key,)] = line
        return out
    if isinstance(node, yaml.SequenceNode):
        out = []
        for i, v in enumerate(node.value):  # a row of a table: its plain decimals read at once
            if at is None and v.tag == FLOAT_TAG and type(v) is yaml.ScalarNode and DECIMAL.match(v.value):
                lines[path + (i,)] = v.start_mark.line + 1
                out.append(float(v.value))
                if texts is not None:
                    texts[path + (i,)] = v.value
            else:
                out.append(_build(v, path + (i,), lines, name, constructor, at, texts))
        return out
    if texts is not None:
        texts[path] = node.value
    return _scalar(node, constructor, f"{name}:{lines[path]}", path)


def _dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


dotted = _dotted


def load_text(text: str, name: str, keep_text: bool = False) -> Source:
    """Parse YAML text safely into a Source; syntax errors become ScenarioError.
    `keep_text`: also keep each scalar's text as written (Source.texts)."""
    if len(text) > limits.MAX_FILE_BYTES:
        raise ScenarioError(f"{name}:1", "", too_big(len(text)))
    bad = unreadable_character(text)
    if bad:
        line, message = bad
        raise ScenarioError(f"{name}:{line}", "", message)
    try:
        loader = _c_loader(text) or _Loader(text, name)
        try:
            try:
                root = loader.get_single_node()
            except yaml.YAMLError:  # reported as the bounded composer reports it
                if isinstance(loader, _Loader):
                    raise
                loader.dispose()
                loader = _Loader(text, name)
                root = loader.get_single_node()
            if root is None:
                raise ScenarioError(f"{name}:1", "", _("the file is empty; a scenario is a mapping of "
                                                       "fields"))
            lines: dict = {}
            texts: dict | None = {} if keep_text else None
            data = _build(root, (), lines, name, loader, texts=texts)
        finally:
            loader.dispose()
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ScenarioError(f"{name}:{line}", "", _("not plain data: {problem}; a scenario holds only "
                                                    "mappings, lists, numbers and text").format(
                                                      problem=exc.problem)) from None
    except yaml.MarkedYAMLError as exc:
        line, problem = syntax_location(exc)
        near = lookalike_near(text, line)
        if near:
            line, problem = near
        raise ScenarioError(
            f"{name}:{line}", "", _("YAML syntax error: {problem}; check indentation, colons and brackets").format(
                problem=problem)
        ) from None
    except yaml.YAMLError as exc:  # e.g. a reader error: carries a position, not a mark
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else 1
        raise ScenarioError(f"{name}:{line}", "", _("YAML error: {problem}").format(
            problem=getattr(exc, "reason", None) or exc)) from None
    except RecursionError:  # pragma: no cover - the depth limit comes first
        raise ScenarioError(f"{name}:1", "", _("the file nests values too deeply")) from None
    return Source(name=name, data=data, lines=lines, texts=texts or {})


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
        raise ScenarioError(label, key, _("the value is not valid YAML; quote text, write lists as [1, 2]")) from None


def too_big(size: int) -> str:
    return (_("the file is {size_text}; a scenario file may be at most {size_text2} (put large data in a "
              "data set file: data.dataset)").format(
                size_text=limits.size_text(size), size_text2=limits.size_text(limits.MAX_FILE_BYTES)))


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text of a file's bytes; a byte that is not UTF-8 is reported at its own line."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError(f"{name}:{line}", "", _("the byte 0x{value} at column {column} is not UTF-8 "
                                                    "text; save the file as UTF-8").format(
                                                      value=format(raw[exc.start], "02X"), column=column)) from None
