"""Find designs by walking the knowledge graph, check them against the requirements, rank the survivors.

1. Candidate designs are simple paths through the service relations (up to MAX_PATH services), entered by
   the user's producers and reaching their consumers; storage and backup designs are their own concern.
2. Every hard requirement is a check (engine/checks.py) that cites the fact deciding it.
3. Soft preferences rank the survivors: fewer moving parts, less to operate, no unrequested guarantees,
   a known pattern, a migration path that keeps existing clients. Ties break on the path's id, so the same
   input always gives the same output.
"""

from __future__ import annotations

from itertools import combinations, product

from advisor.engine.checks import CHANGE_RANK, MESSAGING_CHECKS, Context
from advisor.engine.result import Design, Evaluation, Exclusion, Reason, Result
from advisor.engine.storage_checks import BACKUP_CHECKS, STORAGE_CHECKS
from advisor.knowledge.base import KnowledgeBase, Option
from advisor.knowledge.checks import concern_of_model

MAX_PATH = 3
MAX_CANDIDATES = 10

# Soft-preference weights: judgement, not AWS figures, so they live with the ranking code.
EXTRA_SERVICE = -12.0
OPERATED = -20.0  # the seeds' "undifferentiated heavy lifting": brokers to size, patch, fail over
UNASKED_ORDERING = -6.0
UNASKED_WORKFLOW = -10.0
NAMED_PATTERN = 3.0
KEEPS_CLIENTS = 15.0
CLOUD_NATIVE_REWRITE = 5.0
OPT_IN = -2.0
OFF_PURPOSE = -15.0
HEADROOM_MAX = 3.0


def concern_of(kb: KnowledgeBase, opt: Option) -> str:
    return concern_of_model(kb.value(opt, "model") or "queue")


def messaging_designs(kb: KnowledgeBase) -> list[Design]:
    """Every simple path of up to MAX_PATH services, never visiting a service twice."""
    starts = [o for o in kb.options if concern_of(kb, o) == "messaging"]
    out: list[Design] = []

    def walk(path: tuple[Option, ...]) -> None:
        out.append(Design(path))
        if len(path) == MAX_PATH:
            return
        seen = {o.service for o in path}
        for nxt, _rel in kb.adjacency[path[-1]]:
            if nxt.service not in seen and concern_of(kb, nxt) == "messaging":
                walk(path + (nxt,))

    for opt in starts:
        walk((opt,))
    return out


def storage_designs(kb: KnowledgeBase, req) -> list[Design]:
    opts = [o for o in kb.options if concern_of(kb, o) == "storage"]
    designs = [Design((o,), "storage") for o in opts]
    access = req.storage.access if req.storage and req.storage.access else []
    if len(access) > 1:
        per_type = [[o for o in opts if a in (kb.value(o, "storage.access") or [])] for a in access]
        for combo in product(*per_type):
            if len(set(combo)) == len(combo):
                designs.append(Design(tuple(combo), "storage"))
    return designs


def backup_designs(kb: KnowledgeBase) -> list[Design]:
    return [Design((o,), "backup") for o in kb.options if concern_of(kb, o) == "backup"]


def evaluate(ctx: Context, design: Design) -> Evaluation:
    kb = ctx.kb
    pattern = kb.pattern_for(design.path)
    if pattern is not None:
        ev = Evaluation(design, pattern.id, pattern.name, pattern.summary.strip())
    else:
        pid = "-to-".join(o.id.replace(":", "-") for o in design.path)
        name = " → ".join(kb.display_name(o) for o in design.path)
        ev = Evaluation(design, pid, name, f"{name}, joined by their AWS integrations.")
    checks = {"messaging": MESSAGING_CHECKS, "storage": STORAGE_CHECKS, "backup": BACKUP_CHECKS}[design.concern]
    for check in checks:
        outcome = check(ctx, design)
        if outcome is None or outcome.reason.requirement in ctx.ignore:
            continue
        if outcome.ok:
            if outcome.reason.source:
                ev.satisfied.append(outcome.reason)
            else:  # a pass with no sourced fact behind it is not a reason; say so plainly instead
                r = outcome.reason
                ev.watch.append(Reason(f"{r.text} — no sourced figure in the knowledge; check the service quotas",
                                       None, None, r.requirement))
            ev.watch.extend(outcome.watch)
        else:
            ev.failures.append(outcome.reason)
    if design.concern == "messaging" and ev.ok:
        ev.watch.extend(_semantics_watch(ctx, design))
    if pattern is not None:
        ev.watch.extend(Reason(w.text, None, w.source) for w in pattern.watch)
    return ev


