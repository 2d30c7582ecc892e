"""How each candidate's cost and quota headroom grow from 1/10x to 100x the stated volume.

The engine runs once, at the stated volume. Only some of its hard requirements depend on the volume
(``advisor.engine.checks.VOLUME_CHECKS``: today the peak rate's throughput ceilings, hard or adjustable), so at
every other volume each candidate is re-checked with those checks and priced again; everything else the engine
decided still holds. Where a verdict or the cheapest design changes between two steps of the grid, the
volume is found by bisection, so the sweep names it (and the fact behind it) rather than the grid step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from advisor.cost.estimate import Estimate, estimate
from advisor.cost.volume import scaled

FACTORS = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)
BEYOND = 10_000          # how far past the grid a hard ceiling is still looked for
PRECISION = 1e-7         # relative width at which a bisection stops (a few dozen cheap checks)


@dataclass
class Limit:
    """The lowest rate at which something happens to a design: a hard ceiling ends it, an adjustable quota
    must be raised, or a setting above its default is needed; with the engine's reason and its fact."""

    kind: str                    # "hard" | "quota" | "setting"
    peak: float                  # messages per second, to the bisection's precision
    factor: float
    text: str
    fact: str | None
    source: str | None

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "peak_per_second": _sig(self.peak, 6), "factor": _sig(self.factor),
                "reason": self.text, "fact": self.fact, "source": self.source}


@dataclass
class Point:
    factor: float
    peak: float
    cost: float | None          # None: a hard ceiling rules the design out at this volume
    complete: bool
    headroom: float | None      # tightest throughput quota / peak (below 1: over the quota)
    quota: bool = False         # fits only after a quota increase


@dataclass
class Curve:
    key: str
    pattern: str
    points: list[Point] = field(default_factory=list)
    stops: Limit | None = None       # within the sweep or beyond it (up to BEYOND x)
    quota: Limit | None = None
    setting: Limit | None = None
    tightest: str | None = None      # the smallest throughput quota of the design, with its figure

    @property
    def stops_at(self) -> Point | None:
        """The first grid point at which the design no longer fits."""
        return next((p for p in self.points if p.cost is None), None)

    @property
    def limit(self) -> str | None:
        if self.stops is not None:
            return f"{self.stops.text} [{self.stops.fact}]"
        if self.tightest:
            return f"fits to 100x; the tightest quota is {self.tightest}"
        return None


@dataclass
class Crossing:
    """Between two steps of the grid, ``design`` becomes cheaper than ``than`` (a cost curve crossing), or
    ``than`` stops fitting and ``design`` is the cheapest left (None: no candidate fits any more)."""

    design: str | None
    than: str | None
    peak: float
    factor: float
    why: str                     # "cheaper" | "stops-fitting"

    def text(self) -> str:
        at = f"about {self.peak:,.0f}/s ({_sig(self.factor):g}x)"
        if self.why == "stops-fitting" and self.design is None:
            return f"at {at} {self.than} stops fitting, and no candidate fits beyond it"
        if self.why == "stops-fitting":
            return f"at {at} {self.than} stops fitting and {self.design} is the cheapest complete estimate"
        return f"at {at} {self.design} becomes cheaper than {self.than}"

    def as_json(self) -> dict[str, Any]:
        return {"design": self.design, "than": self.than, "peak_per_second": _sig(self.peak, 6),
                "factor": _sig(self.factor), "why": self.why, "text": self.text()}


@dataclass
class Sweep:
    peak: float
    region: str
    currency: str
    curves: list[Curve]
    cheapest: list[tuple[float, str | None]]        # (factor, design key) per step
    crossings: list[Crossing]
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"peak_per_second": self.peak, "region": self.region, "currency": self.currency,
                "factors": list(FACTORS),
                "designs": [{"design": c.key, "pattern": c.pattern,
                             "points": [{"factor": p.factor, "peak_per_second": p.peak,
                                         "monthly": None if p.cost is None else round(p.cost, 2),
                                         "complete": p.complete, "quota_increase": p.quota,
                                         "headroom": None if p.headroom is None else round(p.headroom, 3)}
                                        for p in c.points],
                             "stops_fitting_at": None if c.stops_at is None else c.stops_at.peak,
                             "stops": None if c.stops is None else c.stops.as_json(),
                             "quota_increase_from": None if c.quota is None else c.quota.as_json(),
                             "setting_from": None if c.setting is None else c.setting.as_json(),
                             "limit": c.limit, "tightest_quota": c.tightest} for c in self.curves],
                "cheapest": [{"factor": f, "design": k} for f, k in self.cheapest],
                "crossings": [x.as_json() for x in self.crossings], "notes": self.notes}


