"""Render an engine Result: JSON (the contract), YAML, Markdown and rich terminal text."""

from __future__ import annotations

import io
import json
from typing import Any

from advisor.engine.result import Result
from advisor.phrases import aside
from advisor.wording import cite as _cite
from advisor.wording import excluded_name as _excluded_name
from advisor.wording import services_line as _services
from advisor.wording import why_lower as _why_lower


def as_json(result: Result) -> dict[str, Any]:
    return result.as_json()


def as_json_text(result: Result) -> str:
    return json.dumps(as_json(result), indent=2, ensure_ascii=False)


def as_yaml_text(result: Result) -> str:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    buf = io.StringIO()
    yaml.dump(as_json(result), buf)
    return buf.getvalue()


def _title(kb, ev) -> str:
    """Pattern name and services, without repeating generated names that already list the services."""
    services = _services(kb, ev)
    return services if ev.pattern_name == services else f"{ev.pattern_name}\n{services}"


def as_markdown(result: Result, kb) -> str:
    req = result.requirements
    lines = [f"# {req.title or req.name}", ""]
    if req.context:
        lines += [req.context.strip(), ""]
    rec = result.recommendation
    if rec is None:
        lines += ["## No design fits", "", "These requirements conflict:", ""]
        lines += [f"- {c}" for c in result.conflicts] + [""]
    else:
        lines += ["## Recommendation", "", f"**{rec.pattern_name}**: {_services(kb, rec)}", "", rec.summary, ""]
        for sup in result.supplements:
            lines += [f"Also: **{sup.pattern_name}** ({_services(kb, sup)}): {sup.summary}", ""]
        lines += ["### Why", ""]
        for ev in [rec, *result.supplements]:
            lines += [f"- {r.text}{_cite(r)}" for r in ev.satisfied]
        lines += ["", "### What to watch", ""]
        for ev in [rec, *result.supplements]:
            lines += [f"- {r.text}{_cite(r)}" for r in ev.watch]
        alts = [c for c in result.candidates if c is not rec]
        if alts:
            lines += ["", "## Alternatives, ranked", "", "| design | services | score | why it ranked lower |",
                      "|---|---|---|---|"]
            for c in alts:
                lost = _why_lower(rec, c)
                lines.append(f"| {c.pattern_name} | {_services(kb, c)} | {c.score:g} | {lost} |")
    if result.excluded:
        lines += ["", "## Excluded", ""]
        for ex in result.excluded:
            lines.append(f"- **{_excluded_name(kb, ex)}**: " + "; ".join(f"{r.text}{_cite(r)}" for r in ex.reasons))
    lines += ["", f"_Knowledge as of {result.knowledge_as_of}. Pick by requirements, not by the number of ✓ marks._",
              ""]
    return "\n".join(lines)


def why_not(result: Result, kb, service: str) -> list[str]:
    """Explain why one service (or service:variant) is not the recommendation."""
    from advisor.knowledge.base import Option

    target = Option.parse(service)
    svc = kb.services.get(target.service)
    if svc is None or (target.variant and target.variant not in svc.variants):
        import difflib

        from advisor.errors import NotFound

        ids = list(kb.services) + [o.id for o in kb.options if o.variant]
        near = difflib.get_close_matches(service if svc else target.service, ids, n=1)
        raise NotFound(f"unknown service {service!r}", hint=f"did you mean {near[0]!r}?" if near else
                       f"one of: {', '.join(kb.services)}")
    lines: list[str] = []
    rec = result.recommendation
    if rec and any(o.service == target.service and (not target.variant or o.variant == target.variant)
                   for o in result.recommended_services()):
        lines.append(f"{service} is part of the recommendation ({rec.pattern_name}).")
    for c in result.candidates:
        if c is rec:
            continue
        if any(o.service == target.service and (not target.variant or o.variant == target.variant)
               for o in c.design.path):
            lines.append(f"{c.pattern_name} ({c.design.key}) satisfies every hard requirement but scored "
                         f"{c.score:g} against {rec.score:g}: {_why_lower(rec, c)}")
    for ex in result.excluded:
        if ex.id == target.service and (not target.variant or ex.variant == target.variant):
            name = _excluded_name(kb, ex)
            for r in ex.reasons:
                lines.append(f"{name} excluded: {r.text} — {r.fact}, {r.source}")
    if not lines:
        lines.append(f"{service} fits the requirements but appears only in designs ranked below the ones shown.")
    return lines


def print_text(result: Result, kb, console, *, explain: bool = False) -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    req = result.requirements
    rec = result.recommendation
    if rec is None:
        body = "\n".join(f"• {escape(c)}" for c in result.conflicts)
        console.print(Panel(body, title="No design satisfies every requirement", border_style="red"))
    else:
        head = f"[bold]{escape(rec.pattern_name)}[/]\n{escape(_services(kb, rec))}\n\n{escape(rec.summary)}"
        for sup in result.supplements:
            head += f"\n\n[bold]+ {escape(sup.pattern_name)}[/]: {escape(_services(kb, sup))}\n{escape(sup.summary)}"
        console.print(Panel(head, title=f"Recommendation for {escape(req.name)}", border_style="green"))
        why = Table(title="Why", show_header=False, box=None, pad_edge=False)
        why.add_column("reason")
        why.add_column("fact", style="dim", no_wrap=True)  # a fact id is what `explain` and `--why-not` take
        for ev in [rec, *result.supplements]:
            for r in ev.satisfied:
                why.add_row(f"✓ {escape(r.text)}", escape(r.fact or ""))
        console.print(why)
        watch = [w for ev in [rec, *result.supplements] for w in ev.watch]
        if watch:
            console.print("\n[bold]What to watch[/]")
            for w in watch:
                # soft_wrap: no line break is inserted, so the URL at the end stays whole for copying
                console.print(f" ! {escape(w.text)}[dim]{escape(aside(w.fact, w.source))}[/]", soft_wrap=True)
        alts = [c for c in result.candidates if c is not rec]
        if alts:
            t = Table(title="Alternatives, ranked", title_justify="left")
            t.add_column("design")
            t.add_column("score", justify="right")
            t.add_column("why it ranked lower")
            for c in alts:
                t.add_row(escape(_title(kb, c)), f"{c.score:g}", escape(_why_lower(rec, c)))
            console.print(t)
    if result.excluded:
        t = Table(title="Excluded", title_justify="left")
        t.add_column("service")
        t.add_column("why")
        for ex in result.excluded:
            t.add_row(escape(_excluded_name(kb, ex)), escape("\n".join(
                f"{r.text} ({r.fact})" if r.fact else r.text for r in ex.reasons)))
        console.print(t)
    if explain:
        console.print("\n[bold]Decision trace[/]")
        for line in result.trace:
            console.print(escape(line))
    console.print(f"[dim]Knowledge as of {result.knowledge_as_of}. "
                  "Pick by requirements, not by the number of ✓ marks.[/]")
