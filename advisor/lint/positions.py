"""Fast, safe YAML loading that keeps the line and column of every key and item.

`mqadvise lint` must read a 10,000-component architecture within two seconds. ruamel.yaml's pure-Python
round-trip loader takes several seconds for such a file, so this module builds plain Python data from
parser *events* only: libyaml's C event parser (through PyYAML) when it is installed, otherwise
ruamel.yaml's pure-Python parser. Either way no constructor runs, so no arbitrary object can be built:
CloudFormation short forms (``!Ref``, ``!GetAtt``, ``!Sub``...) become :class:`Tagged` values.

Bounds are the same as ``advisor.yamlio``: file size (checked by the reader), the number of aliases,
and the number of nodes; nesting is bounded too (:data:`MAX_DEPTH`), so nothing downstream recurses
without limit. Duplicate keys are refused with their position; a key that is a mapping or a sequence
(``? [a, b]``, ``!Ref {a: b}: x``) is kept as a hashable tuple. Every parser error, including
unacceptable characters and text that cannot be encoded, becomes ``InvalidInput`` with a line.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from advisor.errors import InvalidInput, Location
from advisor.yamlbounds import MAX_ALIASES, MAX_DEPTH, MAX_NODES


class PDict(dict):
    """A mapping that remembers where each key is (1-based line, column) and where it starts."""

    __slots__ = ("keypos", "start")

    def __init__(self) -> None:
        super().__init__()
        self.keypos: dict[Any, tuple[int, int]] = {}
        self.start: tuple[int, int] = (1, 1)


class PList(list):
    """A sequence that remembers where each item is."""

    __slots__ = ("itempos", "start")

    def __init__(self) -> None:
        super().__init__()
        self.itempos: list[tuple[int, int]] = []
        self.start: tuple[int, int] = (1, 1)


@dataclass(frozen=True)
class Tagged:
    """A value with a local tag (``!Ref Queue`` -> Tagged('Ref', 'Queue'))."""

    tag: str
    value: Any


_INT = re.compile(r"[-+]?[0-9]+$")
_HEX = re.compile(r"0x[0-9a-fA-F]+$")
_OCT = re.compile(r"0o[0-7]+$")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))


def resolve_plain(text: str) -> Any:
    """YAML 1.2 core schema for a plain scalar (as ruamel.yaml reads it)."""
    if text in _NULLS:
        return None
    first = text[0]
    if first in "tTfF":
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return text
    if first in "0123456789+-.":
        if _INT.match(text):
            return int(text)
        if _HEX.match(text):
            return int(text, 16)
        if _OCT.match(text):
            return int(text, 0)
        if _FLOAT.match(text):
            return float(text)
        low = text.lower()
        if low in (".inf", "+.inf"):
            return float("inf")
        if low == "-.inf":
            return float("-inf")
        if low == ".nan":
            return float("nan")
    return text


_STD = "tag:yaml.org,2002:"


def _scalar(value: str, tag: str | None, plain: bool) -> Any:
    if tag is None or tag == "!":
        return resolve_plain(value) if plain else value
    if tag.startswith(_STD):
        kind = tag[len(_STD):]
        if kind == "str":
            return value
        if kind in ("int", "float", "bool", "null"):
            return resolve_plain(value)
        return value
    return Tagged(tag.lstrip("!"), resolve_plain(value) if plain else value)


def _events(text: str):
    """A function returning the next parser event: libyaml's C parser when available, else ruamel.yaml's."""
    try:
        import yaml  # PyYAML; only its C event parser is used, never a constructor

        if getattr(yaml, "__with_libyaml__", False):
            return yaml.CSafeLoader(text).get_event, yaml.YAMLError
    except ImportError:  # pragma: no cover - depends on the environment
        pass
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    return iter(YAML(typ="safe", pure=True).parse(io.StringIO(text))).__next__, YAMLError


def fast_parser_available() -> bool:
    try:
        import yaml

        return bool(getattr(yaml, "__with_libyaml__", False))
    except ImportError:  # pragma: no cover
        return False


def _line_col(text: str, index: int) -> tuple[int, int]:
    index = max(0, min(index, len(text)))
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def load(text: str, name: str, *, max_nodes: int = MAX_NODES) -> Any:
    """Parse one YAML document into PDict/PList/scalars/Tagged; InvalidInput with file:line:column."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate cannot reach the parser
        raise InvalidInput("invalid text: a character that is not Unicode (a lone surrogate)",
                           location=Location(name, *_line_col(text, exc.start))) from None
    next_event, error_type = _events(text)
    try:
        return _compose(next_event, name, max_nodes)
    except InvalidInput:
        raise
    except error_type as exc:  # type: ignore[misc]
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        if mark is not None:
            loc = Location(name, mark.line + 1, mark.column + 1)
        elif isinstance(getattr(exc, "position", None), int):  # a reader error: a character index
            loc = Location(name, *_line_col(text, exc.position))
        else:
            loc = Location(name, 1, 1)
        problem = getattr(exc, "problem", None) or getattr(exc, "context", None)
        if not problem and getattr(exc, "reason", None):
            character = getattr(exc, "character", None)
            code = ord(character) if isinstance(character, str) and len(character) == 1 else character
            shown = f" #x{code:04x}" if isinstance(code, int) else ""
            problem = f"unacceptable character{shown}: {exc.reason}"
        raise InvalidInput(f"invalid YAML: {problem or 'not YAML'}", location=loc) from None
    except (ValueError, TypeError, IndexError, KeyError, RecursionError) as exc:  # never a traceback
        raise InvalidInput(f"invalid YAML: {exc.__class__.__name__}", location=Location(name, 1, 1)) from None


