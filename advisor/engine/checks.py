"""Hard requirements, one check per requirements key.

A check returns None when the user left the key unanswered (no constraint), otherwise an Outcome:
passed or failed, with a Reason that cites the fact deciding it. Checks only compare; every figure
comes from the knowledge base.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from advisor.engine import units
from advisor.engine.result import Design, Reason
from advisor.knowledge.base import FactRef, KnowledgeBase, Option

ORDER_RANK = {"none": 0, "per-key": 1, "global": 2}
SEMANTICS_RANK = {"at-most-once": 0, "at-least-once": 1, "exactly-once": 2}
CHANGE_RANK = {"none": 0, "minimal": 1, "allowed": 2}


@dataclass
class Outcome:
    ok: bool
    reason: Reason
    watch: list[Reason] = field(default_factory=list)


class Context:
    """What checks need: the knowledge, the requirements and a few derived views of a design."""

    def __init__(self, kb: KnowledgeBase, req, ignore: frozenset[str] = frozenset()):
        self.kb = kb
        self.req = req
        self.region = req.constraints.region
        self.ignore = ignore
        self._taps: dict[Design, dict[str, Option]] = {}

    def ref(self, opt: Option, name: str) -> FactRef | None:
        return self.kb.fact(opt, name)

    def val(self, opt: Option, name: str, default=None):
        return self.kb.value(opt, name, default)

    def name(self, opt: Option) -> str:
        return self.kb.display_name(opt)

    def consumers_wanted(self) -> list[str]:
        return list(self.req.constraints.consumers or [])

    def taps(self, design: Design) -> dict[str, Option]:
        """Which node delivers to each wanted consumer kind.

        The last node on the path that can, preferring one that delivers the way the user asked
        (push or pull), so that a stream's readers and its archive can hang off different nodes.
        """
        if design in self._taps:
            return self._taps[design]
        out: dict[str, Option] = {}
        self._taps[design] = out
        for kind in self.consumers_wanted():
            able = [o for o in reversed(design.path) if kind in (self.val(o, "consumers") or [])]
            if not able:
                continue
            fitting = [o for o in able if self.delivers_as_asked(o, kind)]
            out[kind] = (fitting or able)[0]
        return out

    def delivers_as_asked(self, opt: Option, kind: str) -> bool:
        wanted = self.req.connection.delivery
        if wanted is None or wanted in (self.val(opt, "delivery") or []):
            return True
        return wanted == "push" and kind == "lambda" and bool(self.val(opt, "lambda_event_source_mapping"))

    def delivery_nodes(self, design: Design, *, active_only: bool = False) -> list[Option]:
        """The nodes that hand messages to the wanted consumers (sinks such as S3 left out if asked)."""
        from advisor.knowledge.vocabulary import SINK_CONSUMERS

        taps = self.taps(design)
        if active_only:
            taps = {k: o for k, o in taps.items() if k not in SINK_CONSUMERS} or taps
        return sorted(set(taps.values()), key=design.path.index) if taps else [design.path[-1]]


def _names(ctx: Context, design: Design) -> str:
    return " and ".join(ctx.name(o) for o in design.path)


def _passed(text: str, ref: FactRef | None, key: str, watch: list[Reason] | None = None) -> Outcome:
    return Outcome(True, Reason.of(text, ref, key), watch or [])


def _failed(text: str, ref: FactRef | None, key: str) -> Outcome:
    return Outcome(False, Reason.of(text, ref, key))


def _all_nodes_have(ctx: Context, design: Design, fact: str, wanted: str, key: str, what: str) -> Outcome:
    for opt in design.path:
        ref = ctx.ref(opt, fact)
        values = ref.fact.value if ref else []
        if wanted not in values:
            return _failed(f"{ctx.name(opt)} handles {', '.join(values) or 'no'} {what}, not {wanted}", ref, key)
    ref = ctx.ref(design.path[0], fact)
    return _passed(f"{ctx.name(design.path[0])} suits {wanted} {what}", ref, key)


# ---- the four connection questions --------------------------------------------------------------

def check_data(ctx: Context, design: Design) -> Outcome | None:
    wanted = ctx.req.connection.data
    if wanted is None:
        return None
    return _all_nodes_have(ctx, design, "data", wanted, "connection.data", "data")


def check_completion(ctx: Context, design: Design) -> Outcome | None:
    wanted = ctx.req.connection.completion
    if wanted is None:
        return None
    return _all_nodes_have(ctx, design, "completion", wanted, "connection.completion", "completion")


def check_delivery(ctx: Context, design: Design) -> Outcome | None:
    wanted = ctx.req.connection.delivery
    if wanted is None:
        return None
    key = "connection.delivery"
    for opt in ctx.delivery_nodes(design, active_only=True):
        ref = ctx.ref(opt, "delivery")
        modes = ref.fact.value if ref else []
        if wanted in modes:
            continue
        esm = ctx.ref(opt, "lambda_event_source_mapping")
        if wanted == "push" and esm and esm.fact.value and "lambda" in ctx.consumers_wanted():
            return _passed(f"Lambda's event source mapping polls {ctx.name(opt)} and invokes the function "
                           "as messages arrive", esm, key)
        return _failed(f"{ctx.name(opt)} delivers by {', '.join(modes)}, not {wanted}", ref, key)
    opt = ctx.delivery_nodes(design, active_only=True)[0]
    return _passed(f"{ctx.name(opt)} delivers by {wanted}", ctx.ref(opt, "delivery"), key)


def check_distribution(ctx: Context, design: Design) -> Outcome | None:
    wanted = ctx.req.connection.distribution
    if wanted is None:
        return None
    key = "connection.distribution"
    if wanted == "pubsub":
        for opt in design.path:
            ref = ctx.ref(opt, "distribution")
            if ref and "pubsub" in ref.fact.value:
                return _passed(f"{ctx.name(opt)} gives every subscriber its own copy (publish/subscribe)", ref, key)
        ref = ctx.ref(design.path[0], "distribution")
        return _failed(f"{ctx.name(design.path[0])} hands each message to one consumer; nothing in this design "
                       "fans out to several subscribers", ref, key)
    opt = design.path[-1]
    ref = ctx.ref(opt, "distribution")
    if ref and "p2p" in ref.fact.value:
        return _passed(f"{ctx.name(opt)} hands each message to exactly one consumer", ref, key)
    return _failed(f"{ctx.name(opt)} copies each message to every subscriber rather than to one consumer", ref, key)


# ---- constraints -------------------------------------------------------------------------------

def check_ordering(ctx: Context, design: Design) -> Outcome | None:
    wanted = ctx.req.constraints.ordering
    if wanted in (None, "none"):
        return None
    key = "constraints.ordering"
    need = ORDER_RANK[wanted]
    watch: list[Reason] = []
    for opt in design.path:
        ref = ctx.ref(opt, "ordering")
        have = ref.fact.value if ref else "none"
        if ORDER_RANK[have] >= need:
            continue
        single = ctx.ref(opt, "global_ordering_single_group")
        if wanted == "global" and have == "per-key" and single and single.fact.value:
            watch.append(Reason.of(f"{ctx.name(opt)} keeps global order only with a single message group or "
                                   "key, which processes one message at a time", single, key))
            continue
        kept = {"none": "no order guarantee", "per-key": "order per key only"}[have]
        return _failed(f"{ctx.name(opt)} gives {kept}; {wanted} ordering was asked for", ref, key)
    ref = ctx.ref(design.path[-1], "ordering")
    return _passed(f"order is kept {wanted.replace('-', ' ')} through {' and '.join(ctx.name(o) for o in design.path)}",
                   ref, key, watch)


def check_deduplication(ctx: Context, design: Design) -> Outcome | None:
    if not ctx.req.constraints.deduplication:
        return None
    key = "constraints.deduplication"
    for opt in ctx.delivery_nodes(design):
        ref = ctx.ref(opt, "deduplication")
        if not (ref and ref.fact.value):
            return _failed(f"{ctx.name(opt)} does not drop duplicate messages itself", ref, key)
    opt = ctx.delivery_nodes(design)[0]
    window = ctx.ref(opt, "deduplication.window")
    text = f"{ctx.name(opt)} drops duplicates"
    if window:
        text += f" within a {units.figure(window.fact)} window"
    return _passed(text, ctx.ref(opt, "deduplication"), key)


def check_peak(ctx: Context, design: Design) -> Outcome | None:
    peak = ctx.req.constraints.peak_per_second
    if peak is None:
        return None
    key = "constraints.peak_per_second"
    watch: list[Reason] = []
    limiting: tuple[float, Option, FactRef] | None = None
    for opt in design.path:
        ref = ctx.ref(opt, "throughput.max")
        if ref is None:
            continue
        cap = ref.fact.numeric(ctx.region)
        if cap is None:
            continue
        if peak > cap:
            return _failed(f"{ctx.name(opt)} carries at most {units.figure(ref.fact, ctx.region)}; "
                           f"the peak is {units.number(peak)}/s", ref, key)
        default = ctx.ref(opt, "throughput.default")
        if default and default.fact.numeric(ctx.region) is not None and peak > default.fact.numeric(ctx.region):
            note = f" — {default.fact.note}" if default.fact.note else ""
            watch.append(Reason.of(f"{ctx.name(opt)}: {units.number(peak)}/s exceeds the default "
                                   f"{units.figure(default.fact, ctx.region)}; opt in to the higher limit{note}",
                                   default, key, setting=True))
        if limiting is None or cap < limiting[0]:
            limiting = (cap, opt, ref)
    if limiting is None:
        return _passed(f"no published throughput ceiling limits {units.number(peak)}/s", None, key, watch)
    cap, opt, ref = limiting
    region = ctx.region
    watch.append(Reason.of(f"{ctx.name(opt)} throughput ceiling: {units.figure(ref.fact, region)}"
                           + ("" if region else "; quotas are lower in smaller Regions"), ref, key))
    return _passed(f"{units.number(peak)}/s fits {ctx.name(opt)}'s {units.figure(ref.fact, region)}", ref, key, watch)


def check_message_size(ctx: Context, design: Design) -> Outcome | None:
    size = ctx.req.constraints.message_kib
    if size is None:
        return None
    key = "constraints.message_kib"
    watch: list[Reason] = []
    for opt in design.path:
        ref = ctx.ref(opt, "message_size.max")
        if ref is None:
            continue
        cap = units.kib(ref.fact)
        if cap is not None and size > cap:
            return _failed(f"{ctx.name(opt)} accepts messages up to {units.figure(ref.fact)}; "
                           f"{units.number(size)} KiB was asked for", ref, key)
        default = ctx.ref(opt, "message_size.default")
        dcap = units.kib(default.fact) if default else None
        if dcap is not None and size > dcap:
            watch.append(Reason.of(f"{ctx.name(opt)}: {units.number(size)} KiB is above the default "
                                   f"{units.figure(default.fact)}; raise the limit to {units.figure(ref.fact)}"
                                   + (f" ({ref.fact.note})" if ref.fact.note else ""), ref, key, setting=True))
    def effective(opt: Option) -> FactRef | None:
        """The limit that applies as configured: the default when the size fits it, else the opt-in maximum."""
        default = ctx.ref(opt, "message_size.default")
        if default and (units.kib(default.fact) or 0) >= size:
            return default
        return ctx.ref(opt, "message_size.max")

    limits = [r for r in (effective(o) for o in design.path) if r]
    smallest = min(limits, key=lambda r: units.kib(r.fact) or float("inf"), default=None)
    text = f"{units.number(size)} KiB messages fit"
    if smallest:
        text += f" (limit {units.figure(smallest.fact)})"
        watch.append(Reason.of(f"message size limit {units.figure(smallest.fact)}", smallest, key))
    return _passed(text, smallest, key, watch)


def check_retention(ctx: Context, design: Design) -> Outcome | None:
    days = ctx.req.constraints.retention_days
    if days is None or days == 0:
        return None
    key = "constraints.retention_days"
    need = days * 86400
    # Each consumer's messages wait in the last store on the path before the node that delivers to it.
    stores: list[tuple[Option, FactRef]] = []
    for tap in ctx.delivery_nodes(design):
        upto = design.path[: design.path.index(tap) + 1]
        store = next((o for o in reversed(upto) if ctx.val(o, "persistence")), None)
        if store is None:
            ref = ctx.ref(tap, "persistence")
            return _failed(f"nothing before {ctx.name(tap)} keeps unconsumed messages "
                           f"({ctx.name(tap)} does not store them)", ref, key)
        stores.append((store, ctx.ref(store, "retention.max") or ctx.ref(store, "persistence")))
    store, ref = min(stores, key=lambda s: units.seconds(s[1].fact) if s[1].fact.unit else float("inf"))
    cap = units.seconds(ref.fact) if ref.fact.unit else float("inf")
    if need > cap:
        return _failed(f"{ctx.name(store)} keeps data at most {units.figure(ref.fact)}; {units.number(days)} days "
                       "were asked for", ref, key)
    watch = []
    default = ctx.ref(store, "retention.default")
    if default and units.seconds(default.fact) is not None and need > units.seconds(default.fact):
        watch.append(Reason.of(f"{ctx.name(store)} keeps data {units.figure(default.fact)} by default; set the "
                               f"retention period to at least {units.number(days)} days", default, key,
                               setting=True))
    if ref.fact.unit is None:  # persistence without a published maximum
        return _passed(f"{ctx.name(store)} keeps unconsumed messages until they are consumed", ref, key, watch)
    return _passed(f"{ctx.name(store)} keeps unconsumed data up to {units.figure(ref.fact)}", ref, key, watch)


def _any_node(ctx: Context, design: Design, fact: str, key: str, yes: str, no: str) -> Outcome:
    for opt in design.path:
        ref = ctx.ref(opt, fact)
        if ref and ref.fact.value:
            return _passed(yes.format(name=ctx.name(opt)), ref, key)
    names = " or ".join(ctx.name(o) for o in design.path)
    return _failed(no.format(name=names), ctx.ref(design.path[0], fact), key)


def check_replay(ctx: Context, design: Design) -> Outcome | None:
    if not ctx.req.constraints.replay:
        return None
    return _any_node(ctx, design, "replay", "constraints.replay",
                     "{name} lets receivers re-read past data", "{name} cannot replay consumed messages")


def check_filtering(ctx: Context, design: Design) -> Outcome | None:
    if not ctx.req.constraints.filtering:
        return None
    return _any_node(ctx, design, "filtering", "constraints.filtering",
                     "{name} filters messages for each receiver", "{name} cannot filter messages per receiver")


def check_priority(ctx: Context, design: Design) -> Outcome | None:
    if not ctx.req.constraints.priority:
        return None
    return _any_node(ctx, design, "priority", "constraints.priority",
                     "{name} delivers higher-priority messages first", "{name} has no message priority")


def check_delay(ctx: Context, design: Design) -> Outcome | None:
    delay = ctx.req.constraints.delay_seconds
    if not delay:
        return None
    key = "constraints.delay_seconds"
    for opt in design.path:
        ref = ctx.ref(opt, "delay.max")
        if ref and (units.seconds(ref.fact) or 0) >= delay:
            return _passed(f"{ctx.name(opt)} can delay delivery up to {units.figure(ref.fact)}", ref, key)
    refs = [r for r in (ctx.ref(o, "delay.max") for o in design.path) if r]
    if refs:
        return _failed(f"the longest delay here is {units.figure(refs[0].fact)}; {units.number(delay)} s was asked",
                       refs[0], key)
    return _failed(f"{_names(ctx, design)} cannot delay delivery", None, key)


def check_processing(ctx: Context, design: Design) -> Outcome | None:
    minutes = ctx.req.constraints.processing_minutes
    if minutes is None:
        return None
    key = "constraints.processing_minutes"
    need = minutes * 60
    for kind in ctx.consumers_wanted():
        ep = ctx.kb.endpoints.get(f"consumer:{kind}")
        fact = ep.facts.get("processing_time.max") if ep else None
        if fact is not None and need > (units.seconds(fact) or float("inf")):
            ref = FactRef(f"consumer:{kind}.processing_time.max", fact)
            return _failed(f"{ep.name} consumers run at most {units.figure(fact)} per invocation; "
                           f"{units.number(minutes)} minutes per message were asked", ref, key)
    for opt in ctx.delivery_nodes(design):
        ref = ctx.ref(opt, "processing_time.max")
        if ref and need > (units.seconds(ref.fact) or float("inf")):
            return _failed(f"{ctx.name(opt)} lets a consumer hold a message at most {units.figure(ref.fact)}",
                           ref, key)
    opt = ctx.delivery_nodes(design)[0]
    ref = ctx.ref(opt, "processing_time.max")
    if ref:
        return _passed(f"{ctx.name(opt)} lets a consumer work on a message up to {units.figure(ref.fact)}", ref, key,
                       [Reason.of(f"longest processing time per message: {units.figure(ref.fact)}", ref, key)])
    return _passed(f"{ctx.name(opt)} puts no limit on processing time", None, key)


def _entry_lacks(ctx: Context, design: Design, fact: str, wanted: list[str]):
    """What the design's entry offers of a list fact, and which wanted values it lacks."""
    entry = design.path[0]
    ref = ctx.ref(entry, fact)
    have = ref.fact.value if ref else []
    return entry, ref, have, [w for w in wanted if w not in have]


