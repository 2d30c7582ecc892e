"""Fill an ADR template from an engine Result: the template context, the jinja2 environment, the text.

The context is plain data (dicts, lists, strings) so a user's own templates (``--template-dir``) can use
every field; see docs/adr.md for the field list. Rendering is deterministic: the same requirements, date
and knowledge give the same bytes.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from advisor.errors import InvalidInput, NoServiceFits, NotFound

TEMPLATES = ("madr-full", "madr-minimal", "nygard", "madr2", "log4brains")
#: other names accepted for a bundled template (``madr`` is MADR 4, full)
ALIASES = {"madr": "madr-full", "madr4": "madr-full", "adr-tools": "nygard", "madr3": "madr-full"}
DEFAULT_TEMPLATE = "madr-full"
MAX_ALTERNATIVES = 5

ANSWERS = {
    "data": ("What flows", {"messaging": "messages: discrete events or commands, each handled on its own",
                            "streaming": "a stream of records read in order, possibly by several readers"}),
    "completion": ("Does the sender wait", {"async": "no: the producer hands the work off (asynchronous)",
                                            "sync": "yes: the caller waits for the result (synchronous)"}),
    "delivery": ("How receivers get data", {"push": "the service pushes to receivers",
                                            "pull": "consumers pull (poll) at their own pace"}),
    "distribution": ("Who receives each message", {"p2p": "one consumer per message (point to point)",
                                                   "pubsub": "every subscriber gets its own copy (publish/subscribe)"}),
}


# ----- jinja2 ----------------------------------------------------------------------------------------------


def md_cell(value: Any) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, line breaks as <br>."""
    text = "" if value is None else str(value)
    text = text.replace("\\|", "|").replace("|", "\\|")
    return re.sub(r"\s*(?:\r\n|\r|\n)\s*", "<br>", text.strip())


def md_line(value: Any) -> str:
    """Text safe on one Markdown line (a heading, a list item): line breaks become spaces."""
    text = "" if value is None else str(value)
    return re.sub(r"\s+", " ", text).strip()


def sentence(value: Any) -> str:
    """One line that ends a sentence: a full stop is added unless the text already ends with one (or with
    ``?``, ``!``, ``:``), so "Orders." never becomes "Orders.."."""
    text = md_line(value)
    if not text or text.endswith((".", "?", "!", ":", "…")) or text.endswith((".)", ".*", "._", '."')):
        return text
    return text + "."


def default_title(pattern_name: str, name: str) -> str:
    """``Use SNS to SQS fan-out for orders``; a design name that already says what it is for
    (``Amazon MQ for ActiveMQ migration``) gets ``in <name>`` instead of a second ``for``."""
    joiner = " in " if re.search(r"\bfor\b", pattern_name, re.IGNORECASE) else " for "
    return f"Use {pattern_name}{joiner}{name}"


def yaml_value(value: Any) -> str:
    """A YAML scalar or flow list for the front matter (double-quoted strings, JSON-compatible)."""
    import json

    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in value) + "]"
    return json.dumps("" if value is None else str(value), ensure_ascii=False)


