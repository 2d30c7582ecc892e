"""Rank the designs that meet every hard requirement, in explicit tiers.

A design is compared with another tier by tier, and a lower tier only decides between designs that are
equal in every tier above it:

1. ``fitness``    — is it the right tool for this job? A streaming design keeps or batches the stream;
                    streaming into S3 batches records instead of writing one object per message; a migration
                    that must keep its clients keeps them; the entry is built for the producers named.
2. ``preference`` — the user's soft preferences: no guarantees or engines nobody asked for, each service
                    built for the data kind asked, serverless when code may change anyway.
3. ``simplicity`` — fewer services, less to operate, configure and build: settings raised above their
                    defaults, quota increases, workaround patterns, a container task started per message at a
                    rate not stated; then fewer hops on the way to each consumer (the same services wired with
                    fewer hops: a bus's Lambda target rather than a queue's).

Within a tier the items add up. WEIGHTS below are the only weights; they are judgement, not AWS figures.
"""

from __future__ import annotations

from advisor.engine import units
from advisor.engine.checks import (
    CHANGE_RANK,
    Context,
    connectors_cover,
    existing_sources,
    protocol_list,
    task_launch_ends,
)
from advisor.engine.designs import concern_of
from advisor.engine.result import Evaluation
from advisor.knowledge.vocabulary import ARCHIVE_CONSUMERS, SINK_CONSUMERS

TIERS = ("fitness", "preference", "simplicity")

WEIGHTS = {
    # fitness
    "no_stream_kept": 10.0,        # streaming asked, but nothing in the design keeps or batches the stream
    "no_stream_batched": 10.0,     # streaming into stores only, no reader of the stream, and nothing batches it
    "one_write_per_message": 8.0,  # a sink leg writes one object per message while data streams in
    "clients_rewritten": 10.0,     # a migration whose code changes were not answered loses its clients
    "off_purpose_entry": 6.0,      # the entry service is built for other producers than those named
    "not_a_shared_router": 6.0,    # many producers and consumers meet at one router, and the entry is not the
                                   # one AWS builds for routing many sources to many targets (an event bus)
    "byte_rate_bound_over": 6.0,   # the peak at the largest message size is above a hard byte ceiling: it may
                                   # still fit, but a design known to fit comes first
    "duplicates_redelivered": 3.0,  # deduplication asked, but the service that delivers to a consumer drops
                                    # duplicate publishes only and delivers at least once
    # preference
    "data_kind_mismatch": 2.0,     # one service of the design handles the other data kind
    "unasked_stream": 2.0,         # data kind unanswered, no replay: a stream or delivery stream was not asked for
    "protocol_estate_missing": 2.0,  # a broker or cluster built for a protocol estate (Kafka, JMS) none was named for
    "unasked_ordering": 3.0,       # pays for ordering and deduplication that were not asked for
    "unasked_workflow": 4.0,       # adds a workflow engine that was not asked for
    "exactly_once_for_idempotent": 2.0,  # runs or delivers exactly once, which steps safe to repeat do not need
    "clients_changed": 2.0,        # minimal changes allowed, yet the entry changes clients another would keep
    "operated_when_rewriting": 2.0,  # code may change, yet the entry keeps brokers to run
    "generic_saas_call": 2.0,      # a SaaS product that receives is called through any HTTPS API (an API
                                   # destination) where another service delivers to it through its own connector
    # simplicity: less to build, configure and operate
    "setting_raised": 0.5,         # a setting raised above its AWS default
    "quota_increase": 0.5,         # an adjustable quota to raise with a request
    "workaround": 1.5,             # a documented pattern to build around a limit (claim-check, queue per priority)
    "extra_service": 1.0,          # each service beyond the first
    "task_per_message": 1.5,       # rate unknown, and a service starts a container task per message where a
                                   # worker could poll a queue: a launch quota to keep in mind, worth more than
                                   # the queue and its hop (above the launch rate the check excludes it)
    "extra_hop": 0.25,             # each service a consumer's messages pass through beyond the first: with the
                                   # same services, Lambda can be a bus's target or read a queue the bus fills
    "operated": 2.0,               # brokers or clusters to size, patch and scale (not counted when managed is accepted)
    "named_pattern": -0.5,         # every leg is a documented AWS pattern
}