def check_producers(ctx: Context, design: Design) -> Outcome | None:
    wanted = ctx.req.constraints.producers
    if not wanted:
        return None
    key = "constraints.producers"
    entry, ref, have, missing = _entry_lacks(ctx, design, "producers", wanted)
    if missing:
        return _failed(f"{ctx.name(entry)} does not take input from {', '.join(missing)} producers", ref, key)
    return _passed(f"{ctx.name(entry)} accepts input from {', '.join(wanted)}", ref, key)


def check_consumers(ctx: Context, design: Design) -> Outcome | None:
    wanted = ctx.consumers_wanted()
    if not wanted:
        return None
    key = "constraints.consumers"
    taps = ctx.taps(design)
    missing = [c for c in wanted if c not in taps]
    if missing:
        last = design.path[-1]
        return _failed(f"nothing in this design delivers to {', '.join(missing)} "
                       f"({ctx.name(last)} reaches {', '.join(ctx.val(last, 'consumers') or []) or 'none'})",
                       ctx.ref(last, "consumers"), key)
    by_node: dict[Option, list[str]] = {}
    for kind, opt in taps.items():
        by_node.setdefault(opt, []).append(kind)
    parts = [f"{ctx.name(o)} delivers to {', '.join(k)}" for o, k in by_node.items()]
    first = next(iter(by_node))
    return _passed("; ".join(parts), ctx.ref(first, "consumers"), key)


