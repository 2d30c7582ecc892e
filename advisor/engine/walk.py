"""Find designs by walking the knowledge graph, check them against the requirements, rank the survivors.

1. Candidate designs (engine/designs.py) are small trees: an entry service taken by the producers and a
   leg per kind of consumer, sharing services where legs share a prefix. Storage and backup designs are
   their own concerns.
2. Every hard requirement is a check (engine/checks.py) that cites the fact deciding it, applied where it
   matters: ordering on the legs to consumers that act on messages, push or pull at each consumer's
   interface, retention at the store a consumer reads.
3. Designs that pass are ranked in tiers (engine/ranking.py): fitness for purpose, then preferences, then
   simplicity. Designs equal in every tier are settled by a documented AWS default (engine/ties.py) or
   reported as a tie with the question that would separate them.
"""

from __future__ import annotations

from itertools import product
from typing import TYPE_CHECKING

from advisor.engine import designs as D
from advisor.engine.checks import BY_PATH, MESSAGING_CHECKS, Context
from advisor.engine.ranking import data_kind, into_stores_only, rank, tier_key
from advisor.engine.result import Design, Evaluation, Exclusion, Reason, Result, Tie
from advisor.engine.storage_checks import BACKUP_CHECKS, STORAGE_CHECKS
from advisor.engine.ties import deciding_question, settle
from advisor.knowledge.base import KnowledgeBase, Option

if TYPE_CHECKING:
    from advisor.knowledge.schema import Workaround

MAX_CANDIDATES = 10
# Requirements a design meets at any one of its services (filtering, orchestration) or across its legs (every
# consumer kind reached): another leg can meet them, so they do not rank the legs for one kind of consumer.
DESIGN_WIDE = frozenset({"constraints.consumers", "constraints.filtering", "constraints.schedule", "constraints.workflow"})
MAX_STORAGE_COMBINATIONS = 64  # several access types each matched by one gateway: bounded, never exponential

concern_of = D.concern_of


def messaging_designs(kb: KnowledgeBase, ctx: Context | None = None,
                      evaluated: dict[Design, Evaluation] | None = None) -> list[Design]:
    """Candidate designs; ``evaluated`` collects the evaluations made while ranking legs (reused by the walk)."""
    if ctx is None:
        return D.messaging_designs(kb, [], lambda leg: 0)
    leg_memo: dict = {}
    evaluated = {} if evaluated is None else evaluated

    def leg_rank(leg):
        """Legs that fail fewer of their own requirements first, then the better ranked (a leg alone, as a
        design, judged without the requirements another leg can meet)."""
        key = (leg.consumer, leg.path)
        if key not in leg_memo:
            alone = Design.of_legs((leg,))
            ev = evaluated.get(alone) or evaluated.setdefault(alone, evaluate(ctx, alone))
            own = [r for r in ev.failures if r.requirement not in DESIGN_WIDE]
            if not own and not ev.tiers:
                rank(ctx, ev)
            leg_memo[key] = (len(own), tier_key(ev) if not own else (), len(leg.path), leg.key)
        return leg_memo[key]

    return D.messaging_designs(kb, ctx.consumers_wanted(), leg_rank,
                               p2p_answered=ctx.req.connection.distribution == "p2p")


def storage_designs(kb: KnowledgeBase, req) -> list[Design]:
    opts = [o for o in kb.options if concern_of(kb, o) == "storage"]
    designs = [Design((o,), "storage") for o in opts]
    access = list(dict.fromkeys(req.storage.access)) if req.storage and req.storage.access else []
    if len(access) > 1:
        per_type = [[o for o in opts if a in (kb.value(o, "storage.access") or [])] for a in access]
        for i, combo in enumerate(product(*per_type)):
            if i >= MAX_STORAGE_COMBINATIONS:
                break
            if len(set(combo)) == len(combo):
                designs.append(Design(tuple(combo), "storage"))
    return designs


