"""Two products under one option: the Classic bus and the Custom Event Bus are both `eventbridge:bus`, and a
design is built on one of them, never on the ordering of one and the archive of the other."""

from __future__ import annotations

import pytest

from advisor.engine.checks import Context
from advisor.knowledge.base import Option

BUS = Option("eventbridge", "bus")
ORDERED_FANOUT = {"data": "messaging", "completion": "async", "delivery": "push", "distribution": "pubsub"}


def _answers(**constraints):
    base = {"producers": ["application"], "consumers": ["lambda"], "managed": "serverless", "peak_per_second": 100}
    return {"connection": ORDERED_FANOUT, "constraints": {**base, **constraints}}


@pytest.mark.parametrize(("constraints", "edition"), [
    ({"ordering": "per-key"}, "custom_bus"),
    ({"deduplication": True}, "custom_bus"),
    ({"ordering": "none"}, None),
    ({}, None),
])
def test_the_answers_choose_the_edition(kb, make_req, constraints, edition):
    ctx = Context(kb, make_req(**_answers(**constraints)))
    assert ctx.edition(BUS) == edition
    assert ctx.edition(Option("sns", "standard")) is None  # an option with one product has no edition


def test_the_custom_event_bus_uses_its_own_facts_and_not_the_classic_archive(kb, make_req):
    ctx = Context(kb, make_req(**_answers(ordering="per-key")))
    assert ctx.ref(BUS, "throughput.max").id == "eventbridge.bus.custom_bus.throughput.max"
    assert ctx.ref(BUS, "retention.max").id == "eventbridge.bus.custom_bus.retention.max"
    assert ctx.val(BUS, "persistence") is True
    assert ctx.ref(BUS, "archive.retention.max") is None
    assert ctx.name(BUS) == "Amazon EventBridge (Custom Event Bus)"
    classic = Context(kb, make_req(**_answers()))
    assert classic.ref(BUS, "throughput.max").id == "eventbridge.bus.throughput.max"
    assert classic.ref(BUS, "archive.retention.max") is not None
    assert classic.name(BUS) == "Amazon EventBridge (Event bus)"


def test_order_and_an_archive_beyond_the_custom_bus_retention_is_no_bus_design(kb, make_req, advise):
    # the Classic archive keeps events without limit but orders nothing; the Custom Event Bus orders per group
    # but keeps at most its retention: no one bus gives both
    days = kb.fact(BUS, "custom_bus.retention.max").fact.value
    result = advise(make_req(**_answers(ordering="per-key", replay=True, retention_days=days + 35)))
    assert all(BUS not in ev.design.nodes for ev in result.candidates)
    result = advise(make_req(**_answers(ordering="per-key", replay=True, retention_days=days)))
    bus = [ev for ev in result.candidates if ev.design.nodes == (BUS,)]
    assert bus, [ev.design.key for ev in result.candidates]
    texts = [r.text for r in bus[0].satisfied]
    assert any(f"keeps unconsumed data up to {days} days" in t for t in texts), texts
    assert any("build it as the Custom Event Bus" in w.text for w in bus[0].watch)


def test_aws_service_events_reach_only_the_default_bus_which_orders_nothing(kb, make_req, advise):
    # S3 notifications go to the account's default bus (Classic): asking for order does not make it a Custom
    # Event Bus, so the bus cannot be the ordered route
    answers = _answers(ordering="per-key")
    answers["constraints"].update(producers=["aws-service"], source_services=["s3"])
    req = make_req(**answers)
    ctx = Context(kb, req)
    assert ctx.edition(BUS) == "classic"
    assert ctx.val(BUS, "ordering") == "none" and ctx.name(BUS) == "Amazon EventBridge (default bus)"
    result = advise(req)
    assert all(ev.design.path[0] != BUS for ev in result.candidates)
