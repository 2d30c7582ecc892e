"""Flashcards from the facts (limits and capabilities) and from each service's exam traps."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from advisor.study.generate import LIMITS, _facts, _name

# Capability facts worth a card besides the limits, with the question on the front.
CAPABILITY_CARDS = {
    "semantics": "What delivery (or execution) guarantee does {name} give?",
    "ordering": "What ordering does {name} keep?",
    "protocols": "Which protocols do clients of {name} speak?",
    "operations": "Is {name} serverless, or do you size brokers, clusters or appliances?",
    "delivery": "Does {name} push to receivers, or do receivers pull?",
    "distribution": "Is {name} point to point, publish/subscribe, or both?",
    "replay": "Can consumers of {name} re-read data they already consumed?",
}

# A figure with a unit, or a bare number of two or more digits (years, counts).
_FIGURE = re.compile(
    r"\b\d[\d,.]*\s*(?:%|seconds?|minutes?|hours?|days?|years?|KB|KiB|MB|MiB|GB|GiB|TB|TiB|"
    r"messages|records|attempts|targets|subscribers|subscriptions|per second|transactions)?\b"
    r"|\b\d{2,}[\d,.]*\b")
_TERMS = ("at-least-once", "exactly-once", "at-most-once", "FIFO", "standard", "Standard", "Express", "quorum",
          "ActiveMQ", "RabbitMQ", "MQTT", "IAM", "compliance mode", "partner event bus", "VPC endpoint",
          "Organization", "Kinesis Data Streams", "SQS", "S3", "IoT Core", "wildcard")


@dataclass(frozen=True)
class Flashcard:
    id: str
    services: list[str]
    kind: str          # fact | trap
    front: str
    back: str
    source: str
    as_of: str


def cloze(text: str) -> str | None:
    """The text with its figures (or, lacking figures, its first key term) blanked out; None if neither."""
    masked, n = _FIGURE.subn("[...]", text)
    if n:
        return masked
    for term in _TERMS:
        if re.search(rf"\b{re.escape(term)}\b", text):
            return re.sub(rf"\b{re.escape(term)}\b", "[...]", text, count=1)
    return None


def fact_cards(kb) -> list[Flashcard]:
    from advisor.engine.units import figure

    out = []
    for opt, name, ref in _facts(kb):
        question = LIMITS[name][0] if name in LIMITS else CAPABILITY_CARDS.get(name)
        if question is None or ref.fact.status != "confirmed":
            continue
        display = _name(kb, opt, ref)
        note = f"\n{ref.fact.note}" if ref.fact.note else ""
        out.append(Flashcard(id=f"card:fact:{ref.id}", services=[opt.service], kind="fact",
                             front=question.format(name=display), back=f"{figure(ref.fact)}{note}",
                             source=ref.source, as_of=str(ref.fact.as_of)))
    return list({c.id: c for c in out}.values())


def trap_cards(kb) -> list[Flashcard]:
    out = []
    for sid, svc in kb.services.items():
        for trap in svc.exam_traps:
            digest = hashlib.sha256(trap.text.encode()).hexdigest()[:10]
            blank = cloze(trap.text)
            front = (f"{svc.short_name} exam trap - fill in the blanks:\n{blank}" if blank
                     else f"{svc.short_name} exam trap - what does older study material get wrong here?\n"
                          f"{trap.text.split(';')[0].split(',')[0]} ...")
            out.append(Flashcard(id=f"card:trap:{sid}:{digest}", services=[sid], kind="trap", front=front,
                                 back=trap.text, source=trap.source, as_of=str(trap.as_of)))
    return out


def all_cards(kb, *, service: str | None = None, kind: str | None = None) -> list[Flashcard]:
    cards = trap_cards(kb) + fact_cards(kb)
    if service:
        cards = [c for c in cards if service in c.services]
    if kind:
        cards = [c for c in cards if c.kind == kind]
    return cards


def pick_cards(cards: list[Flashcard], progress, *, count: int, seed: int | None = None) -> list[Flashcard]:
    """Due cards first, then new ones, then the rest (shuffled within each group)."""
    import random

    rng = random.Random(seed)
    due = set(progress.due_ids()) if progress is not None else set()
    seen = set(progress.items) if progress is not None else set()
    groups = [[c for c in cards if c.id in due], [c for c in cards if c.id not in seen],
              [c for c in cards if c.id in seen and c.id not in due]]
    out = []
    for g in groups:
        rng.shuffle(g)
        out += g
    return out[:count]


RATINGS = {"1": 1, "again": 1, "2": 2, "hard": 2, "3": 3, "good": 3, "4": 4, "easy": 4}


def parse_rating(text: str) -> int:
    from advisor.errors import InvalidInput

    value = RATINGS.get(str(text).strip().lower())
    if value is None:
        raise InvalidInput(f"rating {text!r}: use 1 again, 2 hard, 3 good or 4 easy")
    return value
