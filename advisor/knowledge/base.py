"""The loaded knowledge base and the questions it answers (facts of an option, edges, patterns)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from advisor.knowledge.schema import (
    Edition,
    Endpoint,
    Fact,
    Pattern,
    Pricing,
    Question,
    Relation,
    Service,
    StudyItem,
    TieBreak,
    Workaround,
)


@dataclass(frozen=True)
class Option:
    """One thing that can be recommended: a service, or one variant of it."""

    service: str
    variant: str | None
    # Hashed once: the walk keys its memos by options and paths of options tens of thousands of times.
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.service, self.variant)))

    def __hash__(self) -> int:
        return self._hash

    @property
    def id(self) -> str:
        return f"{self.service}:{self.variant}" if self.variant else self.service

    def matches(self, ref: str) -> bool:
        """Is this option what ``ref`` names: a service id (any variant) or a ``service:variant`` id?"""
        service, _, variant = ref.partition(":")
        return self.service == service and (not variant or self.variant == variant)

    @classmethod
    def parse(cls, text: str) -> Option:
        service, _, variant = text.partition(":")
        return cls(service, variant or None)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.service, "variant": self.variant}


@dataclass(frozen=True)
class FactRef:
    """A fact together with its id (``sqs.fifo.retention.max``) for citing."""

    id: str
    fact: Fact

    @property
    def source(self) -> str:
        return self.fact.source


class KnowledgeBase(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, defer_build=True)

    services: dict[str, Service]
    relations: list[Relation]
    endpoints: dict[str, Endpoint]
    patterns: list[Pattern]
    questions: list[Question]
    tie_breaks: list[TieBreak] = Field(default_factory=list)
    workarounds: list[Workaround] = Field(default_factory=list)
    study: list[StudyItem] = Field(default_factory=list)  # the authored study bank (knowledge/study/)
    pricing: Pricing = Field(default_factory=Pricing)     # knowledge/pricing.yaml, read by advisor/cost/
    regions: dict[str, str] = Field(default_factory=dict)  # Region code -> name (knowledge/regions.yaml)
    digest: str = ""
    files: dict[str, str] = Field(default_factory=dict)  # logical name -> relative path, for messages

    # ----- options and facts ---------------------------------------------------------------
    @cached_property
    def options(self) -> list[Option]:
        out: list[Option] = []
        for sid, svc in self.services.items():
            if svc.variants:
                out.extend(Option(sid, v) for v in svc.variants)
            else:
                out.append(Option(sid, None))
        return out

    def option(self, text: str) -> Option:
        return Option.parse(text)

    # Memos are cached properties, not pydantic private attributes: they live in the instance __dict__, so
    # the walk's thousands of lookups skip pydantic's __getattr__.
    @cached_property
    def _facts_memo(self) -> dict[tuple[Option, str], FactRef | None]:
        return {}

    @cached_property
    def _patterns_memo(self) -> dict[tuple[Option, ...], Pattern | None]:
        return {}

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> KnowledgeBase:
        """A copy whose derived views (memoised facts, options, adjacency) are recomputed, not shared."""
        new = super().model_copy(update=update, deep=deep)
        for name in list(new.__dict__):
            if isinstance(getattr(type(new), name, None), cached_property):
                del new.__dict__[name]
        return new

    def fact(self, option: Option, name: str) -> FactRef | None:
        """The fact ``name`` for an option: the variant's own fact wins over the service's."""
        key = (option, name)
        try:
            return self._facts_memo[key]
        except KeyError:
            ref = self._facts_memo[key] = self._lookup_fact(option, name)
            return ref

    def editions(self, option: Option) -> dict[str, Edition]:
        svc = self.services[option.service]
        return svc.variants[option.variant].editions if option.variant else {}

    def edition_fact(self, option: Option, edition: str, name: str) -> FactRef | None:
        """The fact ``name`` of an option built as ``edition``: the edition's own fact, else the option's, and none
        of the facts that belong to the other product only."""
        if name in self.editions(option)[edition].hides:
            return None
        return self.fact(option, f"{edition}.{name}") or self.fact(option, name)

    def _lookup_fact(self, option: Option, name: str) -> FactRef | None:
        svc = self.services[option.service]
        if option.variant:
            var = svc.variants[option.variant]
            if name in var.facts:
                return FactRef(f"{option.service}.{option.variant}.{name}", var.facts[name])
        if name in svc.facts:
            return FactRef(f"{option.service}.{name}", svc.facts[name])
        return None

    def value(self, option: Option, name: str, default: Any = None) -> Any:
        ref = self.fact(option, name)
        return ref.fact.value if ref else default

    def facts_of(self, option: Option) -> dict[str, FactRef]:
        names = list(self.services[option.service].facts)
        if option.variant:
            names += [n for n in self.services[option.service].variants[option.variant].facts if n not in names]
        return {n: self.fact(option, n) for n in names}  # type: ignore[misc]

    def display_name(self, option: Option, edition: str | None = None) -> str:
        """'Amazon SQS (FIFO queue)'; built as an edition, the edition's name replaces the variant's."""
        svc = self.services[option.service]
        if edition is not None:
            return f"{svc.short_name} ({self.editions(option)[edition].name})"
        if option.variant:
            return f"{svc.short_name} ({svc.variants[option.variant].name})"
        return svc.short_name

    @cached_property
    def as_of(self) -> datetime.date:
        """The newest date any fact was read: the knowledge's as-of date."""
        dates = [f.as_of for s in self.services.values() for f in s.facts.values()]
        dates += [f.as_of for s in self.services.values() for v in s.variants.values() for f in v.facts.values()]
        return max(dates) if dates else datetime.date.min

    # ----- graph -----------------------------------------------------------------------------
    def relation_applies(self, rel: Relation, source: Option, target: Option) -> bool:
        if rel.source_node != source.service or rel.target_node != target.service:
            return False
        if rel.from_variants is not None and source.variant not in rel.from_variants:
            return False
        if rel.to_variants is not None and target.variant not in rel.to_variants:
            return False
        return True

    @cached_property
    def adjacency(self) -> dict[Option, list[tuple[Option, Relation]]]:
        """Service-to-service edges between options, for walking designs (kept free of networkx for speed)."""
        by_service: dict[str, list[Option]] = {}
        for opt in self.options:
            by_service.setdefault(opt.service, []).append(opt)
        adj: dict[Option, list[tuple[Option, Relation]]] = {opt: [] for opt in self.options}
        for rel in self.relations:
            if rel.type in ("migrates-from", "alternative-to"):
                continue
            for src in by_service.get(rel.source_node, []):
                for dst in by_service.get(rel.target_node, []):
                    if self.relation_applies(rel, src, dst):
                        adj[src].append((dst, rel))
        return adj

    def migrations(self, system: str) -> list[tuple[Option, Relation]]:
        """Options that an existing system can move to, with the edge that says how."""
        out = []
        for rel in self.relations:
            if rel.type != "migrates-from" or rel.target_node != system:
                continue
            for opt in self.options:
                if opt.service == rel.source_node and (rel.from_variants is None or opt.variant in rel.from_variants):
                    out.append((opt, rel))
        return out

    @cached_property
    def emits(self) -> dict[str, list[tuple[Option, Relation]]]:
        """Per AWS source (``s3``), the options it sends its events to directly, with the edge that says how."""
        out: dict[str, list[tuple[Option, Relation]]] = {}
        for rel in self.relations:
            if rel.type != "emits-to":
                continue
            name = rel.source_node.removeprefix("source:")
            for opt in self.options:
                if opt.service == rel.target_node and (rel.to_variants is None or opt.variant in rel.to_variants):
                    out.setdefault(name, []).append((opt, rel))
        return out

    def pattern_for(self, path: tuple[Option, ...]) -> Pattern | None:
        """The named pattern whose path matches these options (service or service:variant steps)."""
        memo = self._patterns_memo
        if path not in memo:
            memo[path] = self._pattern_for(path)
        return memo[path]

    def _pattern_for(self, path: tuple[Option, ...]) -> Pattern | None:
        best: tuple[int, Pattern] | None = None
        for pat in self.patterns:
            if len(pat.path) != len(path):
                continue
            score = 0
            for step, opt in zip(pat.path, path, strict=False):
                want = Option.parse(step)
                if want.service != opt.service or (want.variant and want.variant != opt.variant):
                    break
                score += 2 if want.variant else 1
            else:
                if best is None or score > best[0]:
                    best = (score, pat)
        return best[1] if best else None

    def to_networkx(self):
        """The whole knowledge graph as a networkx MultiDiGraph (services, variants, endpoints, systems)."""
        import networkx as nx

        g = nx.MultiDiGraph()
        for sid, svc in self.services.items():
            g.add_node(sid, kind="service", name=svc.name)
            for vid, var in svc.variants.items():
                g.add_node(f"{sid}:{vid}", kind="variant", name=var.name)
                g.add_edge(sid, f"{sid}:{vid}", type="variant")
        for eid, ep in self.endpoints.items():
            g.add_node(eid, kind=ep.role, name=ep.name)
        for rel in self.relations:
            g.add_edge(rel.source_node, rel.target_node, type=rel.type, summary=rel.summary,
                       from_variants=rel.from_variants, to_variants=rel.to_variants, source=rel.source)
        for opt in self.options:
            for role, fact in (("producer", "producers"), ("consumer", "consumers")):
                for kind in self.value(opt, fact, []) or []:
                    node = f"{role}:{kind}"
                    if node not in g:
                        g.add_node(node, kind=role, name=kind)
                    if role == "producer":
                        g.add_edge(node, opt.id, type="produces-to")
                    else:
                        g.add_edge(opt.id, node, type="delivers-to")
        return g
