"""What the engine returns: reasons tied to facts, ranked candidates, exclusions and a trace."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.knowledge.base import FactRef, Option


@dataclass(frozen=True)
class Reason:
    """A sentence with the fact (id and source URL) that makes it true."""

    text: str
    fact: str | None = None
    source: str | None = None
    requirement: str | None = None
    setting: bool = False  # a watch item that asks to raise a setting above its AWS default

    @classmethod
    def of(cls, text: str, ref: FactRef | None, requirement: str | None = None, *, setting: bool = False) -> Reason:
        return cls(text, ref.id if ref else None, ref.source if ref else None, requirement, setting)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "fact": self.fact, "source": self.source}
        if self.requirement:
            out["requirement"] = self.requirement
        return out


@dataclass(frozen=True)
class Design:
    """A candidate design: a path of options (entry first), for one concern."""

    path: tuple[Option, ...]
    concern: str = "messaging"

    @property
    def key(self) -> str:
        return " -> ".join(o.id for o in self.path)

    @property
    def nodes(self) -> tuple[Option, ...]:
        """The design's services, entry first (the stable view cost, ADR and scaffold code read)."""
        return self.path

    @property
    def edges(self) -> tuple[tuple[Option, Option], ...]:
        """Directed hops data takes between the design's services."""
        return tuple(zip(self.path, self.path[1:], strict=False))


@dataclass
class Evaluation:
    design: Design
    pattern_id: str
    pattern_name: str
    summary: str
    satisfied: list[Reason] = field(default_factory=list)
    failures: list[Reason] = field(default_factory=list)
    watch: list[Reason] = field(default_factory=list)
    score: float = 0.0
    adjustments: list[tuple[float, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def services_json(self) -> list[dict[str, Any]]:
        return [o.as_json() for o in self.design.path]

    def as_candidate_json(self) -> dict[str, Any]:
        return {
            "pattern": self.pattern_id,
            "name": self.pattern_name,
            "services": self.services_json(),
            "score": round(self.score, 2),
            "reasons": [r.as_json() for r in self.satisfied],
            "score_adjustments": [{"delta": d, "text": t} for d, t in self.adjustments],
        }


@dataclass
class Exclusion:
    id: str
    variant: str | None
    reasons: list[Reason]

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "reasons": [r.as_json() for r in self.reasons]}
        if self.variant:
            out["variant"] = self.variant
        return out


@dataclass
class Result:
    requirements: Any
    recommendation: Evaluation | None
    supplements: list[Evaluation]         # designs for the other concerns (storage, backup)
    candidates: list[Evaluation]          # passing designs, best first (recommendation included)
    excluded: list[Exclusion]
    conflicts: list[str]
    trace: list[str]
    knowledge_as_of: str
    knowledge_digest: str

    @property
    def ok(self) -> bool:
        return self.recommendation is not None

    def recommended_services(self) -> list[Option]:
        out: list[Option] = []
        for ev in ([self.recommendation] if self.recommendation else []) + self.supplements:
            for opt in ev.design.path:
                if opt not in out:
                    out.append(opt)
        return out

    def as_json(self) -> dict[str, Any]:
        rec = self.recommendation
        recommendation = None
        if rec is not None:
            reasons = list(rec.satisfied)
            watch = list(rec.watch)
            pattern = rec.pattern_id
            summary = rec.summary
            for sup in self.supplements:
                reasons += sup.satisfied
                watch += sup.watch
                pattern += f"+{sup.pattern_id}"
                summary += f" Plus: {sup.pattern_name}."
            recommendation = {
                "pattern": pattern,
                "name": rec.pattern_name,
                "services": [o.as_json() for o in self.recommended_services()],
                "summary": summary,
                "reasons": [r.as_json() for r in reasons],
                "watch": [_watch_text(w) for w in watch],
                "watch_details": [w.as_json() for w in watch],
            }
        alternatives = [c for c in self.candidates if c is not rec]
        return {
            "requirements": self.requirements.to_data(),
            "recommendation": recommendation,
            "candidates": [c.as_candidate_json() for c in alternatives],
            "excluded": [e.as_json() for e in self.excluded],
            "conflicts": self.conflicts,
            "knowledge": {"as_of": self.knowledge_as_of, "digest": self.knowledge_digest},
        }


def _watch_text(reason: Reason) -> str:
    tail = f" ({reason.fact}, {reason.source})" if reason.fact else ""
    return reason.text + tail
