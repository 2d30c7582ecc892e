"""Sentences about a Result shared by every renderer (report.py, the ADR writer): citations,
service chains, why an alternative ranked lower, the name of an excluded option."""

from __future__ import annotations

from advisor.engine.result import Exclusion, Reason


def cite(r: Reason) -> str:
    """A Markdown citation of the fact behind a reason: ' ([fact.id](url))'."""
    if r.fact and r.source:
        return f" ([{r.fact}]({r.source}))"
    if r.source:
        return f" ({r.source})"
    return ""


def services_line(kb, ev) -> str:
    """The services of a design in flow order: 'Amazon SNS (Standard topic) → Amazon SQS (Standard queue)'."""
    return " → ".join(kb.display_name(o) for o in ev.design.path)


def excluded_name(kb, ex: Exclusion) -> str:
    from advisor.knowledge.base import Option

    return kb.display_name(Option(ex.id, ex.variant))


def why_lower(rec, alt) -> str:
    """The score adjustments the alternative has that the recommendation does not."""
    rec_texts = {t for _, t in rec.adjustments}
    worse = [f"{d:+g} {t}" for d, t in alt.adjustments if t not in rec_texts and d < 0]
    better = [f"{d:+g} {t}" for d, t in rec.adjustments if d > 0 and t not in {t2 for _, t2 in alt.adjustments}]
    parts = worse + [f"lacks: {b}" for b in better]
    return "; ".join(parts) or "equal score; ordered by simplicity and name"
