"""The sweep: one engine run, the engine's own volume check at every other volume, and the volumes where a
design needs a quota increase, stops fitting, or is overtaken by a cheaper one, found by bisection."""

from __future__ import annotations

import pytest

from advisor import api
from advisor.cost.estimate import estimate
from advisor.cost.sweep import FACTORS, sweep
from advisor.cost.volume import scaled, with_peak
from advisor.knowledge.base import Option
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def kb():
    return api.knowledge()


@pytest.fixture(scope="module")
def orders(kb):
    req = api.load_requirements(str(EXAMPLES / "order-fanout-filtering.yaml"))
    return req, sweep(req, kb)


@pytest.fixture(scope="module")
def ordered(kb):
    # 10,000/s of per-customer ordered messages: the FIFO designs meet SQS FIFO's hard ceiling inside the sweep
    req = with_peak(api.load_requirements(str(EXAMPLES / "strict-ordering-per-customer.yaml")), 10_000)
    return req, sweep(req, kb)


@pytest.fixture(scope="module")
def ordered_as_stated(kb):
    # 800/s of per-customer ordered messages: SQS FIFO's default needs raising inside the sweep, its ceiling lies past it
    req = api.load_requirements(str(EXAMPLES / "strict-ordering-per-customer.yaml"))
    return req, sweep(req, kb)


def _figure(kb, option: str, fact: str) -> float:
    return kb.fact(Option.parse(option), fact).fact.numeric("us-east-1")


def test_the_engine_runs_once(kb, monkeypatch):
    req = api.load_requirements(str(EXAMPLES / "order-fanout-filtering.yaml"))
    calls = []
    real = api.advise
    monkeypatch.setattr(api, "advise", lambda *a, **k: calls.append(1) or real(*a, **k))
    sw = sweep(req, kb)
    assert len(calls) == 1
    assert [p.factor for p in sw.curves[0].points] == list(FACTORS)


def test_adjustable_quotas_are_named_at_their_figure(kb, orders):
    _req, sw = orders
    by_key = {c.key: c for c in sw.curves}
    bus = by_key["eventbridge:bus -> sqs:standard"]
    assert bus.stops is None and bus.quota is not None
    assert bus.quota.fact == "eventbridge.bus.throughput.max" and bus.quota.kind == "quota"
    assert bus.quota.peak == pytest.approx(_figure(kb, "eventbridge:bus", "throughput.max"), rel=1e-5)
    sns = by_key["sns:standard -> sqs:standard"]
    assert sns.quota.fact == "sns.standard.throughput.max"
    assert sns.quota.peak == pytest.approx(_figure(kb, "sns:standard", "throughput.max"), rel=1e-5)
    # the grid agrees with the bisected volume: no quota flag below it, one above it
    for p in bus.points:
        assert p.quota == (p.peak > bus.quota.peak)


def test_a_setting_and_a_ceiling_beyond_the_sweep(kb, ordered_as_stated):
    _req, sw = ordered_as_stated
    fifo = next(c for c in sw.curves if c.key == "sqs:fifo")
    assert fifo.setting.fact == "sqs.fifo.throughput.default"
    assert fifo.setting.peak == pytest.approx(_figure(kb, "sqs:fifo", "throughput.default"), rel=1e-5)
    assert fifo.stops.fact == "sqs.fifo.throughput.max" and fifo.stops.factor > FACTORS[-1]
    assert fifo.stops.peak == pytest.approx(_figure(kb, "sqs:fifo", "throughput.max"), rel=1e-5)
    assert all(p.cost is not None for p in fifo.points)        # the ceiling lies past 100x


def test_a_hard_ceiling_inside_the_sweep_ends_the_curve(kb, ordered):
    _req, sw = ordered
    fifo = next(c for c in sw.curves if c.key == "sqs:fifo")
    cap = _figure(kb, "sqs:fifo", "throughput.max")
    assert fifo.stops.kind == "hard" and fifo.stops.peak == pytest.approx(cap, rel=1e-5)
    for p in fifo.points:
        assert (p.cost is None) == (p.peak > cap), p
    assert fifo.stops_at.factor == 100
    data = sw.as_json()
    row = next(d for d in data["designs"] if d["design"] == "sqs:fifo")
    assert row["stops"]["fact"] == "sqs.fifo.throughput.max" and row["stops_fitting_at"] == pytest.approx(cap / 0.7)
    assert row["points"][-1]["monthly"] is None


