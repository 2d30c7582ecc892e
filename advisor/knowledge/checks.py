"""Validation of the knowledge files: schema, dangling references, sources, duplicate ids.

Every finding names file:line so that a reviewer can jump to it.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from advisor.errors import InvalidInput, Location
from advisor.knowledge import vocabulary as V
from advisor.knowledge.loader import Finding, SourceFile
from advisor.yamlio import Document, load_text, to_plain

# Capability facts every option must carry, by its messaging model.
REQUIRED_ALL = ("model", "operations", "scaling", "pricing")
REQUIRED_BY_MODEL = {
    "messaging": ("data", "completion", "delivery", "distribution", "semantics", "ordering",
                  "producers", "consumers", "protocols", "persistence", "message_size.max",
                  "deduplication", "replay", "filtering", "priority", "dead_letter", "orchestration", "schedule",
                  "fan_out", "transformation"),
    "storage": ("storage.access", "storage.primary", "protocols"),
    "backup": ("backup.min_frequency", "backup.resources", "backup.cross_region", "backup.cross_account",
               "backup.immutable", "backup.continuous"),
}


def _pydantic_findings(doc: Document, exc: ValidationError, prefix: tuple = ()) -> list[Finding]:
    out = []
    for err in exc.errors():
        loc = prefix + tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown key {loc[-1]!r}" if loc else "unknown key"
        elif err["type"] == "missing":
            msg = f"required key {loc[-1]!r} is missing" if loc else "required key is missing"
        elif loc and loc[-1] == "facts" and ":" in msg:
            # check_capability names the fact ("delivery: ..."); point at that fact's value, not at `facts:`
            fact = msg.split(":", 1)[0]
            if _position_known(doc, loc + (fact,)):
                loc = loc + (fact, "value")
        out.append(Finding(doc.locate(loc), msg))
    return out


def _position_known(doc: Document, path: tuple) -> bool:
    node = doc.data
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _regions(docs: dict[str, Document], findings: list[Finding]) -> dict[str, str]:
    """The Region list (code -> name); one finding per malformed or repeated entry."""
    from advisor.knowledge.schema import RegionList

    doc = docs.get("regions.yaml")
    if doc is None:
        findings.append(Finding(Location("regions.yaml"), "file is missing"))
        return {}
    try:
        listed = RegionList.model_validate(to_plain(doc.data))
    except ValidationError as exc:
        findings.extend(_pydantic_findings(doc, exc))
        return {}
    out: dict[str, str] = {}
    for i, region in enumerate(listed.regions):
        if region.code in out:
            findings.append(Finding(doc.locate(("regions", i, "code")), f"duplicate Region {region.code!r}"))
        out[region.code] = region.name
    return out


def compile_and_check(sources: list[SourceFile]):
    from advisor.knowledge.base import KnowledgeBase, Option
    from advisor.knowledge.schema import Endpoint, Pattern, Question, Relation, Service, TieBreak, Workaround

    findings: list[Finding] = []
    docs: dict[str, Document] = {}
    for src in sources:
        try:
            docs[src.rel] = load_text(src.text, src.rel)
        except InvalidInput as exc:
            findings.append(Finding(exc.location or Location(src.rel), exc.message))

    services: dict[str, Service] = {}
    service_docs: dict[str, Document] = {}
    for rel, doc in docs.items():
        if not rel.startswith("services/"):
            continue
        data = doc.data
        if not isinstance(data, dict):
            findings.append(Finding(Location(rel, 1), "expected a mapping with a service"))
            continue
        try:
            svc = Service.model_validate(to_plain(data))
        except ValidationError as exc:
            findings.extend(_pydantic_findings(doc, exc))
            continue
        expected_name = f"services/{svc.id}.yaml"
        if rel != expected_name:
            findings.append(Finding(doc.locate(("id",)), f"service {svc.id!r} must live in {expected_name}"))
        if svc.id in services:
            findings.append(Finding(doc.locate(("id",)), f"duplicate service id {svc.id!r}"))
        services[svc.id] = svc
        service_docs[svc.id] = doc
    for sid in V.SERVICE_IDS:
        if sid not in services and not any(f.location.file == f"services/{sid}.yaml" for f in findings):
            findings.append(Finding(Location("services/"), f"no knowledge file for service {sid!r}"))

    def listed(name: str, key: str, model: Any) -> tuple[list[Any], Document | None]:
        doc = docs.get(name)
        if doc is None:
            findings.append(Finding(Location(name), "file is missing"))
            return [], None
        items = doc.data.get(key) if isinstance(doc.data, dict) else None
        if not isinstance(items, list):
            findings.append(Finding(Location(name, 1), f"expected a top-level '{key}:' list"))
            return [], doc
        out = []
        for i, item in enumerate(items):
            try:
                out.append(model.model_validate(to_plain(item)))
            except ValidationError as exc:
                findings.extend(_pydantic_findings(doc, exc, (key, i)))
                out.append(None)
        return out, doc

    relations, rel_doc = listed("relations.yaml", "relations", Relation)
    endpoints_l, ep_doc = listed("endpoints.yaml", "endpoints", Endpoint)
    patterns, pat_doc = listed("patterns.yaml", "patterns", Pattern)
    questions, q_doc = listed("questions.yaml", "questions", Question)
    tie_breaks, tb_doc = listed("tie-breaks.yaml", "tie_breaks", TieBreak)
    workarounds, wa_doc = listed("workarounds.yaml", "workarounds", Workaround)

    def dupes(items: list[Any], doc: Document | None, key: str, what: str) -> None:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item is None:
                continue
            if item.id in seen:
                findings.append(Finding(doc.locate((key, i, "id")), f"duplicate {what} id {item.id!r}"))
            seen.add(item.id)

    dupes(endpoints_l, ep_doc, "endpoints", "endpoint")
    dupes(patterns, pat_doc, "patterns", "pattern")
    dupes(questions, q_doc, "questions", "question")
    dupes(tie_breaks, tb_doc, "tie_breaks", "tie-break")
    dupes(workarounds, wa_doc, "workarounds", "workaround")
    for items, doc, key in ((tie_breaks, tb_doc, "tie_breaks"), (workarounds, wa_doc, "workarounds")):
        for i, item in enumerate(items):
            if item is None:
                continue
            ids = [item.prefer, *item.over] if key == "tie_breaks" else [*item.applies_to, *item.adds]
            for ref in ids:
                step = ref.partition(":")
                svc = services.get(step[0])
                if svc is None or (step[2] and step[2] not in svc.variants):
                    findings.append(Finding(doc.locate((key, i)), f"dangling reference {ref!r} in {item.id}"))
    endpoints = {e.id: e for e in endpoints_l if e is not None}

    # Endpoints must cover every producer, consumer and migration source of the contract.
    for role, names in (("producer", V.PRODUCERS), ("consumer", V.CONSUMERS), ("source", V.SOURCE_SERVICES),
                        ("system", tuple(m for m in V.MIGRATION_SOURCES if m != "none"))):
        for n in names:
            ep = endpoints.get(f"{role}:{n}" if role != "system" else n)
            if ep is None or ep.role != role:
                findings.append(Finding(Location("endpoints.yaml"), f"missing {role} endpoint for {n!r}"))

    # Relations: both ends exist, variants exist, migration edges point at systems.
    for i, rel in enumerate(relations):
        if rel is None:
            continue
        here = rel_doc.locate(("relations", i))
        for end, variants in ((rel.source_node, rel.from_variants), (rel.target_node, rel.to_variants)):
            if end in services:
                bad = [v for v in (variants or []) if v not in services[end].variants]
                if bad:
                    findings.append(Finding(here, f"{end} has no variant(s) {bad}"))
            elif end not in endpoints:
                findings.append(Finding(here, f"dangling reference {end!r}: not a service or endpoint"))
        if rel.type == "emits-to" and (endpoints.get(rel.source_node) is None
                                       or endpoints[rel.source_node].role != "source"
                                       or rel.target_node not in services):
            findings.append(Finding(here, "emits-to goes from an AWS source endpoint (source:...) to a service"))
        bad_producers = [p for p in rel.producers or [] if p not in V.PRODUCERS]
        if bad_producers:
            findings.append(Finding(here, f"unknown producer kind(s) {bad_producers}; expected {', '.join(V.PRODUCERS)}"))
        if rel.type == "migrates-from":
            if rel.source_node not in services or endpoints.get(rel.target_node, None) is None \
                    or endpoints[rel.target_node].role != "system":
                findings.append(Finding(here, "migrates-from goes from a service to an existing system"))
            if rel.code_changes is None:
                findings.append(Finding(here, "migrates-from needs code_changes: none | minimal | allowed"))
    emitting = {r.source_node for r in relations if r is not None and r.type == "emits-to"}
    for name in V.SOURCE_SERVICES:
        if f"source:{name}" not in emitting:
            findings.append(Finding(Location("relations.yaml"), f"no emits-to relation from 'source:{name}'"))
    migrated = {r.target_node for r in relations if r is not None and r.type == "migrates-from"}
    for system in V.MIGRATION_SOURCES:
        if system != "none" and system not in migrated:
            findings.append(Finding(Location("relations.yaml"), f"no migrates-from relation for {system!r}"))

    study, study_at = _study_items(docs, findings, {q.id for q in questions if q is not None})
    pricing = _pricing(docs, findings)
    regions = _regions(docs, findings)

    kb = None
    if not [f for f in findings if f.severity == "error"]:
        kb = KnowledgeBase(
            services={sid: services[sid] for sid in V.SERVICE_IDS},
            relations=[r for r in relations if r is not None],
            endpoints=endpoints,
            patterns=[p for p in patterns if p is not None],
            questions=[q for q in questions if q is not None],
            tie_breaks=[t for t in tie_breaks if t is not None],
            workarounds=[w for w in workarounds if w is not None],
            study=study,
            pricing=pricing,
            regions=regions,
        )
        # Study items cite facts that exist.
        for item in study:
            for fact_id in item.facts:
                if fact_of(kb, fact_id) is None:
                    findings.append(Finding(study_at[item.id], f"study item {item.id}: no fact {fact_id!r}"))
        # Per-Region tables name Regions of the list.
        for sid, svc in kb.services.items():
            tables = [(("facts", k), f) for k, f in svc.facts.items()]
            tables += [(("variants", v, "facts", k), f) for v, var in svc.variants.items() for k, f in var.facts.items()]
            for path, fact in tables:
                if isinstance(fact.value, dict):
                    for code in fact.value:
                        if code != "other" and code not in regions:
                            findings.append(Finding(service_docs[sid].locate((*path, "value", code)),
                                                    f"{code!r} is not a Region of regions.yaml"))
        # Variant names stand in brackets after the service's short name (KnowledgeBase.display_name), so a
        # bracket of their own would nest: "Amazon MSK (MSK Provisioned (Standard or Express brokers))".
        for sid, svc in kb.services.items():
            for vid, var in svc.variants.items():
                if any(c in var.name for c in "()[]"):
                    findings.append(Finding(service_docs[sid].locate(("variants", vid, "name")),
                                            f"{sid}:{vid}: the variant name {var.name!r} is shown in brackets after "
                                            f"{svc.short_name!r}; write it without brackets"))
        # Required capability facts per option.
        for opt in kb.options:
            model = kb.value(opt, "model")
            need = list(REQUIRED_ALL)
            if model is not None:
                need += REQUIRED_BY_MODEL[V.concern_of_model(model)]
            for name in need:
                if kb.fact(opt, name) is None:
                    doc = service_docs[opt.service]
                    where = doc.locate(("variants", opt.variant) if opt.variant else ("facts",))
                    findings.append(Finding(where, f"{opt.id} has no fact {name!r}"))
        # Patterns are real paths through the graph.
        for i, pat in enumerate(patterns):
            if pat is None:
                continue
            here = pat_doc.locate(("patterns", i, "path"))
            steps = [Option.parse(s) for s in pat.path]
            ok = True
            for step in steps:
                svc = services.get(step.service)
                if svc is None or (step.variant and step.variant not in svc.variants):
                    findings.append(Finding(here, f"dangling reference {step.id!r} in pattern {pat.id}"))
                    ok = False
            if not ok:
                continue
            for a, b in zip(steps, steps[1:], strict=False):
                a_opts = [o for o in kb.options if o.service == a.service and (not a.variant or o.variant == a.variant)]
                if not any(dst.service == b.service and (not b.variant or dst.variant == b.variant)
                           for o in a_opts for dst, _ in kb.adjacency[o]):
                    findings.append(Finding(here, f"pattern {pat.id}: no relation from {a.id} to {b.id}"))
        # Questions point at real requirement keys.
        from advisor.requirements import known_paths

        paths = known_paths()
        for i, q in enumerate(questions):
            if q is not None and not q.key.startswith("_") and q.key not in paths:
                findings.append(Finding(q_doc.locate(("questions", i, "key")),
                                        f"question {q.id}: {q.key!r} is not a requirements key"))
    return findings, kb


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") else word


def _pricing(docs: dict[str, Document], findings: list[Finding]):
    """Validate knowledge/pricing.yaml: units, sources, as_of, Region groups, ids, free tiers that offset a price."""
    from advisor.knowledge.schema import Pricing

    doc = docs.get("pricing.yaml")
    if doc is None:
        findings.append(Finding(Location("pricing.yaml"), "file is missing"))
        return Pricing()
    if not isinstance(doc.data, dict):
        findings.append(Finding(Location("pricing.yaml", 1), "expected a mapping with 'prices:'"))
        return Pricing()
    try:
        pricing = Pricing.model_validate(to_plain(doc.data))
    except ValidationError as exc:
        findings.extend(_pydantic_findings(doc, exc))
        return Pricing()
    seen: dict[str, int] = {}
    for i, price in enumerate(pricing.prices):
        if price.id in seen:
            findings.append(Finding(doc.locate(("prices", i, "id")), f"duplicate price id {price.id!r}"))
        seen.setdefault(price.id, i)
        if price.currency != pricing.currency:
            findings.append(Finding(doc.locate(("prices", i, "unit")),
                                    f"price {price.id} is in {price.currency}, the file in {pricing.currency}"))
    tiers: set[str] = set()
    for i, tier in enumerate(pricing.free_tiers):
        if tier.id in tiers or tier.id in seen:
            findings.append(Finding(doc.locate(("free_tiers", i, "id")), f"duplicate id {tier.id!r}"))
        tiers.add(tier.id)
        for target in tier.applies_to:
            price = pricing.price(target)
            if price is None:
                findings.append(Finding(doc.locate(("free_tiers", i, "applies_to")),
                                        f"free tier {tier.id}: no price {target!r}"))
            elif _singular(price.measure) != _singular(tier.measure):
                findings.append(Finding(doc.locate(("free_tiers", i, "unit")),
                                        f"free tier {tier.id} counts {tier.measure}, price {target} counts "
                                        f"{price.measure}"))
    return pricing


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _study_items(docs: dict[str, Document], findings: list[Finding], question_ids: set[str]):
    """Validate knowledge/study/*.yaml: schema, answers, sources, known services and questions, no duplicates."""
    from advisor.knowledge.schema import StudyItem

    items: list[Any] = []
    where: dict[str, Location] = {}
    stems: dict[str, tuple[str, Location]] = {}
    for rel, doc in docs.items():
        if not rel.startswith("study/"):
            continue
        raw = doc.data.get("items") if isinstance(doc.data, dict) else None
        if not isinstance(raw, list):
            findings.append(Finding(Location(rel, 1), "expected a top-level 'items:' list"))
            continue
        for i, data in enumerate(raw):
            try:
                item = StudyItem.model_validate(to_plain(data))
            except ValidationError as exc:
                for f in _pydantic_findings(doc, exc, ("items", i)):
                    if "correct option" in f.message or "same text" in f.message:  # point at the options
                        f = Finding(doc.locate(("items", i, "options")), f.message)
                    findings.append(f)
                continue
            here = doc.locate(("items", i, "id"))
            if item.origin != "authored":
                findings.append(Finding(doc.locate(("items", i, "origin")), "only generated items are 'generated'"))
            if item.id.startswith("gen:"):
                findings.append(Finding(here, f"item id {item.id!r}: the 'gen:' prefix is kept for generated items"))
            if item.id in where:
                findings.append(Finding(here, f"duplicate study item id {item.id!r} (first at {where[item.id]})"))
                continue
            stem = _norm(item.stem)
            if stem in stems:
                first_id, first_at = stems[stem]
                findings.append(Finding(doc.locate(("items", i, "stem")),
                                        f"study item {item.id}: same stem as {first_id} ({first_at})"))
            stems.setdefault(stem, (item.id, here))
            for sid in item.services:
                if sid not in V.SERVICE_IDS:
                    findings.append(Finding(doc.locate(("items", i, "services")),
                                            f"study item {item.id}: unknown service {sid!r}"))
            for qid in item.questions:
                if qid not in question_ids:
                    findings.append(Finding(doc.locate(("items", i, "questions")),
                                            f"study item {item.id}: no interview question {qid!r}"))
            where[item.id] = here
            items.append(item)
    return items, where


def fact_of(kb: Any, fact_id: str):
    """The fact a dotted id names (``sqs.fifo.retention.max``, ``sns.delivery_retries``), or None."""
    from advisor.knowledge.base import Option

    sid, _, rest = fact_id.partition(".")
    svc = kb.services.get(sid)
    if svc is None or not rest:
        return None
    head, _, tail = rest.partition(".")
    if head in svc.variants and tail:
        return kb.fact(Option(sid, head), tail)
    return kb.fact(Option(sid, None), rest) if rest in svc.facts else None


def check_service_file(path: str) -> list[Finding]:
    """Validate one service file on its own: schema, units, sources, required capability facts.

    Used while authoring (`python -m advisor.knowledge.checks knowledge/services/sns.yaml`).
    """
    from pathlib import Path

    from advisor.knowledge.base import Option
    from advisor.knowledge.schema import Service

    rel = "services/" + Path(path).name
    try:
        doc = load_text(Path(path).read_text(encoding="utf-8"), rel)
    except InvalidInput as exc:
        return [Finding(exc.location or Location(rel), exc.message)]
    try:
        svc = Service.model_validate(to_plain(doc.data))
    except ValidationError as exc:
        return _pydantic_findings(doc, exc)
    out: list[Finding] = []
    options = [Option(svc.id, v) for v in svc.variants] or [Option(svc.id, None)]
    for opt in options:
        facts = dict(svc.facts)
        if opt.variant:
            facts.update(svc.variants[opt.variant].facts)
        model = facts.get("model")
        need = list(REQUIRED_ALL)
        if model is not None:
            need += REQUIRED_BY_MODEL[V.concern_of_model(model.value)]
        for name in need:
            if name not in facts:
                where = doc.locate(("variants", opt.variant) if opt.variant else ("facts",))
                out.append(Finding(where, f"{opt.id} has no fact {name!r}"))
    if not svc.exam_traps:
        out.append(Finding(doc.locate(("id",)), "no exam_traps listed", "warning"))
    return out


if __name__ == "__main__":  # pragma: no cover - an authoring aid
    import sys

    problems = [f for p in sys.argv[1:] for f in check_service_file(p)]
    for f in problems:
        print(f)
    print(f"{len(problems)} finding(s)")
    raise SystemExit(1 if any(f.severity == "error" for f in problems) else 0)