def backup_designs(kb: KnowledgeBase) -> list[Design]:
    return [Design((o,), "backup") for o in kb.options if concern_of(kb, o) == "backup"]


def _named(kb: KnowledgeBase, design: Design) -> tuple[str, str, str]:
    """Pattern id, name and summary: a documented pattern per leg where there is one."""
    parts = []
    for leg in design.all_legs:
        if any(leg.path == p[0] for p in parts):
            continue
        parts.append((leg.path, kb.pattern_for(leg.path)))
    ids, names, summaries = [], [], []
    for path, pattern in parts:
        if pattern is not None:
            ids.append(pattern.id)
            names.append(pattern.name)
            summaries.append(pattern.summary.strip())
        else:
            ids.append("-to-".join(o.id.replace(":", "-") for o in path))
            name = " → ".join(kb.display_name(o) for o in path)
            names.append(name)
            summaries.append(f"{name}, joined by their AWS integrations.")
    if len(parts) == 1:
        return ids[0], names[0], summaries[0]
    return "+".join(ids), " with ".join(names), " ".join(summaries)


def evaluate(ctx: Context, design: Design) -> Evaluation:
    kb = ctx.kb
    ev = Evaluation(design, lambda: _named(kb, design))
    checks = {"messaging": MESSAGING_CHECKS, "storage": STORAGE_CHECKS, "backup": BACKUP_CHECKS}[design.concern]
    watch = ev.watch
    seen: set[Reason] = set()

    def note(items) -> None:
        for w in items:
            if w not in seen:
                seen.add(w)
                watch.append(w)

    for check in checks:
        if check in BY_PATH:
            memo_key = (check, design.concern, design.path)
            try:
                outcome = ctx.by_path[memo_key]
            except KeyError:
                outcome = ctx.by_path[memo_key] = check(ctx, design)
        else:
            outcome = check(ctx, design)
        if outcome is None or outcome.reason.requirement in ctx.ignore:
            continue
        if outcome.ok:
            if outcome.reason.source:
                ev.satisfied.append(outcome.reason)
            else:  # a pass with no sourced fact behind it is not a reason; say so plainly instead
                r = outcome.reason
                note([Reason(f"{r.text} — no sourced figure in the knowledge; check the service quotas",
                             None, None, r.requirement)])
            note(outcome.watch)
        else:
            ev.failures.append(outcome.reason)
    if design.concern == "messaging" and ev.ok:
        watch.extend(_semantics_watch(ctx, design))
        watch.extend(_sink_watch(ctx, design))
        seen.update(watch)
    for leg in design.all_legs:
        pattern = kb.pattern_for(leg.path)
        if pattern is not None:
            note(Reason(w.text, None, w.source) for w in pattern.watch)
    if ev.ok:
        ev.added = _added_by_patterns(kb, watch)
    return ev


def _added_by_patterns(kb, watch: list[Reason]) -> dict[Option, Workaround]:
    """Services the documented patterns in use bring into the design (the queue of a subscription's DLQ), each with
    the pattern that brings it."""
    ids = {w.fact.removeprefix("workaround:") for w in watch if w.kind == "workaround" and w.fact}
    added: dict[Option, Workaround] = {}
    for pattern in kb.workarounds:
        if pattern.id in ids:
            for a in pattern.adds:
                added.setdefault(Option.parse(a), pattern)
    return added


