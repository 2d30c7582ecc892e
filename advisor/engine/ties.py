"""Designs that rank equal: settle them by a documented AWS default, or say that nothing documented does.

Two designs tie when every ranking tier gives them the same total. A tie-break rule from
knowledge/tie-breaks.yaml ("prefer sqs:standard over sqs:fifo") decides between two tied designs when one
uses the preferred option where the other uses an option the rule names, and a rule documented for some
answers (``when``) only for those answers; rules are listed most specific first, and the earlier rule wins
when two point in opposite directions. The winner must beat every other tied design this way; otherwise the tie is reported as undocumented and the deciding question, an
unanswered requirement whose answer would separate the designs, is named.
"""

from __future__ import annotations

from advisor.engine.result import Evaluation, Tie

# Requirements a user may leave unanswered that most often separate designs, with the answers to try.
PROBES: tuple[tuple[str, tuple], ...] = (
    ("constraints.ordering", ("per-key", "none")),
    ("constraints.replay", (True, False)),
    ("connection.delivery", ("push", "pull")),
    ("connection.distribution", ("pubsub", "p2p")),
    ("connection.data", ("streaming", "messaging")),
    ("constraints.filtering", (True,)),
    ("constraints.managed", ("serverless",)),
    ("constraints.workflow", ("orchestration",)),
    ("constraints.deduplication", (True,)),
    ("constraints.consumer_buffer", (True,)),
    ("constraints.many_to_many", (True,)),
)


def applies(rule, req) -> bool:
    """A rule documented for some answers ({"constraints.filtering": true}) applies only to them."""
    for key, wanted in rule.when.items():
        have = req.answer(key)
        if isinstance(have, list):
            if wanted not in have:
                return False
        elif have != wanted:
            return False
    return True


def beats(kb, a: Evaluation, b: Evaluation, req=None):
    """The first tie-break rule under which design a is preferred to design b, or None."""
    only_a = [o for o in a.design.path if o not in b.design.path]
    only_b = [o for o in b.design.path if o not in a.design.path]
    for rule in kb.tie_breaks:
        if req is not None and not applies(rule, req):
            continue
        if any(o.matches(rule.prefer) for o in only_a) and any(o.matches(r) for o in only_b for r in rule.over):
            if not any(o.matches(rule.prefer) for o in only_b):
                return rule
    return None


def settle(kb, tied: list[Evaluation], req=None) -> tuple[Evaluation, Tie]:
    """Pick one of several equally ranked designs (the first is the deterministic fallback)."""
    for cand in tied:
        rules = []
        for other in tied:
            if other is cand:
                continue
            rule = beats(kb, cand, other, req)
            back = beats(kb, other, cand, req)
            # rules are listed most specific first: the earlier rule wins when both directions have one
            if rule is None or (back is not None and kb.tie_breaks.index(back) <= kb.tie_breaks.index(rule)):
                break
            rules.append(rule)
        else:
            first = rules[0]
            text = first.text if len({r.id for r in rules}) == 1 else "; ".join(dict.fromkeys(r.text for r in rules))
            return cand, Tie(cand.design.key, tuple(e.design.key for e in tied if e is not cand), text,
                             first.source, ",".join(dict.fromkeys(r.id for r in rules)))
    chosen = tied[0]
    return chosen, Tie(chosen.design.key, tuple(e.design.key for e in tied[1:]), None)


def deciding_question(req, tied: list[Evaluation], reevaluate) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """An unanswered requirement whose answers would choose different designs among the tied ones.

    ``reevaluate(req, designs) -> list[Evaluation]`` ranks the designs again under changed requirements
    (best first, passing only).
    """
    from advisor.requirements import parse_requirements

    designs = [e.design for e in tied]
    for key, answers in PROBES:
        if req.answer(key) is not None:
            continue
        section, _, field = key.partition(".")
        chosen: list[tuple[str, str]] = []
        for answer in answers:
            data = req.to_data()
            data.setdefault(section, {})[field] = answer
            try:
                changed = parse_requirements(data)
            except Exception:  # noqa: BLE001 - a probe the model refuses is simply not a question to ask
                continue
            ranked = reevaluate(changed, designs)
            if ranked:
                chosen.append((_shown(answer), ranked[0].design.key))
        if len({d for _, d in chosen}) > 1:
            return key, tuple(chosen)
    return None, ()


def _shown(answer) -> str:
    if answer is True:
        return "yes"
    if answer is False:
        return "no"
    return str(answer)
