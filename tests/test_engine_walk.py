"""Walking the knowledge graph: which designs exist, how they are named, ranked in tiers, tied, and why
nothing fits."""

from __future__ import annotations

import pytest

from advisor.engine import designs as D
from advisor.engine import walk as W
from advisor.engine.checks import Context
from advisor.engine.ranking import TIERS, WEIGHTS, tier_key
from advisor.engine.result import Design, Leg
from advisor.knowledge.base import Option


def design(*ids: str, concern: str = "messaging") -> Design:
    return Design(tuple(Option.parse(i) for i in ids), concern)


def legs(*spec: tuple[str, str]) -> Design:
    """legs(("lambda", "kinesis-data-streams:on-demand"), ("s3", "kinesis-data-streams:on-demand data-firehose"))"""
    return Design.of_legs(tuple(Leg(k, tuple(Option.parse(i) for i in p.split())) for k, p in spec))


def linked(kb, a: Option, b: Option) -> bool:
    return any(nxt == b for nxt, _rel in kb.adjacency[a])


def ids(result) -> set[str]:
    return {o.id for o in result.recommended_services()}


def ids_of(evaluation) -> set[str]:
    return {o.id for o in evaluation.design.path}


# ---- the designs the walk forms ------------------------------------------------------------------------


def test_paths_are_simple_walks_of_at_most_three_services(kb):
    for entry in kb.options:
        if D.concern_of(kb, entry) != "messaging":
            continue
        for path in D.paths_from(kb, entry):
            assert 1 <= len(path) <= D.MAX_PATH == 3
            assert path[0] == entry and len(set(path)) == len(path)
            for a, b in zip(path, path[1:], strict=False):
                assert linked(kb, a, b), f"{a.id} -> {b.id} is not a relation"


def test_every_leg_ends_where_its_consumer_is_reached_and_branches_only_at_a_fan_out_a_workflow_or_a_notice(
        kb, make_req):
    req = make_req(constraints={"consumers": ["lambda", "s3", "application"]})
    designs = W.messaging_designs(kb, Context(kb, req))
    assert designs and len({d.key for d in designs}) == len(designs)
    trees = [d for d in designs if d.is_tree]
    assert trees, "no design with several legs was formed"
    for d in designs:
        for leg in d.legs:
            if leg.consumer:
                assert leg.consumer in kb.value(leg.end, "consumers"), (d.key, leg.key)
        for leg in d.all_legs:
            assert leg.path[0] == d.entry
        for t in (d for d in trees if d is d):
            for node in t.path:
                nexts = {leg.path[leg.path.index(node) + 1] for leg in t.all_legs
                         if node in leg.path and leg.path.index(node) + 1 < len(leg.path)}
                nexts -= D.status_targets(kb, node)  # a run report beside a flow's delivery copies nothing
                ends_here = any(leg.end == node for leg in t.all_legs)
                if len(nexts) + ends_here > 1:  # a topic copies to each leg; a workflow's steps call each one
                    assert D.fans_out(kb, node) or D.orchestrates(kb, node), (t.key, node.id)


def test_a_flow_branches_only_into_its_status_events_beside_its_delivery(kb):
    """AppFlow lands the records in S3 and its run report reaches the default bus, whose rule starts a workflow;
    it cannot hand the same records to two destinations."""
    flow, bus = Option.parse("appflow"), Option.parse("eventbridge:bus")
    assert bus in D.status_targets(kb, flow)
    notice = (Leg("s3", (flow,)), Leg("workflow", (flow, bus, Option.parse("step-functions:standard"))))
    assert D.is_valid_tree(kb, notice, p2p_answered=False)
    two_copies = (Leg("s3", (flow,)), Leg("redshift", (flow, Option.parse("data-firehose"))))
    assert not D.is_valid_tree(kb, two_copies, p2p_answered=False)