def _sink_watch(ctx: Context, design: Design) -> list[Reason]:
    """A sink written once per message (an IoT rule's S3 action) multiplies objects with the message rate; an HTTP
    endpoint fed by a delivery stream must speak its format."""
    from advisor.engine import units
    from advisor.knowledge.vocabulary import SINK_CONSUMERS

    out = []
    peak = ctx.req.constraints.peak_per_second
    for leg in design.all_legs:
        ref = ctx.ref(leg.end, "sink_writes")
        if leg.consumer in SINK_CONSUMERS and ref and ref.fact.value == "per-message":
            per_day = f" (about {units.number(round(peak * 86400))} objects a day at the peak)" if peak else ""
            out.append(Reason.of(f"{ctx.name(leg.end)} writes one {leg.consumer} object per message{per_day}; "
                                 "put Firehose in between to batch them", ref))
        fmt = ctx.ref(leg.end, "http_endpoint_format") if leg.consumer == "http" else None
        if fmt:  # a delivery stream posts batches in its own format, which a plain webhook does not accept
            out.append(Reason.of(f"{ctx.name(leg.end)} posts to the HTTP endpoint in {fmt.fact.value}: the "
                                 "endpoint must accept it (partner endpoints do; a plain webhook does not)", fmt))
    return out


def _semantics_watch(ctx: Context, design: Design) -> list[Reason]:
    """The seeds' warnings: at-least-once delivery demands idempotent consumers; fan-out can loop."""
    out = []
    for opt in design.path:
        if (edition := ctx.edition(opt)) is not None:  # say which product the design is built on
            ed = ctx.kb.editions(opt)[edition]
            out.append(Reason(f"{ctx.name(opt)}: {ed.note}", f"{opt.service}.{opt.variant}.editions.{edition}",
                              ed.source))
    for opt in design.path:
        ref = ctx.ref(opt, "semantics")
        if ref and ref.fact.value == "at-least-once":
            out.append(Reason.of(f"{ctx.name(opt)} delivers at least once: make consumers idempotent (record "
                                 "processed message ids, or make the effect safe to repeat)", ref))
            break
    for opt in design.path:
        ref = ctx.ref(opt, "dead_letter")
        if ref and ref.fact.value:
            store = ctx.val(opt, "dead_letter.store", "a dead-letter queue")  # Firehose keeps failures in S3
            out.append(Reason.of(f"{ctx.name(opt)}: configure {store} so failing messages are kept, "
                                 "not lost or retried forever", ref))
            break
    if any("pubsub" in (ctx.val(o, "distribution") or []) for o in design.path):
        ref = next(ctx.ref(o, "distribution") for o in design.path if "pubsub" in (ctx.val(o, "distribution") or []))
        out.append(Reason.of("a consumer that publishes back to a topic or bus it subscribes to creates a message "
                             "loop; keep flows acyclic (mqadvise lint finds cycles)", ref))
    return out


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


def _rank_key(ev: Evaluation):
    return (*tier_key(ev), len(ev.design.path), ev.design.key)


def rank_passing(ctx: Context, evals: list[Evaluation]) -> list[Evaluation]:
    passing = [e for e in evals if e.ok]
    for e in passing:
        rank(ctx, e)
    passing.sort(key=_rank_key)
    return passing


def _settle_top(ctx: Context, passing: list[Evaluation]) -> tuple[list[Evaluation], Tie | None]:
    """Reorder the best designs when several tie in every tier; describe the tie."""
    if len(passing) < 2:
        return passing, None
    top = tier_key(passing[0])
    tied, node_sets = [], set()
    for e in passing:  # designs with the same services (legs drawn differently) are one choice, not a tie
        nodes = frozenset(e.design.path)
        if tier_key(e) == top and nodes not in node_sets:
            node_sets.add(nodes)
            tied.append(e)
    if len(tied) < 2:
        return passing, None
    chosen, tie = settle(ctx.kb, tied, ctx.req)
    if not tie.documented:
        def reevaluate(req, designs):
            c = Context(ctx.kb, req)
            return rank_passing(c, [evaluate(c, d) for d in designs])

        question, answers = deciding_question(ctx.req, tied, reevaluate)
        tie = Tie(tie.chosen, tie.others, None, None, None, question, answers)
    ordered = [chosen] + [e for e in passing if e is not chosen]
    return ordered, tie