@pytest.mark.parametrize("fixture", ["orders", "ordered"])
def test_crossings_are_where_the_costs_meet(kb, request, fixture):
    req, sw = request.getfixturevalue(fixture)
    curves = {c.key: c for c in sw.curves}
    base = api.advise(req, kb)
    evs = {ev.design.key: ev for ev in base.candidates}
    for x in (x for x in sw.crossings if x.why == "cheaper"):
        below, above = x.factor * (1 - 1e-3), x.factor * (1 + 1e-3)
        a = [estimate(evs[x.design], scaled(req, f), kb).total for f in (below, above)]
        b = [estimate(evs[x.than], scaled(req, f), kb).total for f in (below, above)]
        assert a[0] >= b[0] and a[1] < b[1], (x, a, b)
        assert curves[x.design] and curves[x.than]


@pytest.fixture(scope="module")
def slow_orders(kb):
    # 5/s: slow enough for a bus to start a container task per event, which stops fitting inside the sweep
    return sweep(with_peak(api.load_requirements(str(EXAMPLES / "order-fanout-filtering.yaml")), 5), kb)


def test_the_order_fanout_names_where_a_design_becomes_cheaper_and_where_it_stops(slow_orders, kb):
    # per-request SNS deliveries against the bus's per-event price plus a pipe: the curves meet inside the sweep
    rate = kb.endpoints["consumer:container"].facts["task_launch_rate.max"].numeric()
    cheaper = [x for x in slow_orders.crossings if x.why == "cheaper"]
    assert any(x.than == "sns:standard -> sqs:standard" for x in cheaper), slow_orders.crossings
    stopped = [x for x in slow_orders.crossings if x.why == "stops-fitting"]
    assert [(x.design, round(x.peak)) for x in stopped] == [("sns:standard -> sqs:standard", rate)]


def test_above_the_task_launch_rate_no_design_starts_a_task_per_order(orders, kb):
    # 1,200/s: every candidate that would push to the containers was excluded by the engine itself
    from advisor.engine.checks import Context, task_launch_ends

    req, sw = orders
    ctx = Context(kb, req)
    designs = {ev.design.key: ev.design for ev in api.advise(req, kb).candidates}
    assert {c.key for c in sw.curves} <= set(designs)
    assert all(not task_launch_ends(ctx, designs[c.key]) for c in sw.curves)


def test_a_design_that_stops_fitting_hands_over_to_the_cheapest_left(slow_orders):
    sw = slow_orders
    curves = {c.key: c for c in sw.curves}
    stopped = [x for x in sw.crossings if x.why == "stops-fitting"]
    assert stopped and stopped[0].design is not None
    gone = curves[stopped[0].than]
    assert stopped[0].peak == pytest.approx(gone.stops.peak)
    after = next(i for i, p in enumerate(gone.points) if p.cost is None)
    assert sw.cheapest[after][1] == stopped[0].design


def test_where_the_last_design_stops_the_sweep_says_nothing_fits(ordered):
    # 10,000/s ordered per customer: every candidate ends by SQS FIFO's 700,000/s ceiling (the Custom Event Bus
    # designs at its fixed 500,000/s), so at 100x nothing is left, and no hand-over is invented
    _req, sw = ordered
    curves = {c.key: c for c in sw.curves}
    assert sw.cheapest[-1][1] is None and all(c.points[-1].cost is None for c in sw.curves)
    [end] = [x for x in sw.crossings if x.why == "stops-fitting"]
    assert end.design is None and end.than == "sqs:fifo"
    assert end.peak == pytest.approx(curves["sqs:fifo"].stops.peak)
    assert "no candidate fits beyond it" in end.text()


def test_the_cheapest_design_per_step_is_the_cheapest_complete_estimate(orders):
    _req, sw = orders
    for i, (factor, key) in enumerate(sw.cheapest):
        complete = [(c.points[i].cost, c.key) for c in sw.curves if c.points[i].cost is not None
                    and c.points[i].complete]
        assert key == min(complete)[1], factor


def test_sweep_text_names_volumes_and_facts(cli):
    code, out, err = cli("cost", "--answers", str(EXAMPLES / "strict-ordering-per-customer.yaml"),
                         "--peak", "10000", "--sweep")
    assert code == 0, err
    text = " ".join(out.split())
    assert "above 700,000/s (70x) it no longer fits" in text and "[sqs.fifo.throughput.max]" in text
    assert "sqs:fifo stops fitting, and no candidate fits beyond it" in text
    assert "the engine ran once" in text
    code, out, err = cli("cost", "--answers", str(EXAMPLES / "order-fanout-filtering.yaml"), "--peak", "5", "--sweep")
    assert code == 0, err
    text = " ".join(out.split())
    assert "becomes cheaper than sns:standard -> sqs:standard" in text
    assert "stops fitting and sns:standard -> sqs:standard is the cheapest complete estimate" in text
    assert "[consumer:container.task_launch_rate.max]" in text