def test_a_queue_cannot_feed_two_legs(kb):
    q = Option.parse("sqs:standard")
    tree = (Leg("lambda", (q,)), Leg("s3", (q, Option.parse("eventbridge:pipes"), Option.parse("data-firehose"))))
    assert not D.is_valid_tree(kb, tree, p2p_answered=False)
    stream = Option.parse("kinesis-data-streams:on-demand")
    ok = (Leg("lambda", (stream,)), Leg("s3", (stream, Option.parse("data-firehose"))))
    assert D.is_valid_tree(kb, ok, p2p_answered=False)


def test_a_workflow_can_feed_two_legs(kb):
    """One execution runs the workflow for its own consumer and calls SNS for the e-mail in a step."""
    sfn, sns = Option.parse("step-functions:standard"), Option.parse("sns:standard")
    assert D.is_valid_tree(kb, (Leg("workflow", (sfn,)), Leg("email", (sfn, sns))), p2p_answered=False)


def test_the_search_is_bounded_and_deterministic(kb, make_req):
    req = make_req(constraints={"consumers": ["lambda", "s3", "application", "http"]})
    first = [d.key for d in W.messaging_designs(kb, Context(kb, req))]
    again = [d.key for d in W.messaging_designs(kb, Context(kb, req))]
    assert first == again
    entries = sum(1 for o in kb.options if D.concern_of(kb, o) == "messaging")
    assert len(first) <= entries * D.LEG_CHOICES_TIED ** 4


def test_the_bound_on_legs_never_falls_between_equals():
    # ranks: (failed requirements, tiers, services, key); only the key separates the third and fourth legs
    ranks = {"a": (0, (0,), 1, "a"), "b": (0, (0,), 2, "b"), "c": (0, (1,), 2, "c"), "d": (0, (1,), 2, "d"),
             "e": (0, (2,), 2, "e")}
    kept = D._best_legs(sorted(ranks), ranks.__getitem__)
    assert kept == ["a", "b", "c", "d"]
    failing = {k: (1, (), v[2], k) for k, v in ranks.items()}
    assert D._best_legs(sorted(failing), failing.__getitem__) == ["a", "b", "c"]


def test_without_consumers_every_simple_path_is_a_design(kb):
    walked = {d.path for d in W.messaging_designs(kb)}
    expected = {p for o in kb.options if D.concern_of(kb, o) == "messaging" for p in D.paths_from(kb, o)}
    assert walked == expected


def test_storage_and_backup_designs(kb, make_req):
    storage = W.storage_designs(kb, make_req(storage={"access": ["file"]}))
    assert {d.key for d in storage} == {o.id for o in kb.options if o.service == "storage-gateway"}
    mixed = W.storage_designs(kb, make_req(storage={"access": ["file", "tape"]}))
    pairs = [d for d in mixed if len(d.path) == 2]
    assert pairs
    for d in pairs:
        assert "file" in kb.value(d.path[0], "storage.access") and "tape" in kb.value(d.path[1], "storage.access")
    assert [d.key for d in W.backup_designs(kb)] == ["backup"]


def test_repeated_storage_access_types_cannot_blow_up_the_search(kb, make_req):
    many = W.storage_designs(kb, make_req(storage={"access": ["block"] * 40 + ["file", "tape"]}))
    assert len(many) <= len(kb.options) + W.MAX_STORAGE_COMBINATIONS


# ---- requirements checked where they apply --------------------------------------------------------------


def test_ordering_for_consumers_with_an_archive_leg_does_not_exclude_the_archive(make_req, advise):
    """Per-key order matters to the Lambda consumers; Firehose to S3 need not order anything."""
    result = advise(make_req(connection={"data": "streaming"},
                             constraints={"ordering": "per-key", "consumers": ["lambda", "s3"]}))
    assert result.ok
    assert ids(result) == {"kinesis-data-streams:on-demand", "data-firehose"}
    by_kind = {leg.consumer: leg for leg in result.recommendation.design.legs}
    assert by_kind["s3"].end.id == "data-firehose" and by_kind["lambda"].end.id == "kinesis-data-streams:on-demand"


def test_push_to_subscribers_is_judged_at_the_topic_that_pushes(make_req, advise):
    result = advise(make_req(connection={"delivery": "push", "distribution": "pubsub"},
                             constraints={"ordering": "per-key", "deduplication": True, "consumers": ["application"]}))
    assert ids(result) == {"sns:fifo", "sqs:fifo"}


