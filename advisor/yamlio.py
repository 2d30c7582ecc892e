"""Safe, bounded YAML loading that keeps line and column of every key.

User files are read with ruamel.yaml's round-trip loader (no arbitrary objects, positions kept).
Bounds: the file size, and the number of nodes reachable after alias expansion, so that an
alias bomb ("billion laughs") is reported instead of exhausting memory when the data is walked.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import InvalidInput, Location
from advisor.yamlbounds import (
    MAX_ALIASES,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    deeper_than,
    expansion_problem,
    flow_too_deep,
    may_nest_deeper,
)


@dataclass
class Document:
    """A loaded YAML document and where it came from."""

    data: Any
    name: str

    def locate(self, path: tuple[Any, ...] | list[Any]) -> Location:
        """Return the position of the deepest key of ``path`` that exists in the document."""
        node = self.data
        line = column = None
        lc = getattr(node, "lc", None)
        if lc is not None and lc.line is not None:  # a key missing at the top: point at the mapping itself
            line, column = lc.line + 1, lc.col + 1
        shown: list[str] = []
        for part in path:
            pos = _position_of(node, part)
            if pos is None:
                break
            line, column = pos
            shown.append(str(part))
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                break
        key = ".".join(str(p) for p in path) if path else None
        return Location(self.name, line, column, key)


def _position_of(node: Any, part: Any) -> tuple[int, int] | None:
    lc = getattr(node, "lc", None)
    if lc is None:
        return None
    try:
        if isinstance(part, int):
            line, col = lc.item(part)
        else:
            line, col = lc.key(part)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return line + 1, col + 1


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    return yaml


def read_text(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> str:
    """Read a user's text file (``-`` is standard input) with a size bound and a clear error."""
    name = str(path)
    if name == "-":
        import sys

        text = sys.stdin.read(max_bytes + 1)
    else:
        p = Path(path)
        try:
            size = p.stat().st_size
        except FileNotFoundError:
            raise InvalidInput("file not found", location=Location(name)) from None
        except OSError as exc:
            raise InvalidInput(f"cannot read file: {exc.strerror}", location=Location(name)) from None
        if p.is_dir():
            raise InvalidInput("is a directory, expected a YAML file", location=Location(name))
        if size > max_bytes:
            raise InvalidInput(
                f"file is {size} bytes; the limit is {max_bytes} bytes", location=Location(name)
            )
        try:
            text = p.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            before = exc.object[:exc.start]
            line, column = before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1
            raise InvalidInput(f"not UTF-8 text ({exc.reason}, byte 0x{exc.object[exc.start]:02x})",
                               location=Location(name, line, column)) from None
        except OSError as exc:
            raise InvalidInput(f"cannot read file: {exc.strerror}", location=Location(name)) from None
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise InvalidInput(f"input is larger than {max_bytes} bytes", location=Location(name))
    return text


def load_text(text: str, name: str, *, max_nodes: int = MAX_NODES) -> Document:
    """Parse YAML text; raise InvalidInput with file:line:column on any syntax problem."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if text.count("*") and _alias_count(text) > MAX_ALIASES:
        raise InvalidInput(f"more than {MAX_ALIASES} YAML aliases; refusing to expand", location=Location(name))
    at = flow_too_deep(text)
    if at is not None:
        line = text.count("\n", 0, at) + 1
        raise InvalidInput(f"brackets nested deeper than {MAX_DEPTH} levels; refusing to load",
                           location=Location(name, line, at - (text.rfind("\n", 0, at) + 1) + 1))
    if may_nest_deeper(text):
        _refuse_deep(text, name)
    try:
        data = _yaml().load(io.StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        problem = exc.problem or exc.context or "invalid YAML"
        raise InvalidInput(f"invalid YAML: {problem}", location=loc) from None
    except YAMLError as exc:
        raise InvalidInput(f"invalid YAML: {exc}", location=Location(name)) from None
    _check_expansion(data, name, max_nodes)
    if _MAYBE_SURROGATE.search(text):
        _refuse_lone_surrogates(data, name)
    return Document(data, name)


def load_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> Document:
    return load_text(read_text(path, max_bytes=max_bytes), str(path))


def _refuse_deep(text: str, name: str) -> None:
    from ruamel.yaml.error import YAMLError

    try:
        ev = deeper_than(_yaml().parse(io.StringIO(text)))
    except YAMLError:
        return            # the real load reports the syntax error with its position
    if ev is not None:
        mark = ev.start_mark
        raise InvalidInput(f"nested deeper than {MAX_DEPTH} levels; refusing to load",
                           location=Location(name, mark.line + 1, mark.column + 1))


def _alias_count(text: str) -> int:
    from ruamel.yaml import YAML
    from ruamel.yaml.events import AliasEvent

    try:
        return sum(1 for ev in YAML(typ="rt", pure=True).parse(io.StringIO(text)) if isinstance(ev, AliasEvent))
    except Exception:  # syntax errors are reported by the real load with their position
        return 0


def _check_expansion(data: Any, name: str, max_nodes: int) -> None:
    why = expansion_problem(data, max_nodes)
    if why:
        raise InvalidInput(f"document {why} (nested aliases?); refusing to load", location=Location(name))


# a lone surrogate reaches a string only through an escape ("\ud800") or text that did not come from UTF-8
_MAYBE_SURROGATE = re.compile(r"\\[uU]|[\ud800-\udfff]")


def _lone_surrogate(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _refuse_lone_surrogates(data: Any, name: str) -> None:
    """Refuse a string holding half of a UTF-16 pair: nothing can print or write it as UTF-8 later."""
    def refuse(path: list[str], pos: tuple[int, int] | None) -> InvalidInput:
        line, column = pos if pos else (None, None)
        return InvalidInput("invalid text: a UTF-16 surrogate escape such as \"\\ud800\" (YAML reads each one as a "
                            "lone surrogate, which cannot be written as UTF-8)",
                            location=Location(name, line, column, ".".join(path) or None),
                            hint="write the character itself, or one 8-digit escape such as \"\\U0001F600\"")

    if _lone_surrogate(data):
        raise refuse([], None)
    seen: set[int] = set()
    stack: list[tuple[Any, list[str]]] = [(data, [])]
    while stack:
        node, path = stack.pop()
        if not isinstance(node, (dict, list)) or id(node) in seen:
            continue
        seen.add(id(node))
        lc = getattr(node, "lc", None)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            here = [*path, str(key)]
            if isinstance(node, dict) and _lone_surrogate(key):
                raise refuse(path, _lc(lc, "key", key))
            if _lone_surrogate(value):
                raise refuse(here, _lc(lc, "value" if isinstance(node, dict) else "item", key))
            stack.append((value, here))


def _lc(lc: Any, kind: str, key: Any) -> tuple[int, int] | None:
    try:
        line, col = getattr(lc, kind)(key)[:2]
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
    return line + 1, col + 1


def to_plain(node: Any) -> Any:
    """Convert ruamel containers and scalars into plain Python (dict, list, str, int, float, bool, date)."""
    import datetime

    if isinstance(node, dict):
        return {str(k) if not isinstance(k, (int, float, bool)) else k: to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, datetime.datetime):
        return node
    if isinstance(node, datetime.date):
        return datetime.date(node.year, node.month, node.day)
    if isinstance(node, str):
        return str(node)
    return node