def rank(ctx: Context, ev: Evaluation) -> None:
    """Fill ev.tiers (named items per tier), ev.adjustments and ev.score (for display only)."""
    tiers: dict[str, list[tuple[float, str]]] = {t: [] for t in TIERS}
    req, kb, design = ctx.req, ctx.kb, ev.design
    path = design.path
    c = req.constraints

    def add(tier: str, weight_name: str, text: str, times: float = 1.0) -> None:
        tiers[tier].append((WEIGHTS[weight_name] * times, text))

    # ---- fitness -----------------------------------------------------------------------------
    data = data_kind(ctx)[0]
    if data is None and not c.replay:
        for o in path:
            if (ctx.val(o, "data") or []) == ["streaming"]:
                add("preference", "unasked_stream", f"{ctx.name(o)} is built for streaming, which was not asked "
                    "for (and neither was replay)")
    if data is not None:  # judged per service: adding a service never makes another one fit
        for o in path:
            if data not in (ctx.val(o, "data") or []):
                add("preference", "data_kind_mismatch", f"{ctx.name(o)} is built for "
                    f"{' and '.join(ctx.val(o, 'data') or [])}, not {data}")
    if data == "streaming" and into_stores_only(ctx):
        if not any(_batches(ctx, o) or _read_in_place(ctx, o) for o in path):
            add("fitness", "no_stream_batched", "streaming into stores with no reader of the stream asked, but "
                "nothing here batches it for delivery")
    elif data == "streaming" and not any(_keeps_or_batches(ctx, o) for o in path) and not _reads_a_stream(ctx):
        add("fitness", "no_stream_kept", "streaming asked, but nothing here keeps the stream for readers or "
            "batches it for delivery")
    if data == "streaming" or _streams_in(c):
        for leg in design.all_legs:
            if leg.consumer in SINK_CONSUMERS and ctx.val(leg.end, "sink_writes") == "per-message":
                add("fitness", "one_write_per_message", f"{ctx.name(leg.end)} writes one {leg.consumer} object "
                    "per message instead of batching")
    systems = [s for s in req.migration.systems if design.concern == "messaging"]
    if systems and req.migration.code_changes is None:
        edges = [rel for s in systems for o, rel in kb.migrations(s) if o == path[0]]
        # unanswered, a migration keeps its clients only where they need no code change at all
        if not any(CHANGE_RANK[r.code_changes] == CHANGE_RANK["none"] for r in edges):
            add("fitness", "clients_rewritten", f"existing {', '.join(systems)} clients would need rewriting for "
                f"{ctx.name(path[0])}")
    for w in ev.watch:
        if w.kind == "bound":
            add("fitness", "byte_rate_bound_over", f"the peak at the largest message size is above a byte ceiling "
                f"({w.fact})")
    if c.deduplication:
        # A service may drop duplicate publishes yet retry its deliveries (the Custom Event Bus: exactly-once
        # ingestion, at-least-once to targets); a FIFO queue or topic introduces no duplicates itself.
        for end in dict.fromkeys(leg.end for leg in ctx.active_legs(design)):
            if ctx.val(end, "deduplication") and ctx.val(end, "semantics") == "at-least-once":
                add("fitness", "duplicates_redelivered", f"{ctx.name(end)} drops duplicate publishes but delivers "
                    "to its consumers at least once, so they can still see a message twice")
    primary = ctx.val(path[0], "primary_producers")
    producers = ctx.producers()
    if "iot-device" in producers:
        # "on-premises" next to IoT devices says where the devices are (a factory, a store), not another kind
        # of sender: the entry must be built for devices, which connect from wherever they are
        producers = [p for p in producers if p != "on-premises"]
    if c.delay_seconds and c.delay_seconds > _queue_delay_max(ctx):
        # a message to deliver later than any queue's timer holds is work started at a time: a one-time schedule
        # per message is what an entry built for schedules does (the SQS timers page sends longer delays to
        # EventBridge Scheduler)
        producers = [*producers, "schedule"]
    if primary and not set(primary) & set(producers):
        add("fitness", "off_purpose_entry", f"{ctx.name(path[0])} is built for {' and '.join(primary)} producers")
    elif c.producers is None and not set(producers) & set(ctx.val(path[0], "producers") or []):
        # producers unanswered: the usual producer is an application, which this entry does not take
        add("fitness", "off_purpose_entry", f"{ctx.name(path[0])} takes no input from applications")
    # where the messages already arrive in an existing resource (starts_from), the design cannot start at the
    # router: the other sources publish to a router further on, which the design must then run through
    routers = path if c.starts_from else path[:1]
    if c.many_to_many and not any(ctx.val(o, "many_to_many_routing") for o in routers):
        # the producers publish to the entry without naming a destination: a topic they must name, a queue or a
        # stream in front of a router, is not the broker between many sources and many targets
        add("fitness", "not_a_shared_router", f"{ctx.name(path[0])} is not built for routing events from many "
            "sources to many targets, which an event bus is")

    # ---- preference --------------------------------------------------------------------------
    for o in path:
        built_for = ctx.val(o, "built_for_protocols")
        if not _estate_named(ctx, o):
            add("preference", "protocol_estate_missing", f"{ctx.name(o)} is built for {protocol_list(built_for, 'or')} clients, "
                "and none were named")
    for o in path:
        if (c.ordering in (None, "none") and not c.deduplication
                and ctx.val(o, "ordering") in ("per-key", "global") and ctx.val(o, "model") in ("queue", "topic")
                and ctx.ref(o, "throughput.default") is not None):
            add("preference", "unasked_ordering", f"{ctx.name(o)} pays for ordering and deduplication that were "
                "not asked for")
        if ctx.val(o, "orchestration") and c.workflow != "orchestration":
            add("preference", "unasked_workflow", f"{ctx.name(o)} adds a workflow engine that was not asked for")
        if (c.idempotent and not c.deduplication and c.ordering in (None, "none")
                and ctx.val(o, "semantics") == "exactly-once"):
            # AWS's workflow-type page: exactly-once suits non-idempotent actions; at-least-once suits idempotent
            # ones (transforming input and storing it with a PUT), at a fraction of the per-transition price
            add("preference", "exactly_once_for_idempotent", f"{ctx.name(o)} runs each message exactly once, which "
                "idempotent processing does not need")
    if req.migration.code_changes == "minimal" and systems:
        # minimal is a ceiling, not a target: a move that keeps the clients as they are is preferred
        edges = [rel for s in systems for o, rel in kb.migrations(s) if o == path[0]]
        if edges and min(CHANGE_RANK[r.code_changes] for r in edges) > CHANGE_RANK["none"]:
            add("preference", "clients_changed", f"{ctx.name(path[0])} changes the existing {', '.join(systems)} "
                "clients, which another design keeps")
    if (req.migration.code_changes == "allowed" and systems
            and ctx.val(path[0], "operations") != "serverless"):
        add("preference", "operated_when_rewriting", f"code may change, yet {ctx.name(path[0])} keeps brokers "
            "to run")

    generic = _generic_saas_call(ctx, design)
    if generic is not None:
        caller, built = generic
        add("preference", "generic_saas_call", f"{ctx.name(caller)} calls {', '.join(c.saas or [])} through "
            f"generic HTTPS calls, where {ctx.name(built)} has a connector built for them")

    # ---- simplicity --------------------------------------------------------------------------
    for w in ev.watch:
        if w.setting:
            add("simplicity", "setting_raised", f"raise a setting: {w.text}")
        elif w.kind == "quota":
            add("simplicity", "quota_increase", f"quota increase: {w.text}")
        elif w.kind == "workaround":
            add("simplicity", "workaround", f"workaround: {w.text}")
    if len(path) > 1:
        add("simplicity", "extra_service", f"{len(path)} services to connect and operate", len(path) - 1)
    if c.peak_per_second is None:
        # a workflow's container step is AWS's documented ECS integration, run once per execution, not a router
        # pushing every event at a task
        for end in (e for e in task_launch_ends(ctx, design) if ctx.val(e, "model") != "workflow"):
            add("simplicity", "task_per_message", f"{ctx.name(end)} starts a container task per message, and the "
                "rate is not stated: the task launch rate becomes a limit to watch, which workers polling a queue "
                "do not have")
    hops = _hops(ctx, design)
    if hops:
        add("simplicity", "extra_hop", f"{hops} hop{'s' if hops > 1 else ''} between services on the way to the "
            "consumers", hops)
    if c.managed not in ("managed", "any") and design.concern == "messaging":
        for o in path:
            if ctx.val(o, "operations") == "managed":
                add("simplicity", "operated", f"{ctx.name(o)} has brokers or clusters to size, patch and scale")
    if all(kb.pattern_for(leg.path) is not None for leg in design.all_legs):
        add("simplicity", "named_pattern", "a documented AWS pattern")

    ev.tiers = {t: items for t, items in tiers.items() if items}
    ev.adjustments = [(-w, f"{t}: {text}") for t, items in tiers.items() for w, text in items]
    ev.score = 100.0 - sum(w for items in tiers.values() for w, _ in items)