def test_a_transfer_that_fetches_on_a_schedule_fits_a_pull_answer(make_req, advise):
    result = advise(make_req(connection={"delivery": "pull"},
                             constraints={"saas": ["Salesforce"], "producers": ["saas"], "consumers": ["s3"],
                                          "schedule": "rate(1 hour)"}))
    assert ids(result) == {"appflow"}


def test_managed_alone_opens_no_messaging_concern(make_req, advise):
    result = advise(make_req(constraints={"managed": "serverless"}, backup={"rpo_hours": 24}))
    assert [o.id for o in result.recommended_services()] == ["backup"]


# ---- ranking in tiers ------------------------------------------------------------------------------------


def test_fitness_outranks_simplicity_for_mqtt_sensors_streaming_into_s3(kb, make_req, advise):
    req = make_req(connection={"data": "streaming"},
                   constraints={"producers": ["iot-device", "on-premises"], "protocols": ["mqtt"],
                                "consumers": ["s3"], "peak_per_second": 2000})
    result = advise(req)
    assert ids(result) == {"iot-core", "data-firehose"}
    ctx = Context(kb, req)
    direct = W.rank_passing(ctx, [W.evaluate(ctx, legs(("s3", "iot-core")))])[0]  # fewer services, wrong tool
    fitness = [t for _w, t in direct.tiers["fitness"]]
    assert any("one s3 object per message" in t for t in fitness)
    assert tier_key(direct) > tier_key(result.recommendation)


def test_firehose_to_an_http_endpoint_says_the_endpoint_must_speak_its_format(kb, make_req):
    req = make_req(constraints={"producers": ["application"], "consumers": ["http"], "peak_per_second": 1000})
    ev = W.evaluate(Context(kb, req), legs(("http", "data-firehose")))
    assert ev.ok
    assert any("must accept it" in w.text and w.source.endswith("httpdeliveryrequestresponse.html") for w in ev.watch)


def test_a_continuous_feed_to_one_http_endpoint_is_traced_as_streaming(make_req, advise):
    """Nothing about individual messages asked, every consumer reached by a delivery stream: batched delivery."""
    result = advise(make_req(connection={"data": "messaging", "distribution": "p2p"},
                             constraints={"producers": ["application"], "consumers": ["http"], "peak_per_second": 1000}))
    assert ids(result) == {"data-firehose"}
    assert any(line.startswith("data kind: ranked as streaming, not messaging") for line in result.trace)
    routed = advise(make_req(connection={"data": "messaging", "distribution": "p2p"},
                             constraints={"producers": ["application"], "consumers": ["http"], "peak_per_second": 1000,
                                          "filtering": True}))
    # filtering asks for a router: a topic's subscription filter or a bus rule; at 1,000/s the bus's API destination
    # needs a quota increase (eventbridge api_destination.throughput.max), an HTTPS subscription does not
    assert ids(routed) == {"sns:standard"}
    assert any("API destination" in t for c in routed.candidates if ids_of(c) == {"eventbridge:bus"}
               for _w, t in c.tiers.get("simplicity", []))


def test_a_direct_s3_rule_warns_about_objects_per_message(kb, make_req):
    req = make_req(constraints={"producers": ["iot-device"], "consumers": ["s3"], "peak_per_second": 2000})
    ev = W.evaluate(Context(kb, req), legs(("s3", "iot-core")))
    assert ev.ok
    assert any("172,800,000 objects a day" in w.text for w in ev.watch)


def test_managed_brokers_are_not_operated_when_the_team_accepts_managed(make_req, advise):
    req = make_req(migration={"from": ["activemq"], "protocols": ["jms", "openwire"]}, constraints={"managed": "managed"})
    result = advise(req)
    assert ids(result) == {"mq:activemq"}
    assert not any("brokers" in t for _w, t in result.recommendation.tiers.get("simplicity", []))