def check_saas(ctx: Context, design: Design) -> Outcome | None:
    wanted = ctx.req.constraints.saas
    if not wanted:
        return None
    key = "constraints.saas"
    for opt in design.path:
        ref = ctx.ref(opt, "saas")
        have = [s.lower() for s in (ref.fact.value if ref else [])]
        if all(s.lower() in have for s in wanted):
            return _passed(f"{ctx.name(opt)} connects to {', '.join(wanted)}", ref, key)
    refs = [r for r in (ctx.ref(o, "saas") for o in design.path) if r]
    if refs:
        missing = [s for s in wanted if s.lower() not in [h.lower() for h in refs[0].fact.value]]
        return _failed(f"no connector for {', '.join(missing)}", refs[0], key)
    return _failed(f"{_names(ctx, design)} cannot connect to SaaS applications",
                   ctx.ref(design.path[0], "producers"), key)


def check_schedule(ctx: Context, design: Design) -> Outcome | None:
    if not ctx.req.constraints.schedule:
        return None
    return _any_node(ctx, design, "schedule", "constraints.schedule",
                     "{name} runs on a cron or rate schedule", "{name} cannot start work on a schedule")


def check_workflow(ctx: Context, design: Design) -> Outcome | None:
    c = ctx.req.constraints
    if c.workflow != "orchestration":
        return None
    key = "constraints.workflow"
    for opt in design.path:
        ref = ctx.ref(opt, "orchestration")
        if not (ref and ref.fact.value):
            continue
        if c.workflow_minutes is not None:
            dur = ctx.ref(opt, "workflow.max_duration")
            if dur and c.workflow_minutes * 60 > (units.seconds(dur.fact) or float("inf")):
                return _failed(f"{ctx.name(opt)} runs a workflow at most {units.figure(dur.fact)}; "
                               f"{units.number(c.workflow_minutes)} minutes were asked", dur, "constraints.workflow_minutes")
            if dur:
                return _passed(f"{ctx.name(opt)} orchestrates steps with retries and branches, for runs up to "
                               f"{units.figure(dur.fact)}", dur, key)
        return _passed(f"{ctx.name(opt)} orchestrates multi-step processes with retries and branches", ref, key)
    return _failed(f"{_names(ctx, design)} cannot orchestrate multi-step workflows",
                   ctx.ref(design.path[0], "orchestration"), key)


