"""The walk computes the checks in checks.BY_PATH once per path (engine/walk.py): hold them to reading only
the design's services, never its legs or the consumers the legs reach."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor import api
from advisor.engine import walk
from advisor.engine.checks import BY_PATH, MESSAGING_CHECKS, Context
from advisor.engine.result import Design, Leg

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))
MESSAGING_EXAMPLES = [p for p in EXAMPLES if api.load_requirements(str(p)).has_messaging]
OTHER_CONSUMERS = (None, "lambda", "application", "s3", "workflow")


@pytest.fixture(scope="module")
def kb():
    return api.knowledge()


@pytest.mark.parametrize("example", MESSAGING_EXAMPLES, ids=lambda p: p.stem)
def test_by_path_checks_ignore_the_legs(kb, example):
    req = api.load_requirements(str(example))
    ctx = Context(kb, req)
    designs = walk.messaging_designs(kb, ctx)
    assert designs
    for design in designs[:60]:
        for check in BY_PATH:
            want = check(ctx, design)
            for consumer in OTHER_CONSUMERS:  # the same services, reached by one leg to another consumer
                other = Design(design.path, design.concern, (Leg(consumer, design.path),))
                assert check(ctx, other) == want, (check.__name__, design.key, consumer)


def test_by_path_checks_are_messaging_checks():
    assert BY_PATH <= set(MESSAGING_CHECKS)


def test_memo_gives_the_fresh_outcomes(kb):
    """A result from the memoised walk equals one from a walk that computes every check afresh."""
    example = next(p for p in EXAMPLES if p.stem == "order-fanout-filtering")
    req = api.load_requirements(str(example))
    memoised = api.advise(req, kb.model_copy())
    ctx = Context(kb.model_copy(), req)
    for design in (memoised.recommendation.design, *(c.design for c in memoised.candidates)):
        fresh = walk.evaluate(Context(ctx.kb, req), design)
        again = walk.evaluate(ctx, design)
        assert (again.failures, again.satisfied, again.watch) == (fresh.failures, fresh.satisfied, fresh.watch)