def test_a_migration_that_keeps_its_clients_ranks_on_fitness(kb, make_req, advise):
    req = make_req(migration={"from": ["kafka"]})
    result = advise(req)
    assert result.recommendation.design.entry.service == "msk"
    assert "preference" not in result.recommendation.tiers  # a Kafka estate answers "streaming" by itself
    ctx = Context(kb, req)
    kinesis = W.evaluate(ctx, design("kinesis-data-streams:on-demand"))
    W.rank_passing(ctx, [kinesis])
    assert any("rewriting" in t for _w, t in kinesis.tiers["fitness"])


def test_unasked_ordering_costs_fifo_a_preference(kb, make_req, advise):
    req = make_req(connection={"distribution": "p2p"}, constraints={"consumers": ["application"]})
    assert advise(req).recommendation.design.key == "sqs:standard"
    ctx = Context(kb, req)
    fifo = W.rank_passing(ctx, [W.evaluate(ctx, legs(("application", "sqs:fifo")))])[0]
    assert any("ordering and deduplication that were not asked for" in t for _w, t in fifo.tiers["preference"])


def test_many_producers_and_consumers_meeting_at_one_router_is_an_event_bus(kb, make_req, advise):
    """SNS filter policies meet the same answers; routing many sources to many targets is what a bus is for."""
    answers = {"connection": {"data": "messaging", "completion": "async", "distribution": "pubsub"},
               "constraints": {"filtering": True, "producers": ["application"], "consumers": ["lambda"]}}
    assert ids(advise(make_req(**answers))) == {"sns:standard"}  # the documented default for application fan-out
    answers["constraints"]["many_to_many"] = True
    req = make_req(**answers)
    assert ids(advise(req)) == {"eventbridge:bus"}
    ctx = Context(kb, req)
    topic = W.rank_passing(ctx, [W.evaluate(ctx, legs(("lambda", "sns:standard")))])[0]
    assert any("many sources to many targets" in t for _w, t in topic.tiers["fitness"])


def test_a_short_idempotent_workflow_is_express(kb, make_req, advise):
    """Without a rate, Standard is the documented default; idempotent steps do not need its exactly-once runs."""
    answers = {"constraints": {"workflow": "orchestration", "workflow_minutes": 0.05, "producers": ["application"],
                               "consumers": ["lambda"]}}
    assert ids(advise(make_req(**answers))) == {"step-functions:standard"}
    answers["constraints"]["idempotent"] = True
    req = make_req(**answers)
    assert ids(advise(req)) == {"step-functions:express"}
    ctx = Context(kb, req)
    standard = W.rank_passing(ctx, [W.evaluate(ctx, legs(("lambda", "step-functions:standard")))])[0]
    assert any("exactly once" in t for _w, t in standard.tiers["preference"])
    answers["constraints"]["deduplication"] = True  # never twice: only Standard passes
    assert ids(advise(make_req(**answers))) == {"step-functions:standard"}


def test_candidates_are_sorted_by_tiers_and_json_carries_them(make_req, advise):
    result = advise(make_req(connection={"distribution": "pubsub"}, constraints={"consumers": ["application"]}))
    keys = [tier_key(c) for c in result.candidates]
    assert keys[1:] == sorted(keys[1:]) and all(keys[0] <= k for k in keys)
    data = result.as_json()
    for cand in data["candidates"]:
        assert set(cand["tiers"]) <= set(TIERS)
        assert all(set(i) == {"weight", "text"} for items in cand["tiers"].values() for i in items)
        assert cand["legs"] and all(leg["services"] for leg in cand["legs"])


def test_weights_live_in_one_table():
    """Every ranking item is named in WEIGHTS, and every weight is used."""
    import inspect
    import re

    from advisor.engine import ranking

    used = set(re.findall(r'add\("(?:fitness|preference|simplicity)", "([a-z_]+)"', inspect.getsource(ranking)))
    assert used == set(WEIGHTS)


# ---- quotas and workarounds ------------------------------------------------------------------------------


