"""The exam a mock exam imitates (knowledge/study/exam/saa-c03.yaml) and its estimated scaled score.

AWS reports a scaled score from 100 to 1,000 and passes at 720, with a compensatory model over four weighted
domains. It does not publish how raw answers map onto the scale (forms are equated statistically), so the
estimate here is stated as one: the share answered correctly in each domain, weighted by the exam's domain
weights (renormalised over the domains the mock exam asked about), mapped linearly onto the scale.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from advisor.knowledge.schema import STUDY_DOMAINS

EXAM_FILE = "saa-c03.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(_Strict):
    value: int = Field(ge=0)
    unit: str


class Domain(_Strict):
    name: str
    weight: int = Field(gt=0, le=100)
    unit: str


class Score(_Strict):
    min: Figure
    max: Figure
    passing: Figure
    model: str


class Exam(_Strict):
    id: str
    name: str
    source: str
    as_of: dt.date
    status: str = "confirmed"
    note: str | None = None
    score: Score
    questions: dict[str, Figure]
    time: Figure
    domains: dict[str, Domain]

    def model_post_init(self, _context: Any) -> None:
        if set(self.domains) != set(STUDY_DOMAINS):
            raise ValueError(f"exam domains must be exactly {', '.join(STUDY_DOMAINS)}")
        if sum(d.weight for d in self.domains.values()) != 100:
            raise ValueError("exam domain weights must add up to 100 percent")

    @property
    def weights(self) -> dict[str, int]:
        return {d: self.domains[d].weight for d in STUDY_DOMAINS}


@cache
def load_exam() -> Exam:
    """The exam definition shipped in the knowledge folder, loaded through the bounded YAML loader."""
    from advisor.resources import knowledge_root
    from advisor.yamlio import load_text, to_plain

    node = knowledge_root() / "study" / "exam" / EXAM_FILE
    doc = load_text(node.read_text(encoding="utf-8"), f"knowledge/study/exam/{EXAM_FILE}")
    return Exam.model_validate(to_plain(doc.data)["exam"])


def scaled_score(domains: dict[str, dict[str, Any]], exam: Exam | None = None) -> dict[str, Any] | None:
    """The estimated scaled score of per-domain results ({"secure": {"correct": 3, "total": 5}, ...})."""
    exam = exam or load_exam()
    asked = {d: row for d, row in domains.items() if d in exam.domains and row.get("total")}
    if not asked:
        return None
    weight = sum(exam.domains[d].weight for d in asked)
    share = sum(exam.domains[d].weight * row["correct"] / row["total"] for d, row in asked.items()) / weight
    low, high, passing = exam.score.min.value, exam.score.max.value, exam.score.passing.value
    scaled = round(low + (high - low) * share)
    return {"exam": exam.id, "scaled": scaled, "passing": passing, "max": high, "passed": scaled >= passing,
            "weighted_percent": round(100 * share, 1), "estimate": True,
            "domains_asked": sorted(asked), "source": exam.source, "as_of": str(exam.as_of)}