def _semantics_watch(ctx: Context, design: Design) -> list[Reason]:
    """The seeds' warnings: at-least-once delivery demands idempotent consumers; fan-out can loop."""
    out = []
    for opt in design.path:
        ref = ctx.ref(opt, "semantics")
        if ref and ref.fact.value == "at-least-once":
            out.append(Reason.of(f"{ctx.name(opt)} delivers at least once: make consumers idempotent (record "
                                 "processed message ids, or make the effect safe to repeat)", ref))
            break
    for opt in design.path:
        ref = ctx.ref(opt, "dead_letter")
        if ref and ref.fact.value:
            out.append(Reason.of(f"{ctx.name(opt)}: configure a dead-letter queue so failing messages are kept, "
                                 "not lost or retried forever", ref))
            break
    if any("pubsub" in (ctx.val(o, "distribution") or []) for o in design.path):
        ref = next(ctx.ref(o, "distribution") for o in design.path if "pubsub" in (ctx.val(o, "distribution") or []))
        out.append(Reason.of("a consumer that publishes back to a topic or bus it subscribes to creates a message "
                             "loop; keep flows acyclic (mqadvise lint finds cycles)", ref))
    return out


def score(ctx: Context, ev: Evaluation) -> None:
    req, kb, path = ctx.req, ctx.kb, ev.design.path
    adj: list[tuple[float, str]] = []
    if len(path) > 1:
        adj.append((EXTRA_SERVICE * (len(path) - 1), f"{len(path)} services to connect and operate"))
    if kb.pattern_for(path) is not None:
        adj.append((NAMED_PATTERN, "a documented AWS pattern"))
    systems = req.migration.systems
    change = req.migration.code_changes
    if systems and ev.design.concern in ("messaging", "storage"):
        entry_edges = [rel for s in systems for o, rel in kb.migrations(s) if o == path[0]]
        if change in ("none", "minimal") and entry_edges:
            adj.append((KEEPS_CLIENTS, "existing clients keep working with few or no code changes"))
        elif change == "allowed" and ctx.val(path[0], "operations") == "serverless":
            adj.append((CLOUD_NATIVE_REWRITE, "code may change, so a serverless service avoids broker operations"))
        elif change is None and any(CHANGE_RANK[r.code_changes] == 0 for r in entry_edges):
            adj.append((KEEPS_CLIENTS, "existing clients keep working without code changes"))
    for opt in path:
        if ctx.val(opt, "operations") == "managed" and ev.design.concern == "messaging":
            adj.append((OPERATED, f"{ctx.name(opt)} has brokers or clusters to size, patch and scale"))
        if (req.constraints.ordering in (None, "none") and not req.constraints.deduplication
                and ctx.val(opt, "ordering") in ("per-key", "global") and ctx.val(opt, "model") in ("queue", "topic")
                and ctx.ref(opt, "throughput.default") is not None):
            adj.append((UNASKED_ORDERING, f"{ctx.name(opt)} pays for ordering and deduplication that were not asked for"))
        if ctx.val(opt, "orchestration") and req.constraints.workflow != "orchestration":
            adj.append((UNASKED_WORKFLOW, f"{ctx.name(opt)} adds a workflow engine that was not asked for"))
    opt_ins = [w for w in ev.watch if w.setting]
    if opt_ins:
        adj.append((OPT_IN * len(opt_ins), "needs a setting raised above its default"))
    primary = ctx.val(path[0], "primary_producers")
    producers = req.constraints.producers or ["application"]
    if primary and not set(primary) & set(producers):
        adj.append((OFF_PURPOSE, f"{ctx.name(path[0])} is built for {', '.join(primary)} producers"))
    headroom = _headroom(ctx, path)
    if headroom is not None:
        adj.append((headroom[0], headroom[1]))
    ev.adjustments = adj
    ev.score = 100.0 + sum(d for d, _ in adj)


def _headroom(ctx: Context, path) -> tuple[float, str] | None:
    """A small bonus for room under the tightest published throughput quota (log10 of quota/peak)."""
    import math

    peak = ctx.req.constraints.peak_per_second
    if not peak:
        return None
    ceilings = [(ref.fact.numeric(ctx.region), opt) for opt in path
                if (ref := ctx.ref(opt, "throughput.max")) is not None and ref.fact.numeric(ctx.region)]
    if not ceilings:
        return None
    cap, opt = min(ceilings, key=lambda c: c[0])
    if cap == float("inf"):
        return HEADROOM_MAX, "no throughput ceiling"
    ratio = cap / peak
    bonus = round(min(HEADROOM_MAX, max(0.0, math.log10(ratio))), 1)
    return bonus, f"peak is 1/{ratio:,.0f} of {ctx.name(opt)}'s quota, the tightest here"


# Ties break towards the simpler model at the entry (a queue before a topic before a bus ...), then by id.
SIMPLICITY = ("queue", "topic", "bus", "stream", "transfer", "workflow", "storage", "backup")


def _rank_key(ev: Evaluation, kb: KnowledgeBase | None = None):
    model = kb.value(ev.design.path[0], "model") if kb is not None else None
    rank = SIMPLICITY.index(model) if model in SIMPLICITY else len(SIMPLICITY)
    return (-ev.score, len(ev.design.path), rank, ev.design.key)


def _concerns(req) -> list[str]:
    out = []
    if req.has_messaging or not (req.has_storage or req.has_backup):
        out.append("messaging")
    if req.has_storage:
        out.append("storage")
    if req.has_backup:
        out.append("backup")
    return out