def test_an_adjustable_quota_is_a_quota_increase_not_an_exclusion(kb, make_req):
    req = make_req(connection={"distribution": "pubsub"},
                   constraints={"peak_per_second": 40000, "region": "af-south-1", "consumers": ["lambda"]})
    ev = W.evaluate(Context(kb, req), legs(("lambda", "sns:standard")))
    assert ev.ok
    quota = [w for w in ev.watch if w.kind == "quota"]
    assert quota and "request a quota increase" in quota[0].text and quota[0].fact.startswith("sns.")


def test_a_hard_byte_rate_at_the_largest_size_is_weighed_not_excluded(kb, make_req):
    # message_kib is the largest message: peak x largest only bounds the byte rate, so a hard byte ceiling below
    # it ranks the design lower (fitness) instead of excluding it
    from advisor.engine.ranking import rank

    req = make_req(constraints={"peak_per_second": 300, "message_kib": 1024})
    ctx = Context(kb, req)
    ev = W.evaluate(ctx, design("msk:serverless"))
    assert ev.ok
    [bound] = [w for w in ev.watch if w.kind == "bound"]
    assert bound.fact == "msk.serverless.throughput_bytes.max" and "measure the real byte rate" in bound.text
    rank(ctx, ev)
    assert any("at the largest message size is above a byte ceiling" in t for _, t in ev.tiers["fitness"])
    small = W.evaluate(Context(kb, make_req(constraints={"peak_per_second": 300, "message_kib": 64})),
                       design("msk:serverless"))
    assert not [w for w in small.watch if w.kind == "bound"]


def test_direct_put_quotas_do_not_apply_to_a_stream_feeding_firehose(kb, make_req):
    req = make_req(constraints={"peak_per_second": 5000, "message_kib": 2, "consumers": ["s3"]})
    fed = W.evaluate(Context(kb, req), legs(("s3", "kinesis-data-streams:on-demand data-firehose")))
    direct = W.evaluate(Context(kb, req), legs(("s3", "data-firehose")))
    assert not [w for w in fed.watch if w.kind == "quota"]
    assert [w for w in direct.watch if w.kind == "quota"]


def test_large_payloads_use_the_claim_check_pattern(kb, make_req):
    big = make_req(constraints={"message_kib": 4096})
    ev = W.evaluate(Context(kb, big), design("sqs:standard"))
    assert ev.ok
    w = next(w for w in ev.watch if w.kind == "workaround")
    assert w.fact == "workaround:sqs-claim-check" and w.source.startswith("https://")
    too_big = make_req(constraints={"message_kib": 3 * 1024 * 1024})
    assert not W.evaluate(Context(kb, too_big), design("sqs:standard")).ok


def test_priority_uses_a_queue_per_priority(kb, make_req):
    ev = W.evaluate(Context(kb, make_req(constraints={"priority": True})), design("sqs:standard"))
    assert ev.ok and any(w.fact == "workaround:queue-per-priority" for w in ev.watch)
    assert not W.evaluate(Context(kb, make_req(constraints={"priority": True})), design("sns:standard")).ok


# ---- ties ------------------------------------------------------------------------------------------------


def test_a_documented_default_settles_a_tie_and_says_so(make_req, advise):
    result = advise(make_req(constraints={"workflow": "orchestration", "consumers": ["lambda"]}))
    assert ids(result) == {"step-functions:standard"}
    tie = result.ties[0]
    assert tie.documented and tie.rule == "step-functions-standard-default"
    assert "step-functions:express" in tie.others and tie.source.startswith("https://docs.aws.amazon.com/")
    assert result.as_json()["ties"][0]["documented"] is True


def test_an_undocumented_tie_names_the_deciding_question(make_req, advise):
    result = advise(make_req())
    tie = result.ties[0]
    assert not tie.documented and tie.deciding_question
    chosen = {d for _a, d in tie.answers}
    assert len(chosen) > 1  # the answers really choose different designs


def test_no_tie_break_rule_without_a_tie(kb, make_req, advise):
    result = advise(make_req(connection={"distribution": "p2p"}, constraints={"ordering": "per-key",
                                                                             "consumers": ["application"]}))
    assert ids(result) == {"sqs:fifo"}
    assert all(t.chosen != "sqs:fifo" or t.documented for t in result.ties)


