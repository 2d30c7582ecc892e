"""The scenario set (tests/scenarios/): its format, its coverage of the contract, and the engine's floor.

The floor: every reading of every scenario gets the documented design, except the ones listed in
tests/scenario-known-misses.yaml with a reason. A listed miss that now passes fails too, so the
list only shrinks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import scenario_set as ss

MIN_PER_OPTION = 5


@pytest.fixture(scope="session")
def scenarios():
    return ss.load_scenarios()


@pytest.fixture(scope="session")
def known_misses():
    return ss.load_known_misses()


@pytest.fixture(scope="session")
def outcomes(kb):
    cache: dict[str, list[ss.Outcome]] = {}

    def get(scenario: ss.Scenario) -> list[ss.Outcome]:
        if scenario.id not in cache:
            cache[scenario.id] = ss.run_scenario(scenario, kb)
        return cache[scenario.id]

    return get


# ---------------------------------------------------------------- format (always strict)

def test_every_scenario_file_is_well_formed():
    assert ss.format_problems() == []


def test_scenario_ids_are_unique(scenarios):
    ids = [s.id for s in scenarios]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("option", sorted(ss.option_ids()))
def test_every_contract_option_is_expected_by_enough_scenarios(option, scenarios, kb):
    from advisor.knowledge.base import Option

    if kb.value(Option.parse(option), "available_to_new_customers") is False:
        pytest.skip(f"{option} is closed to new customers (its fact says so): no new design may expect it")
    expecting = ss.coverage(scenarios)[option]
    assert len(expecting) >= MIN_PER_OPTION, (
        f"{option} is expected by {len(expecting)} scenario(s) ({', '.join(expecting) or 'none'}); "
        f"need at least {MIN_PER_OPTION}")


def test_known_misses_name_real_readings(scenarios, known_misses):
    readings = {f"{s.id}:{vid}" for s in scenarios for vid, _ in s.readings()}
    assert sorted(set(known_misses) - readings) == []


# ---------------------------------------------------------------- the floor

def _ids(scenarios_dir: Path = ss.SCENARIO_DIR) -> list[str]:
    return sorted(p.stem for p in scenarios_dir.glob("*.yaml"))


@pytest.mark.parametrize("scenario_id", _ids())
def test_scenario_gets_its_documented_design(scenario_id, scenarios, known_misses, outcomes):
    scenario = next(s for s in scenarios if s.id == scenario_id)
    wrong, fixed = [], []
    for o in outcomes(scenario):
        if o.key in known_misses:
            if o.ok:
                fixed.append(f"{o.key} now passes; remove it from {ss.KNOWN_MISSES.name}")
        elif not o.ok:
            wrong.append(ss.describe_miss(o))
    assert wrong + fixed == []


# ---------------------------------------------------------------- the checker itself refuses bad files

GOOD = """\
id: tiny
title: A tiny scenario for the checker
source: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/welcome.html
why: One worker pool drains a queue.
expect:
  services: [sqs:standard]
requirements:
  version: 1
  name: tiny
  connection: {data: messaging, completion: async, delivery: pull, distribution: p2p}
variants:
  - {id: no-delivery, how: left out, unset: [connection.delivery]}
  - {id: no-distribution, how: left out, unset: [connection.distribution]}
  - {id: no-data, how: left out, unset: [connection.data]}
"""


def _check(tmp_path: Path, text: str, name: str = "tiny") -> str | None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    problems = ss.format_problems(tmp_path)
    path.unlink()
    return problems[0] if problems else None


def test_checker_accepts_a_good_file(tmp_path):
    assert _check(tmp_path, GOOD) is None


@pytest.mark.parametrize(("change", "complaint"), [
    (("source: https://docs.aws.amazon.com", "source: http://docs.aws.amazon.com"), "https"),
    (("source: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/welcome.html",
      "source: https://www.examtopics.com/discussions/amazon/view/1"), "exam-question"),
    (("source: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/welcome.html",
      "source: https://example.com/sqs"), "not an AWS"),
    (("  - {id: no-data, how: left out, unset: [connection.data]}\n", ""), "at least 3"),
    (("id: no-data", "id: no-delivery"), "unique"),
    (("services: [sqs:standard]", "services: [sqs:fast]"), "not an option id"),
    (("why: One worker pool drains a queue.\n", ""), "why"),
    (("unset: [connection.data]", "unset: [constraints.ordering]"), "not in the requirements"),
    (("unset: [connection.data]", "set: {connection.data: sometimes}"), "not a valid requirements"),
    (("unset: [connection.data]", "set: {connection.data: messaging}"), "same requirements"),
])
def test_checker_refuses(tmp_path, change, complaint):
    old, new = change
    assert old in GOOD
    problem = _check(tmp_path, GOOD.replace(old, new))
    assert problem is not None and complaint in problem, problem


def test_checker_refuses_an_id_that_is_not_the_file_name(tmp_path):
    assert "differs from the file name" in _check(tmp_path, GOOD, name="other")


def test_variants_set_and_unset_on_a_copy():
    base = {"version": 1, "name": "x", "constraints": {"ordering": "none"}, "connection": {"data": "messaging"}}
    v = ss.Variant("v", "how", {"connection.delivery": "pull", "migration.from": "activemq"},
                   ("constraints.ordering",))
    built = ss.apply_variant(base, v)
    assert built == {"version": 1, "name": "x", "connection": {"data": "messaging", "delivery": "pull"},
                     "migration": {"from": "activemq"}}
    assert base["constraints"] == {"ordering": "none"}  # the literal reading is untouched


def test_a_tie_without_a_documented_rule_is_a_miss():
    assert ss._tie_documented({"documented": True})
    assert not ss._tie_documented({"documented": False, "rule": "standard-by-default"})
    assert ss._tie_documented({"rule": "sqs-standard-unless-ordering"})
    assert not ss._tie_documented({"rule": "alphabet"})
    o = ss.Outcome("s", "literal", frozenset({"sqs:standard"}), frozenset({"sqs:standard"}), 0.0,
                   undocumented_tie=True)
    assert not o.ok
