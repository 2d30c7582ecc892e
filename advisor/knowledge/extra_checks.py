"""Checks that need the whole knowledge base: source hygiene and facts the engine reads."""

from __future__ import annotations

from advisor.errors import Location
from advisor.knowledge.loader import Finding


def extra_findings(kb, sources) -> list[Finding]:
    out: list[Finding] = []
    for sid, svc in kb.services.items():
        if not svc.exam_traps:
            out.append(Finding(Location(f"services/{sid}.yaml"), f"{sid} lists no exam traps", "warning"))
    return out
