"""Service cards, comparisons and graph drawings from the knowledge base."""

from __future__ import annotations

import difflib
import re
from typing import Any

from advisor.engine import units
from advisor.errors import NotFound
from advisor.knowledge.base import KnowledgeBase, Option

# Facts shown first on cards and comparisons, in this order; the rest follow alphabetically.
HEADLINE = ("model", "data", "completion", "delivery", "distribution", "semantics", "ordering", "deduplication",
            "persistence", "replay", "filtering", "priority", "dead_letter", "protocols", "producers", "consumers",
            "operations", "scaling", "pricing", "message_size.default", "message_size.max", "throughput.default",
            "throughput.max", "retention.default", "retention.max", "processing_time.max", "delay.max",
            "workflow.max_duration")


def resolve(kb: KnowledgeBase, text: str) -> Option:
    opt = Option.parse(text)
    svc = kb.services.get(opt.service)
    if svc is None or (opt.variant and opt.variant not in svc.variants):
        ids = [o.id for o in kb.options] + list(kb.services)
        near = difflib.get_close_matches(text, ids, n=1, cutoff=0.4)
        raise NotFound(f"unknown service {text!r}",
                       hint=f"did you mean {near[0]!r}?" if near else f"one of: {', '.join(kb.services)}")
    return opt


def _ordered(names) -> list[str]:
    head = [n for n in HEADLINE if n in names]
    return head + sorted(n for n in names if n not in HEADLINE)


def services_json(kb: KnowledgeBase) -> list[dict[str, Any]]:
    return [{"id": s.id, "name": s.name, "summary": s.summary.strip(),
             "variants": [{"id": v, "name": var.name} for v, var in s.variants.items()]}
            for s in kb.services.values()]


def print_services(kb: KnowledgeBase, console) -> None:
    from rich.table import Table

    rows = []
    for s in kb.services.values():
        models = sorted({str(kb.value(o, "model")) for o in kb.options if o.service == s.id})
        rows.append((s.id, s.short_name, ", ".join(s.variants) or "—", ", ".join(models)))
    t = Table(title=f"Services (knowledge as of {kb.as_of})", title_justify="left")
    # The ids and variants are what `explain` and `compare` take: never cut, never broken inside a word.
    t.add_column("id", no_wrap=True, min_width=max(len(r[0]) for r in rows))
    t.add_column("service")
    t.add_column("variants (id:variant)", min_width=max(len(v) + 1 for s in kb.services.values() for v in s.variants))
    t.add_column("model")
    for row in rows:
        t.add_row(*row)
    console.print(t)


def card_json(kb: KnowledgeBase, opt: Option) -> dict[str, Any]:
    svc = kb.services[opt.service]
    options = [opt] if opt.variant or not svc.variants else [Option(svc.id, v) for v in svc.variants]
    return {
        "id": svc.id, "name": svc.name, "summary": svc.summary.strip(), "docs": svc.docs,
        "options": [{
            "id": o.id, "name": kb.display_name(o),
            "facts": {n: {"id": r.id, **r.fact.model_dump(mode="json", exclude_none=True)}
                      for n, r in ((n, kb.fact(o, n)) for n in _ordered(kb.facts_of(o)))},
        } for o in options],
        "limitations": [n.model_dump(mode="json") for n in svc.limitations],
        "exam_traps": [n.model_dump(mode="json") for n in svc.exam_traps],
        "relations": [r.model_dump(mode="json", by_alias=True, exclude_none=True) for r in kb.relations
                      if svc.id in (r.source_node, r.target_node)],
    }