def test_settle_falls_back_deterministically_when_no_rule_applies(kb, make_req):
    bare = kb.model_copy(update={"tie_breaks": []})
    req = make_req(constraints={"workflow": "orchestration", "consumers": ["lambda"]})
    result = W.recommend(req, bare)
    tie = result.ties[0]
    assert not tie.documented and tie.chosen == result.recommendation.design.key


# ---- naming the conflicts --------------------------------------------------------------------------------


def _without(make_req, req, keys):
    data = req.to_data()
    for key in keys:
        section, _, name = key.partition(".")
        data[section].pop(name)
    data.pop("version")
    return make_req(**data)


@pytest.mark.parametrize("sections", [
    {"constraints": {"ordering": "global", "consumers": ["http"]}, "connection": {"distribution": "pubsub"}},
    {"connection": {"completion": "sync"}, "constraints": {"replay": True, "ordering": "global"}},
    {"constraints": {"message_kib": 9 * 1024 * 1024, "retention_days": 400}},
])
def test_each_named_conflict_is_a_smallest_set_whose_removal_lets_a_design_fit(make_req, advise, sections):
    req = make_req(**sections)
    result = advise(req)
    assert not result.ok and result.conflicts
    sizes = set()
    for text in result.conflicts:
        keys = text.split(" (without ")[0].split(" + ")
        sizes.add(len(keys))
        assert advise(_without(make_req, req, keys)).ok, keys
        assert "would fit:" in text and "[None]" not in text
    assert len(sizes) == 1


def test_conflicts_reuse_the_evaluations(kb, make_req, monkeypatch):
    """Naming conflicts evaluates nothing again: it costs what a recommendation costs."""
    req = make_req(constraints={"ordering": "global"}, connection={"distribution": "pubsub"})
    ctx = Context(kb, req)
    evals = [W.evaluate(ctx, d) for d in W.messaging_designs(kb, ctx)]
    monkeypatch.setattr(W, "evaluate", lambda *a, **k: pytest.fail("evaluated again"))
    assert W._conflicts(kb, req, "messaging", evals)


def test_ignored_requirements_are_skipped_by_evaluate(kb, make_req):
    req = make_req(constraints={"ordering": "global"})
    d = design("sqs:standard")
    assert not W.evaluate(Context(kb, req), d).ok
    assert W.evaluate(Context(kb, req, frozenset({"constraints.ordering"})), d).ok


# ---- naming --------------------------------------------------------------------------------------------


def test_patterns_name_each_leg(kb, make_req):
    ctx = Context(kb, make_req())
    assert W.evaluate(ctx, design("sns:standard", "sqs:standard")).pattern_id == "sns-sqs-fanout"
    assert W.evaluate(ctx, design("sns:fifo", "sqs:fifo")).pattern_id == "sns-fifo-sqs-fifo-fanout"
    ev = W.evaluate(ctx, design("sns:fifo", "sqs:standard"))
    assert ev.pattern_id == "sns-fifo-to-sqs-standard"
    tree = W.evaluate(ctx, legs(("lambda", "kinesis-data-streams:on-demand"),
                                ("s3", "kinesis-data-streams:on-demand data-firehose")))
    assert "+" in tree.pattern_id and " with " in tree.pattern_name


def test_every_named_pattern_is_a_path_the_engine_can_find(kb, make_req):
    designs = W.messaging_designs(kb) + W.backup_designs(kb) + W.storage_designs(kb, make_req())
    for pat in kb.patterns:
        assert [d for d in designs if kb.pattern_for(d.path) is pat], f"pattern {pat.id} names no walkable design"


def test_the_trace_explains_every_single_service_verdict(make_req, advise, kb):
    result = advise(make_req(constraints={"ordering": "per-key"}))
    singles = {o.id for o in kb.options if W.concern_of(kb, o) == "messaging"}
    mentioned = {line.split()[1].rstrip(":") for line in result.trace if line.startswith(("  pass", "  fail"))}
    assert singles <= mentioned
    assert any("fail  sqs:standard: constraints.ordering" in line for line in result.trace)
