"""Properties of the engine over generated requirements.

The strategy is built from the Literal types of advisor/requirements.py (so a new choice in the contract is
generated without touching this file) plus numbers around the figures that decide things (1 MiB, 14 days,
15 minutes, ...) and anywhere else in the allowed range. A requirements set answers a few keys at a time:
that is how people fill in the interview, and it keeps the conflict search (which retries every design
without each pair of failing requirements) fast enough to run 150 examples per property.
"""

from __future__ import annotations

import re
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import advisor.requirements as R
from advisor.api import knowledge
from advisor.engine.checks import Context
from advisor.engine.ranking import tier_key
from advisor.engine.walk import evaluate, recommend

KB = knowledge()  # one load for the module; hypothesis cannot take function-scoped fixtures


def lit(tp) -> list[Any]:
    return list(get_args(tp))


def one_or_more(tp, max_size: int = 3):
    return st.lists(st.sampled_from(lit(tp)), min_size=1, max_size=max_size, unique=True)


def number(boundaries: list[float], lo: float, hi: float, *, exclusive_lo: bool = False):
    """Values at and around the deciding figures, or anywhere in the range the contract allows."""
    return st.one_of(
        st.sampled_from(boundaries),
        st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False, exclude_min=exclusive_lo),
        st.integers(min_value=int(lo) + (1 if exclusive_lo else 0), max_value=int(hi)).map(float),
    )


REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-west-2", "us-east-2", "ap-south-1", "af-south-1"]

# (section, key) -> strategy of the answer. Literal choices come from the contract's types.
ANSWERS: dict[tuple[str, str], st.SearchStrategy] = {
    ("connection", "data"): st.sampled_from(lit(R.Data)),
    ("connection", "completion"): st.sampled_from(lit(R.Completion)),
    ("connection", "delivery"): st.sampled_from(lit(R.Delivery)),
    ("connection", "distribution"): st.sampled_from(lit(R.Distribution)),
    ("constraints", "ordering"): st.sampled_from(lit(R.Ordering)),
    ("constraints", "deduplication"): st.booleans(),
    ("constraints", "peak_per_second"): number([0, 1, 300, 3000, 3001, 24000, 24001, 30000, 700000, 1e7, 2e7 + 1],
                                               0, 5e7),
    ("constraints", "message_kib"): number([1, 128, 256, 257, 1000, 1024, 1025, 8192, 10240, 10241, 131072], 0, 2e6,
                                           exclusive_lo=True),
    ("constraints", "retention_days"): number([0, 1, 4, 7, 14, 15, 35, 365, 366, 10000], 0, 20000),
    ("constraints", "replay"): st.booleans(),
    ("constraints", "processing_minutes"): number([0, 1, 5, 6, 15, 16, 720, 721], 0, 10**6),
    ("constraints", "delay_seconds"): number([0, 1, 300, 301, 900, 901, 10**8], 0, 10**9),
    ("constraints", "filtering"): st.booleans(),
    ("constraints", "priority"): st.booleans(),
    ("constraints", "consumer_buffer"): st.booleans(),
    ("constraints", "many_to_many"): st.booleans(),
    ("constraints", "idempotent"): st.booleans(),
    ("constraints", "routing_features"): one_or_more(R.RoutingFeature, 2),
    ("constraints", "producers"): one_or_more(R.Producer),
    ("constraints", "source_services"): one_or_more(R.SourceService, 2),
    ("constraints", "starts_from"): one_or_more(R.StartsFrom, 2),
    ("constraints", "consumers"): one_or_more(R.Consumer),
    ("constraints", "saas"): st.lists(st.sampled_from(["salesforce", "Zendesk", "splunk", "slack", "datadog",
                                                       "no-such-crm"]), min_size=1, max_size=2, unique=True),
    ("constraints", "schedule"): st.sampled_from(["rate(1 hour)", "cron(0 2 * * ? *)"]),
    ("constraints", "workflow"): st.sampled_from(lit(R.Workflow)),
    ("constraints", "workflow_minutes"): number([1, 5, 6, 60, 525600, 525601], 0, 10**7, exclusive_lo=True),
    ("constraints", "managed"): st.sampled_from(lit(R.Managed)),
    ("constraints", "protocols"): one_or_more(R.Protocol, 2),
    ("constraints", "average_per_second"): st.floats(0, 1e6, allow_nan=False),
    ("storage", "data_gib"): st.floats(0, 1e6, allow_nan=False),
    ("backup", "data_gib"): st.floats(0, 1e6, allow_nan=False),
    ("constraints", "region"): st.sampled_from(REGIONS),
    ("migration", "from"): one_or_more(R.MigrationFrom, 2),
    ("migration", "protocols"): one_or_more(R.Protocol, 2),
    ("migration", "code_changes"): st.sampled_from(lit(R.CodeChanges)),
    ("storage", "access"): one_or_more(R.Access),
    ("storage", "primary"): st.sampled_from(lit(R.Primary)),
    ("storage", "low_latency_local"): st.booleans(),
    ("backup", "rpo_hours"): number([0.25, 1, 1.5, 24], 0, 1000, exclusive_lo=True),
    ("backup", "retention_days"): number([1, 35, 36, 36500], 0, 10**5, exclusive_lo=True),
    ("backup", "cross_region"): st.booleans(),
    ("backup", "cross_account"): st.booleans(),
    ("backup", "immutable"): st.booleans(),
    ("backup", "resources"): one_or_more(R.Resource),
}