def environment(template_dir: Path | None = None):
    """A sandboxed jinja2 environment over the bundled templates, or over ``template_dir`` first."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    from advisor.resources import templates_root

    bundled = templates_root() / "adr"

    def load_bundled(name: str):
        node = bundled / name
        if not node.is_file():
            return None
        return node.read_text(encoding="utf-8"), None, lambda: True

    loaders: list = []
    if template_dir is not None:
        if not Path(template_dir).is_dir():
            raise InvalidInput(f"template folder {str(template_dir)!r} does not exist or is not a folder")
        loaders.append(jinja2.FileSystemLoader(str(template_dir)))
    loaders.append(jinja2.FunctionLoader(load_bundled))
    env = SandboxedEnvironment(loader=jinja2.ChoiceLoader(loaders), autoescape=False, trim_blocks=True,
                               lstrip_blocks=True, keep_trailing_newline=True,
                               undefined=jinja2.StrictUndefined)
    env.filters.update(cell=md_cell, line=md_line, yaml=yaml_value, sentence=sentence)
    return env


def render(context: dict[str, Any], template: str = DEFAULT_TEMPLATE, template_dir: Path | None = None) -> str:
    import jinja2

    env = environment(template_dir)
    if template_dir is None or not (Path(template_dir) / f"{template}.md.j2").is_file():
        template = ALIASES.get(template, template)
    try:
        tpl = env.get_template(f"{template}.md.j2")
    except jinja2.TemplateNotFound:
        where = f" in {template_dir} or" if template_dir else ""
        raise NotFound(f"no ADR template {template!r}{where} among the bundled ones",
                       hint=f"bundled templates: {', '.join(TEMPLATES)}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise InvalidInput(f"template error: {exc.message}") from None
    try:
        text = tpl.render(**context)
    except jinja2.TemplateError as exc:
        raise InvalidInput(f"template {template!r} failed: {exc}") from None
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.rstrip("\n") + "\n"


# ----- context ---------------------------------------------------------------------------------------------


def _number(value: float) -> str:
    from advisor.engine import units

    return units.number(value)


def _yes(value: bool, yes: str, no: str) -> str:
    return yes if value else no


def drivers(req) -> list[str]:
    """Every stated constraint of the requirements, in words (the file's key order)."""
    out: list[str] = []
    k = req.constraints
    ordering = {"none": "no ordering needed", "per-key": "order kept per key (customer, order, device)",
                "global": "one global order across all messages"}
    if k.ordering is not None:
        out.append(f"Ordering: {ordering[k.ordering]}")
    if k.deduplication is not None:
        out.append(_yes(k.deduplication, "Duplicates are dropped by the service (deduplication)",
                        "No deduplication by the service needed"))
    if k.idempotent is not None:
        out.append(_yes(k.idempotent, "Processing a message twice is harmless (idempotent)",
                        "Processing a message twice is not harmless"))
    if k.peak_per_second is not None:
        out.append(f"Peak load of {_number(k.peak_per_second)} messages per second")
    if k.message_kib is not None:
        out.append(f"Messages up to {_number(k.message_kib)} KiB")
    if k.retention_days is not None:
        out.append(f"Unconsumed data kept for {_number(k.retention_days)} days")
    if k.replay is not None:
        out.append(_yes(k.replay, "Consumers can re-read (replay) past data", "No replay of consumed data needed"))
    if k.processing_minutes is not None:
        out.append(f"Processing one message takes up to {_number(k.processing_minutes)} minutes")
    if k.delay_seconds is not None:
        out.append(f"Messages delayed by up to {_number(k.delay_seconds)} seconds")
    if k.filtering is not None:
        out.append(_yes(k.filtering, "Each consumer receives only the messages it needs (filtering)",
                        "No filtering needed"))
    if k.routing_features:
        out.append(f"Event-routing features: {', '.join(k.routing_features)}")
    if k.many_to_many is not None:
        out.append(_yes(k.many_to_many, "Many producers and consumers meet at one router that routes each event by "
                        "its content", "No router shared by many producers and consumers is needed"))
    if k.consumer_buffer is not None:
        out.append(_yes(k.consumer_buffer, "Each consumer takes messages from a queue of its own, at its own pace",
                        "Consumers may be pushed to directly"))
    if k.priority is not None:
        out.append(_yes(k.priority, "Urgent messages overtake others (priority)", "No priority needed"))
    if k.producers:
        out.append(f"Producers: {', '.join(k.producers)}")
    if k.source_services:
        out.append(f"Events sent by the AWS services: {', '.join(k.source_services)}")
    if k.starts_from:
        out.append(f"Starts from existing resources: {', '.join(k.starts_from)}")
    if k.consumers:
        out.append(f"Consumers: {', '.join(k.consumers)}")
    if k.saas:
        out.append(f"SaaS applications: {', '.join(k.saas)}")
    if k.schedule:
        out.append(f"Runs on the schedule `{k.schedule}`")
    if k.workflow is not None:
        out.append(_yes(k.workflow == "orchestration", "A multi-step workflow is orchestrated",
                        "No workflow orchestration needed"))
    if k.workflow_minutes is not None:
        out.append(f"A workflow runs for up to {_number(k.workflow_minutes)} minutes")
    if k.managed is not None:
        out.append({"serverless": "Serverless: nothing to size, patch or operate",
                    "managed": "Managed brokers or clusters are acceptable",
                    "any": "Any operating model is acceptable"}[k.managed])
    if k.region:
        out.append(f"Region: {k.region}")
    m = req.migration
    if m.systems:
        out.append(f"Migrating from: {', '.join(m.systems)}")
    if m.protocols:
        out.append(f"Keep the protocols: {', '.join(m.protocols)}")
    if m.code_changes is not None:
        out.append({"none": "No code changes to existing clients", "minimal": "Minimal code changes to clients",
                    "allowed": "Code changes are allowed"}[m.code_changes])
    s = req.storage
    if s is not None:
        if s.access:
            out.append(f"Storage access: {', '.join(s.access)}")
        if s.primary:
            out.append(f"Primary copy of the data: {s.primary}")
        if s.low_latency_local is not None:
            out.append(_yes(s.low_latency_local, "Low-latency local access to the whole data set",
                            "No low-latency local access needed"))
    b = req.backup
    if b is not None:
        if b.rpo_hours is not None:
            out.append(f"Recovery point objective: {_number(b.rpo_hours)} hours")
        if b.retention_days is not None:
            out.append(f"Backups kept for {_number(b.retention_days)} days")
        for flag, text in ((b.cross_region, "Copies in another Region"), (b.cross_account, "Copies in another account"),
                           (b.immutable, "Immutable backups (WORM)")):
            if flag is not None:
                out.append(text if flag else f"No requirement: {text[0].lower()}{text[1:]}")
        if b.resources:
            out.append(f"Resources to back up: {', '.join(b.resources)}")
    return out


def answers(req) -> list[dict[str, str]]:
    c = req.connection
    rows = []
    for key, (question, words) in ANSWERS.items():
        value = getattr(c, key)
        rows.append({"key": key, "question": question, "value": value or "",
                     "answer": words[value] if value else "not stated (no constraint)"})
    return rows


def _question(req) -> str:
    asks = []
    if req.has_messaging:
        asks.append("how should these systems talk to each other")
    if req.has_storage:
        asks.append("how should on-premises systems reach their storage in AWS")
    if req.has_backup:
        asks.append("how should these resources be backed up")
    text = " and ".join(asks) or "which AWS design fits these requirements"
    return text[0].upper() + text[1:] + " on AWS?"


def _reason(r) -> dict[str, Any]:
    from advisor.wording import cite

    return {"text": r.text, "fact": r.fact, "source": r.source, "cited": f"{r.text}{cite(r)}"}


def _design_title(kb, ev) -> str:
    from advisor.wording import services_line

    services = services_line(kb, ev)
    return ev.pattern_name if ev.pattern_name == services else f"{ev.pattern_name} ({services})"


def consequences(result, kb) -> dict[str, list[str]]:
    """Good, bad and neutral consequences from the facts of the recommended services."""
    from advisor.engine.result import Reason
    from advisor.wording import cite

    good: list[str] = []
    bad: list[str] = []
    neutral: list[str] = []
    cited: set[str] = set()   # facts already stated, so the watch list does not repeat them
    for opt in result.recommended_services():
        name = kb.display_name(opt)
        ops = kb.fact(opt, "operations")
        if ops is not None:
            r = Reason.of("", ops)
            if ops.fact.value == "serverless":
                good.append(f"{name} is serverless: no brokers, clusters or capacity to operate{cite(r)}")
            else:
                bad.append(f"{name} is {ops.fact.value}: you size, patch (maintenance windows) and monitor "
                           f"its brokers or appliances{cite(r)}")
        sem = kb.fact(opt, "semantics")
        if sem is not None:
            r = Reason.of("", sem)
            if sem.fact.value == "exactly-once":
                good.append(f"{name} processes each message exactly once within its deduplication scope{cite(r)}")
            elif sem.fact.value == "at-least-once":
                cited.add(sem.id)
                bad.append(f"{name} delivers at least once: consumers must be idempotent (record processed "
                           f"message ids, or make the effect safe to repeat){cite(r)}")
        price = kb.fact(opt, "pricing")
        if price is not None:
            neutral.append(f"{name} pricing basis: {md_line(price.fact.value)}{cite(Reason.of('', price))}")
    for ev in [result.recommendation, *result.supplements]:
        for w in ev.watch:
            line = f"{w.text}{cite(w)}"
            if line not in bad and not (w.fact and w.fact in cited):
                bad.append(line)
    return {"good": good, "bad": bad, "neutral": neutral}


def tier_summary(ev) -> str:
    """The ranking tiers of a design as a person reads them: 'fitness 0 · preference 0 · simplicity 1.5'."""
    from advisor.engine.ranking import TIERS, tier_key

    return " · ".join(f"{t} {v:g}" for t, v in zip(TIERS, tier_key(ev), strict=True))


def ranking_note(result) -> str:
    """How the chosen design came first: ahead on a tier, or a tie and what settled it."""
    from advisor.report import tie_lines

    lines = tie_lines(result)
    return " ".join(lines)


def options(result, kb, *, max_alternatives: int = MAX_ALTERNATIVES) -> tuple[list[dict], int]:
    """Considered options: the recommendation, the ranked alternatives, the excluded services."""
    from advisor.wording import EQUAL, excluded_name, services_line, why_lower

    rec = result.recommendation
    out: list[dict[str, Any]] = []
    name = _design_title(kb, rec)
    for sup in result.supplements:
        name += f" plus {_design_title(kb, sup)}"
    out.append({
        "kind": "chosen", "title": name, "services": services_line(kb, rec), "summary": rec.summary,
        "score": tier_summary(rec), "rank": 1,
        "pros": [_reason(r)["cited"] for ev in [rec, *result.supplements] for r in ev.satisfied],
        "cons": [_reason(r)["cited"] for ev in [rec, *result.supplements] for r in ev.watch],
        "why": "",
    })
    alts = [c for c in result.candidates if c is not rec]
    for rank, c in enumerate(alts[:max_alternatives], start=2):
        lost = why_lower(rec, c)
        out.append({
            "kind": "alternative", "title": _design_title(kb, c), "services": services_line(kb, c),
            "summary": c.summary, "score": tier_summary(c), "rank": rank,
            "pros": ["it satisfies every hard requirement"]
                    + [t for items in c.tiers.values() for w, t in items if w < 0],
            "cons": [f"{tier}: {t}" for tier, items in c.tiers.items() for w, t in items if w > 0]
                    + [f"it ranked {lost}" if lost.startswith(EQUAL) else f"it ranked lower on {lost}"],
            "why": lost,
        })
    for ex in result.excluded:
        out.append({
            "kind": "excluded", "title": excluded_name(kb, ex), "services": excluded_name(kb, ex),
            "summary": kb.services[ex.id].summary.strip() if ex.id in kb.services else "",
            "score": "", "rank": None, "pros": [],
            "cons": [f"it was excluded: {_reason(r)['cited']}" for r in ex.reasons],
            "why": "; ".join(r.text for r in ex.reasons),
        })
    from advisor.cost.render import design_cost

    for o, ev in zip(out, [rec, *alts[:max_alternatives]], strict=False):
        o["cost"] = design_cost(result, kb, ev.design.key)   # the estimate's one-line summary, or None
    return out, max(0, len(alts) - max_alternatives)


def sources(result, kb) -> list[dict[str, Any]]:
    """Every URL the decision cites, with the fact ids read from it, sorted by URL."""
    by_url: dict[str, set[str]] = {}
    reasons = []
    for ev in [result.recommendation, *result.supplements]:
        reasons += ev.satisfied + ev.watch
    for ex in result.excluded:
        reasons += ex.reasons
    for r in reasons:
        if r.source:
            by_url.setdefault(r.source, set())
            if r.fact:
                by_url[r.source].add(r.fact)
    for opt in result.recommended_services():
        svc = kb.services[opt.service]
        by_url.setdefault(svc.docs, set()).add(f"{svc.id} developer guide")
    return [{"url": u, "facts": sorted(f)} for u, f in sorted(by_url.items())]


def confirmation(result, kb, requirements_file: str | None) -> list[str]:
    rec = result.recommendation
    answers_arg = f"--answers {requirements_file}" if requirements_file else "--answers <requirements file>"
    ids = ", ".join(f"`{o.id}`" for o in result.recommended_services())
    return [
        (f"`mqadvise advise {answers_arg}` still recommends `{rec.pattern_id}` ({ids}) after every knowledge "
         f"update; a different answer means this decision needs a review."),
        ("`mqadvise lint` passes on the infrastructure code: its rules check the deployed resources against the "
         "design (dead-letter queues, retention, message loops between services, quotas)."),
        ("The tests generated by `mqadvise scaffold` for this design pass in CI (idempotent consumers, "
         "failure handling)."),
        "`mqadvise adr lint` passes on the decision log.",
    ]


def build_context(result, kb, *, number: int, title: str | None = None, date: datetime.date | str | None = None,
                  status: str = "proposed", decision_makers: list[str] | None = None,
                  consulted: list[str] | None = None, informed: list[str] | None = None,
                  requirements_file: str | None = None, links: list[dict[str, str]] | None = None,
                  max_alternatives: int = MAX_ALTERNATIVES) -> dict[str, Any]:
    """The template context of an ADR for this Result (see docs/adr.md for the fields)."""
    from advisor.adr import decision
    from advisor.catalog import design_graph, graph_mermaid
    from advisor.textsafe import md_block, md_inline
    from advisor.wording import services_line

    if not result.ok:
        raise NoServiceFits("no design satisfies every requirement; there is no decision to record",
                            conflicts=result.conflicts, result=result)
    req = result.requirements
    rec = result.recommendation
    if date is None:
        date = datetime.date.today()
    opts, more = options(result, kb, max_alternatives=max_alternatives)
    chosen = opts[0]
    because = [r.text for ev in [rec, *result.supplements] for r in ev.satisfied]
    alts = [o for o in opts if o["kind"] == "alternative"]
    return {
        "number": number,
        "number4": f"{number:04d}",
        "title": md_inline(title or default_title(rec.pattern_name, req.name)),   # free text: advisor.textsafe
        "status": status,
        "date": str(date),
        "decision_makers": list(decision_makers or []),
        "consulted": list(consulted or []),
        "informed": list(informed or []),
        "links": list(links or []),
        "requirements": {"name": req.name, "title": md_inline(req.title or req.name),
                         "context": md_block(req.context or ""), "file": requirements_file},
        "answers": answers(req) if any(getattr(req.connection, k) for k in ANSWERS) else [],
        "question": _question(req),
        "drivers": drivers(req),
        "chosen": chosen,
        "pattern": {"id": rec.pattern_id, "name": rec.pattern_name, "summary": rec.summary,
                    "services": services_line(kb, rec)},
        "supplements": [{"id": s.pattern_id, "name": s.pattern_name, "summary": s.summary,
                         "services": services_line(kb, s)} for s in result.supplements],
        "because": because,
        "ranking_note": ranking_note(result),
        "options": opts,
        "alternatives": alts,
        "excluded": [o for o in opts if o["kind"] == "excluded"],
        "more_alternatives": more,
        "consequences": consequences(result, kb),
        "confirmation": confirmation(result, kb, requirements_file),
        "sources": sources(result, kb),
        "knowledge": {"as_of": str(result.knowledge_as_of), "digest": result.knowledge_digest},
        "mermaid": graph_mermaid(design_graph(kb, result)),
        "generator": "mqadvise adr new",
        "bullet": "* ",
        "decision_key": decision.compute(result),
        "decision_comment": decision.comment(decision.compute(result)),
    }
