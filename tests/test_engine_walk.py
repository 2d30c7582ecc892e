"""Walking the knowledge graph: which designs exist, how they are named, ranked, and why nothing fits."""

from __future__ import annotations

from itertools import pairwise, permutations

import pytest

from advisor.engine import walk as W
from advisor.engine.checks import Context
from advisor.engine.result import Design
from advisor.knowledge.base import Option


def design(*ids: str, concern: str = "messaging") -> Design:
    return Design(tuple(Option.parse(i) for i in ids), concern)


def linked(kb, a: Option, b: Option) -> bool:
    return any(nxt == b for nxt, _rel in kb.adjacency[a])


# ---- the designs the walk finds ------------------------------------------------------------------------


def test_messaging_designs_are_simple_paths_of_at_most_three_services(kb):
    designs = W.messaging_designs(kb)
    assert designs
    for d in designs:
        assert 1 <= len(d.path) <= W.MAX_PATH == 3
        services = [o.service for o in d.path]
        assert len(services) == len(set(services)), d.key  # never the same service twice (not even a variant)
        for a, b in zip(d.path, d.path[1:]):
            assert linked(kb, a, b), f"{a.id} -> {b.id} is not a relation"
        assert all(W.concern_of(kb, o) == "messaging" for o in d.path)
        assert d.concern == "messaging"
    keys = [d.key for d in designs]
    assert len(keys) == len(set(keys))


def test_messaging_designs_are_every_such_path(kb):
    """The walk misses no path: compare with every ordered choice of 1-3 messaging options."""
    opts = [o for o in kb.options if W.concern_of(kb, o) == "messaging"]
    expected = set()
    for n in (1, 2, 3):
        for path in permutations(opts, n):
            if len({o.service for o in path}) == n and all(linked(kb, a, b) for a, b in pairwise(path)):
                expected.add(path)
    assert {d.path for d in W.messaging_designs(kb)} == expected
    assert any(len(p) == 3 for p in expected)


def test_alternative_and_migration_edges_are_not_walked(kb):
    for edges in kb.adjacency.values():
        assert all(rel.type not in ("migrates-from", "alternative-to") for _n, rel in edges)
    # mq is an alternative to sqs, not connected to it
    assert not linked(kb, Option("mq", "rabbitmq"), Option("sqs", "standard"))


def test_storage_and_backup_designs(kb, make_req):
    storage = W.storage_designs(kb, make_req(storage={"access": ["file"]}))
    assert {d.key for d in storage} == {o.id for o in kb.options if o.service == "storage-gateway"}
    assert all(d.concern == "storage" and len(d.path) == 1 for d in storage)
    mixed = W.storage_designs(kb, make_req(storage={"access": ["file", "tape"]}))
    pairs = [d for d in mixed if len(d.path) == 2]
    assert pairs
    for d in pairs:
        assert "file" in kb.value(d.path[0], "storage.access") and "tape" in kb.value(d.path[1], "storage.access")
    assert [d.key for d in W.backup_designs(kb)] == ["backup"]


def test_every_candidate_of_a_result_is_a_walked_path(make_req, advise, kb):
    walked = {d.path for d in W.messaging_designs(kb)}
    for req in (make_req(connection={"distribution": "pubsub"}, constraints={"consumers": ["application"]}),
                make_req(constraints={"producers": ["iot-device"], "consumers": ["s3", "lambda"]}),
                make_req(constraints={"workflow": "orchestration", "producers": ["schedule"]})):
        result = advise(req)
        assert result.ok
        for cand in result.candidates:
            assert cand.design.path in walked


# ---- named patterns -------------------------------------------------------------------------------------


def test_sns_standard_to_sqs_standard_is_the_fanout_pattern(kb, make_req):
    ev = W.evaluate(Context(kb, make_req()), design("sns:standard", "sqs:standard"))
    assert ev.pattern_id == "sns-sqs-fanout"
    assert ev.pattern_name == kb.pattern_for(ev.design.path).name
    assert ev.summary == kb.pattern_for(ev.design.path).summary.strip()


def test_the_most_specific_pattern_wins(kb, make_req):
    ctx = Context(kb, make_req())
    assert W.evaluate(ctx, design("sns:fifo", "sqs:fifo")).pattern_id == "sns-fifo-sqs-fifo-fanout"
    # a pattern step without a variant matches every variant
    assert W.evaluate(ctx, design("eventbridge:bus", "sqs:fifo")).pattern_id == "eventbridge-routing-to-queues"
    assert W.evaluate(ctx, design("msk:serverless")).pattern_id == "msk-streaming"