def _sig(x: float, digits: int = 4) -> float:
    """``x`` to a few significant digits: a bisected volume is not more exact than that."""
    return float(f"{x:.{digits}g}")


class _Probe:
    """The engine's volume check and the estimate of one design at any multiple of the stated volume."""

    def __init__(self, req: Any, kb: Any, region: str, ev: Any) -> None:
        self.req, self.kb, self.region, self.ev = req, kb, region, ev
        self.base_peak = req.constraints.peak_per_second

    def verdict(self, factor: float) -> tuple[Any, list[Any]]:
        """(first hard failure reason or None, watch reasons) of the engine's volume checks at this factor."""
        from advisor.engine.checks import VOLUME_CHECKS, Context

        if self.ev.design.concern != "messaging":
            return None, []
        ctx = Context(self.kb, scaled(self.req, factor))
        failure, watch = None, []
        for check in VOLUME_CHECKS:
            outcome = check(ctx, self.ev.design)
            if outcome is None:
                continue
            if not outcome.ok and failure is None:
                failure = outcome.reason
            watch.extend(outcome.watch)
        # a byte ceiling passed at the largest message size ends the fit in the sweep (which scales that bound)
        return failure or next((w for w in watch if w.kind == "bound"), None), watch

    def happens(self, kind: str, factor: float) -> Any:
        failure, watch = self.verdict(factor)
        if kind == "hard":
            return failure
        if failure is not None:            # past a hard ceiling the watch list is not computed
            return failure
        for w in watch:
            if w.requirement == "constraints.peak_per_second" and (
                    (kind == "quota" and w.kind == "quota") or (kind == "setting" and w.setting)):
                return w
        return None

    def describe(self, kind: str, reason: Any) -> str:
        """The limit in the words of its fact (the engine's sentence carries the bisected rate)."""
        from advisor.engine.units import figure

        for opt in self.ev.design.nodes:
            names = ("throughput.max", "throughput_bytes.max", "throughput.default")
            for name in (*names, *(f"{e}.{n}" for e in self.kb.editions(opt) for n in names)):
                ref = self.kb.fact(opt, name)
                if ref is None or ref.id != reason.fact:
                    continue
                who, shown = self.kb.display_name(opt), figure(ref.fact, self.region)
                if kind == "hard":
                    return f"{who} carries at most {shown}"
                if kind == "quota":
                    return f"{who}'s default quota is {shown}; it is adjustable: request an increase"
                return f"{who}'s default is {shown}; opt in to the higher limit" + (
                    f" ({ref.fact.note.strip().rstrip('.')})" if ref.fact.note else "")
        return reason.text

    def cost(self, factor: float) -> Estimate:
        return estimate(self.ev, scaled(self.req, factor), self.kb, region=self.region)


def _first(probe: _Probe, kind: str, lo: float, hi: float) -> Limit:
    """Bisect (on a log scale) for the lowest factor in (lo, hi] at which ``kind`` happens; it does at hi."""
    reason = probe.happens(kind, hi)
    while hi / lo - 1 > PRECISION:
        mid = math.sqrt(lo * hi)
        found = probe.happens(kind, mid)
        if found is not None:
            hi, reason = mid, found
        else:
            lo = mid
    return Limit(kind, probe.base_peak * hi, hi, probe.describe(kind, reason), reason.fact, reason.source)


def _limit(probe: _Probe, kind: str, flags: list[bool]) -> Limit | None:
    """Where ``kind`` first happens: between the grid steps where it starts, else (for a hard ceiling)
    by doubling past the grid up to BEYOND."""
    if flags[0]:
        lo = FACTORS[0] / 2 ** 20
        return _first(probe, kind, lo, FACTORS[0]) if probe.happens(kind, lo) is None else None
    for i in range(1, len(FACTORS)):
        if flags[i]:
            return _first(probe, kind, FACTORS[i - 1], FACTORS[i])
    if kind != "hard":
        return None
    lo = FACTORS[-1]
    while lo < BEYOND:
        hi = lo * 2
        if probe.happens(kind, hi) is not None:
            return _first(probe, kind, lo, hi)
        lo = hi
    return None


