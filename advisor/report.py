"""Render an engine Result: JSON (the contract), YAML, Markdown and rich terminal text."""

from __future__ import annotations

import io
import json
from typing import Any

from advisor.engine.result import Result
from advisor.wording import cite as _cite
from advisor.wording import excluded_name as _excluded_name
from advisor.wording import services_line as _services
from advisor.wording import why_lower as _why_lower


def as_json(result: Result, kb=None) -> dict[str, Any]:
    """The contract's JSON plus the cost summary (priced with the knowledge the decision used, when given)."""
    from advisor.cost.render import advise_summary

    if kb is None:
        from advisor.api import knowledge

        kb = knowledge()
    return {**result.as_json(), "cost": advise_summary(result, kb)}


def as_json_text(result: Result, kb=None) -> str:
    return json.dumps(as_json(result, kb), indent=2, ensure_ascii=False)


def as_yaml_text(result: Result, kb=None) -> str:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    buf = io.StringIO()
    yaml.dump(as_json(result, kb), buf)
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
        if rec.design.is_tree:
            from advisor.wording import legs_lines

            lines += [f"- {line}" for line in legs_lines(kb, rec)] + [""]
        for line in tie_lines(result):
            lines += [f"> Tie: {line}", ""]
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
            lines += ["", "## Alternatives, ranked", "", "| design | services | why it ranked lower |",
                      "|---|---|---|"]
            for c in alts:
                lost = _why_lower(rec, c).replace("|", "\\|")
                lines.append(f"| {c.pattern_name} | {_services(kb, c)} | {lost} |")
    if result.excluded:
        lines += ["", "## Excluded", ""]
        for ex in result.excluded:
            lines.append(f"- **{_excluded_name(kb, ex)}**: " + "; ".join(f"{r.text}{_cite(r)}" for r in ex.reasons))
    from advisor.cost.render import advise_markdown

    lines += advise_markdown(result, kb)
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
            lines.append(f"{c.pattern_name} ({c.design.key}) satisfies every hard requirement but ranked lower "
                         f"on {_why_lower(rec, c)}")
    for ex in result.excluded:
        if ex.id == target.service and (not target.variant or ex.variant == target.variant):
            name = _excluded_name(kb, ex)
            for r in ex.reasons:
                lines.append(f"{name} excluded: {r.text} — {r.fact}, {r.source}")
    if not lines:
        lines.append(f"{service} fits the requirements but appears only in designs ranked below the ones shown.")
    return lines


SHOWN_ALTERNATIVES = 3


def _decisive(text: str) -> str:
    """An exclusion reason without the 'even as a -> b: ' design prefix (the short report's one line)."""
    if text.startswith("even as ") and ": " in text:
        return text.split(": ", 1)[1]
    return text


def tie_lines(result: Result) -> list[str]:
    """Plain sentences about designs that ranked equal, and what settled them (or would)."""
    out = []
    for tie in result.ties:
        others = ", ".join(tie.others)
        if tie.documented:
            out.append(f"{tie.chosen} tied with {others} in every ranking tier; settled by a documented default: "
                       f"{tie.settled_by.rstrip('.')} ({tie.source})")
            continue
        line = f"{tie.chosen} tied with {others} in every ranking tier, and no documented default settles it"
        if tie.deciding_question:
            picks = "; ".join(f"{a} → {d}" for a, d in tie.answers)
            line += f". The deciding question is {tie.deciding_question} ({picks})"
        out.append(line + ".")
    return out


def print_text(result: Result, kb, console, *, explain: bool = False) -> None:
    """Short by default: the recommendation, its legs, reasons, what to watch, ties, the top alternatives and
    one line per excluded service. ``explain`` adds every alternative, every exclusion reason and the trace."""
    from rich.markup import escape
    from rich.panel import Panel

    from advisor.wording import legs_lines

    req = result.requirements
    rec = result.recommendation
    if rec is None:
        body = "\n".join(f"• {escape(c)}" for c in result.conflicts)
        console.print(Panel(body, title="No design satisfies every requirement", border_style="red"))
    else:
        head = f"[bold]{escape(rec.pattern_name)}[/]\n"
        head += "\n".join(escape(line) for line in legs_lines(kb, rec))
        head += f"\n\n{escape(rec.summary)}"
        for sup in result.supplements:
            head += f"\n\n[bold]+ {escape(sup.pattern_name)}[/]: {escape(_services(kb, sup))}\n{escape(sup.summary)}"
        console.print(Panel(head, title=f"Recommendation for {escape(req.name)}", border_style="green"))
        sources: list[str] = []
        facts_at: dict[str, list[str]] = {}

        def note(r) -> str:
            if not r.source:
                return ""
            if r.source not in sources:
                sources.append(r.source)
            if r.fact and r.fact not in facts_at.setdefault(r.source, []):
                facts_at[r.source].append(r.fact)
            return f" [dim][{sources.index(r.source) + 1}][/]"

        console.print("[bold]Why[/]")
        for ev in [rec, *result.supplements]:
            for r in ev.satisfied:
                console.print(f" ✓ {escape(r.text)}{note(r)}", overflow="fold")
        watch = [w for ev in [rec, *result.supplements] for w in ev.watch]
        if watch:
            console.print("[bold]What to watch[/]")
            for w in watch:
                console.print(f" ! {escape(w.text)}{note(w)}", overflow="fold")
        for line in tie_lines(result):
            console.print(f"[bold]Tie[/] {escape(line)}")
        alts = [c for c in result.candidates if c is not rec and c not in result.supplements]
        if alts:
            console.print("[bold]Alternatives[/] (ranked lower, by the first tier where they do worse)")
            for c in alts if explain else alts[:SHOWN_ALTERNATIVES]:
                console.print(f" • {escape(_services(kb, c))} — {escape(_why_lower(rec, c))}", overflow="fold")
            if not explain and len(alts) > SHOWN_ALTERNATIVES:
                console.print(f"   [dim]… {len(alts) - SHOWN_ALTERNATIVES} more with --explain[/]")
    if result.excluded:
        console.print("[bold]Excluded[/]")
        out_of_scope = [ex for ex in result.excluded if all(r.requirement == "scope" for r in ex.reasons)]
        for ex in result.excluded:
            if ex in out_of_scope and not explain:
                continue
            reasons = ex.reasons if explain else ex.reasons[:1]
            text = "; ".join((r.text if explain else _decisive(r.text)) + (f" ({r.fact})" if r.fact and explain else "")
                             for r in reasons)
            console.print(f" ✗ {escape(_excluded_name(kb, ex))}: {escape(text)}", overflow="fold")
        if out_of_scope and not explain:
            names = list(dict.fromkeys(kb.services[ex.id].short_name for ex in out_of_scope))
            console.print(f" [dim]not asked about: {escape(', '.join(names))}[/]")
    if rec is not None:
        from advisor.cost.render import advise_text

        advise_text(result, kb, console)
    if rec is not None and sources:
        console.print("[bold]Sources[/]")
        for i, url in enumerate(sources, 1):  # URLs and fact ids whole, never wrapped, so they can be copied
            ids = ", ".join(facts_at.get(url, []))
            console.print(f" [{i}] {url}" + (f"  {ids}" if ids else ""), soft_wrap=True, highlight=False,
                          markup=False)
    if explain:
        console.print("\n[bold]Decision trace[/]")
        for line in result.trace:
            console.print(escape(line), soft_wrap=True)
    console.print(f"[dim]Knowledge as of {result.knowledge_as_of}. "
                  "Pick by requirements, not by the number of ✓ marks.[/]")