def _hops(ctx: Context, design) -> int:
    """Services passed between the entry and each consumer kind, summed over the kinds: a leg drawn for one kind
    counts once, a straight path counts for every kind that reads its end."""
    if design.concern != "messaging":
        return 0
    kinds = len(ctx.consumers_wanted()) or 1
    return sum((len(leg.path) - 1) * (1 if leg.consumer is not None else kinds) for leg in design.all_legs)


def data_kind(ctx: Context) -> tuple[str | None, str | None]:
    """The data kind the ranking judges by, and why it differs from the answer (None when it does not).

    "Messaging or streaming?" is one word about a feed that architects answer both ways, the most ambiguous
    of the interview's questions. AWS's guidance on the two patterns (the Kinesis Data Streams FAQ, "When
    should I use Kinesis Data Streams, and when SQS"; AWS's messaging-and-streaming guide) names what a
    stream is for: records kept and replayed by independent readers, strict order per shard, batched
    delivery into stores. So where the other answers say which flow it is, they decide, either way:

    - a "streaming" answer is overruled when they ask for what no stream offers (deduplication: every
      service built for streaming only lacks it in the knowledge) or decline everything a stream is for (no
      replay, no store to batch into, and order answered "none" or, each record going to one reader, not
      asked at all);
    - a "messaging" answer is overruled when they ask for what a stream is for and nothing about individual
      messages: readers that each pull the same kept records and replay them, or a continuous feed whose
      every consumer is a destination a delivery stream batches into.

    Judged once per context (every design asks).
    """
    if ctx.judged_data_kind is None:
        ctx.judged_data_kind = _judge_data_kind(ctx)
    return ctx.judged_data_kind


