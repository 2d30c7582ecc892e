"""Every hard-requirement check in advisor/engine/checks.py and advisor/engine/storage_checks.py.

Each check gets at least one requirement that makes a specific service or variant fail, with the reason's
requirement key, the fact id that decided it, a https source and the gist of the text, and one where it
passes. Figures are read from the bundled knowledge, never restated here, except where a test names the
figure the brief asks about (15 minutes for Lambda, 14 days for SQS, ...) to prove the right fact was read.

A few checks cannot fail against the bundled knowledge (every gateway serves data locally, AWS Backup copies
across Regions and accounts, ...). Their failing branch runs against an in-memory copy of the knowledge with
one fact changed (`with_fact`): the real engine on real data, one value different.
"""

from __future__ import annotations

import inspect

import pytest

from advisor.engine import checks as C
from advisor.engine import storage_checks as S
from advisor.engine.checks import Context
from advisor.engine.result import Design, Leg
from advisor.engine.walk import evaluate
from advisor.knowledge.base import Option

# ---- helpers ----------------------------------------------------------------------------------------


def design(*ids: str, concern: str = "messaging") -> Design:
    return Design(tuple(Option.parse(i) for i in ids), concern)


def with_fact(kb, option_id: str, name: str, value, **fields):
    """A copy of the knowledge where one fact (where ``kb.fact`` finds it for the option) has a new value (and
    other fields, such as ``adjustable``)."""
    opt = Option.parse(option_id)
    ref = kb.fact(opt, name)
    assert ref is not None, f"{option_id} has no fact {name}"
    fact = ref.fact.model_copy(update={"value": value, **fields})
    svc = kb.services[opt.service]
    if opt.variant and ref.id.startswith(f"{opt.service}.{opt.variant}."):
        var = svc.variants[opt.variant]
        var = var.model_copy(update={"facts": {**var.facts, name: fact}})
        svc = svc.model_copy(update={"variants": {**svc.variants, opt.variant: var}})
    else:
        svc = svc.model_copy(update={"facts": {**svc.facts, name: fact}})
    new = kb.model_copy(update={"services": {**kb.services, opt.service: svc}})
    assert new.value(opt, name) == value and kb.value(opt, name) != value
    return new


@pytest.fixture
def run(kb, make_req):
    """run(check, design_ids, **sections) -> Outcome | None, with the bundled knowledge (or kb=...)."""

    def go(check, ids, *, concern: str = "messaging", knowledge=None, **sections):
        req = make_req(**sections)
        ids = (ids,) if isinstance(ids, str) else ids
        d = design(*ids, concern=concern)
        kinds = req.constraints.consumers or []
        if kinds and concern == "messaging":  # every consumer kind reached at the end of the path
            d = Design.of_legs(tuple(Leg(k, d.path) for k in kinds))
        return check(Context(knowledge or kb, req), d)

    return go


def assert_fails(out, requirement: str, fact: str | None, text: str):
    assert out is not None, "the check did not apply"
    assert not out.ok, out.reason
    r = out.reason
    assert r.requirement == requirement, r
    assert r.fact == fact, r
    if fact is not None:
        assert r.source and r.source.startswith("https://"), r
    assert text in r.text, r.text
    return r


def assert_passes(out, requirement: str, fact: str | None = None, text: str | None = None):
    assert out is not None, "the check did not apply"
    assert out.ok, out.reason
    r = out.reason
    assert r.requirement == requirement, r
    if fact is not None:
        assert r.fact == fact, r
        assert r.source and r.source.startswith("https://"), r
    if text is not None:
        assert text in r.text, r.text
    return r


def watch_facts(out) -> list[str | None]:
    return [w.fact for w in out.watch]


COVERED = {
    # checks.py
    "check_completion", "check_delivery", "check_distribution", "check_ordering",
    "check_deduplication", "check_peak", "check_consumer_rates", "check_message_size", "check_retention", "check_replay",
    "check_filtering", "check_routing_features", "check_consumer_buffer", "check_priority", "check_delay", "check_processing", "check_producers",
    "check_source_services", "check_starts_from", "check_consumers", "check_saas", "check_schedule", "check_workflow", "check_workflow_minutes",
    "check_region", "check_managed", "check_producer_protocols", "check_protocols", "check_migration",
    # storage_checks.py
    "check_access", "check_primary", "check_local_latency", "check_storage_protocols", "check_available",
    "check_storage_migration", "check_rpo", "check_cross_region", "check_cross_account", "check_immutable",
    "check_backup_retention", "check_resources",
}


def test_every_check_function_is_covered_here_and_registered():
    """A new check must get tests in this file, and every check must be run by the engine."""
    found = {n for mod in (C, S) for n, f in inspect.getmembers(mod, inspect.isfunction)
             if n.startswith("check_") and f.__module__ == mod.__name__}
    assert found == COVERED
    registered = {f.__name__ for f in C.MESSAGING_CHECKS + S.STORAGE_CHECKS + S.BACKUP_CHECKS}
    assert registered == COVERED


@pytest.mark.parametrize("name", sorted(COVERED))
def test_unanswered_key_is_no_constraint(name, run):
    """With nothing asked, no check objects (None), whatever the design."""
    check = getattr(C, name, None) or getattr(S, name)
    ids, concern = {"storage": (("storage-gateway:s3-file",), "storage"),
                    "backup": (("backup",), "backup")}.get(
        "backup" if name in {f.__name__ for f in S.BACKUP_CHECKS}
        else "storage" if name in {f.__name__ for f in S.STORAGE_CHECKS} else "", (("sqs:standard",), "messaging"))
    assert run(check, ids, concern=concern) is None


# ---- the four connection questions ------------------------------------------------------------------


def _ranked(kb, make_req, ids, **sections):
    from advisor.engine.walk import rank_passing

    ctx = Context(kb, make_req(**sections))
    return rank_passing(ctx, [evaluate(ctx, design(*ids))])[0]


def _ranked_to(kb, make_req, consumer, ids, **sections):
    """Rank one design whose single leg delivers to ``consumer`` (the consumers check needs the leg)."""
    from advisor.engine.walk import rank_passing

    ctx = Context(kb, make_req(**sections))
    leg = Leg(consumer, tuple(Option.parse(i) for i in ids))
    return rank_passing(ctx, [evaluate(ctx, Design.of_legs((leg,)))])[0]


def test_data_kind_is_a_ranking_matter_not_an_exclusion(kb, make_req):
    """A queue for streamed data is the wrong tool (fitness); a stream for messages is a preference."""
    sqs = _ranked(kb, make_req, ("sqs:standard",), connection={"data": "streaming"})
    assert any("nothing here keeps the stream" in t for _w, t in sqs.tiers["fitness"])
    kinesis = _ranked(kb, make_req, ("kinesis-data-streams:on-demand",), connection={"data": "streaming"})
    assert "fitness" not in kinesis.tiers


def test_streaming_answer_overruled_by_deduplication(kb, make_req):
    """No service built only for streaming drops duplicates, so asking for it ranks the flow as messaging."""
    from advisor.engine.ranking import data_kind

    req = make_req(connection={"data": "streaming"}, constraints={"deduplication": True, "ordering": "per-key"})
    kind, why = data_kind(Context(kb, req))
    assert kind == "messaging" and "deduplication" in why
    fifo = _ranked(kb, make_req, ("sqs:fifo",), connection={"data": "streaming"},
                   constraints={"deduplication": True, "ordering": "per-key"})
    assert "fitness" not in fifo.tiers and "preference" not in fifo.tiers


def test_streaming_answer_overruled_when_nothing_a_stream_is_for_is_asked(kb, make_req):
    from advisor.engine.ranking import data_kind

    declined = make_req(connection={"data": "streaming"}, constraints={"ordering": "none", "consumers": ["lambda"]})
    assert data_kind(Context(kb, declined))[0] == "messaging"
    # replay, a store to load, or ordering left unanswered keep the answer
    for constraints in ({"ordering": "none", "replay": True}, {"ordering": "none", "consumers": ["s3"]}, {}):
        kept = make_req(connection={"data": "streaming"}, constraints=constraints)
        assert data_kind(Context(kb, kept)) == ("streaming", None), constraints


def test_streaming_answer_overruled_for_one_reader_acting_on_each_record(kb, make_req):
    """An IoT rule invoking a function per reading: point to point, nothing kept, nothing to batch into."""
    from advisor.engine.ranking import data_kind

    one = {"connection": {"data": "streaming", "distribution": "p2p"}, "constraints": {"consumers": ["lambda"]}}
    kind, why = data_kind(Context(kb, make_req(**one)))
    assert kind == "messaging" and "point to point" in why
    # order, retention, replay, several readers or a destination to batch into keep the answer
    for extra in ({"ordering": "per-key"}, {"retention_days": 1}, {"replay": True}, {"consumers": ["http"]}):
        kept = make_req(connection=one["connection"], constraints={**one["constraints"], **extra})
        assert data_kind(Context(kb, kept)) == ("streaming", None), extra
    pubsub = make_req(connection={"data": "streaming", "distribution": "pubsub"}, constraints=one["constraints"])
    assert data_kind(Context(kb, pubsub)) == ("streaming", None)


def test_messaging_answer_overruled_by_what_a_stream_is_for(kb, make_req):
    from advisor.engine.ranking import data_kind

    readers = {"replay": True, "consumers": ["application", "container"]}
    conn = {"data": "messaging", "distribution": "pubsub", "delivery": "pull"}
    kind, why = data_kind(Context(kb, make_req(connection=conn, constraints=readers)))
    assert kind == "streaming" and "replay" in why
    loaded = {"consumers": ["redshift"], "peak_per_second": 600}
    kind, why = data_kind(Context(kb, make_req(connection={"data": "messaging"}, constraints=loaded)))
    assert kind == "streaming" and "batches into" in why
    # an answer about individual messages, a push to the readers, or no rate (a transfer) keep the answer
    for conn_, constraints in ((conn, {**readers, "ordering": "per-key"}), (conn, {**readers, "filtering": True}),
                               ({**conn, "delivery": "push"}, readers),
                               ({"data": "messaging"}, {**loaded, "ordering": "none"}),
                               ({"data": "messaging"}, {"consumers": ["s3"]}),
                               ({"data": "messaging"}, {"consumers": ["saas"], "saas": ["salesforce"],
                                                        "peak_per_second": 600}),
                               ({"data": "messaging"}, {"consumers": ["redshift", "container"], "peak_per_second": 600}),
                               # every subscriber its own copy: a delivery stream writes each record to one place
                               ({"data": "messaging", "distribution": "pubsub"},
                                {"consumers": ["http"], "peak_per_second": 600})):
        assert data_kind(Context(kb, make_req(connection=conn_, constraints=constraints))) == ("messaging", None), \
            constraints