def test_unnamed_paths_get_a_generated_name(kb, make_req):
    ev = W.evaluate(Context(kb, make_req()), design("sns:fifo", "sqs:standard"))
    assert kb.pattern_for(ev.design.path) is None
    assert ev.pattern_id == "sns-fifo-to-sqs-standard"
    assert ev.pattern_name == "Amazon SNS (FIFO topic) → Amazon SQS (Standard queue)"


def test_every_named_pattern_is_a_path_the_engine_can_find(kb, make_req):
    designs = W.messaging_designs(kb) + W.backup_designs(kb) + W.storage_designs(kb, make_req())
    for pat in kb.patterns:
        matches = [d for d in designs if kb.pattern_for(d.path) is pat]
        assert matches, f"pattern {pat.id} names no walkable design"


def test_fanout_requirements_recommend_the_named_pattern(make_req, advise):
    asked = {"connection": {"distribution": "pubsub", "delivery": "pull"},
             "constraints": {"consumers": ["application"], "filtering": True}}
    result = advise(make_req(**asked))
    assert result.ok
    by_pattern = {c.pattern_id: c for c in result.candidates}
    fanout = by_pattern["sns-sqs-fanout"]
    assert [o.id for o in fanout.design.path] == ["sns:standard", "sqs:standard"]
    assert (W.NAMED_PATTERN, "a documented AWS pattern") in fanout.adjustments
    # with a peak, headroom under SNS's higher quota puts the fan-out first
    asked["constraints"]["peak_per_second"] = 1200
    result = advise(make_req(**asked))
    assert result.recommendation.pattern_id == "sns-sqs-fanout"


# ---- ranking, explained ----------------------------------------------------------------------------------


def test_alternatives_carry_their_score_adjustments(make_req, advise):
    result = advise(make_req(connection={"distribution": "pubsub"}, constraints={"consumers": ["application"]}))
    data = result.as_json()
    assert data["candidates"]
    rec_score = result.recommendation.score
    for cand in data["candidates"]:
        adj = cand["score_adjustments"]
        assert all(set(a) == {"delta", "text"} and a["text"] for a in adj)
        assert cand["score"] == pytest.approx(100 + sum(a["delta"] for a in adj))
        assert cand["score"] <= rec_score
    two = [c for c in data["candidates"] if len(c["services"]) == 2]
    assert two and all({"delta": W.EXTRA_SERVICE, "text": "2 services to connect and operate"}
                       in c["score_adjustments"] for c in two)


def test_operated_brokers_rank_below_serverless(make_req, advise):
    result = advise(make_req(connection={"data": "messaging", "distribution": "p2p"},
                             constraints={"consumers": ["application"]}))
    by_key = {c.design.key: c for c in result.candidates}
    mq = by_key.get("mq:rabbitmq") or by_key.get("mq:activemq")
    assert mq is not None
    assert any(d == W.OPERATED for d, _ in mq.adjustments)
    assert result.recommendation.score > mq.score
    assert all(o.service != "mq" for o in result.recommendation.design.path)


def test_unasked_ordering_costs_fifo_its_rank(make_req, advise):
    result = advise(make_req(connection={"distribution": "p2p"}, constraints={"consumers": ["application"]}))
    by_key = {c.design.key: c for c in result.candidates}
    assert (W.UNASKED_ORDERING, "Amazon SQS (FIFO queue) pays for ordering and deduplication that were not asked for") \
        in by_key["sqs:fifo"].adjustments
    assert by_key["sqs:standard"].score > by_key["sqs:fifo"].score


def test_keeping_existing_clients_is_rewarded(make_req, advise):
    result = advise(make_req(migration={"from": ["kafka"], "code_changes": "minimal"}))
    assert result.recommendation.design.path[0].service == "msk"
    assert any(d == W.KEEPS_CLIENTS for d, _ in result.recommendation.adjustments)
    kinesis = [c for c in result.candidates if c.design.path[0].service == "kinesis-data-streams"]
    assert all(not any(d == W.KEEPS_CLIENTS for d, _ in c.adjustments) for c in kinesis)