def _judge_data_kind(ctx: Context) -> tuple[str | None, str | None]:
    stated = ctx.req.connection.data or _implied_data(ctx)
    if stated == "streaming" and (why := _messaging_shown(ctx)):
        return "messaging", why
    if stated == "messaging" and (why := _streaming_shown(ctx)):
        return "streaming", why
    return stated, None


def _messaging_shown(ctx: Context) -> str | None:
    """Why the other answers make a flow answered "streaming" a messaging one (None when they do not)."""
    c, conn = ctx.req.constraints, ctx.req.connection
    only_streaming = [o for o in ctx.kb.options if (ctx.val(o, "data") or []) == ["streaming"]]
    if c.deduplication and only_streaming and not any(ctx.val(o, "deduplication") for o in only_streaming):
        return ("deduplication was asked for, which no service built for streaming offers "
                f"({', '.join(sorted({o.service for o in only_streaming}))} leave duplicates to the consumers)")
    if c.replay or set(c.consumers or []) & set(ARCHIVE_CONSUMERS):
        return None
    if c.ordering == "none":
        return ("ordering was answered 'none' and neither replay nor a store to batch into was asked for: "
                "nothing a stream is for (kept records, order per shard, batched delivery)")
    if (c.ordering is None and conn.distribution == "p2p" and c.retention_days is None and c.consumers
            and not set(c.consumers) & _batched_destinations(ctx)):
        # one reader acting on each record (an IoT rule invoking a function): no stream keeps anything for it
        return ("each record goes to one consumer that acts on it (point to point), and neither order, "
                "retention, replay nor a store to batch into was asked for: nothing a stream is for")
    return None