def test_streaming_into_stores_alone_must_be_batched(kb, make_req):
    """'analytics' with no reader of the stream asked names a store to load: a stream alone delivers nothing."""
    sections = {"connection": {"data": "streaming", "distribution": "p2p"}, "constraints": {"consumers": ["analytics"]}}
    kinesis = _ranked_to(kb, make_req, "analytics", ("kinesis-data-streams:on-demand",), **sections)
    assert any("nothing here batches it" in t for _w, t in kinesis.tiers["fitness"])
    assert "fitness" not in _ranked_to(kb, make_req, "analytics", ("data-firehose",), **sections).tiers
    reread = {"connection": sections["connection"], "constraints": {"consumers": ["analytics"], "replay": True}}
    assert "fitness" not in _ranked_to(kb, make_req, "analytics", ("kinesis-data-streams:on-demand",), **reread).tiers


def test_overruled_data_kind_is_in_the_trace(kb, make_req):
    from advisor.engine.walk import recommend

    req = make_req(connection={"data": "streaming", "distribution": "p2p"},
                   constraints={"deduplication": True, "ordering": "per-key", "consumers": ["container"]})
    assert any(line.startswith("data kind: ranked as messaging, not streaming") for line in recommend(req, kb).trace)


def test_publish_time_deduplication_with_at_least_once_delivery_ranks_lower(kb, make_req):
    """The Custom Event Bus drops duplicate publishes but retries deliveries; a FIFO queue adds none itself."""
    sections = {"constraints": {"deduplication": True, "consumers": ["lambda"]}}
    bus = _ranked_to(kb, make_req, "lambda", ("eventbridge:bus",), **sections)
    assert any("delivers to its consumers at least once" in t for _w, t in bus.tiers["fitness"])
    assert "fitness" not in _ranked_to(kb, make_req, "lambda", ("sqs:fifo",), **sections).tiers


def test_on_premises_next_to_iot_devices_is_their_location(kb, make_req):
    """Devices in a factory are still devices: an entry built for other senders is off purpose."""
    sections = {"constraints": {"producers": ["iot-device", "on-premises"], "consumers": ["s3"]}}
    firehose = _ranked_to(kb, make_req, "s3", ("data-firehose",), **sections)
    assert any("is built for" in t and "producers" in t for _w, t in firehose.tiers["fitness"])
    iot = _ranked_to(kb, make_req, "s3", ("iot-core", "data-firehose"), **sections)
    assert "fitness" not in iot.tiers
    alone = _ranked_to(kb, make_req, "s3", ("data-firehose",),
                       constraints={"producers": ["on-premises"], "consumers": ["s3"]})
    assert "fitness" not in alone.tiers


def test_data_kind_mismatch_on_one_node_is_a_preference(kb, make_req):
    # SNS carries messages but Firehose only streams: the path ranks lower, it is not excluded
    ev = _ranked(kb, make_req, ("sns:standard", "data-firehose"), connection={"data": "messaging"})
    assert any("Amazon Data Firehose is built for streaming, not messaging" in t for _w, t in ev.tiers["preference"])


def test_completion_sync_only_express_workflows(run):
    out = run(C.check_completion, "sns:standard", connection={"completion": "sync"})
    assert_fails(out, "connection.completion", "sns.completion", "not sync")
    out = run(C.check_completion, "sqs:standard", connection={"completion": "sync"})  # temporary reply queues
    assert out.ok and out.reason.fact == "workaround:sqs-temporary-queues"
    out = run(C.check_completion, "mq:activemq", connection={"completion": "sync"})  # JMS temporary destinations
    assert out.ok and out.reason.fact == "workaround:activemq-temporary-destinations"
    out = run(C.check_completion, "step-functions:standard", connection={"completion": "sync"})
    assert_fails(out, "connection.completion", "step-functions.standard.completion", "not sync")
    out = run(C.check_completion, "step-functions:express", connection={"completion": "sync"})
    assert_passes(out, "connection.completion", "step-functions.express.completion", "sync")


def test_delivery_push_from_a_pull_queue(run):
    out = run(C.check_delivery, "sqs:standard", connection={"delivery": "push"},
              constraints={"consumers": ["application"]})
    assert_fails(out, "connection.delivery", "sqs.delivery", "delivers by pull, not push")


def test_delivery_push_to_lambda_through_event_source_mapping(run):
    out = run(C.check_delivery, "sqs:standard", connection={"delivery": "push"}, constraints={"consumers": ["lambda"]})
    assert_passes(out, "connection.delivery", "sqs.lambda_event_source_mapping", "event source mapping")


def test_delivery_pull_from_a_push_topic(run):
    out = run(C.check_delivery, "sns:standard", connection={"delivery": "pull"})
    assert_fails(out, "connection.delivery", "sns.delivery", "not pull")
    out = run(C.check_delivery, ("sns:standard", "sqs:standard"), connection={"delivery": "pull"})
    assert_passes(out, "connection.delivery", "sqs.delivery", "delivers by pull")


def test_distribution_pubsub_needs_a_fan_out_node(run):
    out = run(C.check_distribution, "sqs:standard", connection={"distribution": "pubsub"})
    assert_fails(out, "connection.distribution", "sqs.distribution", "nothing in this design fans out")
    out = run(C.check_distribution, ("sns:standard", "sqs:standard"), connection={"distribution": "pubsub"})
    assert_passes(out, "connection.distribution", "sns.distribution", "own copy")


def test_distribution_p2p_through_a_filter_per_subscription(run):
    # each carrier's subscription filter takes only its parcels: one receiver per message, as a bus rule routes it
    out = run(C.check_distribution, "sns:standard", connection={"distribution": "p2p"},
              constraints={"filtering": True, "consumers": ["http"]})
    assert_passes(out, "connection.distribution", "sns.filtering", "reaches only the receiver")
    out = run(C.check_distribution, "sns:standard", connection={"distribution": "p2p"},
              constraints={"consumers": ["http"]})
    assert_fails(out, "connection.distribution", "sns.distribution", "copies each message to every subscriber")


def test_distribution_p2p_ends_at_one_consumer(run):
    out = run(C.check_distribution, "sns:standard", connection={"distribution": "p2p"})
    assert_fails(out, "connection.distribution", "sns.distribution", "copies each message to every subscriber")
    out = run(C.check_distribution, "sqs:standard", connection={"distribution": "p2p"})
    assert_passes(out, "connection.distribution", "sqs.distribution", "exactly one consumer")


# ---- ordering ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("option, fact", [
    ("sqs:standard", "sqs.standard.ordering"),
    ("sns:standard", "sns.standard.ordering"),
    ("eventbridge:scheduler", "eventbridge.scheduler.ordering"),
])
def test_per_key_ordering_excludes_unordered_options(run, option, fact):
    out = run(C.check_ordering, option, constraints={"ordering": "per-key"})
    r = assert_fails(out, "constraints.ordering", fact, "gives no order guarantee")
    assert "per-key ordering was asked for" in r.text


def test_per_key_ordering_fits_sqs_fifo_without_watch(run):
    out = run(C.check_ordering, "sqs:fifo", constraints={"ordering": "per-key"})
    assert_passes(out, "constraints.ordering", "sqs.fifo.ordering", "per key")
    assert out.watch == []


def test_per_key_ordering_fails_on_an_unordered_hop(run):
    out = run(C.check_ordering, ("sns:fifo", "sqs:standard"), constraints={"ordering": "per-key"})
    assert_fails(out, "constraints.ordering", "sqs.standard.ordering", "gives no order guarantee")


def test_global_ordering_sqs_fifo_only_with_single_group_watch(run):
    out = run(C.check_ordering, "sqs:fifo", constraints={"ordering": "global"})
    assert_passes(out, "constraints.ordering", "sqs.fifo.ordering", "global")
    [w] = out.watch
    assert w.fact == "sqs.fifo.global_ordering_single_group"
    assert w.requirement == "constraints.ordering"
    assert w.source.startswith("https://")
    assert "single message group" in w.text


@pytest.mark.parametrize("option", ["kinesis-data-streams:on-demand", "msk:serverless", "mq:activemq"])
def test_global_ordering_excludes_per_key_options_without_single_group(run, kb, option):
    out = run(C.check_ordering, option, constraints={"ordering": "global"})
    assert_fails(out, "constraints.ordering", kb.fact(Option.parse(option), "ordering").id,
                 "gives order per key only")


@pytest.mark.parametrize("option", ["sns:fifo"])
def test_global_ordering_with_one_message_group(run, option):
    """Services ordered per message group keep global order with a single group, said as a watch item."""
    out = run(C.check_ordering, option, constraints={"ordering": "global"})
    assert out.ok
    assert [w.fact.rsplit(".", 1)[-1] for w in out.watch] == ["global_ordering_single_group"]


def test_global_ordering_recommends_sqs_fifo_and_nothing_else(make_req, advise):
    result = advise(make_req(constraints={"ordering": "global"}))
    assert result.ok
    assert result.candidates[0].design.key == "sqs:fifo"
    # only services that order a single message group end to end remain
    assert {o.id for c in result.candidates for o in c.design.path} == {"sqs:fifo", "sns:fifo"}
    assert any(w.fact == "sqs.fifo.global_ordering_single_group" for w in result.recommendation.watch)
    excluded = {(e.id, e.variant): e for e in result.excluded}
    r = excluded[("sqs", "standard")].reasons[0]
    assert (r.requirement, r.fact) == ("constraints.ordering", "sqs.standard.ordering")


def test_ordering_none_is_no_constraint(run):
    assert run(C.check_ordering, "sqs:standard", constraints={"ordering": "none"}) is None


# ---- deduplication -----------------------------------------------------------------------------------


def test_deduplication(run):
    out = run(C.check_deduplication, "sqs:standard", constraints={"deduplication": True})
    assert_fails(out, "constraints.deduplication", "sqs.standard.deduplication", "does not drop duplicate")
    out = run(C.check_deduplication, "sqs:fifo", constraints={"deduplication": True})
    assert_passes(out, "constraints.deduplication", "sqs.fifo.deduplication", "drops duplicates within a 5 minutes")
    assert run(C.check_deduplication, "sqs:standard", constraints={"deduplication": False}) is None


# ---- throughput -------------------------------------------------------------------------------------


def _fifo_cap(kb, region):
    return kb.fact(Option("sqs", "fifo"), "throughput.max").fact.numeric(region)