def _tightest(ev: Any, kb: Any, region: str | None) -> tuple[float, str] | None:
    from advisor.engine.units import figure

    best: tuple[float, str] | None = None
    for opt in ev.design.nodes:
        ref = kb.fact(opt, "throughput.max")
        cap = ref.fact.numeric(region) if ref else None
        if cap is None or cap == float("inf"):
            continue
        if best is None or cap < best[0]:
            best = (cap, f"{ref.id} = {figure(ref.fact, region)} ({ref.source})")
    return best


def _crossing(probes: dict[str, _Probe], cheap0: str, cheap1: str, f0: float, f1: float) -> Crossing:
    """Where, between f0 and f1, cheap1 takes over from cheap0 as the cheapest complete estimate."""
    p0, p1 = probes[cheap0], probes[cheap1]
    if p0.happens("hard", f1) is not None:                   # cheap0 ends: the stop is the change
        stop = _first(p0, "hard", f0, f1)
        return Crossing(cheap1, cheap0, stop.peak, stop.factor, "stops-fitting")
    lo, hi = f0, f1
    while hi / lo - 1 > PRECISION:
        mid = math.sqrt(lo * hi)
        if p1.cost(mid).total < p0.cost(mid).total:
            hi = mid
        else:
            lo = mid
    return Crossing(cheap1, cheap0, p0.base_peak * hi, hi, "cheaper")


def sweep(req: Any, kb: Any, *, region: str | None = None, limit: int | None = None) -> Sweep:
    from advisor import api

    if req.constraints.peak_per_second is None:
        from advisor.errors import UsageError

        raise UsageError("a sweep scales constraints.peak_per_second, which the requirements do not set; "
                         "add it or pass --peak N")
    region = region or req.constraints.region or "us-east-1"
    base = api.advise(req, kb)                     # the one engine run
    designs = list(base.candidates)[:limit] if limit else list(base.candidates)
    probes = {ev.design.key: _Probe(req, kb, region, ev) for ev in designs}
    curves: dict[str, Curve] = {}
    for ev in designs:
        probe = probes[ev.design.key]
        curve = curves[ev.design.key] = Curve(ev.design.key, ev.pattern_id)
        tight = _tightest(ev, kb, region)
        curve.tightest = tight[1] if tight else None
        hard, quota, setting = [], [], []
        for factor in FACTORS:
            peak = probe.base_peak * factor
            headroom = None if tight is None or not peak else tight[0] / peak
            failure, watch = probe.verdict(factor)
            hard.append(failure is not None)
            quota.append(failure is not None or any(w.kind == "quota" for w in watch))
            setting.append(failure is not None or any(w.setting and w.requirement == "constraints.peak_per_second"
                                                      for w in watch))
            if failure is not None:
                curve.points.append(Point(factor, peak, None, False, headroom))
                continue
            est = probe.cost(factor)
            curve.points.append(Point(factor, peak, est.total, est.complete, headroom, quota[-1]))
        curve.stops = _limit(probe, "hard", hard)
        curve.quota = _limit(probe, "quota", quota)
        curve.setting = _limit(probe, "setting", setting)
        for found in ("quota", "setting"):   # a ceiling reached first is not a quota to raise
            lim = getattr(curve, found)
            if lim is not None and curve.stops is not None and lim.peak >= curve.stops.peak:
                setattr(curve, found, None)
    cheapest: list[tuple[float, str | None]] = []
    for i, factor in enumerate(FACTORS):
        best = min(((c.points[i].cost, c.key) for c in curves.values()
                    if c.points[i].cost is not None and c.points[i].complete), default=None)
        cheapest.append((factor, best[1] if best else None))
    crossings = []
    for (f0, k0), (f1, k1) in zip(cheapest, cheapest[1:], strict=False):
        if k0 is not None and k1 is not None and k0 != k1:
            crossings.append(_crossing(probes, k0, k1, f0, f1))
        elif k0 is not None and k1 is None and all(c.points[FACTORS.index(f1)].cost is None for c in curves.values()):
            stop = _first(probes[k0], "hard", f0, f1)  # the cheapest was the last to fit: say where the end is
            crossings.append(Crossing(None, k0, stop.peak, stop.factor, "stops-fitting"))
    notes = [f"the engine ran once, at {req.constraints.peak_per_second:g}/s; at the other volumes each candidate "
             "is re-checked against the hard requirements that depend on volume (throughput ceilings, the rate at "
             "which container tasks launch, and push to containers that can then only poll) and priced again"]
    return Sweep(req.constraints.peak_per_second, region, kb.pricing.currency, list(curves.values()),
                 cheapest, crossings, notes)
