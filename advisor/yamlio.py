"""Safe, bounded YAML loading that keeps line and column of every key.

User files are read with ruamel.yaml's round-trip loader (no arbitrary objects, positions kept).
Bounds (advisor.yamlbounds, shared with the simulator's template reader): the file size; the nesting depth,
the number of aliases and the number of nodes written (checked on the characters, or in one pass over the
parser's events, before anything is built, so deep nesting cannot exhaust Python's stack and a file of
100,000 keys is refused at once instead of parsed for a minute); and the number of nodes reachable after
alias expansion, so that an alias bomb ("billion laughs") is reported instead of exhausting
memory when the data is walked. A scalar ruamel cannot build (``0x_``, ``2026-13-45``, ``!!bool maybe``)
or a string holding a lone UTF-16 surrogate is refused at its own line, never raised as a traceback.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import InvalidInput, Location
from advisor.yamlbounds import (  # one set of bounds (tests read MAX_DEPTH and MAX_BYTES from here)
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    event_parsers,
    expansion_problem,
    shape_problem,
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
    yaml.Constructor = _checked_constructor()
    return yaml


_CONSTRUCTOR: Any = None


def _checked_constructor() -> Any:
    """ruamel's round-trip constructor, with every scalar it cannot build turned into a marked error.

    ruamel's int/float/bool/timestamp constructors raise ValueError, IndexError or KeyError on text that
    matches their pattern but is not a value (``0x_``, ``._``, ``2026-13-45``, ``!!bool maybe``, an int
    of 5,000 digits). Wrapping ``construct_object`` catches each at the innermost node, so the error
    carries that node's line.
    """
    global _CONSTRUCTOR
    if _CONSTRUCTOR is not None:
        return _CONSTRUCTOR
    from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor

    class CheckedConstructor(RoundTripConstructor):
        def construct_object(self, node: Any, deep: bool = False) -> Any:
            try:
                data = super().construct_object(node, deep=deep)
            except (ValueError, IndexError, KeyError, TypeError, OverflowError) as exc:
                if isinstance(exc, ConstructorError):
                    raise
                tag = str(getattr(node, "tag", "") or "").rsplit(":", 1)[-1] or "value"
                detail = str(exc).split(";")[0] if isinstance(exc, ValueError) else "not of that form"
                what = repr(node.value[:40]) if isinstance(node.value, str) else "this collection"
                raise ConstructorError(None, None, f"cannot read {what} as {tag} ({detail})",
                                       node.start_mark) from None
            return data  # lone surrogates are refused after the load, with their key (_refuse_lone_surrogates)

        def check_mapping_key(self, node: Any, key_node: Any, mapping: Any, key: Any, value: Any) -> Any:
            try:
                hash(key)
            except TypeError:  # a mapping or list as a key (``? [a, b]: 1`` is valid YAML, but no key of ours)
                raise ConstructorError("while constructing a mapping", node.start_mark,
                                       "found a list or mapping as a key", key_node.start_mark) from None
            return super().check_mapping_key(node, key_node, mapping, key, value)

    _CONSTRUCTOR = CheckedConstructor
    return _CONSTRUCTOR


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
    import warnings

    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    _check_shape(text, name)
    try:
        with warnings.catch_warnings():  # a reused anchor is valid YAML 1.2 (the later one wins): no warning
            warnings.simplefilter("ignore")
            data = _yaml().load(io.StringIO(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        problem = exc.problem or exc.context or "invalid YAML"
        raise InvalidInput(f"invalid YAML: {problem}", location=loc) from None
    except ReaderError as exc:
        raise InvalidInput(f"invalid YAML: {_reader_problem(exc)}", location=_at(text, name, exc.position)) from None
    except YAMLError as exc:
        raise InvalidInput(f"invalid YAML: {exc}", location=Location(name)) from None
    except (ValueError, IndexError, KeyError, TypeError, OverflowError, AttributeError) as exc:
        # a constructor ruamel runs outside construct_object (merge keys, sets, ordered maps): no position
        raise InvalidInput(f"invalid YAML: {exc}", location=Location(name)) from None
    except RecursionError:  # _check_shape bounds nesting, so this is a last resort with no position
        raise InvalidInput(f"nested too deeply (more than {MAX_DEPTH} levels)", location=Location(name)) from None
    _check_expansion(data, name, max_nodes)
    if _MAYBE_SURROGATE.search(text):
        _refuse_lone_surrogates(data, name)
    return Document(data, name)


def load_file(path: str | os.PathLike[str], *, max_bytes: int = MAX_BYTES) -> Document:
    return load_text(read_text(path, max_bytes=max_bytes), str(path))


def _at(text: str, name: str, position: int | None) -> Location:
    """The line and column of a character offset in ``text``."""
    if position is None or position < 0:
        return Location(name)
    before = text[:position]
    return Location(name, before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1)


def _reader_problem(exc: Any) -> str:
    char = exc.character
    shown = f"byte 0x{ord(char):02x}" if isinstance(char, bytes) else f"character U+{char:04X}"
    return f"{shown} is not allowed in YAML ({exc.reason})"


def _check_shape(text: str, name: str) -> None:
    """Refuse too deep nesting, too many aliases or too many nodes before any object is built (one pass that
    stops at the first bound crossed: advisor.yamlbounds, the bounds every YAML reader applies)."""
    problem = shape_problem(text, event_parsers())
    if problem is not None:
        raise InvalidInput(problem.message, location=Location(name, problem.line, problem.column))


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