def test_peak_above_sqs_fifo_cap_in_a_small_region(run, kb):
    small, large = "af-south-1", "us-east-1"
    assert _fifo_cap(kb, small) < _fifo_cap(kb, large)  # the per-Region table differs
    peak = _fifo_cap(kb, small) + 1
    out = run(C.check_peak, "sqs:fifo", constraints={"peak_per_second": peak, "region": small})
    r = assert_fails(out, "constraints.peak_per_second", "sqs.fifo.throughput.max", "carries at most")
    assert f"{int(_fifo_cap(kb, small)):,}" in r.text and small in r.text
    out = run(C.check_peak, "sqs:fifo", constraints={"peak_per_second": peak, "region": large})
    assert_passes(out, "constraints.peak_per_second", "sqs.fifo.throughput.max", f"{int(_fifo_cap(kb, large)):,}")


def test_peak_between_default_and_max_is_an_opt_in_watch(run, kb):
    default = kb.fact(Option("sqs", "fifo"), "throughput.default").fact.numeric()
    peak = default * 2
    assert peak < _fifo_cap(kb, "us-east-1")
    out = run(C.check_peak, "sqs:fifo", constraints={"peak_per_second": peak, "region": "us-east-1"})
    assert_passes(out, "constraints.peak_per_second", "sqs.fifo.throughput.max")
    opt_in = [w for w in out.watch if w.fact == "sqs.fifo.throughput.default"]
    assert len(opt_in) == 1 and "opt in" in opt_in[0].text and opt_in[0].source.startswith("https://")
    # below the default: no opt-in watch, only the ceiling note
    out = run(C.check_peak, "sqs:fifo", constraints={"peak_per_second": default / 2, "region": "us-east-1"})
    assert out.ok and "sqs.fifo.throughput.default" not in watch_facts(out)


def test_peak_opt_in_costs_simplicity_but_does_not_exclude(make_req, kb):
    from advisor.engine.ranking import WEIGHTS

    default = kb.fact(Option("sqs", "fifo"), "throughput.default").fact.numeric()
    ev = _ranked(kb, make_req, ("sqs:fifo",), constraints={"peak_per_second": default * 2, "region": "us-east-1"})
    assert ev.ok
    assert any(w == WEIGHTS["setting_raised"] and t.startswith("raise a setting") for w, t in ev.tiers["simplicity"])


def test_peak_without_region_warns_about_smaller_regions(run):
    out = run(C.check_peak, "sqs:fifo", constraints={"peak_per_second": 10})
    assert any("smaller Regions" in w.text for w in out.watch)
    out = run(C.check_peak, "sqs:fifo", constraints={"peak_per_second": 10, "region": "us-east-1"})
    assert not any("smaller Regions" in w.text for w in out.watch)


def test_peak_unlimited_standard_queue_passes_anything(run):
    out = run(C.check_peak, "sqs:standard", constraints={"peak_per_second": 10**9, "region": "af-south-1"})
    assert_passes(out, "constraints.peak_per_second", "sqs.standard.throughput.max")


def test_peak_above_an_adjustable_quota_asks_for_an_increase(run, kb):
    ref = kb.fact(Option("sns", "standard"), "throughput.max")
    assert ref.fact.adjustable
    cap = ref.fact.numeric("af-south-1")
    out = run(C.check_peak, ("sns:standard", "sqs:standard"),
              constraints={"peak_per_second": cap * 2, "region": "af-south-1"})
    assert out.ok
    quota = [w for w in out.watch if w.kind == "quota"]
    assert quota[0].fact == "sns.standard.throughput.max" and "request a quota increase" in quota[0].text


def _launch_rate(kb) -> float:
    return kb.endpoints["consumer:container"].facts["task_launch_rate.max"].numeric()


def test_task_launches_above_the_fargate_rate_exclude_a_bus_pushing_to_containers(run, kb):
    rate = _launch_rate(kb)
    out = run(C.check_consumer_rates, "eventbridge:bus", constraints={"consumers": ["container"],
                                                                     "peak_per_second": rate * 2})
    assert_fails(out, "constraints.peak_per_second", "consumer:container.task_launch_rate.max",
                 "starts a container task per event")
    out = run(C.check_consumer_rates, "eventbridge:bus", constraints={"consumers": ["container"],
                                                                     "peak_per_second": rate})
    assert_passes(out, "constraints.peak_per_second", "consumer:container.task_launch_rate.max", "fits")


def test_task_launches_do_not_concern_containers_that_poll_or_scheduled_jobs(run, kb):
    rate = _launch_rate(kb)
    fast = {"consumers": ["container"], "peak_per_second": rate * 10}
    assert run(C.check_consumer_rates, ("eventbridge:bus", "sqs:standard"), constraints=fast) is None
    assert run(C.check_consumer_rates, "eventbridge:bus", constraints={**fast, "consumers": ["lambda"]}) is None
    # Firehose pushes too, but never to containers: that is the consumers check's verdict, not a task launch
    assert run(C.check_consumer_rates, "data-firehose", constraints=fast) is None
    # a schedule's runs are jobs: a task per run is what Scheduler's ECS target is for
    assert run(C.check_consumer_rates, "eventbridge:scheduler", constraints={**fast, "producers": ["schedule"]}) is None


def test_api_destination_rate_is_an_adjustable_quota_for_http_consumers(run, kb):
    ref = kb.fact(Option("eventbridge", "bus"), "api_destination.throughput.max")
    assert ref.fact.adjustable
    cap = ref.fact.numeric()
    out = run(C.check_consumer_rates, "eventbridge:bus", constraints={"consumers": ["http"],
                                                                      "peak_per_second": cap * 3})
    assert out.ok
    quota = [w for w in out.watch if w.kind == "quota"]
    assert quota and quota[0].fact == "eventbridge.bus.api_destination.throughput.max"
    assert "request a quota increase" in quota[0].text
    out = run(C.check_consumer_rates, "eventbridge:bus", constraints={"consumers": ["http"], "peak_per_second": cap})
    assert_passes(out, "constraints.peak_per_second", "eventbridge.bus.api_destination.throughput.max", "fits")
    assert not out.watch
    # SNS pushes to HTTPS subscriptions itself: no API destination, nothing to judge here
    assert run(C.check_consumer_rates, "sns:standard", constraints={"consumers": ["http"],
                                                                    "peak_per_second": cap * 3}) is None


def test_a_hard_api_destination_rate_excludes(run, kb):
    knowledge = with_fact(kb, "eventbridge:bus", "api_destination.throughput.max", 10, adjustable=False)
    out = run(C.check_consumer_rates, "eventbridge:bus", knowledge=knowledge,
              constraints={"consumers": ["http"], "peak_per_second": 50})
    assert_fails(out, "constraints.peak_per_second", "eventbridge.bus.api_destination.throughput.max",
                 "calls an API destination at most")


def test_push_to_containers_above_the_launch_rate_is_met_at_their_queue(run, kb):
    rate = _launch_rate(kb)
    out = run(C.check_delivery, "sqs:fifo", connection={"delivery": "push", "distribution": "p2p"},
              constraints={"consumers": ["container"], "peak_per_second": rate * 5})
    assert_passes(out, "connection.delivery", "consumer:container.task_launch_rate.max", "poll")
    # at a rate a task per message can follow, a queue is still pull
    out = run(C.check_delivery, "sqs:fifo", connection={"delivery": "push", "distribution": "p2p"},
              constraints={"consumers": ["container"], "peak_per_second": rate / 2})
    assert_fails(out, "connection.delivery", "sqs.delivery", "delivers by pull, not push")
    # and an application always polls its queue: push to it stays unmet without a pusher before the queue
    out = run(C.check_delivery, "sqs:fifo", connection={"delivery": "push", "distribution": "p2p"},
              constraints={"consumers": ["application"], "peak_per_second": rate * 5})
    assert_fails(out, "connection.delivery", "sqs.delivery", "delivers by pull, not push")


def test_a_task_per_message_at_an_unknown_rate_ranks_below_a_polled_queue(kb, make_req):
    sections = {"connection": {"delivery": "push", "distribution": "pubsub"},
                "constraints": {"consumers": ["container"]}}
    from advisor.engine.ranking import tier_key

    direct = _ranked_to(kb, make_req, "container", ("eventbridge:bus",), **sections)
    assert any("task per message" in t for _w, t in direct.tiers.get("simplicity", []))
    queued = _ranked_to(kb, make_req, "container", ("eventbridge:bus", "sqs:standard"), **sections)
    assert not any("task per message" in t for _w, t in queued.tiers.get("simplicity", []))
    # a launch quota to watch is worth more than the queue and its hop, and is no fitness matter: a data stream
    # (the wrong kind of service for messages) must not win over the bus on it
    assert tier_key(queued) < tier_key(direct)
    assert "fitness" not in direct.tiers
    # a workflow's container step is the documented ECS integration, run per execution: no penalty
    flow = _ranked_to(kb, make_req, "container", ("step-functions:standard",),
                      constraints={"consumers": ["container"]})
    assert not any("task per message" in t for items in flow.tiers.values() for _w, t in items)


def test_peak_above_a_hard_ceiling_excludes(run, kb):
    cap = kb.fact(Option("sqs", "fifo"), "throughput.max").fact.numeric("us-east-1")
    assert not kb.fact(Option("sqs", "fifo"), "throughput.max").fact.adjustable
    out = run(C.check_peak, ("sqs:fifo",), constraints={"peak_per_second": cap * 2, "region": "us-east-1"})
    assert_fails(out, "constraints.peak_per_second", "sqs.fifo.throughput.max", "carries at most")


# ---- message size -----------------------------------------------------------------------------------


def test_message_size_above_sns_default_is_a_watch(run):
    out = run(C.check_message_size, "sns:standard", constraints={"message_kib": 512})
    assert_passes(out, "constraints.message_kib", "sns.message_size.max", "512 KiB messages fit")
    raise_it = [w for w in out.watch if "above the default" in w.text]
    assert len(raise_it) == 1
    assert "256 KiB" in raise_it[0].text and "1 MiB" in raise_it[0].text


def test_message_size_below_sns_default_has_no_opt_in(run):
    out = run(C.check_message_size, "sns:standard", constraints={"message_kib": 100})
    assert out.ok and not any("above the default" in w.text for w in out.watch)


@pytest.mark.parametrize("option, fact", [
    ("sns:standard", "sns.message_size.max"),
    ("sqs:standard", "sqs.message_size.max"),
    ("sqs:fifo", "sqs.message_size.max"),
])
def test_message_size_above_one_mib_takes_the_claim_check_on_sns_and_sqs(run, option, fact):
    out = run(C.check_message_size, option, constraints={"message_kib": 2048})
    assert out.ok
    w = next(w for w in out.watch if w.kind == "workaround")
    assert "claim-check" in w.text and "1 MiB" in w.text
    out = run(C.check_message_size, option, constraints={"message_kib": 3 * 1024 * 1024})
    r = assert_fails(out, "constraints.message_kib", fact, "accepts messages up to 1 MiB")
    assert "3,145,728 KiB was asked for" in r.text