def _contract_keys() -> set[tuple[str, str]]:
    out = set()
    for section, model in (("connection", R.Connection), ("constraints", R.Constraints),
                           ("migration", R.Migration), ("storage", R.Storage), ("backup", R.Backup)):
        out |= {(section, f.alias or n) for n, f in model.model_fields.items()}
    return out


def test_the_strategy_answers_every_key_of_the_contract():
    assert set(ANSWERS) == _contract_keys()


@st.composite
def requirements(draw, max_keys: int = 5):
    keys = draw(st.lists(st.sampled_from(sorted(ANSWERS)), max_size=max_keys, unique=True))
    data: dict[str, Any] = {"version": 1, "name": "generated"}
    for section, key in keys:
        data.setdefault(section, {})[key] = draw(ANSWERS[(section, key)])
    c = data.get("constraints", {})
    if c.get("source_services") and "producers" in c and "aws-service" not in c["producers"]:
        c["producers"] = [*c["producers"], "aws-service"]  # the model refuses AWS sources that are not producers
    if draw(st.integers(0, 9)) == 0:  # an empty section still asks for that concern
        data.setdefault(draw(st.sampled_from(["storage", "backup"])), {})
    return R.parse_requirements(data)


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---- never crashes; conflicts are named ------------------------------------------------------------------


@PROPERTY
@given(requirements())
def test_never_crashes_and_names_conflicts(req):
    result = recommend(req, KB)
    from advisor.engine.result import Result

    assert isinstance(result, Result)
    if result.ok:
        assert result.recommendation is not None and result.conflicts == []
        assert result.candidates and result.candidates[0] is result.recommendation
    else:
        assert result.recommendation is None and result.supplements == []
        assert result.conflicts, "no design fits, yet no requirement is named"
        asked = {f"{s}.{k}" for s, sec in req.to_data().items() if isinstance(sec, dict) for k in sec}
        asked.add("availability")  # the one requirement nobody asks: a gateway must still be sold
        for conflict in result.conflicts:
            named = conflict.split(" (without ")[0].split(" + ")
            assert all(n in asked for n in named), (conflict, asked)


# ---- deterministic -------------------------------------------------------------------------------------


@PROPERTY
@given(requirements())
def test_same_input_same_output(req):
    first = recommend(req, KB).as_json()
    again = recommend(R.parse_requirements(req.to_data()), KB).as_json()
    assert first == again


