"""Form candidate designs from the knowledge graph: an entry service and one leg per kind of consumer.

A leg is a simple path of services from the entry to a service that delivers to one kind of consumer the
user named (Lambda, applications, S3 ...). Legs that share a prefix share those services, so a design is a
small tree: a stream read by Lambda *and* delivered to S3 through Firehose is one stream with two legs.
Branching is only possible at a service that gives every reader its own copy (publish/subscribe) or that runs
steps calling a service each (a workflow): a queue hands each message to one consumer, so two legs cannot leave it.

The search is bounded: paths have at most MAX_PATH services, and per kind of consumer only the
LEG_CHOICES best legs from each entry (fewest failed requirements, then fewest services) are combined. The
bound never falls between equals: passing legs ranked the same as the last one kept are kept too (up to
LEG_CHOICES_TIED), so a tie among them is settled, and reported, with the designs it decides.
"""

from __future__ import annotations

from itertools import product

from advisor.engine.result import Design, Leg
from advisor.knowledge.base import KnowledgeBase, Option
from advisor.knowledge.vocabulary import concern_of_model

MAX_PATH = 3
LEG_CHOICES = 3
LEG_CHOICES_TIED = 6


def concern_of(kb: KnowledgeBase, opt: Option) -> str:
    return concern_of_model(kb.value(opt, "model") or "queue")


def paths_from(kb: KnowledgeBase, entry: Option) -> list[tuple[Option, ...]]:
    """Every simple path of up to MAX_PATH messaging services starting at entry, shortest first."""
    out: list[tuple[Option, ...]] = []

    def walk(path: tuple[Option, ...]) -> None:
        out.append(path)
        if len(path) == MAX_PATH:
            return
        for nxt in dict.fromkeys(n for n, _rel in kb.adjacency[path[-1]]):  # two relations, one edge
            # a service appears twice only as another variant fed directly (a schedule or a pipe into a bus)
            repeated = any(o.service == nxt.service for o in path)
            if nxt not in path and (not repeated or path[-1].service == nxt.service) \
                    and concern_of(kb, nxt) == "messaging":
                walk(path + (nxt,))

    walk((entry,))
    out.sort(key=len)
    return out


def fans_out(kb: KnowledgeBase, opt: Option) -> bool:
    """Can this service hand the same message to several readers (so that legs may branch here)?"""
    return "pubsub" in (kb.value(opt, "distribution") or [])


def orchestrates(kb: KnowledgeBase, opt: Option) -> bool:
    """Does this service run steps that each call a service of their own (a workflow's tasks)?

    A workflow hands no message to a reader: one execution calls Lambda, then SNS, then a queue, so legs may
    branch at it as they do at a topic."""
    return bool(kb.value(opt, "orchestration"))


def targets(kb: KnowledgeBase, opt: Option, relation_type: str) -> set[Option]:
    """The services this one reaches by relations of one type (``orchestrates``: the services a workflow calls)."""
    return {n for n, rel in kb.adjacency[opt] if rel.type == relation_type}


def status_targets(kb: KnowledgeBase, opt: Option) -> set[Option]:
    """The services this one's status events reach (AppFlow's run reports on the default bus): a branch to them
    leaves its own delivery whole, since it carries a notice, not a copy of the data."""
    return targets(kb, opt, "status-events")


def is_valid_tree(kb: KnowledgeBase, legs: tuple[Leg, ...], p2p_answered: bool) -> bool:
    """Legs form a tree (one way into every service) that branches only where a service fans out."""
    parent: dict[Option, Option | None] = {}
    children: dict[Option, set[Option]] = {}
    ends: dict[Option, int] = {}
    for leg in legs:
        for i, opt in enumerate(leg.path):
            before = leg.path[i - 1] if i else None
            if parent.setdefault(opt, before) != before:
                return False
            if before is not None:
                children.setdefault(before, set()).add(opt)
        ends[leg.end] = ends.get(leg.end, 0) + 1
    for opt in parent:
        kids = children.get(opt, set())
        branches = len(kids - status_targets(kb, opt)) + (1 if opt in ends else 0)
        kinds_here = ends.get(opt, 0)
        if branches > 1 and not (fans_out(kb, opt) or orchestrates(kb, opt)):
            return False
        # several kinds of consumer pulling from one queue compete for its messages, unless each subscriber of
        # a fanning-out parent gets its own queue (SNS to a queue per subscriber) or p2p was asked; a service
        # that pushes (a workflow invoking Lambda and container tasks) serves each kind itself
        up = parent.get(opt)
        per_subscriber = up is not None and fans_out(kb, up)
        pushes = "push" in (kb.value(opt, "delivery") or [])
        if kinds_here > 1 and not (fans_out(kb, opt) or pushes or per_subscriber or p2p_answered):
            return False
    return True


def _best_legs(legs: list[Leg], leg_rank) -> list[Leg]:
    """The LEG_CHOICES best of ``legs`` (sorted), and the passing ones after them that rank equal to the last one
    kept, whose order only the rank's final term, the leg's key, decided."""
    kept = legs[:LEG_CHOICES]
    last = leg_rank(kept[-1])
    if last[0] != 0:  # failing legs only explain a failure; their order does not choose a design
        return kept
    for leg in legs[LEG_CHOICES:LEG_CHOICES_TIED]:
        if leg_rank(leg)[:-1] != last[:-1]:
            break
        kept.append(leg)
    return kept


def messaging_designs(kb: KnowledgeBase, consumers: list[str], leg_rank, *, p2p_answered: bool = False
                      ) -> list[Design]:
    """Candidate designs for the messaging concern.

    With no consumers named, every simple path is a design (one leg). Otherwise, per entry, the best
    LEG_CHOICES legs for each consumer kind (ranked by ``leg_rank(leg) -> sortable``) are combined into
    trees; a kind no leg reaches still yields designs (they fail the consumers check and explain why).
    """
    entries = [o for o in kb.options if concern_of(kb, o) == "messaging"]
    out: list[Design] = []
    seen: set[str] = set()

    def add(design: Design) -> None:
        if design.key not in seen:
            seen.add(design.key)
            out.append(design)

    for entry in entries:
        paths = paths_from(kb, entry)
        if not consumers:
            for p in paths:
                add(Design.of_legs((Leg(None, p),)))
            continue
        choices: list[list[Leg]] = []
        for kind in consumers:
            legs = [Leg(kind, p) for p in paths if kind in (kb.value(p[-1], "consumers") or [])]
            legs.sort(key=leg_rank)
            if legs:
                choices.append(_best_legs(legs, leg_rank))
        if not choices:  # nothing from this entry reaches any consumer: the entry alone, to explain why
            add(Design.of_legs((Leg(None, (entry,)),)))
            continue
        formed = False
        for combo in product(*choices):
            legs = tuple(combo)
            if is_valid_tree(kb, legs, p2p_answered):
                add(Design.of_legs(legs))
                formed = True
        if not formed:  # legs that cannot share one entry: keep the best single leg to explain the failure
            add(Design.of_legs((choices[0][0],)))
    return out