@pytest.mark.parametrize("option", ["step-functions:standard", "step-functions:express"])
def test_workflow_payloads_above_the_quota_are_passed_as_s3_references(run, option):
    out = run(C.check_message_size, option, constraints={"message_kib": 2048})
    assert out.ok
    w = next(w for w in out.watch if w.kind == "workaround")
    assert w.fact == "workaround:step-functions-s3-references" and "ARN" in w.text


def test_message_size_kinesis_takes_two_mib(run):
    out = run(C.check_message_size, "kinesis-data-streams:on-demand", constraints={"message_kib": 2048})
    assert_passes(out, "constraints.message_kib", "kinesis-data-streams.message_size.max", "limit 10 MiB")
    out = run(C.check_message_size, "kinesis-data-streams:on-demand", constraints={"message_kib": 11 * 1024})
    assert_fails(out, "constraints.message_kib", "kinesis-data-streams.message_size.max", "up to 10 MiB")


def test_message_size_path_fails_at_its_smallest_hop(run):
    out = run(C.check_message_size, ("kinesis-data-streams:on-demand", "data-firehose"),
              constraints={"message_kib": 2048})
    assert_fails(out, "constraints.message_kib", "data-firehose.message_size.max", "1,000 KiB")


# ---- retention --------------------------------------------------------------------------------------


def test_retention_20_days_excludes_sqs_fits_kinesis(run):
    out = run(C.check_retention, "sqs:standard", constraints={"retention_days": 20})
    r = assert_fails(out, "constraints.retention_days", "sqs.retention.max", "at most 14 days")
    assert "20 days were asked for" in r.text
    out = run(C.check_retention, "kinesis-data-streams:on-demand", constraints={"retention_days": 20})
    assert_passes(out, "constraints.retention_days", "kinesis-data-streams.retention.max", "keeps unconsumed data")
    assert "kinesis-data-streams.retention.default" in watch_facts(out)  # 24 hours by default: raise it


def test_retention_on_a_service_that_keeps_nothing_fails(run):
    # SNS keeps nothing either, but its subscriptions' dead-letter queues do (the test below)
    out = run(C.check_retention, "eventbridge:pipes", constraints={"retention_days": 2})
    assert_fails(out, "constraints.retention_days", "eventbridge.pipes.persistence", "does not store them")


def test_retention_sns_to_sqs_keeps_messages_in_the_queue(run):
    out = run(C.check_retention, ("sns:standard", "sqs:standard"), constraints={"retention_days": 10})
    assert_passes(out, "constraints.retention_days", "sqs.retention.max", "Amazon SQS")
    assert "sqs.retention.default" in watch_facts(out)  # 10 days is above the 4-day default
    out = run(C.check_retention, ("sns:standard", "sqs:standard"), constraints={"retention_days": 1})
    assert out.ok and "sqs.retention.default" not in watch_facts(out)


def test_retention_zero_is_no_constraint(run):
    assert run(C.check_retention, "sns:standard", constraints={"retention_days": 0}) is None


# ---- capability flags ---------------------------------------------------------------------------------


def test_replay(run):
    out = run(C.check_replay, "sqs:standard", constraints={"replay": True})
    assert_fails(out, "constraints.replay", "sqs.replay", "cannot replay")
    out = run(C.check_replay, "kinesis-data-streams:provisioned", constraints={"replay": True})
    assert_passes(out, "constraints.replay", "kinesis-data-streams.replay", "re-read past data")


def test_filtering(run):
    out = run(C.check_filtering, "sqs:standard", constraints={"filtering": True})
    assert_fails(out, "constraints.filtering", "sqs.filtering", "cannot filter")
    out = run(C.check_filtering, ("sns:standard", "sqs:standard"), constraints={"filtering": True})
    assert_passes(out, "constraints.filtering", "sns.filtering", "filters messages")


def test_lambda_filters_where_its_event_source_mapping_reads_beside_other_readers(kb, make_req):
    """A dashboard reads every record; the alert function's event source mapping filters for critical ones. The
    filter is met on the function's leg, and the other readers are told they get everything."""
    stream = Option.parse("kinesis-data-streams:on-demand")
    req = make_req(constraints={"filtering": True, "consumers": ["application", "lambda"]})
    both = Design.of_legs((Leg("application", (stream,)), Leg("lambda", (stream,))))
    out = C.check_filtering(Context(kb, req), both)
    assert_passes(out, "constraints.filtering", "kinesis-data-streams.lambda_event_filtering", "event source mapping")
    assert any("the application consumers read every message" in w.text for w in out.watch)
    # the application's leg alone has no function to filter for it
    alone = Design.of_legs((Leg("application", (stream,)),))
    assert_fails(C.check_filtering(Context(kb, req), alone), "constraints.filtering", "kinesis-data-streams.filtering",
                 "cannot filter")


def test_priority(run):
    out = run(C.check_priority, "sns:standard", constraints={"priority": True})
    assert_fails(out, "constraints.priority", "sns.priority", "no message priority")
    out = run(C.check_priority, "sqs:standard", constraints={"priority": True})
    assert out.ok and out.reason.fact == "workaround:queue-per-priority" and "a queue per priority" in out.reason.text
    out = run(C.check_priority, "mq:activemq", constraints={"priority": True})
    assert_passes(out, "constraints.priority", "mq.activemq.priority", "higher-priority")


def test_schedule(run):
    out = run(C.check_schedule, "step-functions:standard", constraints={"schedule": "rate(1 hour)"})
    assert not out.ok and out.reason.requirement == "constraints.schedule"
    assert "cannot start work on a schedule" in out.reason.text
    out = run(C.check_schedule, "eventbridge:scheduler", constraints={"schedule": "rate(1 hour)"})
    assert_passes(out, "constraints.schedule", "eventbridge.scheduler.schedule", "cron or rate")
    out = run(C.check_schedule, ("eventbridge:scheduler", "sqs:standard"), constraints={"schedule": "cron(0 2 * * ? *)"})
    assert_passes(out, "constraints.schedule", "eventbridge.scheduler.schedule")


def test_schedule_failure_cites_a_false_fact_when_the_knowledge_has_one(run, kb):
    """With the bundled knowledge no option states schedule: false, so the failure can cite nothing;
    when the entry states it, the failure cites it."""
    patched = with_fact(kb, "appflow", "schedule", False)
    out = run(C.check_schedule, "appflow", knowledge=patched, constraints={"schedule": "rate(1 day)"})
    assert_fails(out, "constraints.schedule", "appflow.schedule", "cannot start work on a schedule")


# ---- delay, processing time, workflow -------------------------------------------------------------------


def test_delay_1200_seconds_fails_sqs(run):
    out = run(C.check_delay, "sqs:standard", constraints={"delay_seconds": 1200})
    r = assert_fails(out, "constraints.delay_seconds", "sqs.delay.max", "the longest delay here is 15 minutes")
    assert "1,200 s" in r.text
    out = run(C.check_delay, "sqs:fifo", constraints={"delay_seconds": 1200})
    assert_fails(out, "constraints.delay_seconds", "sqs.fifo.delay.max", "15 minutes")


def test_delay_within_limits_passes(run):
    out = run(C.check_delay, "sqs:standard", constraints={"delay_seconds": 600})
    assert_passes(out, "constraints.delay_seconds", "sqs.delay.max", "up to 15 minutes")
    out = run(C.check_delay, ("eventbridge:scheduler", "sqs:standard"), constraints={"delay_seconds": 1200})
    assert_passes(out, "constraints.delay_seconds", "eventbridge.scheduler.delay.max", "unlimited")


def test_delay_on_a_service_without_delay(run):
    out = run(C.check_delay, "sns:standard", constraints={"delay_seconds": 60})
    assert not out.ok and out.reason.requirement == "constraints.delay_seconds"
    assert "cannot delay delivery" in out.reason.text


def test_processing_30_minutes_with_lambda_fails_on_the_lambda_endpoint(run, kb):
    out = run(C.check_processing, "sqs:standard", constraints={"processing_minutes": 30, "consumers": ["lambda"]})
    r = assert_fails(out, "constraints.processing_minutes", "consumer:lambda.processing_time.max",
                     "at most 15 minutes per invocation")
    assert r.source == kb.endpoints["consumer:lambda"].facts["processing_time.max"].source
    assert "30 minutes per message" in r.text


def test_processing_within_lambda_limit_passes_on_the_queue(run):
    out = run(C.check_processing, "sqs:standard", constraints={"processing_minutes": 10, "consumers": ["lambda"]})
    assert_passes(out, "constraints.processing_minutes", "sqs.processing_time.max", "up to 12 hours")
    assert "sqs.processing_time.max" in watch_facts(out)
    # the Lambda guide's rule for the queue a function reads: visibility timeout >= 6 x the function timeout
    [vis] = [w for w in out.watch if w.fact == "sqs.lambda_visibility_multiplier"]
    assert "at least 6 times the function timeout: 60 minutes for 10-minute runs" in vis.text and not vis.setting
    workers = run(C.check_processing, "sqs:standard", constraints={"processing_minutes": 10,
                                                                  "consumers": ["container"]})
    assert "sqs.lambda_visibility_multiplier" not in watch_facts(workers)


def test_processing_express_workflow_holds_five_minutes(run):
    out = run(C.check_processing, "step-functions:express",
              constraints={"processing_minutes": 10, "consumers": ["container"]})
    assert_fails(out, "constraints.processing_minutes", "step-functions.express.processing_time.max", "5 minutes")
    out = run(C.check_processing, "sqs:standard", constraints={"processing_minutes": 13 * 60,
                                                              "consumers": ["container"]})
    assert_fails(out, "constraints.processing_minutes", "sqs.processing_time.max", "12 hours")


def test_processing_30_minutes_with_lambda_conflicts(make_req, advise):
    result = advise(make_req(constraints={"processing_minutes": 30, "consumers": ["lambda"]}))
    assert not result.ok and result.recommendation is None
    assert result.conflicts
    assert all("constraints.processing_minutes" in c or "constraints.consumers" in c for c in result.conflicts)
    assert any("consumer:lambda.processing_time.max" in c for c in result.conflicts)


def test_processing_30_minutes_with_lambda_exits_3(cli, tmp_path):
    path = tmp_path / "req.yaml"
    path.write_text("version: 1\nname: long-jobs\nconstraints:\n  processing_minutes: 30\n  consumers: [lambda]\n")
    code, out, err = cli("advise", "--answers", str(path), "--format", "json")
    assert code == 3, (out, err)
    import json

    data = json.loads(out)
    assert data["recommendation"] is None
    assert data["conflicts"]
    assert any("constraints.processing_minutes" in c or "constraints.consumers" in c for c in data["conflicts"])