def test_ties_break_on_path_length_then_key(kb, make_req):
    ctx = Context(kb, make_req())
    evs = [W.evaluate(ctx, d) for d in W.messaging_designs(kb)]
    for ev in evs:
        ev.score = 100.0  # force ties
    ordered = sorted(evs, key=W._rank_key)
    assert [len(e.design.path) for e in ordered] == sorted(len(e.design.path) for e in evs)
    ones = [e.design.key for e in ordered if len(e.design.path) == 1]
    assert ones == sorted(ones)


def test_the_trace_explains_every_single_service_verdict(make_req, advise, kb):
    result = advise(make_req(constraints={"ordering": "per-key"}))
    singles = {o.id for o in kb.options if W.concern_of(kb, o) == "messaging"}
    mentioned = {line.split()[1] for line in result.trace if line.startswith(("  pass", "  fail"))}
    assert singles <= {m.rstrip(":") for m in mentioned}
    assert any("fail  sqs:standard: constraints.ordering" in line for line in result.trace)


def test_headroom_bonus_prefers_more_room(kb, make_req):
    ctx = Context(kb, make_req(constraints={"peak_per_second": 100, "region": "us-east-1"}))
    bonus, _ = W._headroom(ctx, design("sqs:standard").path)
    assert bonus == W.HEADROOM_MAX  # unlimited
    ctx_high = Context(kb, make_req(constraints={"peak_per_second": 20000, "region": "us-east-1"}))
    low, _ = W._headroom(ctx_high, design("sns:standard").path)
    assert 0 <= low < W.HEADROOM_MAX


# ---- naming the conflicts --------------------------------------------------------------------------------


def _asked_keys(req) -> set[str]:
    return {f"{s}.{k}" for s, sec in req.to_data().items() if isinstance(sec, dict) for k in sec}


def _without(make_req, req, keys) -> object:
    data = req.to_data()
    for key in keys:
        section, _, name = key.partition(".")
        data[section].pop(name)
    data.pop("version")
    return make_req(**data)


def test_conflicts_needing_two_relaxations_name_pairs(make_req, advise):
    req = make_req(connection={"data": "streaming"}, constraints={"ordering": "global", "priority": True})
    result = advise(req)
    assert not result.ok
    asked = _asked_keys(req)
    # no single requirement is to blame ...
    for key in asked:
        assert not advise(_without(make_req, req, [key])).ok, key
    # ... so each conflict is a pair, and dropping that pair lets a design through
    pairs = [c.split(" (without ")[0].split(" + ") for c in result.conflicts]
    assert sorted(map(sorted, pairs)) == [["connection.data", "constraints.ordering"],
                                          ["connection.data", "constraints.priority"],
                                          ["constraints.ordering", "constraints.priority"]]
    for pair, text in zip(pairs, result.conflicts):
        assert advise(_without(make_req, req, pair)).ok, pair
        assert "would fit:" in text
        # the detail cites the facts that block the design that would fit
        assert text.count("[") == 2 and "[None]" not in text


def test_conflicts_with_one_relaxation_name_single_keys(make_req, advise):
    req = make_req(constraints={"ordering": "global"}, connection={"distribution": "pubsub"})
    result = advise(req)
    assert not result.ok
    named = sorted(c.split(" (without ")[0] for c in result.conflicts)
    assert named == ["connection.distribution", "constraints.ordering"]
    for key in named:
        assert advise(_without(make_req, req, [key])).ok


def test_conflicts_beyond_two_relaxations_list_every_failing_key(make_req, advise):
    req = make_req(connection={"data": "streaming", "completion": "sync"},
                   constraints={"ordering": "global", "priority": True})
    result = advise(req)
    assert not result.ok
    assert sorted(result.conflicts) == sorted(_asked_keys(req))


def test_conflicts_helper_directly(kb, make_req):
    req = make_req(connection={"data": "streaming"}, constraints={"ordering": "global", "priority": True})
    ctx = Context(kb, req)
    evals = [W.evaluate(ctx, d) for d in W.messaging_designs(kb)]
    assert not any(e.ok for e in evals)
    assert W._conflicts(kb, req, "messaging", evals) == W.recommend(req, kb).conflicts


def test_ignored_requirements_are_skipped_by_evaluate(kb, make_req):
    req = make_req(constraints={"ordering": "global"})
    d = design("sqs:standard")
    assert not W.evaluate(Context(kb, req), d).ok
    assert W.evaluate(Context(kb, req, frozenset({"constraints.ordering"})), d).ok
