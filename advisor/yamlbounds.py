"""The bounds every YAML reader of mqadvise applies, whatever loader parsed the text: how many aliases, how
deep the nesting (a loader that recurses per level would crash, or take minutes, on ``[[[[...]]]]``), and how
many nodes the document has once its aliases are expanded (a "billion laughs" file is small on disk).

Standard library only: the simulator, which reads CloudFormation templates, is bundled into generated projects
(``advisor/scaffold/vendor.py`` copies this file beside it).
"""

from __future__ import annotations

from typing import Any

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 2_000_000
MAX_ALIASES = 1_000
MAX_DEPTH = 100             # deeper than any real template, requirements or knowledge file


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


def may_nest_deeper(text: str, max_depth: int = MAX_DEPTH) -> bool:
    """False when ``text`` certainly nests no deeper than ``max_depth`` in block style (so no parse is needed
    to know): each block level needs one more column of indentation, or a "- ", "? " or ": " on the line."""
    return any(len(line) - len(line.lstrip(" -?:")) > max_depth for line in text.splitlines())


def deeper_than(events: Any, max_depth: int = MAX_DEPTH) -> Any:
    """The first collection-start event nested deeper than ``max_depth`` in a YAML parser's event stream, or
    None. Parsing events does not recurse; building the document from them would."""
    depth = 0
    for ev in events:
        name = type(ev).__name__
        if name in ("MappingStartEvent", "SequenceStartEvent"):
            depth += 1
            if depth > max_depth:
                return ev
        elif name in ("MappingEndEvent", "SequenceEndEvent"):
            depth -= 1
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