def test_workflow_60_minutes_excludes_express_not_standard(run):
    asked = {"workflow": "orchestration", "workflow_minutes": 60}
    out = run(C.check_workflow, "step-functions:express", constraints=asked)
    r = assert_fails(out, "constraints.workflow_minutes", "step-functions.express.workflow.max_duration",
                     "at most 5 minutes")
    assert "60 minutes were asked" in r.text
    out = run(C.check_workflow, "step-functions:standard", constraints=asked)
    assert_passes(out, "constraints.workflow", "step-functions.standard.workflow.max_duration", "orchestrates")


def test_workflow_orchestration_needs_an_orchestrator(run):
    out = run(C.check_workflow, "sqs:standard", constraints={"workflow": "orchestration"})
    assert not out.ok and out.reason.requirement == "constraints.workflow"
    assert "cannot orchestrate" in out.reason.text
    out = run(C.check_workflow, ("eventbridge:bus", "step-functions:express"), constraints={"workflow": "orchestration"})
    assert_passes(out, "constraints.workflow", "step-functions.orchestration", "orchestrates")
    assert run(C.check_workflow, "sqs:standard", constraints={"workflow": "none"}) is None


def test_workflow_orchestration_in_the_engine(make_req, advise):
    result = advise(make_req(constraints={"workflow": "orchestration", "workflow_minutes": 60}))
    assert result.ok
    assert any(o.id == "step-functions:standard" for o in result.recommendation.design.path)
    assert all(any(o.id == "step-functions:standard" or kb_orchestrates(result, o) for o in c.design.path)
               for c in result.candidates)
    excluded = {(e.id, e.variant): e for e in result.excluded}
    r = excluded[("step-functions", "express")].reasons[0]
    assert (r.requirement, r.fact) == ("constraints.workflow_minutes", "step-functions.express.workflow.max_duration")


def kb_orchestrates(result, opt) -> bool:
    return opt.service == "step-functions" and opt.variant == "standard"


def test_workflow_minutes_without_orchestration(run):
    out = run(C.check_workflow_minutes, "step-functions:express", constraints={"workflow_minutes": 60})
    assert_fails(out, "constraints.workflow_minutes", "step-functions.express.workflow.max_duration", "5 minutes")
    # it only objects: nothing with a shorter limit on the path means no objection
    assert run(C.check_workflow_minutes, "step-functions:standard", constraints={"workflow_minutes": 60}) is None
    assert run(C.check_workflow_minutes, "sqs:standard", constraints={"workflow_minutes": 60}) is None
    # with orchestration asked, check_workflow compares the duration instead
    assert run(C.check_workflow_minutes, "step-functions:express",
               constraints={"workflow_minutes": 60, "workflow": "orchestration"}) is None


# ---- producers, consumers, SaaS ----------------------------------------------------------------------


def test_producers(run):
    out = run(C.check_producers, "sqs:standard", constraints={"producers": ["iot-device"]})
    assert_fails(out, "constraints.producers", "sqs.producers", "does not take input from iot-device")
    out = run(C.check_producers, ("iot-core", "sqs:standard"), constraints={"producers": ["iot-device"]})
    assert_passes(out, "constraints.producers", "iot-core.producers", "iot-device")


def test_routing_features(run):
    """Features of the router itself: regional failover and API destinations are the event bus's, schemas not SNS's."""
    out = run(C.check_routing_features, "sns:standard", constraints={"routing_features": ["regional-failover"]})
    assert_fails(out, "constraints.routing_features", None, "offers no endpoint that fails publishers over")
    out = run(C.check_routing_features, "eventbridge:bus", constraints={"routing_features": ["regional-failover"]})
    assert_passes(out, "constraints.routing_features", "eventbridge.bus.global_endpoints", "fails publishers over")
    both = {"routing_features": ["api-destinations", "schema-registry"]}
    out = run(C.check_routing_features, ("sqs:standard", "eventbridge:pipes"), constraints=both)
    assert_fails(out, "constraints.routing_features", None, "offers no schema registry")
    out = run(C.check_routing_features, ("sqs:standard", "eventbridge:pipes"),
              constraints={"routing_features": ["api-destinations"]})
    assert_passes(out, "constraints.routing_features", "eventbridge.pipes.api_destinations", "third-party HTTPS")
    out = run(C.check_routing_features, "kinesis-data-streams:on-demand",
              constraints={"routing_features": ["schema-registry"]})
    assert_passes(out, "constraints.routing_features", "kinesis-data-streams.schema_registry")
    r = assert_passes(run(C.check_routing_features, "eventbridge:bus", constraints=both), "constraints.routing_features")
    assert "third-party HTTPS APIs" in r.text and "schema registry" in r.text


def test_consumer_buffer(run, kb, make_req):
    """Each consumer takes messages from a store of its own (a queue or stream), never straight from a pusher."""
    buffered = {"consumer_buffer": True, "consumers": ["lambda"]}
    out = run(C.check_consumer_buffer, "eventbridge:bus", constraints=buffered)
    assert_fails(out, "constraints.consumer_buffer", "eventbridge.bus.persistence", "hands each message to lambda")
    out = run(C.check_consumer_buffer, "sns:standard", constraints=buffered)
    assert_fails(out, "constraints.consumer_buffer", "sns.persistence", "keeps none until the consumer is ready")
    out = run(C.check_consumer_buffer, ("sns:standard", "sqs:standard"), constraints=buffered)
    assert_passes(out, "constraints.consumer_buffer", "sqs.persistence", "Amazon SQS (Standard queue) keeps")
    out = run(C.check_consumer_buffer, "kinesis-data-streams:on-demand", constraints=buffered)
    assert_passes(out, "constraints.consumer_buffer", "kinesis-data-streams.persistence")
    # a pipe polling the queue for a workflow is the consumer's poller; the queue is its buffer
    out = run(C.check_consumer_buffer, ("sqs:standard", "eventbridge:pipes", "step-functions:standard"),
              constraints={"consumer_buffer": True, "consumers": ["workflow"]})
    assert_passes(out, "constraints.consumer_buffer", "sqs.persistence")
    # a queue per subscriber behind the topic serves two kinds of consumer, each with its own queue
    sns, sqs = Option.parse("sns:standard"), Option.parse("sqs:standard")
    tree = Design.of_legs((Leg("lambda", (sns, sqs)), Leg("container", (sns, sqs))))
    req = make_req(constraints={"consumer_buffer": True, "consumers": ["lambda", "container"]})
    assert C.check_consumer_buffer(Context(kb, req), tree).ok
    # archive sinks take what arrives: with no consumer acting on messages the key does not apply
    assert run(C.check_consumer_buffer, "data-firehose",
               constraints={"consumer_buffer": True, "consumers": ["s3"]}) is None


def test_source_services(run, kb):
    """An AWS source's events reach only the services it sends to (knowledge/relations.yaml, emits-to)."""
    # a DynamoDB table's changes reach a pipe or a data stream, never an event bus by themselves
    out = run(C.check_source_services, "eventbridge:bus", constraints={"source_services": ["dynamodb"]})
    r = assert_fails(out, "constraints.source_services", "endpoint:source:dynamodb", "not to Amazon EventBridge")
    assert "EventBridge (EventBridge Pipes)" in r.text and "Kinesis Data Streams" in r.text
    out = run(C.check_source_services, ("eventbridge:pipes", "eventbridge:bus"),
              constraints={"source_services": ["dynamodb"]})
    assert_passes(out, "constraints.source_services", "relation:source:dynamodb->eventbridge:pipes", "DynamoDB")
    # S3 notifies a standard topic, not a FIFO one; GuardDuty findings reach only the bus
    assert run(C.check_source_services, "sns:standard", constraints={"source_services": ["s3"]}).ok
    assert not run(C.check_source_services, "sns:fifo", constraints={"source_services": ["s3"]}).ok
    assert not run(C.check_source_services, "sqs:standard", constraints={"source_services": ["guardduty"]}).ok
    # every named source must reach the entry: S3 and GuardDuty together meet only at the bus
    both = {"source_services": ["s3", "guardduty"]}
    assert not run(C.check_source_services, "sns:standard", constraints=both).ok
    r = assert_passes(run(C.check_source_services, "eventbridge:bus", constraints=both), "constraints.source_services")
    assert "Amazon S3 (event notifications) and Amazon GuardDuty (findings) send" in r.text
    # the source's endpoint names where its events can go, from the same relations
    assert {o.id for o, _r in kb.emits["dynamodb"]} == {"eventbridge:pipes", "kinesis-data-streams:on-demand",
                                                         "kinesis-data-streams:provisioned"}


def test_pull_through_a_pipe_reading_a_named_source(run):
    """A pipe polls a table's DynamoDB stream on the consumer's behalf, as it polls a queue in the design."""
    answers = {"connection": {"delivery": "pull"}, "constraints": {"producers": ["aws-service"],
                                                                   "consumers": ["workflow"]}}
    out = run(C.check_delivery, ("eventbridge:pipes", "step-functions:standard"), **answers)
    assert not out.ok  # no source named: nothing before the pipe to poll
    answers["constraints"]["source_services"] = ["dynamodb"]
    out = run(C.check_delivery, ("eventbridge:pipes", "step-functions:standard"), **answers)
    assert_passes(out, "connection.delivery", "eventbridge.pipes.polls_sources", "polls Amazon DynamoDB")
    del answers["constraints"]["source_services"]
    answers["constraints"]["starts_from"] = ["dynamodb-stream"]  # the existing table's stream, named so
    out = run(C.check_delivery, ("eventbridge:pipes", "step-functions:standard"), **answers)
    assert_passes(out, "connection.delivery", "eventbridge.pipes.polls_sources", "polls Amazon DynamoDB")


def test_a_workflow_sending_to_a_worker_is_not_judged_as_a_receiver(kb, make_req):
    """The workflow named as a consumer hands the task to a polling worker: pull is judged at the worker."""
    sfn, sqs = Option.parse("step-functions:standard"), Option.parse("sqs:standard")
    req = make_req(connection={"delivery": "pull"}, constraints={"consumers": ["application", "workflow"]})
    tree = Design.of_legs((Leg("workflow", (sfn,)), Leg("application", (sfn, sqs))))
    assert_passes(C.check_delivery(Context(kb, req), tree), "connection.delivery", "sqs.delivery")
    alone = Design.of_legs((Leg("workflow", (sfn,)),))  # started by the producers, nothing polls for it
    assert not C.check_delivery(Context(kb, req), alone).ok


