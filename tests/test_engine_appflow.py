"""The principles behind AppFlow's readings (issue 10): analytics on a store, SAP on premises, what a schedule moves.

Each test runs the real checks on the bundled knowledge and asserts the fact that decides, so a change to the
knowledge that breaks a principle fails here with the principle's name.
"""

from __future__ import annotations

from advisor.engine import checks as C
from advisor.engine.checks import Context
from advisor.engine.result import Design, Leg
from advisor.knowledge.base import Option


def _design(consumers: list[str], *ids: str) -> Design:
    path = tuple(Option.parse(i) for i in ids)
    return Design.of_legs(tuple(Leg(k, path) for k in consumers or [None]))


# ---- analytics named beside a store it reads in place -------------------------------------------------


def test_analytics_beside_a_store_is_the_analysis_of_the_stored_data(kb, make_req):
    ctx = Context(kb, make_req(connection={"data": "messaging"}, constraints={"consumers": ["s3", "analytics"]}))
    assert ctx.consumers_wanted() == ["s3"]
    store = ctx.analysed_store()
    assert store is not None and store.id == "consumer:s3.analysed_in_place"
    assert store.fact.source.startswith("https://docs.aws.amazon.com/athena/")
    out = C.check_consumers(ctx, _design(["s3"], "appflow"))
    assert out.ok, out.reason
    assert [w.fact for w in out.watch] == ["consumer:s3.analysed_in_place"]


def test_redshift_is_analysed_in_place_too(kb, make_req):
    ctx = Context(kb, make_req(constraints={"consumers": ["redshift", "analytics"]}))
    assert ctx.consumers_wanted() == ["redshift"]


def test_analytics_of_a_stream_keeps_its_own_leg(kb, make_req):
    """A live dashboard reading a clickstream that is also archived to S3 reads the stream, not the bucket."""
    ctx = Context(kb, make_req(connection={"data": "streaming"},
                               constraints={"consumers": ["analytics", "s3"], "replay": True}))
    assert ctx.analysed_store() is None
    assert ctx.consumers_wanted() == ["analytics", "s3"]


def test_analytics_alone_is_still_a_consumer(kb, make_req):
    ctx = Context(kb, make_req(constraints={"consumers": ["analytics"]}))
    assert ctx.consumers_wanted() == ["analytics"]


# ---- an on-premises producer that is the named SaaS product's own installation ----------------------------


def test_sap_on_premises_is_reached_by_the_sap_odata_connector(kb, make_req):
    req = make_req(constraints={"producers": ["saas", "on-premises"], "saas": ["sap"]})
    out = C.check_producers(Context(kb, req), _design([], "appflow"))
    assert out.ok, out.reason
    assert out.reason.fact == "appflow.on_premises_connectors"
    assert "on premises" in out.reason.text


def test_an_on_premises_producer_beside_a_cloud_only_connector_is_another_sender(kb, make_req):
    req = make_req(constraints={"producers": ["saas", "on-premises"], "saas": ["salesforce"]})
    out = C.check_producers(Context(kb, req), _design([], "appflow"))
    assert not out.ok and out.reason.fact == "appflow.producers"
    assert "on-premises" in out.reason.text


# ---- what a schedule moves -----------------------------------------------------------------------------


def _schedule(kb, make_req, producers, consumers, *ids):
    req = make_req(constraints={"producers": producers, "consumers": consumers, "saas": ["salesforce"],
                                "schedule": "cron(0 5 * * ? *)"})
    return C.check_schedule(Context(kb, req), _design(consumers, *ids))


def test_a_scheduled_rule_moves_no_producer_data_into_a_sink(kb, make_req):
    out = _schedule(kb, make_req, ["application"], ["saas"], "eventbridge:bus")
    assert not out.ok and out.reason.requirement == "constraints.schedule"
    assert out.reason.fact.endswith("schedule_sends") and out.reason.source.startswith("https://")
    assert "event of its own" in out.reason.text


def test_a_scheduled_flow_moves_the_source_records(kb, make_req):
    out = _schedule(kb, make_req, ["application"], ["saas"], "appflow")
    assert out.ok and out.reason.fact == "appflow.schedule_sends"


def test_a_scheduled_event_still_starts_work_at_a_consumer_that_acts(kb, make_req):
    """Lambda, containers and workflows fetch what they need when the scheduled event starts them."""
    out = _schedule(kb, make_req, ["application"], ["lambda"], "eventbridge:scheduler")
    assert out.ok and out.reason.fact == "eventbridge.scheduler.schedule"


def test_a_schedule_that_is_the_producer_sends_its_own_event(kb, make_req):
    out = _schedule(kb, make_req, ["schedule"], ["saas"], "eventbridge:bus")
    assert out.ok, out.reason


# ---- an edge that carries only some producers' data ----------------------------------------------------


def test_appflow_hands_eventbridge_only_saas_events(kb, make_req):
    ctx = Context(kb, make_req(constraints={"producers": ["application"], "consumers": ["lambda"]}))
    out = C.check_producers(ctx, _design(["lambda"], "appflow", "eventbridge:bus"))
    assert not out.ok and out.reason.fact == "relation:appflow->eventbridge:bus"
    assert out.reason.source.startswith("https://docs.aws.amazon.com/appflow/")
    ctx = Context(kb, make_req(constraints={"producers": ["saas"], "consumers": ["lambda"], "saas": ["salesforce"]}))
    assert C.check_producers(ctx, _design(["lambda"], "appflow", "eventbridge:bus")).ok