_KINDS = {"ScalarEvent": 1, "MappingStartEvent": 2, "SequenceStartEvent": 3, "MappingEndEvent": 4,
          "SequenceEndEvent": 4, "AliasEvent": 5, "DocumentStartEvent": 6, "StreamEndEvent": 7}


def _compose(next_event, name: str, max_nodes: int) -> Any:
    """Build the document from events. Hot loop: kept flat on purpose (it runs once per scalar)."""
    anchors: dict[str, Any] = {}
    aliases = nodes = documents = 0
    kinds: dict[type, int] = {}
    stack: list[list[Any]] = []  # frames: [container, is_map, pending_key, key_pos, tag, start]
    frame: list[Any] | None = None
    root: Any = None
    nokey = _NOKEY
    resolve = resolve_plain

    def put(value: Any, pos: tuple[int, int]) -> None:
        nonlocal root
        if frame is None:
            root = value
        elif frame[1]:
            if frame[2] is nokey:
                frame[2], frame[3] = (_freeze_key(value) if isinstance(value, (dict, list, Tagged)) else value), pos
            else:
                _set(frame, value, name)
        else:
            frame[0].append(value)
            frame[0].itempos.append(pos)

    while True:
        ev = next_event()
        if ev is None:
            break
        cls = ev.__class__
        kind = kinds.get(cls)
        if kind is None:
            kind = kinds[cls] = _KINDS.get(cls.__name__, 0)
        if kind == 1:
            nodes += 1
            mark = ev.start_mark
            pos = (mark.line + 1, mark.column + 1)
            tag = ev.tag
            if tag is None:
                value = resolve(ev.value) if ev.implicit[0] else ev.value
            else:
                value = _scalar(ev.value, tag, ev.implicit[0])
            if ev.anchor:
                anchors[ev.anchor] = value
            if frame is not None and frame[1]:
                if frame[2] is nokey:
                    frame[2], frame[3] = value, pos
                else:
                    container, key = frame[0], frame[2]
                    if key in container or key == "<<":
                        _set(frame, value, name)
                    else:
                        container[key] = value
                        container.keypos[key] = frame[3]
                        frame[2] = nokey
            else:
                put(value, pos)
        elif kind == 2 or kind == 3:
            nodes += 1
            mark = ev.start_mark
            container = PDict() if kind == 2 else PList()
            container.start = (mark.line + 1, mark.column + 1)
            if ev.anchor:
                anchors[ev.anchor] = container
            if frame is not None:
                stack.append(frame)
                if len(stack) >= MAX_DEPTH:
                    raise InvalidInput(f"nested deeper than {MAX_DEPTH} levels; refusing to load",
                                       location=Location(name, mark.line + 1, mark.column + 1))
            frame = [container, kind == 2, nokey, None, ev.tag, container.start]
        elif kind == 4:
            done = frame
            frame = stack.pop() if stack else None
            value = done[0]
            tag = done[4]
            if tag and not tag.startswith(_STD) and tag != "!":
                value = Tagged(tag.lstrip("!"), value)
            put(value, done[5])
        elif kind == 5:
            aliases += 1
            mark = ev.start_mark
            if aliases > MAX_ALIASES:
                raise InvalidInput(f"more than {MAX_ALIASES} YAML aliases; refusing to expand",
                                   location=Location(name, mark.line + 1, mark.column + 1))
            if ev.anchor not in anchors:
                raise InvalidInput(f"unknown alias *{ev.anchor}",
                                   location=Location(name, mark.line + 1, mark.column + 1))
            target = anchors[ev.anchor]
            nodes += _size(target)
            put(target, (mark.line + 1, mark.column + 1))
        elif kind == 6:
            documents += 1
            if documents > 1:
                mark = ev.start_mark
                raise InvalidInput("expected one YAML document, found several",
                                   location=Location(name, mark.line + 1, mark.column + 1))
        elif kind == 7:
            break
        if nodes > max_nodes:
            raise InvalidInput(f"document expands to more than {max_nodes} nodes; refusing to load",
                               location=Location(name))
    return root