def test_push_with_a_buffer_of_its_own_is_met_at_the_queue(run):
    """consumer_buffer says the consumer takes messages from its own queue; push is then met at the queue."""
    answers = {"connection": {"delivery": "push", "distribution": "p2p"}, "constraints": {"consumers": ["container"]}}
    assert not run(C.check_delivery, "sqs:standard", **answers).ok  # a container polls its queue
    answers["constraints"]["consumer_buffer"] = True
    assert_passes(run(C.check_delivery, "sqs:standard", **answers), "connection.delivery", "sqs.persistence",
                  "at its own pace")


def test_starts_from(run, kb):
    """An existing queue or table stream the messages arrive in is where the design starts."""
    out = run(C.check_starts_from, ("step-functions:standard",), constraints={"starts_from": ["sqs-queue"]})
    assert_fails(out, "constraints.starts_from", "step-functions.model", "already arrive in an existing SQS queue")
    out = run(C.check_starts_from, ("sqs:standard", "eventbridge:pipes", "step-functions:standard"),
              constraints={"starts_from": ["sqs-queue"]})
    assert_passes(out, "constraints.starts_from", "sqs.model", "starts at an existing SQS queue")
    assert run(C.check_starts_from, "sqs:fifo", constraints={"starts_from": ["sqs-queue"]}).ok
    assert not run(C.check_starts_from, "eventbridge:pipes", constraints={"starts_from": ["event-bus"]}).ok
    # a table's stream is outside the design: the entry must be a service that reads it (emits-to)
    out = run(C.check_starts_from, "eventbridge:bus", constraints={"starts_from": ["dynamodb-stream"]})
    r = assert_fails(out, "constraints.starts_from", "endpoint:source:dynamodb", "DynamoDB table's change stream")
    assert "EventBridge Pipes" in r.text
    out = run(C.check_starts_from, ("eventbridge:pipes", "step-functions:standard"),
              constraints={"starts_from": ["dynamodb-stream"]})
    assert_passes(out, "constraints.starts_from", "relation:source:dynamodb->eventbridge:pipes", "reads")


def test_starts_from_two_existing_services(run):
    """Readings that arrive in an existing stream and must join an existing bus: start at the first, run through
    the second."""
    both = {"starts_from": ["kinesis-stream", "event-bus"]}
    out = run(C.check_starts_from, ("kinesis-data-streams:on-demand", "eventbridge:pipes", "eventbridge:bus"),
              constraints=both)
    r = assert_passes(out, "constraints.starts_from", "kinesis-data-streams.model", "starts at an existing Kinesis")
    assert "runs through an existing EventBridge event bus" in r.text and not out.watch
    out = run(C.check_starts_from, ("eventbridge:bus", "kinesis-data-streams:on-demand"), constraints=both)
    assert_fails(out, "constraints.starts_from", "eventbridge.bus.model", "already arrive in an existing Kinesis")
    out = run(C.check_starts_from, ("kinesis-data-streams:on-demand", "eventbridge:pipes"), constraints=both)
    assert_fails(out, "constraints.starts_from", "kinesis-data-streams.model", "this design leaves it out")


def test_a_shared_router_after_an_existing_stream_is_on_the_path(kb, make_req):
    # many sources meet at the bus; this flow's messages arrive in a stream that exists, so the bus comes later
    sections = {"constraints": {"many_to_many": True, "starts_from": ["kinesis-stream"], "consumers": ["lambda"]}}
    via_bus = _ranked_to(kb, make_req, "lambda", ("kinesis-data-streams:on-demand", "eventbridge:pipes",
                                                  "eventbridge:bus"), **sections)
    assert not any("many sources" in t for _w, t in via_bus.tiers.get("fitness", []))
    direct = _ranked_to(kb, make_req, "lambda", ("kinesis-data-streams:on-demand",), **sections)
    assert any("many sources" in t for _w, t in direct.tiers.get("fitness", []))
    # without an existing resource to start from, the producers publish to the router itself: it is the entry
    free = _ranked_to(kb, make_req, "lambda", ("kinesis-data-streams:on-demand", "eventbridge:pipes",
                                               "eventbridge:bus"),
                      constraints={"many_to_many": True, "consumers": ["lambda"]})
    assert any("many sources" in t for _w, t in free.tiers.get("fitness", []))


def test_a_table_stream_the_design_reads_keeps_the_stream(kb, make_req):
    # streaming answered for a table's changes: the DynamoDB stream keeps them (source:dynamodb model stream),
    # so a pipe reading it needs no second stream of its own
    sections = {"connection": {"data": "streaming"},
                "constraints": {"starts_from": ["dynamodb-stream"], "consumers": ["lambda"]}}
    pipe = _ranked_to(kb, make_req, "lambda", ("eventbridge:pipes",), **sections)
    assert not any("keeps the stream" in t for _w, t in pipe.tiers.get("fitness", []))
    alone = _ranked_to(kb, make_req, "lambda", ("eventbridge:pipes",),
                       connection={"data": "streaming"}, constraints={"consumers": ["lambda"]})
    assert any("keeps the stream" in t for _w, t in alone.tiers.get("fitness", []))


def test_a_delay_longer_than_any_queue_holds_is_work_for_a_schedule(kb, make_req):
    from advisor.engine.ranking import _queue_delay_max

    ctx_max = _queue_delay_max(Context(kb, make_req()))
    sched = ("eventbridge:scheduler", "sqs:standard")
    long = _ranked_to(kb, make_req, "container", sched,
                      constraints={"producers": ["application"], "delay_seconds": ctx_max * 10})
    assert not any("built for schedule" in t for _w, t in long.tiers.get("fitness", []))
    short = _ranked_to(kb, make_req, "container", sched,
                       constraints={"producers": ["application"], "delay_seconds": ctx_max})
    assert any("built for schedule" in t for _w, t in short.tiers.get("fitness", []))


def test_a_transfer_flow_batches_what_it_moves(kb, make_req):
    # each AppFlow run writes files, so a feed answered streaming into Redshift is batched, not kept one by one
    flow = _ranked_to(kb, make_req, "redshift", ("appflow",), connection={"data": "streaming"},
                      constraints={"producers": ["saas"], "consumers": ["redshift"], "saas": ["salesforce"]})
    assert "fitness" not in flow.tiers


def test_a_subscription_dead_letter_queue_keeps_what_sns_could_not_deliver(run, kb, make_req):
    # SNS keeps nothing; a DLQ on each subscription (knowledge/workarounds.yaml) keeps the undelivered messages
    out = run(C.check_retention, "sns:standard", constraints={"retention_days": 14, "consumers": ["http"]})
    assert out.ok, out.reason
    pattern = [w for w in out.watch if w.kind == "workaround"]
    assert pattern and pattern[0].fact == "workaround:sns-subscription-dlq"
    assert out.reason.fact == "sqs.retention.max"
    # beyond the queue's own retention the pattern does not reach
    from advisor.engine import units

    days = units.seconds(kb.fact(Option("sqs", "standard"), "retention.max").fact) / 86400
    out = run(C.check_retention, "sns:standard", constraints={"retention_days": days + 1, "consumers": ["http"]})
    assert not out.ok
    # the queue the pattern adds is part of what is recommended, and its cost is a visible gap
    from advisor.cost.estimate import estimate
    from advisor.engine.walk import recommend

    req = make_req(connection={"data": "messaging", "delivery": "push", "distribution": "pubsub"},
                   constraints={"retention_days": 14, "consumers": ["http"], "producers": ["application"],
                                "peak_per_second": 50, "managed": "serverless"})
    result = recommend(req, kb)
    assert {o.id for o in result.recommended_services()} == {"sns:standard", "sqs:standard"}
    assert [o.id for o in result.recommendation.design.path] == ["sns:standard"]
    gaps = [i for i in estimate(result.recommendation, req, kb).items if i.subtotal is None]
    assert [g.service for g in gaps] == ["sqs:standard"]
    # and every view of the design names it, with what it is for
    from advisor.wording import legs_lines, services_line

    role = "dead-letter queue of each subscription"
    assert legs_lines(kb, result.recommendation)[-1] == f"{role}: Amazon SQS (Standard queue)"
    assert services_line(kb, result.recommendation).endswith(f"plus Amazon SQS (Standard queue) as the {role}")
    assert result.as_json()["recommendation"]["added"] == [
        {"service": "sqs:standard", "role": role, "pattern": "sns-subscription-dlq"}]


def test_producers_write_to_the_existing_table_a_pipe_reads(run):
    """Nothing publishes to a pipe; with the table's stream named, the application writes to the table."""
    answers = {"constraints": {"producers": ["application"]}}
    assert not run(C.check_producers, "eventbridge:pipes", **answers).ok
    answers["constraints"]["starts_from"] = ["dynamodb-stream"]
    out = run(C.check_producers, ("eventbridge:pipes", "step-functions:standard"), **answers)
    assert_passes(out, "constraints.producers", "endpoint:source:dynamodb", "write to Amazon DynamoDB")
    assert not run(C.check_producers, "kinesis-data-streams:on-demand",
                   constraints={"producers": ["schedule"], "starts_from": ["sqs-queue"]}).ok


def test_pull_through_firehose_reading_a_stream(run):
    """Firehose reads the Kinesis data stream it is configured with, on its HTTP destination's behalf, as a pipe
    polls its source; fed by a topic (which pushes), it fetches nothing."""
    answers = {"connection": {"delivery": "pull"}, "constraints": {"consumers": ["http"]}}
    out = run(C.check_delivery, ("kinesis-data-streams:on-demand", "data-firehose"), **answers)
    assert_passes(out, "connection.delivery", "relation:kinesis-data-streams:on-demand->data-firehose",
                  "Amazon Data Firehose polls Amazon Kinesis Data Streams")
    assert not run(C.check_delivery, ("sns:standard", "data-firehose"), **answers).ok


def test_consumers(run):
    out = run(C.check_consumers, "sqs:standard", constraints={"consumers": ["email"]})
    assert_fails(out, "constraints.consumers", "sqs.consumers", "nothing in this design delivers to email")
    out = run(C.check_consumers, "sns:standard", constraints={"consumers": ["email"]})
    assert_passes(out, "constraints.consumers", "sns.consumers", "delivers to email")


def test_consumers_split_across_legs(kb, make_req):
    stream, firehose = Option.parse("kinesis-data-streams:on-demand"), Option.parse("data-firehose")
    tree = Design.of_legs((Leg("lambda", (stream,)), Leg("s3", (stream, firehose))))
    out = C.check_consumers(Context(kb, make_req(constraints={"consumers": ["lambda", "s3"]})), tree)
    r = assert_passes(out, "constraints.consumers", "kinesis-data-streams.consumers")
    assert "delivers to lambda" in r.text and "Data Firehose delivers to s3" in r.text