# ---- exclusions carry cited reasons ---------------------------------------------------------------------

# A failing check cites the fact that decided it. When the knowledge holds nothing to cite, because the
# failure is an *absence* (no option states `schedule: false`, no migrates-from edge exists, no `delay.max`
# is published), the reason carries neither fact nor source. The property allows that only where the
# knowledge really lacks the fact the check reads: a cite-able fact that goes uncited fails it.
ABSENT_ON_ENTRY = {"constraints.schedule": "schedule", "constraints.priority": "priority",
                   "constraints.workflow": "orchestration"}  # _any_node-style checks cite the entry's fact
ABSENT_EVERYWHERE = {"constraints.delay_seconds": "delay.max", "constraints.saas": "saas"}
ABSENT_SOMEWHERE = {"constraints.deduplication": "deduplication"}

FACT_SOURCES: dict[str, str] = {}
for _opt in KB.options:
    for _name in KB.facts_of(_opt):
        _ref = KB.fact(_opt, _name)
        FACT_SOURCES[_ref.id] = _ref.source
for _node, _ep in KB.endpoints.items():
    for _name, _fact in _ep.facts.items():
        FACT_SOURCES[f"{_node}.{_name}"] = _fact.source


def _resolves(reason) -> bool:
    """A cited fact exists in the knowledge with the cited source."""
    if reason.fact.startswith("endpoint:"):  # an AWS source's endpoint, naming where its events can go
        ep = KB.endpoints.get(reason.fact.removeprefix("endpoint:"))
        return ep is not None and ep.source == reason.source
    if reason.fact.startswith("relation:"):
        # the cited relation joins the two nodes the id names, with the cited source
        ends = reason.fact.removeprefix("relation:").replace("<-", "->").split("->")
        return any(rel.source == reason.source and {rel.source_node, rel.target_node} <= {e.split(":")[0] for e in ends}
                   | set(ends) for rel in KB.relations)
    return FACT_SOURCES.get(reason.fact) == reason.source


def _design_path(ex, reason) -> list:
    from advisor.knowledge.base import Option

    m = re.match(r"even as (.+?): ", ex.reasons[0].text)  # said once, before an exclusion's first reason
    if m:
        nodes = []  # a design key lists its legs: "a -> b | a -> c"
        for leg in m.group(1).split(" | "):
            nodes += [o for o in (Option.parse(p) for p in leg.split(" -> ")) if o not in nodes]
        return nodes
    return [Option(ex.id, ex.variant)]


def _nothing_to_cite(req, ex, reason) -> bool:
    path = _design_path(ex, reason)
    key = reason.requirement
    if key in ABSENT_ON_ENTRY:
        return KB.fact(path[0], ABSENT_ON_ENTRY[key]) is None
    if key in ABSENT_EVERYWHERE:
        return all(KB.fact(o, ABSENT_EVERYWHERE[key]) is None for o in path)
    if key in ABSENT_SOMEWHERE:
        return any(KB.fact(o, ABSENT_SOMEWHERE[key]) is None for o in path)
    if key == "constraints.routing_features":  # a feature no service of the design has a fact for
        from advisor.knowledge.vocabulary import ROUTING_FEATURES

        facts = [ROUTING_FEATURES[f][0] for f in req.constraints.routing_features]
        return any(all(KB.fact(o, f) is None for o in path) for f in facts)
    if key == "migration.code_changes":
        return any(not [rel for o, rel in KB.migrations(s) if o == path[0]] for s in req.migration.systems)
    if key == "migration.from":
        return any(not [o for o, _ in KB.migrations(s) if o in path] for s in req.migration.systems
                   if s in R.STORAGE_SYSTEMS)
    return False


