"""Sentences about ranked alternatives must match what the result holds."""

from __future__ import annotations

from advisor.wording import why_lower

# Two kinds of consumer on one event bus: an application polls (it needs a queue), Lambda is a bus target.
# Reaching Lambda through the same queue or straight from the bus uses the same two services and ranks equal.
CENTRAL_BUS = {
    "connection": {"data": "messaging", "completion": "async", "delivery": "push", "distribution": "pubsub"},
    "constraints": {"ordering": "none", "filtering": True, "many_to_many": True, "peak_per_second": 400,
                    "message_kib": 16, "producers": ["application"], "consumers": ["application", "lambda"],
                    "managed": "serverless"},
}


def _equal_alternatives(result):
    rec = result.recommendation
    return [c for c in result.candidates if c is not rec and why_lower(rec, c).startswith("equal in every tier")]


def test_same_services_drawn_differently_is_not_called_a_tie():
    from types import SimpleNamespace as NS

    path = ("eventbridge:bus", "sqs:standard")
    tiers = {"simplicity": [(1.0, "2 services to connect and operate")]}
    rec, alt = NS(design=NS(path=path), tiers=tiers), NS(design=NS(path=tuple(reversed(path))), tiers=tiers)
    text = why_lower(rec, alt)
    assert "see Tie" not in text and "same services" in text
    other = NS(design=NS(path=("sns:standard", "sqs:standard")), tiers=tiers)
    assert why_lower(rec, other) == "equal in every tier (see Tie)"


def test_lambda_is_a_bus_target_where_a_queue_adds_only_a_hop(make_req, advise):
    # the same two services reach Lambda straight from the bus or through the application's queue: fewer hops win
    result = advise(make_req(**CENTRAL_BUS))
    legs = {leg.consumer: leg.path for leg in result.recommendation.design.all_legs}
    assert [o.id for o in legs["lambda"]] == ["eventbridge:bus"]
    assert [o.id for o in legs["application"]] == ["eventbridge:bus", "sqs:standard"]
    through_queue = [c for c in result.candidates if c is not result.recommendation
                     and frozenset(c.design.path) == frozenset(result.recommendation.design.path)]
    assert through_queue and all("hop" in why_lower(result.recommendation, c) for c in through_queue)


def test_every_see_tie_names_a_reported_tie(make_req, advise):
    """An alternative said to be equal "(see Tie)" has the services of a design the result's ties name."""
    for consumers in (["application", "lambda"], ["container", "s3"], ["lambda"], ["application"]):
        data = {**CENTRAL_BUS, "constraints": {**CENTRAL_BUS["constraints"], "consumers": consumers}}
        for many in (True, None):
            data["constraints"] = {k: v for k, v in {**data["constraints"], "many_to_many": many}.items()
                                   if v is not None}
            result = advise(make_req(**data))
            keys = {key for tie in result.ties for key in (tie.chosen, *tie.others)}
            # a tie names one design per set of services; the others with those services are the same choice
            tied = {frozenset(c.design.path) for c in result.candidates if c.design.key in keys}
            for c in _equal_alternatives(result):
                if "see Tie" in why_lower(result.recommendation, c):
                    assert frozenset(c.design.path) in tied, (consumers, c.design.key, keys)
