"""The sweep re-runs only the engine's volume checks (checks.VOLUME_CHECKS) at other volumes. This holds every other
messaging check to not depending on the volume: run on each example's candidates at 1/10x, 1x and 100x the stated
rate, its verdict, reason and watch items must not change. A check that starts reading the rate fails here until it
joins VOLUME_CHECKS."""

from __future__ import annotations

import pytest

from advisor import api
from advisor.cost.volume import scaled, with_peak
from advisor.engine.checks import MESSAGING_CHECKS, VOLUME_CHECKS, Context
from tests.conftest import EXAMPLES

FACTORS = (0.1, 1.0, 100.0)


@pytest.fixture(scope="module")
def kb():
    return api.knowledge()


def _verdict(outcome):
    if outcome is None:
        return None
    return outcome.ok, outcome.reason.text, tuple(w.text for w in outcome.watch)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_only_volume_checks_change_with_the_volume(kb, path):
    req = api.load_requirements(str(path))
    if req.constraints.peak_per_second is None:  # the sweep asks for a rate; give these one so they are held too
        req = with_peak(req, 100)
    designs = [ev.design for ev in api.advise(req, kb).candidates if ev.design.concern == "messaging"]
    contexts = [Context(kb, scaled(req, f)) for f in FACTORS]
    for check in MESSAGING_CHECKS:
        if check in VOLUME_CHECKS:
            continue
        for design in designs:
            seen = {_verdict(check(ctx, design)) for ctx in contexts}
            assert len(seen) == 1, f"{check.__name__} changes with the volume on {design.key}: add it to VOLUME_CHECKS"


def test_the_volume_check_does_change_with_the_volume(kb):
    # the guard above is only worth something if scaling reaches the checks: check_peak must see it
    req = api.load_requirements(str(EXAMPLES / "order-fanout-filtering.yaml"))
    design = api.advise(req, kb).recommendation.design
    verdicts = {_verdict(check(Context(kb, scaled(req, f)), design)) for check in VOLUME_CHECKS for f in FACTORS}
    assert len(verdicts) > 1