def _streaming_shown(ctx: Context) -> str | None:
    """Why the other answers make a flow answered "messaging" a streaming one (None when they do not)."""
    c, conn = ctx.req.constraints, ctx.req.connection
    if _asks_about_messages(ctx):
        return None
    if c.replay and conn.distribution == "pubsub" and conn.delivery != "push":
        return ("replay was asked for readers that each pull the same records (publish/subscribe, pull), and "
                "nothing about individual messages: records kept and re-read by independent readers are what "
                "a stream is for")
    # a delivery stream writes each record to its one destination: a feed every subscriber must receive a copy
    # of (publish/subscribe answered) is not one it batches
    if _batches_into_every_consumer(ctx) and _streams_in(c) and conn.distribution != "pubsub":
        return (f"every consumer ({', '.join(c.consumers)}) is a destination a delivery stream batches into, fed "
                "continuously (a rate per second), and nothing about individual messages was asked: batched "
                "delivery is what a stream is for")
    return None


def _asks_about_messages(ctx: Context) -> bool:
    """Answers about each message that only messaging serves, or that leave a messaging answer standing: its
    order (per message group, or declined), duplicates, filters, priority, delay, a buffer per consumer, a
    reply, a workflow or a schedule to start."""
    c = ctx.req.constraints
    return bool(c.ordering is not None or c.deduplication or c.filtering or c.priority or c.delay_seconds
                or c.consumer_buffer or c.schedule or c.workflow == "orchestration"
                or ctx.req.connection.completion == "sync")


def _batched_destinations(ctx: Context) -> set[str]:
    """The consumers a delivery stream (a service that buffers records and writes them in batches) reaches."""
    return {k for o in ctx.kb.options if ctx.val(o, "sink_writes") == "batched"
            for k in ctx.val(o, "consumers") or []}


def _batches_into_every_consumer(ctx: Context) -> bool:
    """One delivery stream reaches every consumer named (and every SaaS product named as a consumer)."""
    c = ctx.req.constraints
    if not c.consumers:
        return False
    for o in ctx.kb.options:
        # a delivery stream, which buffers a continuous feed (a transfer flow batches each run, not a feed)
        if (ctx.val(o, "sink_writes") == "batched" and ctx.ref(o, "buffer.size.max") is not None
                and set(c.consumers) <= set(ctx.val(o, "consumers") or [])
                and ("saas" not in c.consumers
                     or connectors_cover(c.saas or [], ctx.val(o, "saas") or []))):
            return True
    return False


def _streams_in(c) -> bool:
    """Data streams in when a peak rate of at least one record a second is answered (not a transfer on demand
    or a schedule)."""
    return (c.peak_per_second or 0) >= 1


def into_stores_only(ctx: Context) -> bool:
    """Every consumer is a destination a delivery stream batches into, and nothing asks a stream to keep records
    for readers of its own (replay, retention, order per shard, several readers): "analytics" then names a
    store to load (Iceberg tables, a warehouse), not an application reading the stream. Judged once per context."""
    if ctx.stores_only is None:
        c = ctx.req.constraints
        ctx.stores_only = bool(_batches_into_every_consumer(ctx)
                               and not (c.replay or c.retention_days or c.ordering in ("per-key", "global")
                                        or ctx.req.connection.distribution == "pubsub"))
    return ctx.stores_only


def _implied_data(ctx: Context) -> str | None:
    """A migration answers the data question: the services that keep a Kafka estate's clients are streams."""
    kinds = set()
    for system in ctx.req.migration.systems:
        for opt, rel in ctx.kb.migrations(system):
            if rel.code_changes == "none" and concern_of(ctx.kb, opt) == "messaging":
                kinds.update(ctx.val(opt, "data") or [])
    return kinds.pop() if len(kinds) == 1 else None