def recommend(req, kb: KnowledgeBase) -> Result:
    ctx = Context(kb, req)
    trace: list[str] = []
    concerns = _concerns(req)
    trace.append(f"concerns: {', '.join(concerns)} (from the sections answered)")
    kind, why = data_kind(ctx)
    if why:
        stated = "streaming" if kind == "messaging" else "messaging"  # answered, or implied by a migration
        trace.append(f"data kind: ranked as {kind}, not {stated}: {why}")
    if kind == "streaming" and into_stores_only(ctx):
        trace.append(f"consumers: each named ({', '.join(req.constraints.consumers)}) is a destination a delivery "
                     "stream batches into, and no reader of the stream is asked (replay, retention, order, several "
                     "readers): a design must batch the stream into them")
    best_per_concern: dict[str, list[Evaluation]] = {}
    all_evals: list[Evaluation] = []
    conflicts: list[str] = []
    ties: list[Tie] = []
    for concern in concerns:
        seen: dict[Design, Evaluation] = {}
        designs = messaging_designs(kb, ctx, seen) if concern == "messaging" else _designs_for(kb, req, concern)
        evals = [seen.get(d) or evaluate(ctx, d) for d in designs]
        all_evals.extend(evals)
        passing = rank_passing(ctx, evals)
        passing, tie = _settle_top(ctx, passing)
        if tie is not None:
            ties.append(tie)
            how = f"settled by the documented default: {tie.settled_by}" if tie.documented else (
                "no documented default settles it" + (f"; the deciding question is {tie.deciding_question}"
                                                      if tie.deciding_question else ""))
            trace.append(f"{concern}: tie between {tie.chosen} and {', '.join(tie.others)}; {how}")
        trace.append(f"{concern}: walked {len(designs)} designs through the graph; {len(passing)} satisfy every "
                     "hard requirement")
        for e in evals:
            if e.ok:
                trace.append(f"  pass  {e.design.key}  tiers {tier_key(e)}  "
                             + "; ".join(f"{t}" for _d, t in e.adjustments))
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
    excluded = _exclusions(kb, ctx, concerns, all_evals, candidates)
    if recommendation is not None:
        trace.append(f"recommended: {recommendation.design.key} ({recommendation.pattern_id}), "
                     f"tiers {tier_key(recommendation)}")
    shown = ([recommendation] if recommendation else []) + [c for c in candidates if c is not recommendation
                                                          and c not in supplements][:MAX_CANDIDATES]
    return Result(req, recommendation, supplements, shown, excluded, conflicts, trace,
                  str(kb.as_of), kb.digest, ties)


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
        if len(best.design.path) > 1:  # said once, before the first reason: the others are of the same design
            first = reasons[0]
            reasons[0] = Reason(f"even as {best.design.key}: {first.text}", first.fact, first.source,
                                first.requirement)
        out.append(Exclusion(opt.service, opt.variant, reasons))
    return out


def _conflicts(kb, req, concern: str, evals: list[Evaluation]) -> list[str]:
    """Name the requirements that together rule out every design: the smallest sets of failed requirements.

    Each design's failures are already known, so dropping a set of requirements lets exactly the designs
    whose failures lie inside that set pass; no design is evaluated again.
    """
    sets: dict[frozenset[str], list[Evaluation]] = {}
    for e in evals:
        keys = frozenset(r.requirement for r in e.failures if r.requirement)
        if keys and len(e.failures) == len([r for r in e.failures if r.requirement]):
            sets.setdefault(keys, []).append(e)
    if not sets:
        return []
    smallest = min(len(k) for k in sets)
    found = []
    for keys in sorted((k for k in sets if len(k) == smallest), key=sorted):
        ev = min(sets[keys], key=lambda e: (len(e.design.path), e.design.key))
        detail = "; ".join(r.text + (f" [{r.fact}]" if r.fact else "") for r in ev.failures)
        which = "it" if len(keys) == 1 else "them"
        found.append(f"{' + '.join(sorted(keys))} (without {which}, {ev.pattern_name} would fit: {detail})")
    return found[:8]