def check_workflow_minutes(ctx: Context, design: Design) -> Outcome | None:
    c = ctx.req.constraints
    if c.workflow_minutes is None or c.workflow == "orchestration":
        return None  # with orchestration, check_workflow compares the duration
    key = "constraints.workflow_minutes"
    for opt in design.path:
        dur = ctx.ref(opt, "workflow.max_duration")
        if dur and c.workflow_minutes * 60 > (units.seconds(dur.fact) or float("inf")):
            return _failed(f"{ctx.name(opt)} runs a workflow at most {units.figure(dur.fact)}", dur, key)
    return None


def check_managed(ctx: Context, design: Design) -> Outcome | None:
    wanted = ctx.req.constraints.managed
    if wanted != "serverless":
        return None
    key = "constraints.managed"
    for opt in design.path:
        ref = ctx.ref(opt, "operations")
        if ref and ref.fact.value != "serverless":
            return _failed(f"{ctx.name(opt)} runs on brokers, clusters or appliances you size and operate", ref, key)
    return _passed(f"{' and '.join(ctx.name(o) for o in design.path)} {'is' if len(design.path) == 1 else 'are'} "
                   "serverless: nothing to size or patch", ctx.ref(design.path[0], "operations"), key)


def check_protocols(ctx: Context, design: Design) -> Outcome | None:
    wanted = ctx.req.migration.protocols
    if not wanted:
        return None
    key = "migration.protocols"
    entry, ref, have, missing = _entry_lacks(ctx, design, "protocols", wanted)
    if missing:
        return _failed(f"{ctx.name(entry)} cannot accept {', '.join(missing).upper()} "
                       f"(it speaks {', '.join(have).upper() or 'no listed protocol'})", ref, key)
    return _passed(f"{ctx.name(entry)} speaks {', '.join(wanted).upper()}", ref, key)