def _estate_named(ctx: Context, opt) -> bool:
    """Is this option open to these answers: not built for a protocol estate (Kafka, JMS brokers), or built for one
    the answers name (protocols spoken, or a system moved whose clients speak it)?"""
    built_for = ctx.val(opt, "built_for_protocols")
    if not built_for:
        return True
    if ctx.spoken_protocols is None:
        req = ctx.req
        spoken = set(req.constraints.protocols or []) | set(req.migration.protocols or [])
        spoken |= {p for s in req.migration.systems for _o, rel in ctx.kb.migrations(s) for p in (rel.protocols or [])}
        ctx.spoken_protocols = spoken
    return bool(ctx.spoken_protocols & set(built_for))


def _queue_delay_max(ctx: Context) -> float:
    """The longest delivery delay a queue open to these answers offers (a message timer, a delay queue, a broker's
    scheduler where its protocol estate is named), in seconds; once per run."""
    if ctx.queue_delay_max is None:
        ctx.queue_delay_max = max((units.seconds(r.fact) or 0 for o in ctx.kb.options
                                   if ctx.val(o, "model") == "queue" and _estate_named(ctx, o)
                                   if (r := ctx.ref(o, "delay.max"))), default=0)
    return ctx.queue_delay_max


def _reads_a_stream(ctx: Context) -> bool:
    """The design starts from an AWS source that is a stream itself (a table's DynamoDB stream): the stream is kept
    there, outside the design, and a second one would only copy it."""
    return any((ref := ctx.endpoint_fact(f"source:{name}", "model")) is not None and ref.fact.value == "stream"
               for name in existing_sources(ctx.req.constraints))


def _keeps_or_batches(ctx: Context, opt) -> bool:
    """A stream keeps records for its readers; a delivery stream batches them for its sinks."""
    return ctx.val(opt, "model") == "stream" or _batches(ctx, opt)


def _generic_saas_call(ctx: Context, design) -> tuple | None:
    """The service calling a receiving SaaS product through any HTTPS API, and a service whose own connector
    delivers to every product named (Firehose's Splunk destination batches, retries and backs up to S3; an API
    destination is one call per event), when there is one."""
    wanted = ctx.req.constraints.saas
    if not wanted or "saas" in ctx.producers():
        return None
    caller = next((leg.end for leg in design.all_legs
                   if leg.consumer in ("saas", None) and ctx.val(leg.end, "calls_any_https_api")), None)
    if caller is None:
        return None
    for o in ctx.kb.options:  # (a caller's own saas list, if any, names event sources, not destinations)
        if ("saas" in (ctx.val(o, "consumers") or []) and not ctx.val(o, "calls_any_https_api")
                and connectors_cover(wanted, ctx.val(o, "saas") or [])):
            return caller, o
    return None


def _read_in_place(ctx: Context, opt) -> bool:
    """A stream every named store reads by itself (Redshift streaming ingestion into a materialized view): the
    store takes the records in its own batches, with nothing to deliver them."""
    wanted = set(ctx.consumers_wanted())
    # sinks only: "analytics" beside a stream names stream processing (Flink), not a store pulling the records
    return (ctx.val(opt, "model") == "stream" and bool(wanted) and wanted <= set(SINK_CONSUMERS)
            and wanted <= set(ctx.val(opt, "consumers") or []))


def _batches(ctx: Context, opt) -> bool:
    """A delivery stream buffers records and writes them to its destination in batches; a transfer flow writes
    each run's records as files."""
    return ctx.ref(opt, "buffer.size.max") is not None or ctx.val(opt, "sink_writes") == "batched"


def tier_key(ev: Evaluation) -> tuple[float, ...]:
    """Lower is better: the sum of each tier's weights, tier by tier."""
    return tuple(round(sum(w for w, _ in ev.tiers.get(t, [])), 6) for t in TIERS)