def _designs_for(kb: KnowledgeBase, req, concern: str) -> list[Design]:
    if concern == "messaging":
        return messaging_designs(kb)
    if concern == "storage":
        return storage_designs(kb, req)
    return backup_designs(kb)


def recommend(req, kb: KnowledgeBase) -> Result:
    ctx = Context(kb, req)
    trace: list[str] = []
    concerns = _concerns(req)
    trace.append(f"concerns: {', '.join(concerns)} (from the sections answered)")
    best_per_concern: dict[str, list[Evaluation]] = {}
    all_evals: list[Evaluation] = []
    conflicts: list[str] = []
    for concern in concerns:
        designs = _designs_for(kb, req, concern)
        evals = [evaluate(ctx, d) for d in designs]
        all_evals.extend(evals)
        passing = [e for e in evals if e.ok]
        for e in passing:
            score(ctx, e)
        passing.sort(key=lambda e: _rank_key(e, kb))
        trace.append(f"{concern}: walked {len(designs)} designs through the graph; {len(passing)} satisfy every "
                     "hard requirement")
        for e in evals:
            if e.ok:
                trace.append(f"  pass  {e.design.key}  score {e.score:g}  "
                             + "; ".join(f"{d:+g} {t}" for d, t in e.adjustments))
            elif len(e.design.path) == 1:
                trace.append(f"  fail  {e.design.key}: " + "; ".join(
                    f"{r.requirement}: {r.text} [{r.fact}]" for r in e.failures))
        if not passing:
            conflicts.extend(_conflicts(kb, req, concern, evals))
        best_per_concern[concern] = passing

    ok = all(best_per_concern[c] for c in concerns)
    primary = concerns[0]
    recommendation = best_per_concern[primary][0] if ok else None
    supplements = [best_per_concern[c][0] for c in concerns[1:]] if ok else []
    candidates = [e for c in concerns for e in best_per_concern[c]]
    candidates.sort(key=lambda e: (concerns.index(e.design.concern),) + _rank_key(e, kb))
    excluded = _exclusions(kb, ctx, concerns, all_evals, candidates)
    if recommendation is not None:
        trace.append(f"recommended: {recommendation.design.key} ({recommendation.pattern_id}), "
                     f"score {recommendation.score:g}")
    shown = ([recommendation] if recommendation else []) + [c for c in candidates if c is not recommendation
                                                          and c not in supplements][:MAX_CANDIDATES]
    return Result(req, recommendation, supplements, shown, excluded, conflicts, trace,
                  str(kb.as_of), kb.digest)


def _exclusions(kb, ctx, concerns, all_evals, candidates) -> list[Exclusion]:
    used = {o for e in candidates for o in e.design.path}
    out: list[Exclusion] = []
    for opt in kb.options:
        if opt in used:
            continue
        concern = concern_of(kb, opt)
        if concern not in concerns:
            ref = kb.fact(opt, "model")
            what = {"storage": "hybrid storage", "backup": "backup", "messaging": "application messaging"}[concern]
            out.append(Exclusion(opt.service, opt.variant, [Reason.of(
                f"{kb.display_name(opt)} answers {what} needs, which these requirements do not ask about",
                ref, "scope")]))
            continue
        tried = [e for e in all_evals if opt in e.design.path and not e.ok]
        if not tried:
            continue
        best = min(tried, key=lambda e: (len(e.failures), len(e.design.path), e.design.key))
        reasons = list(best.failures)
        if len(best.design.path) > 1:
            reasons = [Reason(f"even as {best.design.key}: {r.text}", r.fact, r.source, r.requirement)
                       for r in reasons]
        out.append(Exclusion(opt.service, opt.variant, reasons))
    return out


def _conflicts(kb, req, concern: str, evals: list[Evaluation]) -> list[str]:
    """Name the requirements that together rule out every design: the smallest sets whose removal lets one pass."""
    keys = sorted({r.requirement for e in evals for r in e.failures if r.requirement})
    designs = [e.design for e in evals]

    def passes_without(ignored: frozenset[str]) -> Evaluation | None:
        """The best-ranked design that would fit if these requirements were dropped."""
        ctx = Context(kb, req, ignored)
        fitting = [ev for ev in (evaluate(ctx, d) for d in designs) if ev.ok]
        for ev in fitting:
            score(ctx, ev)
        return min(fitting, key=lambda e: _rank_key(e, kb)) if fitting else None

    for size in (1, 2):
        found = []
        for combo in combinations(keys, size):
            ev = passes_without(frozenset(combo))
            if ev is not None:
                blocking = [r for r in evaluate(Context(kb, req), ev.design).failures if r.requirement in combo]
                detail = "; ".join(r.text + (f" [{r.fact}]" if r.fact else "") for r in blocking)
                which = "it" if size == 1 else "them"
                found.append(f"{' + '.join(combo)} (without {which}, {ev.pattern_name} would fit: {detail})")
        if found:
            return found
    return [f"{k}" for k in keys]
