"""The bounds every YAML reader of mqadvise applies, whatever loader parsed the text: how many aliases, how
deep the nesting (a loader that recurses per level would crash, or take minutes, on ``[[[[...]]]]``), how many
nodes the text writes (a pure-Python loader takes about 0.1 ms a node: 100,000 keys were 25 to 90 seconds), and
how many nodes the document has once its aliases are expanded (a "billion laughs" file is small on disk).

:func:`shape_problem` checks the first three before anything is built, :func:`expansion_problem` the last one
after. Standard library only at import: the simulator, which reads CloudFormation templates, is bundled into
generated projects (``advisor/scaffold/vendor.py`` copies this file beside it); the parsers
:func:`event_parsers` offers are imported when it is called (ruamel.yaml, and PyYAML's C parser when present).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 2_000_000
MAX_ALIASES = 1_000
MAX_DEPTH = 100             # deeper than any real template, requirements or knowledge file
# Nodes as written (keys, values, items, aliases), for the pure-Python loaders (2 to 3 s at this bound on a
# busy two-core machine): about ten times the largest knowledge file, a 250 KB template. `mqadvise lint` reads
# events with libyaml and does not need it.
MAX_WRITTEN_NODES = 25_000

Parse = Callable[[str], Iterable[Any]]


@dataclass(frozen=True)
class ShapeProblem:
    """A bound the text crosses: why, and where (1-based line and column; None when not known)."""

    message: str
    line: int | None = None
    column: int | None = None


def shape_problem(text: str, parsers: Iterable[Parse], *, max_depth: int = MAX_DEPTH,
                  max_aliases: int = MAX_ALIASES, max_nodes: int = MAX_WRITTEN_NODES) -> ShapeProblem | None:
    """The first bound ``text`` crosses (nesting, aliases, nodes written), before any object is built, or None.

    Bounds on the characters alone come first (linear, in C): most files are answered by them with no parse.
    Otherwise the events of the first of ``parsers`` (each a function from text to events) that reads the text
    are counted, stopping at the first bound crossed; a parser that fails hands over to the next one, and a
    syntax error that every one finds is left to the real load, which reports it with its position.
    """
    flow = _bracket_depth(text, max_depth)
    if flow > max_depth:
        at = flow_too_deep(text, max_depth)   # the same count outside quoted strings and comments
        if at is not None:
            return ShapeProblem(_too_deep(max_depth), *_line_column(text, at))
        flow = max_depth
    if (text.count("*") <= max_aliases and flow + _block_depth_bound(text) <= max_depth
            and _node_bound(text) <= max_nodes):
        return None         # no bound can be crossed: spare the parse (the knowledge files are read every run)
    for parse in parsers:
        try:
            return _first_crossing(parse(text), max_depth, max_aliases, max_nodes)
        except RecursionError:
            return ShapeProblem(_too_deep(max_depth))
        except Exception:  # noqa: BLE001 - a syntax error: the next parser, or the real load, reports it
            continue
    return None


def event_parsers() -> list[Parse]:
    """Functions from text to parser events, fastest first: libyaml's (through PyYAML) when it is installed,
    then ruamel.yaml's pure-Python parser, which reads what the loaders read when libyaml refuses a file.

    Each imports its parser when first called: most texts are answered by the character bounds alone, and
    importing PyYAML costs a run of ``mqadvise advise`` about 8 ms it would not use."""
    return [_libyaml_events, _ruamel_events]


def _libyaml_events(text: str) -> Iterable[Any]:
    import yaml  # an ImportError, or a PyYAML without libyaml, hands over to the next parser

    if not getattr(yaml, "__with_libyaml__", False):
        raise ImportError("PyYAML is built without libyaml")
    return yaml.parse(text, Loader=yaml.CSafeLoader)


def _ruamel_events(text: str) -> Iterable[Any]:
    import io

    from ruamel.yaml import YAML

    return YAML(typ="rt", pure=True).parse(io.StringIO(text))


def _too_deep(max_depth: int) -> str:
    return f"nested more than {max_depth} levels deep; refusing to load"


_STARTS = frozenset(("MappingStartEvent", "SequenceStartEvent"))
_ENDS = frozenset(("MappingEndEvent", "SequenceEndEvent"))
_NODES = frozenset(("ScalarEvent", "AliasEvent", *_STARTS))


def _first_crossing(events: Iterable[Any], max_depth: int, max_aliases: int, max_nodes: int) -> ShapeProblem | None:
    """The first event that crosses a bound, as a problem at its position (the same event names in ruamel.yaml
    and PyYAML). Parsing events does not recurse; building the document from them would."""
    depth = aliases = nodes = 0
    for ev in events:
        name = type(ev).__name__
        if name in _NODES:
            nodes += 1
            if nodes > max_nodes:
                return _at(ev, f"more than {max_nodes} YAML nodes (keys, values and items); refusing to load")
        if name in _STARTS:
            depth += 1
            if depth > max_depth:
                return _at(ev, _too_deep(max_depth))
        elif name in _ENDS:
            depth -= 1
        elif name == "AliasEvent":
            aliases += 1
            if aliases > max_aliases:
                return _at(ev, f"more than {max_aliases} YAML aliases; refusing to expand")
    return None


def _at(ev: Any, message: str) -> ShapeProblem:
    mark = getattr(ev, "start_mark", None)
    return ShapeProblem(message, mark.line + 1, mark.column + 1) if mark is not None else ShapeProblem(message)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _bracket_depth(text: str, max_depth: int) -> int:
    """The deepest ``[``/``{`` nesting on the characters alone, quotes and comments included (so never less
    than the real one), stopping once past ``max_depth``: ruamel's scanner is quadratic in unclosed ``[``."""
    opened = text.count("[") + text.count("{")
    if opened <= max_depth:
        return opened
    import re

    depth = deepest = 0
    for match in re.finditer(r"[\[\]{}]", text):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if depth > max_depth:
                return depth
        elif depth:
            depth -= 1
    return deepest


def _block_depth_bound(text: str) -> int:
    """An upper bound of block nesting: a nested block collection is indented further, except a list under
    a key (at most one more level per indentation step), or follows an indicator on the same line."""
    deepest = 0
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip(" \t"))
        inline = line.count("- ") + line.count("? ") + line.count(": ") + line.endswith((":", "-", "?"))
        deepest = max(deepest, 2 * indent + 2 + inline)
    return deepest


def _node_bound(text: str) -> int:
    """An upper bound of the nodes ``text`` writes: each node after the first follows a line break or an
    indicator (``,`` ``:`` ``-`` ``?`` ``[`` ``{``), and each can bring at most one implicit null (``{a, b}``)."""
    return 2 * (1 + sum(text.count(c) for c in "\n,:-?[{"))


def flow_too_deep(text: str, max_depth: int = MAX_DEPTH) -> int | None:
    """Where ``[`` and ``{`` first nest deeper than ``max_depth`` in ``text`` (an offset), outside quoted
    strings and comments, or None. An upper bound of the flow nesting found in one pass: a YAML parser's own
    look-ahead on deep flow nesting takes time quadratic in the depth."""
    depth = 0
    quote = ""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                if quote == "'" and i + 1 < n and text[i + 1] == "'":
                    i += 1                  # '' is a quote inside a single-quoted string
                else:
                    quote = ""
        elif c in "\"'":
            quote = c
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n"):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif c in "[{":
            depth += 1
            if depth > max_depth:
                return i
        elif c in "]}" and depth:
            depth -= 1
        i += 1
    return None


def expansion_problem(data: Any, max_nodes: int = MAX_NODES) -> str | None:
    """Why walking ``data`` after alias expansion would not end in reasonable time, or None.

    An alias is the same Python object as its anchor, so each container's expanded size is computed once
    (memoized by identity): a billion-laughs document is measured in microseconds instead of being walked.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        key = id(node)
        children = list(node.values()) if isinstance(node, dict) else list(node)
        if children_done:
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            if total > max_nodes:
                return f"expands to more than {max_nodes} nodes"
            sizes[key] = total
            active.discard(key)
            continue
        if key in sizes:
            continue
        if key in active:
            return "refers to itself and expands without end"
        active.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if isinstance(c, (dict, list)) and id(c) not in sizes)
    return None
