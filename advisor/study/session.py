"""Choosing what to ask (practice, mock exam, review) and scoring the answers."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from advisor.knowledge.schema import STUDY_DOMAINS
from advisor.study.bank import LETTERS, is_correct, item_json


def pick_practice(items: list, progress, *, count: int, seed: int | None = None,
                  when: dt.datetime | None = None) -> list:
    """Due items first (FSRS), then items never seen, then the rest, each group shuffled."""
    rng = random.Random(seed)
    due = set(progress.due_ids(when)) if progress is not None else set()
    seen = set(progress.items) if progress is not None else set()
    groups: list[list] = [[i for i in items if i.id in due], [i for i in items if i.id not in seen],
                          [i for i in items if i.id in seen and i.id not in due]]
    out = []
    for g in groups:
        rng.shuffle(g)
        out += g
    return out[:count]


def pick_exam(items: list, *, count: int, seed: int | None = None) -> list:
    """A mock exam spread over the four domains by their exam weights (largest remainder)."""
    from advisor.study.exam import load_exam

    weights = load_exam().weights        # the exam guide's content weights (knowledge/study/exam/)
    rng = random.Random(seed)
    by_domain = {d: [i for i in items if i.domain == d] for d in STUDY_DOMAINS}
    for pool in by_domain.values():
        rng.shuffle(pool)
    total = sum(weights[d] for d in STUDY_DOMAINS if by_domain[d])
    quota = {d: count * weights[d] / total if by_domain[d] else 0 for d in STUDY_DOMAINS}
    take = {d: min(int(q), len(by_domain[d])) for d, q in quota.items()}
    for d in sorted(STUDY_DOMAINS, key=lambda d: quota[d] - int(quota[d]), reverse=True):
        if sum(take.values()) >= count:
            break
        if take[d] < len(by_domain[d]):
            take[d] += 1
    chosen = [i for d in STUDY_DOMAINS for i in by_domain[d][: take[d]]]
    rest = [i for d in STUDY_DOMAINS for i in by_domain[d][take[d]:]]
    chosen += rest[: max(0, count - len(chosen))]
    rng.shuffle(chosen)
    return chosen


def pick_review(items: list, progress, *, count: int) -> list:
    by_id = {i.id: i for i in items}
    return [by_id[i] for i in progress.wrong_ids() if i in by_id][:count]


@dataclass
class Answered:
    item: Any
    given: list[str] | None          # None: not answered (time ran out or skipped)
    seconds: float | None = None

    @property
    def correct(self) -> bool:
        return self.given is not None and is_correct(self.item, self.given)

    def as_json(self, *, reveal: bool = True) -> dict[str, Any]:
        data = item_json(self.item, reveal=reveal)
        data.update(given=self.given, correct=self.correct, answered=self.given is not None)
        if self.seconds is not None:
            data["seconds"] = round(self.seconds, 1)
        return data


@dataclass
class ExamClock:
    """A mock exam's time limit; ``clock`` is injectable so tests can move time."""

    minutes: float
    clock: Callable[[], float] = time.monotonic
    started: float = field(default=0.0)

    def __post_init__(self) -> None:
        self.started = self.clock()

    @property
    def remaining(self) -> float:
        return self.minutes * 60 - (self.clock() - self.started)

    @property
    def expired(self) -> bool:
        return self.remaining <= 0


def score(answers: list[Answered]) -> dict[str, Any]:
    """Overall, per-service, per-domain and per-topic scores."""

    def blank() -> dict[str, Any]:
        return {"correct": 0, "total": 0}

    overall = blank()
    per: dict[str, dict[str, dict[str, Any]]] = {"services": {}, "domains": {}, "topics": {}}
    for a in answers:
        keys = {"services": a.item.services, "domains": [a.item.domain], "topics": [a.item.topic]}
        for bucket, names in keys.items():
            for n in names:
                row = per[bucket].setdefault(n, blank())
                row["total"] += 1
                row["correct"] += 1 if a.correct else 0
        overall["total"] += 1
        overall["correct"] += 1 if a.correct else 0
    for row in [overall] + [r for b in per.values() for r in b.values()]:
        row["percent"] = round(100 * row["correct"] / row["total"], 1) if row["total"] else None
    overall["unanswered"] = sum(1 for a in answers if a.given is None)
    return {"score": overall, **{k: dict(sorted(v.items())) for k, v in per.items()}}


def record(progress, answers: list[Answered], mode: str, *, when: dt.datetime | None = None,
           extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Store every answer (FSRS Good/Again) and a session summary; returns the summary."""
    when = when or dt.datetime.now(dt.UTC)
    for a in answers:
        if a.given is not None:
            progress.record_answer(a.item.id, a.correct, a.given, when=when)
    result = score(answers)
    summary = {"mode": mode, "at": when.isoformat(), "total": result["score"]["total"],
               "correct": result["score"]["correct"], **(extra or {})}
    progress.add_session(summary)
    return summary


def letters_text(letters: list[str] | None) -> str:
    return "".join(letters) if letters else "-"


__all__ = ["LETTERS", "Answered", "ExamClock", "pick_exam", "pick_practice", "pick_review", "record", "score"]