@PROPERTY
@given(requirements())
def test_every_exclusion_has_cited_reasons(req):
    result = recommend(req, KB)
    seen = set()
    for ex in result.excluded:
        assert (ex.id, ex.variant) not in seen
        seen.add((ex.id, ex.variant))
        assert ex.reasons, ex
        for r in ex.reasons:
            assert r.requirement, r
            assert r.text, r
            if r.requirement == "scope":
                continue
            if r.fact is None:
                assert r.source is None, r
                assert _nothing_to_cite(req, ex, r), f"uncited although the knowledge has a fact: {r}"
                continue
            assert r.source and r.source.startswith("https://"), r
            assert _resolves(r), r


# ---- the recommendation satisfies every hard requirement --------------------------------------------------


@PROPERTY
@given(requirements())
def test_recommendation_satisfies_every_hard_requirement(req):
    result = recommend(req, KB)
    if not result.ok:
        return
    for ev in [result.recommendation, *result.supplements]:
        again = evaluate(Context(KB, req), ev.design)
        assert again.failures == [], (ev.design.key, again.failures)
        for r in again.satisfied:
            assert r.source.startswith("https://"), r
    concerns = [ev.design.concern for ev in [result.recommendation, *result.supplements]]
    assert len(concerns) == len(set(concerns))
    assert set(concerns) == ({"messaging"} if req.has_messaging or not (req.has_storage or req.has_backup) else set()) \
        | ({"storage"} if req.has_storage else set()) | ({"backup"} if req.has_backup else set())


# ---- ranking ---------------------------------------------------------------------------------------------


@PROPERTY
@given(requirements())
def test_no_candidate_outscores_the_recommendation_of_its_concern(req):
    result = recommend(req, KB)
    keys = [c.design.key for c in result.candidates]
    assert len(keys) == len(set(keys))
    for cand in result.candidates:
        assert cand.ok
        assert cand.score == pytest.approx(100.0 + sum(d for d, _ in cand.adjustments))
    # listed best first within each concern, tier by tier (a documented tie-break may lift one equal design)
    for concern in {c.design.concern for c in result.candidates}:
        keys = [tier_key(c) for c in result.candidates if c.design.concern == concern]
        assert keys[1:] == sorted(keys[1:])
    if not result.ok:  # designs of a concern that did fit may still be listed, but none is recommended
        return
    best = {ev.design.concern: ev for ev in [result.recommendation, *result.supplements]}
    for cand in result.candidates:
        assert tier_key(cand) >= tier_key(best[cand.design.concern]), cand.design.key


# ---- the JSON contract ------------------------------------------------------------------------------------


def _check_reason(r: dict) -> None:
    assert {"text", "fact", "source"} <= set(r)
    assert isinstance(r["text"], str) and r["text"]


@PROPERTY
@given(requirements())
def test_json_output_has_the_contract_keys(req):
    import json

    data = recommend(req, KB).as_json()
    json.dumps(data)  # plain data only
    assert {"requirements", "recommendation", "candidates", "excluded"} <= set(data)
    assert data["requirements"] == req.to_data()
    rec = data["recommendation"]
    if rec is None:
        assert data["conflicts"]
    else:
        assert {"pattern", "services", "summary", "reasons", "watch"} <= set(rec)
        assert isinstance(rec["pattern"], str) and rec["pattern"]
        assert isinstance(rec["summary"], str) and rec["summary"]
        assert rec["services"]
        for s in rec["services"]:
            assert set(s) == {"id", "variant"}
            assert s["id"] in KB.services
            assert s["variant"] is None or s["variant"] in KB.services[s["id"]].variants
        for r in rec["reasons"]:
            _check_reason(r)
            assert r["fact"] and r["source"].startswith("https://")
        assert all(isinstance(w, str) and w for w in rec["watch"])
    for c in data["candidates"]:
        assert {"pattern", "services", "score", "reasons", "score_adjustments"} <= set(c)
        for r in c["reasons"]:
            _check_reason(r)
    for e in data["excluded"]:
        assert {"id", "reasons"} <= set(e) and e["reasons"]
        for r in e["reasons"]:
            _check_reason(r)