def test_saas(run):
    out = run(C.check_saas, "data-firehose", constraints={"saas": ["salesforce"]})
    assert_fails(out, "constraints.saas", "data-firehose.saas", "no connector for salesforce")
    out = run(C.check_saas, "appflow", constraints={"saas": ["Salesforce"]})
    assert_passes(out, "constraints.saas", "appflow.saas", "connects to Salesforce")
    out = run(C.check_saas, "sqs:standard", constraints={"saas": ["salesforce"]})
    assert not out.ok and "cannot connect to SaaS" in out.reason.text


def test_a_saas_that_only_receives_is_reached_by_the_service_ending_its_leg(run, kb, make_req):
    """Stripe receives the workflow's calls: the HTTP Task reaches any HTTPS API, so no connector list (and no
    partner event source list) decides; a topic ending the leg reaches no SaaS at all."""
    answers = {"producers": ["application"], "consumers": ["workflow", "saas"], "saas": ["stripe"]}
    out = run(C.check_saas, "step-functions:standard", constraints=answers)
    assert_passes(out, "constraints.saas", "step-functions.standard.calls_any_https_api", "calls stripe")
    out = run(C.check_saas, "sns:standard", constraints=answers)
    assert_fails(out, "constraints.saas", "sns.consumers", "cannot deliver to SaaS")
    # a connector-based delivery must name the product: AppFlow writes to Salesforce, not to Stripe
    out = run(C.check_saas, "appflow", constraints={**answers, "consumers": ["saas"], "saas": ["salesforce"]})
    assert_passes(out, "constraints.saas", "appflow.saas", "through its connectors")
    out = run(C.check_saas, "appflow", constraints={**answers, "consumers": ["saas"]})
    assert_fails(out, "constraints.saas", "appflow.saas", "no connector delivers to stripe")
    # the leg to another consumer is not where the SaaS is judged
    req = make_req(constraints={**answers, "consumers": ["lambda", "saas"]})
    leg = Design.of_legs((Leg("lambda", (Option.parse("sqs:standard"),)),))
    assert C.check_saas(Context(kb, req), leg) is None


def test_a_generic_https_call_to_a_saas_ranks_below_its_own_connector(kb, make_req):
    """Splunk receives device logs: a pipe's API destination can call its HTTP Event Collector, one call per
    event, but Firehose delivers to Splunk through a destination built for it (batches, retries, S3 backup)."""
    ids = ("iot-core", "sqs:standard", "eventbridge:pipes")
    ev = _ranked_to(kb, make_req, "saas", ids,
                    constraints={"producers": ["iot-device"], "consumers": ["saas"], "saas": ["splunk"]})
    items = [t for _w, t in ev.tiers.get("preference", [])]
    assert any("calls splunk through generic HTTPS calls, where Amazon Data Firehose has a connector" in t
               for t in items), items
    ev = _ranked_to(kb, make_req, "saas", ids,
                    constraints={"producers": ["iot-device"], "consumers": ["saas"], "saas": ["stripe"]})
    assert not any("generic HTTPS" in t for _w, t in ev.tiers.get("preference", []))  # no connector for Stripe


def test_a_saas_without_a_partner_source_reaches_the_bus_through_an_inbound_webhook(run):
    out = run(C.check_saas, "eventbridge:bus", constraints={"producers": ["saas"], "saas": ["GitHub"]})
    assert_passes(out, "constraints.saas", "eventbridge.bus.saas_webhooks", "through an inbound webhook")
    assert any("Lambda function URL" in w.text and "security team" in w.text for w in out.watch)
    out = run(C.check_saas, "eventbridge:bus", constraints={"producers": ["saas"], "saas": ["gitlab"]})
    assert_fails(out, "constraints.saas", "eventbridge.bus.saas", "no connector for gitlab")


def test_a_saas_that_sends_still_needs_a_source_connector(run):
    out = run(C.check_saas, "step-functions:standard",
              constraints={"producers": ["saas"], "consumers": ["workflow"], "saas": ["stripe"]})
    assert not out.ok and "cannot connect to SaaS" in out.reason.text


def test_a_workflow_starts_a_flow_that_reads_the_saas_records_itself(kb, make_req):
    """The portal starts the close; its first Task runs the on-demand flow copying Salesforce records to S3.
    Salesforce sends nothing to the workflow: its records enter at the flow."""
    wf, flow = Option.parse("step-functions:standard"), Option.parse("appflow")
    tree = Design.of_legs((Leg("workflow", (wf,)), Leg("s3", (wf, flow))))
    req = make_req(constraints={"producers": ["application", "saas"], "consumers": ["workflow", "s3"],
                                "saas": ["salesforce"]})
    out = C.check_producers(Context(kb, req), tree)
    assert_passes(out, "constraints.producers", "appflow.producers", "records enter at Amazon AppFlow")
    # with Salesforce the only producer nothing would start the workflow
    alone = make_req(constraints={"producers": ["saas"], "consumers": ["workflow", "s3"], "saas": ["salesforce"]})
    assert not C.check_producers(Context(kb, alone), tree).ok
    # the flow needs none of the workflow's data; without a workflow leg, the application's data never reach it
    only_flow = Design.of_legs((Leg("saas", (wf, flow)),))
    portal = make_req(constraints={"producers": ["application"], "consumers": ["saas"], "saas": ["salesforce"]})
    assert_fails(C.check_producers(Context(kb, portal), only_flow), "constraints.producers",
                 "relation:step-functions:standard->appflow", "passes only saas producers' data on to Amazon AppFlow")


def test_a_schedule_that_copies_into_a_sink_must_be_on_the_way_to_it(kb, make_req):
    """A nightly copy of Salesforce records into S3, then a workflow: a scheduled rule on the bus starting the
    workflow moves no records into S3; the flow's own schedule does."""
    answers = {"producers": ["saas"], "consumers": ["s3", "workflow"], "saas": ["salesforce"],
               "schedule": "rate(1 day)"}
    ctx = Context(kb, make_req(constraints=answers))
    bus, wf = Option.parse("eventbridge:bus"), Option.parse("step-functions:standard")
    flow, fh = Option.parse("appflow"), Option.parse("data-firehose")
    by_rule = Design.of_legs((Leg("s3", (bus, fh)), Leg("workflow", (bus, wf))))
    assert_fails(C.check_schedule(ctx, by_rule), "constraints.schedule", "eventbridge.schedule_sends",
                 "sends an event of its own")
    by_flow = Design.of_legs((Leg("s3", (flow,)), Leg("workflow", (flow, bus, wf))))
    assert_passes(C.check_schedule(ctx, by_flow), "constraints.schedule", "appflow.schedule_sends",
                  "moves the saas producers' data")


# ---- operations, protocols, migration ----------------------------------------------------------------


@pytest.mark.parametrize("option, fact", [
    ("mq:rabbitmq", "mq.operations"),
    ("mq:activemq", "mq.operations"),
    ("msk:provisioned", "msk.provisioned.operations"),
])
def test_managed_serverless_excludes_brokers(run, option, fact):
    out = run(C.check_managed, option, constraints={"managed": "serverless"})
    assert_fails(out, "constraints.managed", fact, "you size and operate")


def test_managed_serverless_passes_serverless(run):
    out = run(C.check_managed, "msk:serverless", constraints={"managed": "serverless"})
    assert_passes(out, "constraints.managed", "msk.serverless.operations", "is serverless")
    out = run(C.check_managed, ("sns:standard", "sqs:standard"), constraints={"managed": "serverless"})
    assert_passes(out, "constraints.managed", "sns.operations", "are serverless")
    assert run(C.check_managed, "mq:rabbitmq", constraints={"managed": "any"}) is None


def test_managed_serverless_in_the_engine(make_req, advise):
    result = advise(make_req(constraints={"managed": "serverless"}))
    excluded = {(e.id, e.variant): e.reasons for e in result.excluded}
    for key, fact in ((("mq", "rabbitmq"), "mq.operations"), (("mq", "activemq"), "mq.operations"),
                      (("msk", "provisioned"), "msk.provisioned.operations")):
        assert [(r.requirement, r.fact) for r in excluded[key]] == [("constraints.managed", fact)]
    assert ("msk", "serverless") not in excluded


def test_mqtt_into_sqs_is_refused_citing_sqs_protocols(run):
    out = run(C.check_protocols, "sqs:standard", migration={"protocols": ["mqtt"]})
    r = assert_fails(out, "migration.protocols", "sqs.protocols", "cannot accept MQTT")
    assert "HTTPS" in r.text
    out = run(C.check_protocols, ("iot-core", "sqs:standard"), migration={"protocols": ["mqtt"]})
    assert_passes(out, "migration.protocols", "iot-core.protocols", "speaks MQTT")


def test_mqtt_reaches_sqs_only_behind_an_mqtt_entry(make_req, advise, kb):
    result = advise(make_req(migration={"protocols": ["mqtt"]}))
    assert result.ok
    assert any(o.service == "sqs" for c in result.candidates for o in c.design.path)  # IoT Core -> SQS is fine
    for cand in result.candidates:
        assert "mqtt" in kb.value(cand.design.path[0], "protocols"), cand.design.key
        assert cand.design.path[0].service != "sqs"


def test_migration_rabbitmq_without_code_changes(run):
    asked = {"from": ["rabbitmq"], "code_changes": "none"}
    out = run(C.check_migration, "mq:rabbitmq", migration=asked)
    r = assert_passes(out, "migration.code_changes", "relation:mq:rabbitmq<-rabbitmq", "with no code changes")
    out = run(C.check_migration, "sqs:standard", migration=asked)
    r = assert_fails(out, "migration.code_changes", "relation:sqs:standard<-rabbitmq", "needs allowed code changes")
    assert "none allowed" in r.text
    out = run(C.check_migration, "mq:activemq", migration=asked)
    assert not out.ok and "offers no migration path from rabbitmq" in out.reason.text
    assert run(C.check_migration, "sqs:standard", migration={"from": ["rabbitmq"], "code_changes": "allowed"}) is None


def test_migration_rabbitmq_in_the_engine(make_req, advise):
    result = advise(make_req(migration={"from": ["rabbitmq"], "code_changes": "none"}))
    assert result.ok
    assert [o.id for o in result.recommendation.design.path] == ["mq:rabbitmq"]
    # SQS never enters a design on its own: only behind the RabbitMQ broker
    for cand in result.candidates:
        assert cand.design.path[0].id == "mq:rabbitmq", cand.design.key


def test_migration_ignores_storage_systems_for_messaging(run):
    assert run(C.check_migration, "sqs:standard", migration={"from": ["nfs-server"], "code_changes": "none"}) is None


# ---- storage -----------------------------------------------------------------------------------------


def test_storage_access(run):
    out = run(S.check_access, "storage-gateway:s3-file", concern="storage", storage={"access": ["block"]})
    assert_fails(out, "storage.access", "storage-gateway.s3-file.storage.access", "not block")
    out = run(S.check_access, "storage-gateway:volume-cached", concern="storage", storage={"access": ["block"]})
    assert_passes(out, "storage.access", "storage-gateway.volume-cached.storage.access", "block access")


