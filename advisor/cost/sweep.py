"""How each candidate's cost and quota headroom grow from 1/10x to 100x the stated volume.

At every step the engine is run again (``advisor.api.advise``) on a copy of the requirements with the
rate scaled, so "stops fitting" is the engine's own verdict; the quota that ends it is named from the
design's ``throughput.max`` facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.cost.estimate import Estimate, estimate
from advisor.cost.volume import scaled

FACTORS = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)


@dataclass
class Point:
    factor: float
    peak: float
    cost: float | None          # None: the engine no longer lists this design at this volume
    complete: bool
    headroom: float | None      # tightest throughput quota / peak (below 1: over the quota)


@dataclass
class Curve:
    key: str
    pattern: str
    points: list[Point] = field(default_factory=list)
    stops_at: Point | None = None
    limit: str | None = None     # the fact that ends it, with its figure
    limit_peak: float | None = None


@dataclass
class Sweep:
    peak: float
    region: str
    currency: str
    curves: list[Curve]
    cheapest: list[tuple[float, str | None]]        # (factor, design key) per step
    crossings: list[str]

    def as_json(self) -> dict[str, Any]:
        return {"peak_per_second": self.peak, "region": self.region, "currency": self.currency,
                "factors": list(FACTORS),
                "designs": [{"design": c.key, "pattern": c.pattern,
                             "points": [{"factor": p.factor, "peak_per_second": p.peak,
                                         "monthly": None if p.cost is None else round(p.cost, 2),
                                         "complete": p.complete,
                                         "headroom": None if p.headroom is None else round(p.headroom, 3)}
                                        for p in c.points],
                             "stops_fitting_at": None if c.stops_at is None else c.stops_at.peak,
                             "limit": c.limit, "limit_peak_per_second": c.limit_peak} for c in self.curves],
                "cheapest": [{"factor": f, "design": k} for f, k in self.cheapest],
                "crossings": self.crossings}


def _tightest(ev: Any, kb: Any, region: str | None) -> tuple[float, str] | None:
    best: tuple[float, str] | None = None
    for opt in ev.design.nodes:
        ref = kb.fact(opt, "throughput.max")
        cap = ref.fact.numeric(region) if ref else None
        if cap is None or cap == float("inf"):
            continue
        if best is None or cap < best[0]:
            from advisor.engine.units import figure

            best = (cap, f"{ref.id} = {figure(ref.fact, region)} ({ref.source})")
    return best


def sweep(req: Any, kb: Any, *, region: str | None = None, limit: int | None = None) -> Sweep:
    from advisor import api

    if req.constraints.peak_per_second is None:
        from advisor.errors import UsageError

        raise UsageError("a sweep scales constraints.peak_per_second, which the requirements do not set; "
                         "add it or pass --peak N")
    region = region or req.constraints.region or "us-east-1"
    base = api.advise(req, kb)
    designs = list(base.candidates)[:limit] if limit else list(base.candidates)
    curves = {ev.design.key: Curve(ev.design.key, ev.pattern_id) for ev in designs}
    cheapest: list[tuple[float, str | None]] = []
    for factor in FACTORS:
        moved = scaled(req, factor)
        result = base if factor == 1 else api.advise(moved, kb)
        fitting = {ev.design.key: ev for ev in result.candidates}
        best: tuple[float, str] | None = None
        for ev in designs:
            curve = curves[ev.design.key]
            tight = _tightest(ev, kb, region)
            headroom = None if tight is None else tight[0] / moved.constraints.peak_per_second \
                if moved.constraints.peak_per_second else None
            now = fitting.get(ev.design.key)
            if now is None:
                curve.points.append(Point(factor, moved.constraints.peak_per_second, None, False, headroom))
                if curve.stops_at is None:
                    curve.stops_at = curve.points[-1]
                continue
            est: Estimate = estimate(now, moved, kb, region=region)
            curve.points.append(Point(factor, moved.constraints.peak_per_second, est.total, est.complete, headroom))
            if est.complete and (best is None or est.total < best[0]):
                best = (est.total, ev.design.key)
        cheapest.append((factor, best[1] if best else None))
    for ev in designs:
        curve = curves[ev.design.key]
        tight = _tightest(ev, kb, region)
        if tight is not None:
            curve.limit_peak, curve.limit = tight
            if curve.stops_at is None:
                curve.limit = f"fits to 100x; the tightest quota is {tight[1]}"
        elif curve.stops_at is not None:
            curve.limit = "the engine no longer lists it (see `mqadvise advise --why-not`)"
    crossings = []
    for (f0, k0), (f1, k1) in zip(cheapest, cheapest[1:], strict=False):
        if k0 != k1 and k1 is not None:
            crossings.append(f"between {f0:g}x and {f1:g}x the cheapest complete estimate moves from "
                             f"{k0 or 'none'} to {k1}")
    return Sweep(req.constraints.peak_per_second, region, kb.pricing.currency, list(curves.values()),
                 cheapest, crossings)
