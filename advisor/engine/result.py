"""What the engine returns: reasons tied to facts, ranked candidates, exclusions and a trace."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from advisor.knowledge.base import FactRef, Option

if TYPE_CHECKING:
    from advisor.knowledge.schema import Workaround


@dataclass(frozen=True, slots=True)  # slots: the walk builds thousands of reasons
class Reason:
    """A sentence with the fact (id and source URL) that makes it true."""

    text: str
    fact: str | None = None
    source: str | None = None
    requirement: str | None = None
    setting: bool = False  # a watch item that asks to raise a setting above its AWS default
    kind: str | None = None  # "quota" (needs a quota increase) or "workaround" (a documented pattern is needed)

    @classmethod
    def of(cls, text: str, ref: FactRef | None, requirement: str | None = None, *, setting: bool = False,
           kind: str | None = None) -> Reason:
        return cls(text, ref.id if ref else None, ref.source if ref else None, requirement, setting, kind)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "fact": self.fact, "source": self.source}
        if self.requirement:
            out["requirement"] = self.requirement
        return out


@dataclass(frozen=True)
class Leg:
    """How one kind of consumer is reached: the services from the design's entry to the one delivering to it."""

    consumer: str | None           # a consumer kind from the requirements, or None when none was named
    path: tuple[Option, ...]

    @property
    def end(self) -> Option:
        return self.path[-1]

    @property
    def key(self) -> str:
        return " -> ".join(o.id for o in self.path)


@dataclass(frozen=True)
class Design:
    """A candidate design, for one concern: a small tree entered at one service, with a leg per consumer kind.

    Legs share the services they have in common (a stream read by Lambda with a Firehose leg to S3 is
    one stream, two legs). A design with a single leg is a straight path.
    """

    path: tuple[Option, ...]       # every service of the design, entry first, each once
    concern: str = "messaging"
    legs: tuple[Leg, ...] = ()

    @classmethod
    def of_legs(cls, legs: tuple[Leg, ...], concern: str = "messaging") -> Design:
        nodes: list[Option] = []
        for leg in legs:
            for opt in leg.path:
                if opt not in nodes:
                    nodes.append(opt)
        return cls(tuple(nodes), concern, legs)

    @property
    def all_legs(self) -> tuple[Leg, ...]:
        return self.legs or (Leg(None, self.path),)

    @property
    def key(self) -> str:
        branches = sorted({leg.key for leg in self.all_legs})
        return " | ".join(branches) if len(branches) > 1 else (branches[0] if branches else "")

    @property
    def entry(self) -> Option:
        return self.path[0]

    @property
    def nodes(self) -> tuple[Option, ...]:
        """The design's services, entry first (the stable view cost, ADR and scaffold code read)."""
        return self.path

    @property
    def edges(self) -> tuple[tuple[Option, Option], ...]:
        """Directed hops data takes between the design's services."""
        out: list[tuple[Option, Option]] = []
        for leg in self.all_legs:
            for hop in zip(leg.path, leg.path[1:], strict=False):
                if hop not in out:
                    out.append(hop)
        return tuple(out)

    @property
    def is_tree(self) -> bool:
        return len({leg.path for leg in self.all_legs}) > 1


@dataclass(frozen=True)
class Tie:
    """Designs that ranked equal, and how the engine chose among them."""

    chosen: str                    # design key
    others: tuple[str, ...]
    settled_by: str | None         # the documented tie-break rule's text, or None when nothing documents it
    source: str | None = None
    rule: str | None = None
    deciding_question: str | None = None   # a requirements key whose answer would separate them
    answers: tuple[tuple[str, str], ...] = ()  # (answer, design it would choose)

    @property
    def documented(self) -> bool:
        return self.settled_by is not None

    def as_json(self) -> dict[str, Any]:
        return {"chosen": self.chosen, "others": list(self.others), "documented": self.documented,
                "settled_by": self.settled_by, "rule": self.rule, "source": self.source,
                "deciding_question": self.deciding_question,
                "answers": [{"answer": a, "chooses": d} for a, d in self.answers]}


@dataclass
class Evaluation:
    design: Design
    # (pattern id, name, summary), or a function that finds them: the walk evaluates hundreds of legs to rank
    # them and shows a few, so it names a design only when something reads its name.
    naming: tuple[str, str, str] | Callable[[], tuple[str, str, str]]
    satisfied: list[Reason] = field(default_factory=list)
    failures: list[Reason] = field(default_factory=list)
    watch: list[Reason] = field(default_factory=list)
    score: float = 0.0
    adjustments: list[tuple[float, str]] = field(default_factory=list)
    tiers: dict[str, list[tuple[float, str]]] = field(default_factory=dict)  # ranking items per tier
    # services a documented pattern brings in (a DLQ's queue), each with that pattern
    added: dict[Option, Workaround] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures

    def _names(self) -> tuple[str, str, str]:
        if callable(self.naming):
            self.naming = self.naming()
        return self.naming

    @property
    def pattern_id(self) -> str:
        return self._names()[0]

    @property
    def pattern_name(self) -> str:
        return self._names()[1]

    @property
    def summary(self) -> str:
        return self._names()[2]

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
            "tiers": {tier: [{"weight": w, "text": t} for w, t in items] for tier, items in self.tiers.items()},
            "legs": [{"consumer": leg.consumer, "services": [o.id for o in leg.path]}
                     for leg in self.design.all_legs],
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
    ties: list[Tie] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.recommendation is not None

    def recommended_services(self) -> list[Option]:
        out: list[Option] = []
        for ev in ([self.recommendation] if self.recommendation else []) + self.supplements:
            for opt in [*ev.design.path, *ev.added]:
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
                "legs": [{"consumer": leg.consumer, "services": [o.id for o in leg.path]}
                         for leg in rec.design.all_legs],
                "added": [{"service": o.id, "role": p.role, "pattern": p.id}
                          for o, p in rec.added.items()],
                "tiers": {tier: [{"weight": w, "text": t} for w, t in items] for tier, items in rec.tiers.items()},
            }
        alternatives = [c for c in self.candidates if c is not rec]
        return {
            "requirements": self.requirements.to_data(),
            "recommendation": recommendation,
            "candidates": [c.as_candidate_json() for c in alternatives],
            "excluded": [e.as_json() for e in self.excluded],
            "conflicts": self.conflicts,
            "ties": [t.as_json() for t in self.ties],
            "knowledge": {"as_of": self.knowledge_as_of, "digest": self.knowledge_digest},
        }


def _watch_text(reason: Reason) -> str:
    tail = f" ({reason.fact}, {reason.source})" if reason.fact else ""
    return reason.text + tail