def print_card(kb: KnowledgeBase, opt: Option, console) -> None:
    """The service card for a terminal: facts, limitations and traps, with each source URL printed once
    as a numbered footnote on a line of its own, so no URL is wrapped or cut where it can be copied."""
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    data = card_json(kb, opt)
    notes: dict[str, int] = {}

    def cite(url: str) -> str:
        return f"[{notes.setdefault(url, len(notes) + 1)}]"

    console.print(Panel(escape(data["summary"]), title=escape(data["name"]), subtitle=f"docs {cite(data['docs'])}"))
    for o in data["options"]:
        t = Table(title=escape(o["name"]), title_justify="left")
        t.add_column("fact", no_wrap=True, min_width=min(40, max((len(n) for n in o["facts"]), default=4)))
        t.add_column("value")
        t.add_column("source", style="dim", no_wrap=True)
        for name, f in o["facts"].items():
            value = units.figure(kb.fact(Option.parse(o["id"]), name).fact)
            flag = " (unconfirmed)" if f.get("status") == "unconfirmed" else ""
            t.add_row(name, escape(value + flag), escape(f"{cite(f['source'])} {f['as_of']}"))
        console.print(t)
    for title, key in (("Limitations", "limitations"), ("Exam traps", "exam_traps")):
        if data[key]:
            console.print(f"[bold]{title}[/]")
            for n in data[key]:
                console.print(f" • {escape(n['text'])} [dim]{escape(cite(n['source']))}[/]")
    console.print("[bold]Sources[/]")
    for url, number in notes.items():
        # soft_wrap: the line is printed whole; a narrow terminal wraps it without inserting a line break
        console.print(f"[dim]{escape(f'[{number}]')}[/] {escape(url)}", soft_wrap=True, overflow="ignore")


def card_markdown(kb: KnowledgeBase, service: str) -> str:
    """The generated docs page of one service (docs/services/<id>.md)."""
    svc = kb.services[service]
    lines = [f"# {svc.name}", "", "<!-- generated by `mqadvise explain " + service +
             " --format markdown`; do not edit -->", "", svc.summary.strip(), "", f"Developer guide: <{svc.docs}>", ""]
    options = [Option(svc.id, v) for v in svc.variants] or [Option(svc.id, None)]
    for o in options:
        if o.variant:
            var = svc.variants[o.variant]
            lines += [f"## {var.name} (`{o.id}`)", "", var.summary.strip(), ""]
        else:
            lines += ["## Facts", ""]
        lines += ["| fact | value | source | as of |", "|---|---|---|---|"]
        for name in _ordered(kb.facts_of(o)):
            ref = kb.fact(o, name)
            value = units.figure(ref.fact).replace("|", "\\|")
            if ref.fact.status == "unconfirmed":
                value += " *(unconfirmed)*"
            note = f"<br>{ref.fact.note.strip()}" if ref.fact.note else ""
            note = note.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| `{name}` | {value}{note} | [source]({ref.fact.source}) | {ref.fact.as_of} |")
        lines.append("")
        if o.variant and svc.variants[o.variant].limitations:
            lines += ["Limitations:", ""] + [f"- {n.text} ([source]({n.source}))"
                                              for n in svc.variants[o.variant].limitations] + [""]
    if svc.limitations:
        lines += ["## Limitations", ""] + [f"- {n.text} ([source]({n.source}))" for n in svc.limitations] + [""]
    if svc.exam_traps:
        lines += ["## Exam traps", ""] + [f"- {n.text} ([source]({n.source}))" for n in svc.exam_traps] + [""]
    rels = [r for r in kb.relations if svc.id in (r.source_node, r.target_node)]
    if rels:
        lines += ["## Relations", "", "| from | type | to | summary |", "|---|---|---|---|"]
        for r in rels:
            src = r.source_node + (f":{'/'.join(r.from_variants)}" if r.from_variants else "")
            dst = r.target_node + (f":{'/'.join(r.to_variants)}" if r.to_variants else "")
            lines.append(f"| {src} | {r.type} | {dst} | {r.summary} ([source]({r.source})) |")
        lines.append("")
    return "\n".join(lines)


