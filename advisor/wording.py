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
    """The services of a design in flow order: 'Amazon SNS (Standard topic) → Amazon SQS (Standard queue)'.

    A design with several legs lists each: 'A → B (to lambda); A → C (to s3)'.
    """
    groups: dict[str, list[str]] = {}
    for leg in ev.design.all_legs:
        chain = " → ".join(kb.display_name(o) for o in leg.path)
        groups.setdefault(chain, []).extend([leg.consumer] if leg.consumer else [])
    if len(groups) == 1:
        line = next(iter(groups))
    else:
        line = "; ".join(f"{chain} (to {', '.join(kinds)})" if kinds else chain for chain, kinds in groups.items())
    for opt, pattern in ev.added.items():
        line += f", plus {kb.display_name(opt)} as the {pattern.role}"
    return line


def legs_lines(kb, ev) -> list[str]:
    """One line per consumer kind: how it is reached."""
    out = []
    for leg in ev.design.all_legs:
        chain = " → ".join(kb.display_name(o) for o in leg.path)
        out.append(f"{leg.consumer}: {chain}" if leg.consumer else chain)
    for opt, pattern in ev.added.items():  # beside the legs: what could not be delivered is kept here
        out.append(f"{pattern.role}: {kb.display_name(opt)}")
    return out


def excluded_name(kb, ex: Exclusion) -> str:
    from advisor.knowledge.base import Option

    return kb.display_name(Option(ex.id, ex.variant))


EQUAL = "equal in every tier"  # how why_lower opens when no tier separates the two designs


def why_lower(rec, alt) -> str:
    """The first ranking tier where the alternative does worse, with its items the recommendation lacks."""
    from advisor.engine.ranking import TIERS

    for tier in TIERS:
        mine = rec.tiers.get(tier, [])
        theirs = alt.tiers.get(tier, [])
        if round(sum(w for w, _ in theirs), 6) > round(sum(w for w, _ in mine), 6):
            texts = {t for _, t in mine}
            worse = [t for w, t in theirs if t not in texts and w > 0]
            lacks = [t for w, t in mine if w < 0 and t not in {t2 for _, t2 in theirs}]
            parts = worse + [f"lacks: {t}" for t in lacks]
            return f"{tier}: " + ("; ".join(parts) if parts else "costs more in this tier")
    if frozenset(rec.design.path) == frozenset(alt.design.path):
        # not a tie between designs (walk._settle_top counts one choice per set of services): the same
        # services, each consumer reached along another route
        return f"{EQUAL}: the same services, with the consumers reached along other legs"
    return f"{EQUAL} (see Tie)"
