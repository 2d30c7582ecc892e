"""The decision graph of a log (who supersedes, amends or clarifies whom) as Mermaid or Graphviz DOT,
like adr-tools' ``generate graph``."""

from __future__ import annotations

import json
import re

from advisor.adr.records import Record


def edges(records: list[Record]) -> list[tuple[int, int, str]]:
    """(from index, to index, relation text) for every link whose target is a record of the log; each
    pair of mirrored links (supersedes / superseded by) is drawn once, from the newer record."""
    by_path = {}
    for i, r in enumerate(records):
        try:
            by_path[r.path.resolve()] = i
        except OSError:
            continue
    by_number = {(r.package, r.number): i for i, r in enumerate(records) if r.number is not None}
    out: list[tuple[int, int, str]] = []
    seen: set[tuple[int, int]] = set()
    for i, r in enumerate(records):
        for lk in r.links:
            j = None
            if lk.target is not None:
                try:
                    j = by_path.get(lk.target.resolve())
                except OSError:
                    j = None
            if j is None and lk.number is not None:
                j = by_number.get((r.package, lk.number))
            if j is None or j == i:
                continue
            a, b, text = (j, i, "supersedes") if lk.relation == "superseded-by" else (i, j, lk.relation)
            if lk.relation.endswith("-by") and lk.relation != "superseded-by":
                continue          # the reverse side of a custom relation: drawn from its source
            if (a, b) in seen:
                continue
            seen.add((a, b))
            out.append((a, b, text.replace("-", " ")))
    return out


def _name(r: Record) -> str:
    return f"{r.number}. {r.title}" if r.number is not None else r.title or r.slug


def mermaid(records: list[Record]) -> str:
    def text(s: str) -> str:
        return re.sub(r'["\[\]{}<>|#;`]', " ", s).strip() or "?"

    lines = ["flowchart TB"]
    for i, r in enumerate(records):
        lines.append(f'  n{i}["{text(_name(r))}"]')
    for a, b, rel in edges(records):
        lines.append(f"  n{a} -->|{text(rel)}| n{b}")
    return "\n".join(lines) + "\n"


def dot(records: list[Record]) -> str:
    lines = ["digraph decisions {", "  node [shape=plaintext];"]
    for i, r in enumerate(records):
        lines.append(f"  n{i} [label={json.dumps(_name(r), ensure_ascii=False)}, "
                     f"URL={json.dumps(r.path.name[:-3] + '.html')}];")
    # adr-tools draws the sequence as dotted lines; the relations as labelled edges
    for i in range(1, len(records)):
        lines.append(f"  n{i - 1} -> n{i} [style=dotted, weight=10];")
    for a, b, rel in edges(records):
        lines.append(f"  n{a} -> n{b} [label={json.dumps(rel)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