def check_migration(ctx: Context, design: Design) -> Outcome | None:
    m = ctx.req.migration
    systems = [s for s in m.systems if s not in _storage_systems()] if design.concern == "messaging" \
        else [s for s in m.systems if s in _storage_systems()]
    if not systems or m.code_changes in (None, "allowed"):
        return None
    key = "migration.code_changes"
    allowed = CHANGE_RANK[m.code_changes]
    entry = design.path[0]
    reasons = []
    for system in systems:
        edges = [rel for opt, rel in ctx.kb.migrations(system) if opt == entry]
        fitting = [rel for rel in edges if CHANGE_RANK[rel.code_changes] <= allowed]
        if not fitting:
            needed = min((CHANGE_RANK[r.code_changes] for r in edges), default=None)
            if needed is None:
                text = f"{ctx.name(entry)} offers no migration path from {system}"
            else:
                word = [k for k, v in CHANGE_RANK.items() if v == needed][0]
                text = f"moving {system} to {ctx.name(entry)} needs {word} code changes; {m.code_changes} allowed"
            rel = edges[0] if edges else None
            return Outcome(False, Reason(text, f"relation:{entry.id}<-{system}" if rel else None,
                                         rel.source if rel else None, key))
        reasons.append(fitting[0])
    rel = reasons[0]
    return Outcome(True, Reason(f"{ctx.name(entry)} replaces {', '.join(systems)} with {rel.code_changes} code "
                                f"changes: {rel.summary}", f"relation:{entry.id}<-{systems[0]}", rel.source, key))


def _storage_systems() -> tuple[str, ...]:
    from advisor.requirements import STORAGE_SYSTEMS

    return STORAGE_SYSTEMS


MESSAGING_CHECKS: tuple[Callable[[Context, Design], Outcome | None], ...] = (
    check_data, check_completion, check_delivery, check_distribution, check_ordering, check_deduplication,
    check_peak, check_message_size, check_retention, check_replay, check_processing, check_delay,
    check_filtering, check_priority, check_producers, check_consumers, check_saas, check_schedule,
    check_workflow, check_workflow_minutes, check_managed, check_protocols, check_migration,
)
