"""Properties of every estimate: monotonic in volume, lines add up, every price sourced, gaps visible."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import api
from advisor.cost.estimate import estimates
from advisor.cost.volume import scaled
from tests.conftest import EXAMPLES

EXAMPLE_FILES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))


@pytest.fixture(scope="module")
def advised():
    kb = api.knowledge()
    out = {}
    for name in EXAMPLE_FILES:
        req = api.load_requirements(str(EXAMPLES / f"{name}.yaml"))
        out[name] = (req, api.advise(req, kb))
    return kb, out


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(EXAMPLE_FILES), factor=st.floats(min_value=1.01, max_value=100),
       region=st.sampled_from(["us-east-1", "eu-west-1", "ap-northeast-1", "sa-east-1"]))
def test_cost_never_falls_when_volume_grows(advised, name, factor, region):
    kb, results = advised
    req, result = results[name]
    base = {e.key: e.total for e in estimates(result, kb, region=region)}
    bigger = result.__class__(**{**result.__dict__, "requirements": scaled(req, factor)})
    for e in estimates(bigger, kb, region=region):
        assert e.total >= base[e.key] - 1e-9, (e.key, base[e.key], e.total)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(EXAMPLE_FILES), factor=st.floats(min_value=0.01, max_value=100))
def test_lines_add_up_and_every_price_has_a_source(advised, name, factor):
    kb, results = advised
    req, result = results[name]
    moved = result.__class__(**{**result.__dict__, "requirements": scaled(req, factor)})
    for e in estimates(moved, kb):
        assert e.total == pytest.approx(sum(i.subtotal for i in e.items if i.subtotal is not None))
        for item in e.items:
            if item.unit_price is not None:
                assert item.source and item.source.startswith("https://"), item
                assert item.price_id, item
            if item.subtotal is None:
                assert item.gap, item                     # a missing figure always says why
            data = e.as_json()
            assert len(data["gaps"]) == len(e.gaps)


def test_a_price_removed_from_the_knowledge_shows_as_a_gap(advised):
    kb, results = advised
    req, result = results["order-fanout-filtering"]
    pricing = kb.pricing.model_copy(update={"prices": [p for p in kb.pricing.prices
                                                       if p.id != "sqs.standard.requests"]})
    lean = kb.model_copy(update={"pricing": pricing})
    full = {e.key: e for e in estimates(result, kb)}
    for e in estimates(result, lean):
        if "sqs:standard" in e.services:
            assert not e.complete
            assert any("sqs.standard.requests" in (g.gap or "") for g in e.gaps)
            assert e.total < full[e.key].total      # the missing line is not silently priced at zero ...
            assert e.as_json()["gaps"]               # ... but named in the output


def test_every_example_design_is_estimated(advised):
    kb, results = advised
    count = 0
    for _req, result in results.values():
        for e in estimates(result, kb):
            count += 1
            assert e.items, e.key
    assert count >= 100


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_tiered_prices_add_up_and_never_rise_with_volume(advised, data):
    """Pricing a month's units in two pieces costs what pricing them at once does, and each further unit
    costs no more than the one before (volume tiers only lower the rate)."""
    from advisor.cost.estimate import tiered_cost

    kb, _ = advised
    tiered = [p for p in kb.pricing.prices if isinstance(p.tiers, list)]
    price = data.draw(st.sampled_from(tiered))
    region = data.draw(st.sampled_from(["us-east-1", "eu-west-1", "ap-northeast-1", "sa-east-1"]))
    top = price.tiers[-1].above * 2
    a = data.draw(st.floats(min_value=0, max_value=top))
    b = data.draw(st.floats(min_value=0, max_value=top))
    whole = tiered_cost(price, 0, a + b, region)[0]
    assert tiered_cost(price, 0, a, region)[0] + tiered_cost(price, a, b, region)[0] == pytest.approx(whole)
    rates = [r for _lo, r in price.steps(region)]
    assert rates == sorted(rates, reverse=True), price.id


@settings(max_examples=30, deadline=None)
@given(name=st.sampled_from(EXAMPLE_FILES),
       region=st.sampled_from(["eu-west-1", "ap-northeast-1", "sa-east-1", "us-west-1", "af-south-1"]))
def test_every_assumed_regional_rate_is_said(advised, name, region):
    kb, results = advised
    _req, result = results[name]
    for e in estimates(result, kb, region=region):
        assumed = {i.price_id for i in e.items if i.basis == "assumed"}
        said = " ".join(w for w in e.warnings if "assumed equal to the us-east-1 rate" in w)
        for price_id in assumed:
            assert price_id in said, (e.key, price_id, region)
        for item in e.items:
            if item.price_id and kb.pricing.price(item.price_id) is not None:
                assert item.basis in ("read", "unconfirmed", "assumed"), item
