"""The bounds every YAML reader of mqadvise applies, whatever loader parsed the text: how many aliases, and
how many nodes the document has once its aliases are expanded (a "billion laughs" file is small on disk).

Standard library only: the simulator, which reads CloudFormation templates, is bundled into generated projects
(``advisor/scaffold/vendor.py`` copies this file beside it).
"""

from __future__ import annotations

from typing import Any

MAX_BYTES = 5 * 1024 * 1024
MAX_NODES = 2_000_000
MAX_ALIASES = 1_000


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