def test_storage_access_two_kinds_need_two_gateways(run):
    asked = {"access": ["file", "tape"]}
    out = run(S.check_access, "storage-gateway:s3-file", concern="storage", storage=asked)
    assert_fails(out, "storage.access", "storage-gateway.s3-file.storage.access", "not tape")
    out = run(S.check_access, ("storage-gateway:s3-file", "storage-gateway:tape"), concern="storage", storage=asked)
    r = assert_passes(out, "storage.access")
    assert "file access" in r.text and "tape access" in r.text


def test_storage_primary(run):
    out = run(S.check_primary, "storage-gateway:volume-cached", concern="storage", storage={"primary": "on-premises"})
    assert_fails(out, "storage.primary", "storage-gateway.volume-cached.storage.primary", "on premises")
    out = run(S.check_primary, "storage-gateway:volume-stored", concern="storage", storage={"primary": "on-premises"})
    assert_passes(out, "storage.primary", "storage-gateway.volume-stored.storage.primary", "on premises")


def test_storage_low_latency_local(run, kb):
    out = run(S.check_local_latency, "storage-gateway:volume-cached", concern="storage",
              storage={"low_latency_local": True})
    assert_passes(out, "storage.low_latency_local", "storage-gateway.volume-cached.storage.low_latency_local",
                  "local speed")
    patched = with_fact(kb, "storage-gateway:volume-cached", "storage.low_latency_local", False)
    out = run(S.check_local_latency, "storage-gateway:volume-cached", concern="storage", knowledge=patched,
              storage={"low_latency_local": True})
    assert_fails(out, "storage.low_latency_local", "storage-gateway.volume-cached.storage.low_latency_local",
                 "does not serve data at local speed")


def test_storage_protocols(run):
    out = run(S.check_storage_protocols, "storage-gateway:fsx-file", concern="storage",
              migration={"protocols": ["nfs"]})
    assert_fails(out, "migration.protocols", "storage-gateway.fsx-file.protocols", "does not speak NFS")
    out = run(S.check_storage_protocols, "storage-gateway:s3-file", concern="storage",
              migration={"protocols": ["nfs"]})
    assert_passes(out, "migration.protocols", "storage-gateway.s3-file.protocols", "speaks NFS")
    # messaging protocols are not a storage question
    assert run(S.check_storage_protocols, "storage-gateway:s3-file", concern="storage",
               migration={"protocols": ["mqtt"]}) is None


def test_fsx_file_gateway_not_available_to_new_customers(run):
    out = run(S.check_available, "storage-gateway:fsx-file", concern="storage", storage={"access": ["file"]})
    assert_fails(out, "availability", "storage-gateway.fsx-file.available_to_new_customers",
                 "no longer available to new customers")
    assert run(S.check_available, "storage-gateway:s3-file", concern="storage", storage={"access": ["file"]}) is None


def test_fsx_file_gateway_excluded_by_the_engine(make_req, advise):
    result = advise(make_req(storage={"access": ["file"]}, migration={"from": ["smb-server"]}))
    assert result.ok
    assert [o.id for o in result.recommendation.design.path] == ["storage-gateway:s3-file"]
    excluded = {(e.id, e.variant): e.reasons for e in result.excluded}
    assert any(r.requirement == "availability" and r.fact == "storage-gateway.fsx-file.available_to_new_customers"
               for r in excluded[("storage-gateway", "fsx-file")])


def test_storage_migration(run):
    out = run(S.check_storage_migration, "storage-gateway:s3-file", concern="storage",
              migration={"from": ["nfs-server"]})
    assert_passes(out, "migration.from", "relation:storage-gateway:s3-file<-nfs-server", "replaces")
    out = run(S.check_storage_migration, "storage-gateway:volume-cached", concern="storage",
              migration={"from": ["nfs-server"]})
    assert not out.ok and out.reason.requirement == "migration.from"
    assert "cannot replace a NFS file server" in out.reason.text


# ---- backup ------------------------------------------------------------------------------------------


def test_rpo_quarter_hour_for_ebs_needs_continuous_backup_it_lacks(run):
    out = run(S.check_rpo, "backup", concern="backup", backup={"rpo_hours": 0.25, "resources": ["ebs"]})
    r = assert_fails(out, "backup.rpo_hours", "backup.backup.continuous_resources", "not ebs")
    assert "continuous backup" in r.text and "1 hour" in r.text


def test_rpo_quarter_hour_for_rds_passes_with_35_day_watch(run):
    out = run(S.check_rpo, "backup", concern="backup", backup={"rpo_hours": 0.25, "resources": ["rds"]})
    assert_passes(out, "backup.rpo_hours", "backup.backup.continuous", "point-in-time recovery")
    keep = [w for w in out.watch if w.fact == "backup.backup.continuous_retention.max"]
    assert len(keep) == 1 and "35 days" in keep[0].text
    # resources not named: a watch says which resources continuous backup covers
    out = run(S.check_rpo, "backup", concern="backup", backup={"rpo_hours": 0.25})
    assert out.ok and "backup.backup.continuous_resources" in watch_facts(out)


def test_rpo_met_by_scheduled_backups(run):
    out = run(S.check_rpo, "backup", concern="backup", backup={"rpo_hours": 4, "resources": ["ebs"]})
    assert_passes(out, "backup.rpo_hours", "backup.backup.min_frequency", "every 1 hour")


def test_rpo_without_continuous_backup_fails_on_frequency(run, kb):
    patched = with_fact(kb, "backup", "backup.continuous", False)
    out = run(S.check_rpo, "backup", concern="backup", knowledge=patched, backup={"rpo_hours": 0.25})
    assert_fails(out, "backup.rpo_hours", "backup.backup.min_frequency", "at most every 1 hour")


def test_rpo_ebs_gives_no_fit_and_rds_fits(make_req, advise):
    result = advise(make_req(backup={"rpo_hours": 0.25, "resources": ["ebs"]}))
    assert not result.ok
    assert result.conflicts and all("backup.rpo_hours" in c for c in result.conflicts)
    result = advise(make_req(backup={"rpo_hours": 0.25, "resources": ["rds"]}))
    assert result.ok and [o.id for o in result.recommendation.design.path] == ["backup"]
    assert any("35 days" in w.text for w in result.recommendation.watch)


@pytest.mark.parametrize("check, attr, fact, yes, no", [
    (S.check_cross_region, "cross_region", "backup.cross_region", "another Region", "cannot copy backups across Regions"),
    (S.check_cross_account, "cross_account", "backup.cross_account", "another account",
     "cannot copy backups across accounts"),
    (S.check_immutable, "immutable", "backup.immutable", "Vault Lock", "cannot make backups immutable"),
])
def test_backup_flags(run, kb, check, attr, fact, yes, no):
    out = run(check, "backup", concern="backup", backup={attr: True})
    assert_passes(out, f"backup.{attr}", f"backup.{fact}", yes)
    patched = with_fact(kb, "backup", fact, False)
    out = run(check, "backup", concern="backup", knowledge=patched, backup={attr: True})
    assert_fails(out, f"backup.{attr}", f"backup.{fact}", no)
    assert run(check, "backup", concern="backup", backup={attr: False}) is None


def test_immutable_warns_about_the_cooling_off_period(run):
    out = run(S.check_immutable, "backup", concern="backup", backup={"immutable": True})
    [w] = out.watch
    assert w.fact == "backup.vault_lock.cooling_off.min" and "72 hours" in w.text
    assert w.requirement == "backup.immutable"


def test_backup_retention(run, kb):
    out = run(S.check_backup_retention, "backup", concern="backup", backup={"retention_days": 3650})
    assert_passes(out, "backup.retention_days", "backup.backup.retention.max", "3,650 days")
    patched = with_fact(kb, "backup", "backup.retention.max", 30)
    out = run(S.check_backup_retention, "backup", concern="backup", knowledge=patched, backup={"retention_days": 31})
    assert_fails(out, "backup.retention_days", "backup.backup.retention.max", "at most 30 days")


def test_backup_resources(run, kb):
    out = run(S.check_resources, "backup", concern="backup", backup={"resources": ["ebs", "dynamodb"]})
    assert_passes(out, "backup.resources", "backup.backup.resources", "protects ebs, dynamodb")
    patched = with_fact(kb, "backup", "backup.resources", ["ec2", "ebs"])
    out = run(S.check_resources, "backup", concern="backup", knowledge=patched,
              backup={"resources": ["ebs", "dynamodb"]})
    assert_fails(out, "backup.resources", "backup.backup.resources", "does not protect dynamodb")


def test_region_availability(run):
    out = run(C.check_region, "msk:serverless", constraints={"region": "us-west-1"})
    assert_fails(out, "constraints.region", "msk.serverless.regions", "not offered in us-west-1")
    out = run(C.check_region, "msk:serverless", constraints={"region": "eu-west-1"})
    assert_passes(out, "constraints.region", "msk.serverless.regions")
    assert run(C.check_region, "msk:provisioned", constraints={"region": "us-west-1"}) is None


def test_producer_protocols_bind_the_entry(run):
    out = run(C.check_producer_protocols, "sqs:standard", constraints={"protocols": ["mqtt"]})
    assert_fails(out, "constraints.protocols", "sqs.protocols", "cannot accept MQTT")
    out = run(C.check_producer_protocols, ("iot-core", "sqs:standard"), constraints={"protocols": ["mqtt"]})
    assert_passes(out, "constraints.protocols", "iot-core.protocols", "speaks MQTT")


def test_old_protocols_do_not_bind_a_rewrite(run):
    asked = {"from": ["activemq"], "protocols": ["openwire"], "code_changes": "allowed"}
    assert run(C.check_protocols, "sqs:standard", migration=asked) is None
    out = run(C.check_protocols, "sqs:standard", migration={**asked, "code_changes": "none"})
    assert not out.ok


def test_lambda_event_source_mappings_filter_what_they_read(run):
    # the queue filters nothing itself, but Lambda's event source mapping on it does, for Lambda consumers only
    out = run(C.check_filtering, "sqs:standard", constraints={"filtering": True, "consumers": ["lambda"]})
    assert_passes(out, "constraints.filtering", "sqs.lambda_event_filtering", "event source mapping")
    # beside other readers the mapping still filters for the functions; the others are told they get everything
    out = run(C.check_filtering, "sqs:standard", constraints={"filtering": True, "consumers": ["lambda", "container"]})
    assert out.ok and any("the container consumers read every message" in w.text for w in out.watch)
    out = run(C.check_filtering, "sqs:standard", constraints={"filtering": True, "consumers": ["container"]})
    assert not out.ok