def compare_json(kb: KnowledgeBase, opts: list[Option]) -> dict[str, Any]:
    names: list[str] = []
    for o in opts:
        for n in kb.facts_of(o):
            if n not in names:
                names.append(n)
    rows = []
    for n in _ordered(names):
        row = {"fact": n}
        for o in opts:
            ref = kb.fact(o, n)
            row[o.id] = None if ref is None else {"value": units.figure(ref.fact), "source": ref.fact.source,
                                                  "fact": ref.id}
        rows.append(row)
    return {"options": [o.id for o in opts], "rows": rows}


def print_compare(kb: KnowledgeBase, opts: list[Option], console) -> None:
    from rich.markup import escape
    from rich.table import Table

    data = compare_json(kb, opts)
    t = Table(title="Side by side (sources: mqadvise explain ID)", title_justify="left")
    t.add_column("fact")
    for o in opts:
        t.add_column(escape(kb.display_name(o)), overflow="fold")
    for row in data["rows"]:
        t.add_row(row["fact"], *[escape(row[o.id]["value"]) if row[o.id] else "—" for o in opts])
    console.print(t)


def design_graph(kb: KnowledgeBase, result):
    import networkx as nx

    g = nx.MultiDiGraph()
    req = result.requirements
    for ev in ([result.recommendation] if result.recommendation else []) + result.supplements:
        path = ev.design.path
        for p in req.constraints.producers or (["application"] if ev.design.concern == "messaging" else []):
            g.add_node(f"producer:{p}", kind="producer", name=p)
            g.add_edge(f"producer:{p}", path[0].id, type="produces-to")
        for o in path:
            g.add_node(o.id, kind="service", name=kb.display_name(o))
        if ev.design.concern == "messaging":
            for a, b in zip(path, path[1:], strict=False):
                rel = next((r for n, r in kb.adjacency[a] if n == b), None)
                g.add_edge(a.id, b.id, type=rel.type if rel else "flow")
            taps = {}
            for kind in req.constraints.consumers or []:
                for o in reversed(path):
                    if kind in (kb.value(o, "consumers") or []):
                        taps[kind] = o
                        break
            for kind, o in taps.items():
                g.add_node(f"consumer:{kind}", kind="consumer", name=kind)
                g.add_edge(o.id, f"consumer:{kind}", type="delivers-to")
    return g


def graph_json(g) -> dict[str, Any]:
    return {"nodes": [{"id": n, **{k: v for k, v in d.items()}} for n, d in sorted(g.nodes(data=True))],
            "edges": [{"from": a, "to": b, **{k: v for k, v in d.items() if v is not None}}
                      for a, b, d in sorted(g.edges(data=True), key=lambda e: (e[0], e[1], e[2].get("type", "")))]}


def _mermaid_id(node: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", node)


def _label(text: str) -> str:
    return text.replace('"', "'")


def graph_mermaid(g) -> str:
    lines = ["flowchart LR"]
    shapes = {"producer": ('(["', '"])'), "consumer": ('(["', '"])'), "system": ('[("', '")]')}
    for n, d in sorted(g.nodes(data=True)):
        left, right = shapes.get(d.get("kind"), ('["', '"]'))
        lines.append(f"  {_mermaid_id(n)}{left}{_label(d.get('name', n))}{right}")
    for a, b, d in sorted(g.edges(data=True), key=lambda e: (e[0], e[1], e[2].get("type", ""))):
        lines.append(f"  {_mermaid_id(a)} -->|{d.get('type', '')}| {_mermaid_id(b)}")
    return "\n".join(lines)


def graph_dot(g) -> str:
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["digraph mqadvise {", "  rankdir=LR;"]
    for n, d in sorted(g.nodes(data=True)):
        shape = {"producer": "oval", "consumer": "oval", "system": "cylinder"}.get(d.get("kind"), "box")
        lines.append(f"  {q(n)} [label={q(d.get('name', n))}, shape={shape}];")
    for a, b, d in sorted(g.edges(data=True), key=lambda e: (e[0], e[1], e[2].get("type", ""))):
        lines.append(f"  {q(a)} -> {q(b)} [label={q(d.get('type', ''))}];")
    lines.append("}")
    return "\n".join(lines)
