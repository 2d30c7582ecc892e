"""What both input kinds share: ``lint: {ignore: ...}`` tables and the suppressions of a built graph."""

from __future__ import annotations

from typing import Any

from advisor.lint.model import FlowGraph, Pos, Suppression
from advisor.lint.positions import PDict


def ignores(body: Any, name: str, what: str) -> dict[str, tuple[str, Pos]]:
    """``lint: {ignore: {CODE: reason}}`` of an element (or of the file)."""
    if not isinstance(body, dict):
        return {}
    lint = body.get("lint")
    if not isinstance(lint, PDict):
        return {}
    ignore = lint.get("ignore")
    if not isinstance(ignore, PDict):
        return {}
    out = {}
    for code, reason in ignore.items():
        out[str(code).upper()] = (str(reason or "").strip(), ignore.keypos[code])
    return out



def add_element_suppressions(graph: FlowGraph) -> None:
    """Turn the ``ignore`` tables of the elements and of the file into suppressions of the graph."""
    for el in graph.elements():
        for code, (reason, pos) in el.ignores.items():
            graph.suppressions.append(Suppression(code, reason, graph.file, pos[0], pos[1], "element", el.path))
    for code, (reason, pos) in graph.file_ignores.items():
        graph.suppressions.append(Suppression(code, reason, graph.file, pos[0], pos[1], "file"))
