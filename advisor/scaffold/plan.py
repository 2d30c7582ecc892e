"""From requirements and a recommendation to the render context of a template set.

Every AWS figure in the context comes from the knowledge (``kb.fact``) and carries its source URL, so the
generated template and README can say where each setting comes from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.errors import InvalidInput, NotFound
from advisor.knowledge.base import Option
from advisor.scaffold import names


@dataclass
class Figure:
    """A number used in the scaffold, with the fact that justifies it."""

    value: Any
    fact: str | None = None
    source: str | None = None
    note: str = ""

    def __str__(self) -> str:
        return str(self.value)


@dataclass
class Plan:
    requirements: Any
    result: Any
    kb: Any
    pattern_id: str
    path: tuple[Option, ...]
    answers_text: str
    answers_name: str
    adr: str | None = None
    name: str | None = None
    figures: dict[str, Figure] = field(default_factory=dict)

    # ----- figures from the knowledge --------------------------------------------------------
    def _ref(self, option: Option | str, name: str):
        opt = Option.parse(option) if isinstance(option, str) else option
        ref = self.kb.fact(opt, name)
        if ref is None:
            raise NotFound(f"the knowledge has no fact {name!r} for {opt.id}; the scaffold needs it")
        return ref

    def fact(self, option: Option | str, name: str) -> Figure:
        ref = self._ref(option, name)
        return Figure(ref.fact.value, ref.id, ref.source)

    def seconds(self, option: Option | str, name: str) -> Figure:
        from advisor.engine.units import seconds

        ref = self._ref(option, name)
        return Figure(round(seconds(ref.fact)), ref.id, ref.source)

    def bytes(self, option: Option | str, name: str) -> Figure:
        from advisor.engine.units import kib

        ref = self._ref(option, name)
        return Figure(round(kib(ref.fact) * 1024), ref.id, ref.source)

    def hours(self, option: Option | str, name: str) -> Figure:
        s = self.seconds(option, name)
        return Figure(s.value // 3600, s.fact, s.source)

    def option(self, service: str) -> Option | None:
        return next((o for o in self.path if o.service == service), None)

    def record(self, key: str, fig: Figure) -> Any:
        self.figures[key] = fig
        return fig.value


def base_context(plan: Plan) -> dict[str, Any]:
    req = plan.requirements
    rec = plan.result.recommendation
    named = names.project_names(plan.name or req.name)
    project = named.project
    c = req.constraints
    ctx: dict[str, Any] = {
        "project": project,
        "package": named.package,
        "distribution": named.distribution,
        "stack": names.logical_id(project, "App"),
        "title": req.title or req.name,
        "context": (req.context or "").strip(),
        "pattern": {"id": plan.pattern_id, "name": rec.pattern_name if rec and rec.pattern_id == plan.pattern_id
                    else _pattern_name(plan), "summary": _pattern_summary(plan)},
        "services": [o.id for o in plan.path],
        "service_names": [plan.kb.display_name(o) for o in plan.path],
        "reasons": [{"text": r.text, "source": r.source} for r in (rec.satisfied if rec else [])][:12],
        "watch": [{"text": w.text, "source": w.source} for w in (rec.watch if rec else [])],
        "answers_file": plan.answers_name,
        "adr": plan.adr,
        "knowledge_as_of": plan.result.knowledge_as_of,
        "ordering": c.ordering or "none",
        "deduplication": bool(c.deduplication),
        "filtering": bool(c.filtering),
        "peak_per_second": c.peak_per_second,
        "message_kib": c.message_kib,
        "consumers": list(c.consumers or []),
        "producers": list(c.producers or []),
        "region": c.region or "us-east-1",
        # design choices (not AWS figures): kept small so local tests are fast; tune them here
        "handler_timeout": _handler_timeout(c.processing_minutes),
        "batch_size": 10,
        "batch_window": 0,
    }
    return ctx


def _handler_timeout(processing_minutes: float | None) -> int:
    if not processing_minutes:
        return 30
    return max(30, math.ceil(processing_minutes * 60 * 1.5))


def _pattern_name(plan: Plan) -> str:
    pat = next((p for p in plan.kb.patterns if p.id == plan.pattern_id), None)
    return pat.name if pat else plan.pattern_id


def _pattern_summary(plan: Plan) -> str:
    pat = next((p for p in plan.kb.patterns if p.id == plan.pattern_id), None)
    if pat:
        return pat.summary
    rec = plan.result.recommendation
    return rec.summary if rec else ""


def choose(result: Any, pattern: str | None) -> tuple[str, tuple[Option, ...]]:
    """The design to scaffold: the recommendation, or a passing candidate named with ``--pattern``."""
    if result.recommendation is None:
        from advisor.errors import NoServiceFits

        raise NoServiceFits("no design fits these requirements, so there is nothing to scaffold",
                            conflicts=result.conflicts, result=result)
    if pattern is None or pattern == result.recommendation.pattern_id:
        rec = result.recommendation
        return rec.pattern_id, rec.design.path
    for cand in result.candidates:
        if cand.pattern_id == pattern:
            return cand.pattern_id, cand.design.path
    passing = sorted({c.pattern_id for c in result.candidates})
    raise InvalidInput(f"pattern {pattern!r} is not a passing design for these requirements",
                       hint=f"choose one of: {', '.join(passing)}")


def find_adr(req_name: str, places: list[Path]) -> Path | None:
    """An ADR about this design in a project's ADR folder (docs/adr, adr, doc/adr)."""
    for base in places:
        for folder in ("docs/adr", "adr", "doc/adr", "docs/decisions"):
            d = base / folder
            if d.is_dir():
                hits = sorted(p for p in d.glob("*.md") if req_name in p.name)
                if hits:
                    return hits[0]
    return None
