"""The public library API: what the CLI, tests, notebooks and other tools call."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def knowledge(root: Path | None = None):
    from advisor.knowledge.loader import load_knowledge

    return load_knowledge(root)


def check_knowledge(root: Path | None = None) -> tuple[list[Any], dict[str, Any]]:
    """Validate the knowledge files; returns (findings, summary)."""
    from advisor.knowledge.loader import compile_sources, read_sources

    sources = read_sources(root)
    findings, kb = compile_sources(sources)
    summary: dict[str, Any] = {"files": len(sources)}
    if kb is not None:
        facts = sum(len(s.facts) + sum(len(v.facts) for v in s.variants.values()) for s in kb.services.values())
        summary.update(services=len(kb.services), options=len(kb.options), facts=facts,
                       relations=len(kb.relations), patterns=len(kb.patterns), questions=len(kb.questions),
                       as_of=str(kb.as_of), prices=len(kb.pricing.prices), free_tiers=len(kb.pricing.free_tiers))
        from advisor.knowledge.extra_checks import extra_findings

        findings = findings + extra_findings(kb, sources)
    return findings, summary


def load_requirements(path: str):
    from advisor.requirements import load_requirements as _load

    return _load(path)


def advise(requirements, kb=None):
    """Walk the knowledge graph for these requirements; returns an engine Result."""
    from advisor.engine.walk import recommend

    return recommend(requirements, kb or knowledge())