def _set(frame: list[Any], value: Any, name: str) -> None:
    """Store ``value`` under the frame's pending key: merge keys, duplicates, unhashable keys."""
    container, key, pos = frame[0], frame[2], frame[3]
    frame[2] = _NOKEY
    if key == "<<" and isinstance(value, (dict, list)):
        for source in ([value] if isinstance(value, dict) else value):
            if isinstance(source, dict):
                for k, v in source.items():
                    if k not in container:
                        container[k] = v
                        container.keypos[k] = source.keypos.get(k, pos) if isinstance(source, PDict) else pos
        return
    try:
        duplicate = key in container
    except TypeError:
        raise InvalidInput("unhashable mapping key", location=Location(name, *pos)) from None
    if duplicate:
        first = container.keypos.get(key)
        raise InvalidInput(
            f"duplicate key {key!r} (first at line {first[0]})" if first else f"duplicate key {key!r}",
            location=Location(name, *pos),
        )
    container[key] = value
    container.keypos[key] = pos


class _NoKey:
    __slots__ = ()


_NOKEY = _NoKey()


def _freeze_key(value: Any) -> Any:
    if isinstance(value, Tagged):
        return Tagged(value.tag, _freeze_key(value.value))
    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze_key(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze_key(v) for v in value)
    return value


def _size(node: Any, budget: int = MAX_NODES) -> int:
    count = 0
    stack = [node]
    while stack and count <= budget:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def position(container: Any, key: Any) -> tuple[int, int] | None:
    """Where ``key`` (a mapping key or a sequence index) is inside ``container``."""
    if isinstance(container, PDict):
        return container.keypos.get(key)
    if isinstance(container, PList) and isinstance(key, int) and 0 <= key < len(container.itempos):
        return container.itempos[key]
    return None


def plain(node: Any) -> Any:
    """Plain dict/list copy (Tagged values kept) for pydantic validation."""
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node
