"""Hard requirements, one check per requirements key.

A check returns None when the user left the key unanswered (no constraint), otherwise an Outcome:
passed or failed, with a Reason that cites the fact deciding it. Checks only compare; every figure
comes from the knowledge base.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from advisor.engine import units
from advisor.engine.designs import status_targets, targets
from advisor.engine.result import Design, Leg, Reason
from advisor.knowledge.base import FactRef, KnowledgeBase, Option
from advisor.knowledge.schema import Relation
from advisor.knowledge.vocabulary import ARCHIVE_CONSUMERS, ROUTING_FEATURES, SINK_CONSUMERS, STARTS_FROM
from advisor.phrases import listed

ORDER_RANK = {"none": 0, "per-key": 1, "global": 2}
SEMANTICS_RANK = {"at-most-once": 0, "at-least-once": 1, "exactly-once": 2}
CHANGE_RANK = {"none": 0, "minimal": 1, "allowed": 2}


def _asked(req, key: str) -> bool:
    """Does the requirements file ask for ``key`` (``constraints.ordering``) with a value that needs something?"""
    return req.answer(key) not in (None, False, "none", 0, [])


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
        self._refs: dict[tuple[Option, str], FactRef | None] = {}  # plain dict: the walk asks ~20,000 times
        self.by_path: dict[tuple, Outcome | None] = {}  # outcomes of the BY_PATH checks, per path
        self.judged_data_kind: tuple[str | None, str | None] | None = None  # ranking.data_kind, once per run
        self._names: dict[Option, str] = {}  # display names: reasons name services ~5,000 times a walk
        self.stores_only: bool | None = None  # ranking.into_stores_only, once per run
        self.queue_delay_max: float | None = None  # ranking._queue_delay_max, once per run
        self._analysed_store: tuple[FactRef | None] | None = None  # analysed_store(), once per run
        self._narrow: dict[Option, dict[Option, Relation]] | None = None  # narrow_edges(), once per run
        self._editions: dict[Option, str | None] = {}  # edition(), once per option and run
        self.spoken_protocols: set[str] | None = None  # ranking._estate_named, once per run

    def ref(self, opt: Option, name: str) -> FactRef | None:
        key = (opt, name)
        try:
            return self._refs[key]
        except KeyError:
            edition = self.edition(opt)
            ref = self._refs[key] = (self.kb.edition_fact(opt, edition, name) if edition else self.kb.fact(opt, name))
            return ref

    def edition(self, opt: Option) -> str | None:
        """The edition this option must be built as (the Custom Event Bus where order or deduplication is asked),
        or None: the requirements decide it, so a design never joins one product's ordering to the other's archive."""
        try:
            return self._editions[opt]
        except KeyError:
            chosen = None
            for eid, ed in self.kb.editions(opt).items():
                if any(_asked(self.req, key) for key in ed.needed_for):
                    # an edition the producers cannot publish to is not there to choose: the other one is
                    chosen = ed.instead if set(ed.unavailable_to) & set(self.producers()) else eid
                    break
            self._editions[opt] = chosen
            return chosen

    def producers(self) -> list[str]:
        """The producers named, or, unanswered, those the answers imply: a schedule, SaaS products or AWS source
        services named elsewhere (or a table's stream the design starts from) are the senders, else an
        application."""
        c = self.req.constraints
        if c.producers:
            return c.producers
        implied = (["schedule"] if c.schedule else []) + (["saas"] if c.saas else []) + (
            ["aws-service"] if c.source_services or existing_sources(c) else [])
        return implied or ["application"]

    def endpoint_fact(self, endpoint: str, name: str) -> FactRef | None:
        """A fact of a node outside AWS messaging (``consumer:container``, ``source:dynamodb``), citable by id."""
        ep = self.kb.endpoints.get(endpoint)
        fact = ep.facts.get(name) if ep else None
        return FactRef(f"{endpoint}.{name}", fact) if fact is not None else None

    def leg_reaches(self, leg: Leg, kinds: tuple[str, ...]) -> bool:
        """Does this leg deliver to one of these consumer kinds (a straight path reaches every kind wanted)?"""
        if leg.consumer is not None:
            return leg.consumer in kinds
        return any(k in kinds for k in self.consumers_wanted())

    def val(self, opt: Option, name: str, default=None):
        ref = self.ref(opt, name)
        return ref.fact.value if ref else default

    def name(self, opt: Option) -> str:
        try:
            return self._names[opt]
        except KeyError:
            name = self._names[opt] = self.kb.display_name(opt, self.edition(opt))
            return name

    def consumers_wanted(self) -> list[str]:
        """The consumer kinds a design must reach: analytics named next to a store it reads in place is served
        by the store's leg (see analysed_store)."""
        wanted = list(self.req.constraints.consumers or [])
        if "analytics" in wanted and self.analysed_store() is not None:
            wanted.remove("analytics")
        return wanted

    def narrow_edges(self) -> dict[Option, dict[Option, Relation]]:
        """Edges that carry only some producers' data (a relation with ``producers``), by their two ends; a pair
        also joined by an unrestricted relation is not narrow."""
        if self._narrow is None:
            self._narrow = {}
            for here, edges in self.kb.adjacency.items():
                for there, _rel in edges:
                    # a status event carries a notice, not the producers' data: it leaves an edge narrow
                    rels = [r for o, r in edges if o == there and r.type != "status-events"]
                    if rels and all(r.producers is not None for r in rels):
                        self._narrow.setdefault(here, {})[there] = rels[0]
        return self._narrow

    def analysed_store(self) -> FactRef | None:
        """The named store that analytics reads the data in, when the analytics is of the stored data.

        The analytics consumer is something that analyses data as it flows; a store analysed in place (Athena
        over S3, Redshift itself) named beside it is where the analysis reads, unless the data are judged a
        stream, which readers analyse as it flows (a live dashboard on a stream, archived to S3 too).
        """
        if self._analysed_store is None:
            from advisor.engine.ranking import data_kind

            found = None
            consumers = self.req.constraints.consumers or []
            if "analytics" in consumers and data_kind(self)[0] != "streaming":
                for kind in consumers:
                    ref = self.endpoint_fact(f"consumer:{kind}", "analysed_in_place")
                    if ref is not None and ref.fact.value:
                        found = ref
                        break
            self._analysed_store = (found,)
        return self._analysed_store[0]

    def active_legs(self, design: Design) -> list[Leg]:
        """Legs to consumers that act on messages (applications, Lambda, containers, workflows).

        Ordering, deduplication, delivery style, retention and replay matter to them; an archive sink
        (S3, Redshift, OpenSearch ...) just receives what arrives.
        """
        return [leg for leg in design.all_legs if leg.consumer not in ARCHIVE_CONSUMERS]

    def judged_legs(self, design: Design) -> list[Leg]:
        """The active legs, or every leg when the design only feeds sinks."""
        return self.active_legs(design) or list(design.all_legs)

    def workaround(self, opt: Option, requirement: str):
        """A documented pattern that meets this requirement on this service (knowledge/workarounds.yaml)."""
        for w in self.kb.workarounds:
            if w.requirement == requirement and (opt.service in w.applies_to or opt.id in w.applies_to):
                return w
        return None


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

def check_completion(ctx: Context, design: Design) -> Outcome | None:
    wanted = ctx.req.connection.completion
    if wanted is None:
        return None
    key = "connection.completion"
    out = _all_nodes_have(ctx, design, "completion", wanted, key, "completion")
    if out.ok:
        return out
    lacking = [o for o in design.path if wanted not in (ctx.val(o, "completion") or [])]
    patterns = [ctx.workaround(o, key) for o in lacking]
    if all(patterns):  # every service that lacks it has a documented pattern (request-response queues)
        watch = [Reason(f"{ctx.name(o)} is asynchronous; use {_pattern_text(p)}", f"workaround:{p.id}", p.source, key,
                        kind="workaround") for o, p in zip(lacking, patterns, strict=True)]
        return Outcome(True, watch[0], watch)
    return out


def _cite(ref: FactRef | None) -> tuple[str | None, str | None]:
    return (ref.id, ref.source) if ref else (None, None)


def _reads_for_consumer(ctx: Context, before: Option, reader: Option) -> tuple[str | None, str | None] | None:
    """The citation when ``reader`` fetches from ``before`` itself, on the consumer's behalf: a pipe polls its
    source, and Firehose reads the Kinesis data stream or MSK topic it is configured with (a relation of type
    ``source``), as Lambda's event source mapping polls a queue."""
    if "pull" not in (ctx.val(before, "delivery") or []):
        return None
    if ctx.val(reader, "polls_sources"):
        return _cite(ctx.ref(reader, "polls_sources"))
    rel = next((r for o, r in ctx.kb.adjacency[before] if o == reader and r.type == "source"), None)
    return (f"relation:{before.id}->{reader.id}", rel.source) if rel else None


def _leg_delivers(ctx: Context, leg: Leg, wanted: str) -> tuple[bool, str, tuple[str | None, str | None]]:
    """Does this leg reach its consumer the way the user asked? Judged at the consumer's interface.

    Returns whether it does, the sentence saying so, and the (fact id, source) that makes it true."""
    end = leg.end
    ref = ctx.ref(end, "delivery")
    modes = ref.fact.value if ref else []
    if wanted in modes:
        return True, f"{ctx.name(end)} delivers by {wanted}", _cite(ref)
    esm = ctx.ref(end, "lambda_event_source_mapping")
    if wanted == "push" and leg.consumer in ("lambda", None) and esm and esm.fact.value \
            and (leg.consumer == "lambda" or "lambda" in ctx.consumers_wanted()):
        return True, (f"Lambda's event source mapping polls {ctx.name(end)} and invokes the function as messages "
                      "arrive"), _cite(esm)
    if wanted == "pull":
        # a pipe (or Firehose reading a stream) fetches from what is before it on the target's behalf
        for before, reader in zip(leg.path, leg.path[1:], strict=False):
            cite = _reads_for_consumer(ctx, before, reader)
            if cite is not None:
                return True, f"{ctx.name(reader)} polls {ctx.name(before)} for the consumer", cite
        # ... and so does a pipe at the entry reading a named AWS source (a table's DynamoDB stream)
        entry = leg.path[0]
        if ctx.val(entry, "polls_sources"):
            for name in [*(ctx.req.constraints.source_services or []), *existing_sources(ctx.req.constraints)]:
                if _emitted_to(ctx, name, entry) is not None:
                    return True, (f"{ctx.name(entry)} polls {ctx.kb.endpoints[f'source:{name}'].name} for the "
                                  "consumer"), _cite(ctx.ref(entry, "polls_sources"))
    if wanted == "push" and ctx.req.connection.distribution != "p2p":
        # a topic or bus pushing into each subscriber's own queue is push delivery to the subscribers; with one
        # receiver per message there are no subscribers, and the receiver still polls its queue
        pusher = next((o for o in leg.path[:-1] if "push" in (ctx.val(o, "delivery") or [])
                       and "pubsub" in (ctx.val(o, "distribution") or [])), None)
        if pusher is not None:
            return True, f"{ctx.name(pusher)} pushes every message to each subscriber's queue", \
                _cite(ctx.ref(pusher, "delivery"))
    if wanted == "push" and ctx.req.constraints.consumer_buffer and _buffer_of(ctx, leg) == end:
        # consumer_buffer already says who decides when a message is processed: the consumer, taking it from a
        # queue of its own. Push cannot hold at that interface, so it is met where messages reach the queue,
        # which takes each one as it is sent (a pipe in front of the consumer would push at the pipe's pace)
        return True, (f"the consumer takes each message from {ctx.name(end)} at its own pace (consumer_buffer); "
                      f"{ctx.name(end)} receives every message as it is sent"), _cite(ctx.ref(end, "persistence"))
    if wanted == "push" and (rate := _containers_only_poll(ctx, leg)) and _buffer_of(ctx, leg) == end:
        # above the rate at which a task can be started per message, nothing can push to containers: they take
        # messages from a queue of their own, and push is met where each message reaches it as it is sent
        peak = units.number(ctx.req.constraints.peak_per_second)
        return True, (f"at {peak}/s no task can be started per message (tasks launch at most "
                      f"{units.figure(rate.fact)}), so the containers poll {ctx.name(end)}, which receives every "
                      "message as it is sent"), _cite(rate)
    return False, f"{ctx.name(end)} delivers by {', '.join(modes) or 'no listed mode'}, not {wanted}", _cite(ref)


def _containers_only_poll(ctx: Context, leg: Leg) -> FactRef | None:
    """The launch rate a peak exceeds, when this leg's only consumers are containers (else None)."""
    if not (leg.consumer == "container" or (leg.consumer is None and ctx.consumers_wanted() == ["container"])):
        return None
    return _launch_rate_exceeded(ctx)


def _workflow_sends_on(ctx: Context, design: Design, leg: Leg) -> bool:
    """Is this leg the design's own workflow, named as a consumer, whose steps send to the other consumers?

    The state machine then is where the work starts and what hands the messages on (a task token in a queue
    for a worker to poll): it receives nothing itself, so push or pull describes the other legs."""
    end = leg.end
    return (leg.consumer == "workflow" and len(leg.path) == 1 and ctx.val(end, "model") == "workflow"
            and any(other is not leg and end in other.path[:-1] for other in design.all_legs))


def check_delivery(ctx: Context, design: Design) -> Outcome | None:
    wanted = ctx.req.connection.delivery
    if wanted is None:
        return None
    key = "connection.delivery"
    legs = [leg for leg in ctx.active_legs(design) if not _workflow_sends_on(ctx, design, leg)]
    if not legs:
        return None  # sinks only: data is written into them; push or pull describes no reader here
    first: Reason | None = None
    for leg in legs:
        ok, text, (fact, source) = _leg_delivers(ctx, leg, wanted)
        if not ok:
            who = f" to {leg.consumer}" if leg.consumer else ""
            return Outcome(False, Reason(text + who, fact, source, key))
        first = first or Reason(text, fact, source, key)
    return Outcome(True, first)


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
    # judged at each consumer's interface: a topic that publishes straight to one device is point to point there
    direct = None
    for leg in ctx.judged_legs(design):
        ref = ctx.ref(leg.end, "distribution")
        if ref and "p2p" in ref.fact.value:
            continue
        one = ctx.ref(leg.end, "direct_publish")
        if one and leg.consumer in one.fact.value:
            direct = direct or (one, f"{ctx.name(leg.end)} publishes each message straight to one {leg.consumer} "
                                     "endpoint")
            continue
        routed = ctx.ref(leg.end, "filtering") if ctx.req.constraints.filtering else None
        if routed and routed.fact.value is True:
            # filtering asked: each subscription's filter takes only its own messages, so a message whose
            # content names one receiver reaches that one alone, as an event bus rule routes it
            direct = direct or (routed, f"{ctx.name(leg.end)} filters per subscription, so each message reaches "
                                        "only the receiver whose filter it matches")
            continue
        return _failed(f"{ctx.name(leg.end)} copies each message to every subscriber rather than to one "
                       "consumer", ref, key)
    if direct:
        ref, text = direct
        return _passed(text, ref, key)
    end = ctx.judged_legs(design)[0].end
    return _passed(f"{ctx.name(end)} hands each message to exactly one consumer", ctx.ref(end, "distribution"), key)


# ---- constraints -------------------------------------------------------------------------------

def check_ordering(ctx: Context, design: Design) -> Outcome | None:
    wanted = ctx.req.constraints.ordering
    if wanted in (None, "none"):
        return None
    key = "constraints.ordering"
    need = ORDER_RANK[wanted]
    watch: list[Reason] = []
    legs = ctx.active_legs(design)
    if not legs:
        return None  # only archive sinks: order matters to consumers that act on messages
    for leg in legs:
        recorded = False  # order is kept from where it is first recorded
        for opt in _carriers(ctx, leg):
            ref = ctx.ref(opt, "ordering")
            have = ref.fact.value if ref else "none"
            if ORDER_RANK[have] >= need:
                recorded = True
                continue
            if not recorded and ctx.val(opt, "forwards_in_arrival_order") and any(
                    ORDER_RANK[ctx.val(o, "ordering") or "none"] >= need for o in leg.path[leg.path.index(opt) + 1:]):
                continue  # a gateway in front of an ordered store: the store records the order
            single = ctx.ref(opt, "global_ordering_single_group")
            if wanted == "global" and have == "per-key" and single and single.fact.value:
                watch.append(Reason.of(f"{ctx.name(opt)} keeps global order only with a single message group or "
                                       "key, which processes one message at a time", single, key))
                continue
            kept = {"none": "no order guarantee", "per-key": "order per key only"}[have]
            to = f" on the way to {leg.consumer}" if leg.consumer else ""
            return _failed(f"{ctx.name(opt)} gives {kept}{to}; {wanted} ordering was asked for", ref, key)
    names = listed([ctx.name(o) for leg in legs for o in leg.path])
    end = legs[0].end
    return _passed(f"order is kept {wanted.replace('-', ' ')} through {names}", ctx.ref(end, "ordering"), key, watch)


def check_deduplication(ctx: Context, design: Design) -> Outcome | None:
    if not ctx.req.constraints.deduplication:
        return None
    key = "constraints.deduplication"
    legs = ctx.active_legs(design)
    if not legs:
        return None
    for leg in legs:
        ref = ctx.ref(leg.end, "deduplication")
        if not (ref and ref.fact.value):
            return _failed(f"{ctx.name(leg.end)} does not drop duplicate messages itself", ref, key)
    opt = legs[0].end
    window = ctx.ref(opt, "deduplication.window")
    text = f"{ctx.name(opt)} drops duplicates"
    if window:
        text += f" within a {units.figure(window.fact)} window"
    return _passed(text, ctx.ref(opt, "deduplication"), key)


def _carriers(ctx: Context, leg: Leg) -> tuple[Option, ...]:
    """The services that carry messages to the consumer: a workflow consumer's own state machine is the
    consumer, not a carrier (it runs the steps on each record the pipe or rule hands it)."""
    if leg.consumer == "workflow" and ctx.val(leg.end, "model") == "workflow" and len(leg.path) > 1:
        return leg.path[:-1]
    return leg.path


def _rate_ceiling(ctx: Context, opt: Option, fact: str, need: float, to_rate, entry: Option | None = None
                  ) -> tuple[str, FactRef, float] | None:
    """('over', ref, cap) when need exceeds a hard ceiling, ('quota', ...) when an adjustable one, else None."""
    ref = ctx.ref(opt, fact)
    if ref is not None and ref.fact.entry_only and entry is not None and opt != entry:
        return None  # a quota on direct writes; here the service reads from another (a stream feeding Firehose)
    cap = to_rate(ref.fact, ctx.region) if ref else None
    if cap is None or need <= cap:
        return None
    return ("quota" if ref.fact.adjustable else "over"), ref, cap


def check_peak(ctx: Context, design: Design) -> Outcome | None:
    c = ctx.req.constraints
    peak = c.peak_per_second
    if peak is None:
        return None
    key = "constraints.peak_per_second"
    watch: list[Reason] = []
    limiting: tuple[float, Option, FactRef] | None = None
    bytes_needed = peak * c.message_kib if c.message_kib else None
    for opt in design.path:
        checks = [("throughput.max", peak, lambda f, r: f.numeric(r), f"{units.number(peak)}/s")]
        if bytes_needed is not None:
            checks.append(("throughput_bytes.max", bytes_needed, units.kib_per_second,
                           f"{units.number(round(bytes_needed / 1024, 2))} MiB/s"))
        for fact, need, to_rate, shown in checks:
            over = _rate_ceiling(ctx, opt, fact, need, to_rate, design.entry)
            if over is None:
                continue
            what, ref, _cap = over
            if what == "over" and fact == "throughput_bytes.max":
                # message_kib is the largest message, so peak x largest only bounds the byte rate: above a hard
                # byte ceiling the design may still fit (a few large snapshots among small records), which the
                # ranking weighs (fitness) instead of excluding it
                watch.append(Reason.of(f"{ctx.name(opt)} carries at most {units.figure(ref.fact, ctx.region)}; at "
                                       f"the peak with every message at the largest size it would be {shown}: "
                                       "measure the real byte rate", ref, key, kind="bound"))
                continue
            if what == "over":
                return _failed(f"{ctx.name(opt)} carries at most {units.figure(ref.fact, ctx.region)}; "
                               f"the peak is {shown}", ref, key)
            watch.append(_quota_watch(ctx, opt, shown, ref, key))
        ref = ctx.ref(opt, "throughput.max")
        cap = ref.fact.numeric(ctx.region) if ref else None
        if cap is None or (ref.fact.entry_only and opt != design.entry):
            continue
        default = ctx.ref(opt, "throughput.default")
        dcap = default.fact.numeric(ctx.region) if default else None
        if dcap is not None and peak > dcap and peak <= cap:
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
    if peak <= cap:
        if cap != float("inf"):  # an unlimited throughput is no ceiling to watch
            watch.append(Reason.of(f"{ctx.name(opt)} throughput ceiling: {units.figure(ref.fact, region)}"
                                   + ("" if region else "; quotas are lower in smaller Regions"), ref, key))
        return _passed(f"{units.number(peak)}/s fits {ctx.name(opt)}'s {units.figure(ref.fact, region)}", ref, key,
                       watch)
    return _passed(f"{units.number(peak)}/s fits after the quota increases listed", ref, key, watch)


def task_launch_ends(ctx: Context, design: Design) -> list[Option]:
    """The services of this design that push to containers: each event starts an ECS task (RunTask), where a
    worker would take it from a queue or stream it polls. A schedule's runs are jobs, not a flow of messages."""
    if "schedule" in (ctx.req.constraints.producers or []):
        return []
    return list(dict.fromkeys(
        leg.end for leg in ctx.active_legs(design)
        if ctx.leg_reaches(leg, ("container",)) and ctx.val(leg.end, "delivery") == ["push"]
        and "container" in (ctx.val(leg.end, "consumers") or [])))


def _launch_rate_exceeded(ctx: Context) -> FactRef | None:
    """The container task launch rate, when the stated peak is above it (no task can be started per message)."""
    peak, rate = ctx.req.constraints.peak_per_second, ctx.endpoint_fact("consumer:container", "task_launch_rate.max")
    return rate if peak is not None and rate is not None and peak > (rate.fact.numeric() or float("inf")) else None


def _api_destination_ends(ctx: Context, design: Design) -> list[Option]:
    """The services of this design that call an HTTPS endpoint or SaaS API through an API destination."""
    return list(dict.fromkeys(
        leg.end for leg in design.all_legs
        if ctx.leg_reaches(leg, ("http", "saas")) and ctx.ref(leg.end, "api_destination.throughput.max") is not None))


def _quota_watch(ctx: Context, opt: Option, shown: str, ref: FactRef, key: str, quota: str = "the default quota",
                 then: str = "") -> Reason:
    """The watch item for a rate above an adjustable quota: the increase to request."""
    return Reason.of(f"{ctx.name(opt)}: {shown} is above {quota} of {units.figure(ref.fact, ctx.region)}; request a "
                     f"quota increase to at least {shown} (the quota is adjustable){then}", ref, key, kind="quota")


def check_consumer_rates(ctx: Context, design: Design) -> Outcome | None:
    """The rate a consumer's own interface takes: a service that starts a container task per event is bound by
    the rate tasks launch at (above it, containers poll instead), and one calling an HTTPS endpoint by its API
    destination's invocation rate (an adjustable quota: a quota increase to request)."""
    peak = ctx.req.constraints.peak_per_second
    if peak is None:
        return None
    key = "constraints.peak_per_second"
    checked: list[Outcome] = []
    ends = task_launch_ends(ctx, design)
    launch = ctx.endpoint_fact("consumer:container", "task_launch_rate.max") if ends else None
    if launch is not None:
        if _launch_rate_exceeded(ctx):
            return _failed(f"{ctx.name(ends[0])} starts a container task per event, and tasks launch at most "
                           f"{units.figure(launch.fact)}; the peak is {units.number(peak)}/s", launch, key)
        checked.append(_passed(f"{ctx.name(ends[0])} starts a container task per event; {units.number(peak)}/s fits "
                               f"the launch rate of {units.figure(launch.fact)}", launch, key))
    for end in _api_destination_ends(ctx, design):
        over = _rate_ceiling(ctx, end, "api_destination.throughput.max", peak, lambda f, r: f.numeric(r))
        ref = ctx.ref(end, "api_destination.throughput.max")
        if over is None:
            checked.append(_passed(f"{units.number(peak)}/s fits {ctx.name(end)}'s API destination rate of "
                                   f"{units.figure(ref.fact, ctx.region)}", ref, key))
            continue
        what, ref, _cap = over
        if what == "over":
            return _failed(f"{ctx.name(end)} calls an API destination at most {units.figure(ref.fact, ctx.region)}; "
                           f"the peak is {units.number(peak)}/s", ref, key)
        watch = [_quota_watch(ctx, end, f"{units.number(peak)}/s", ref, key, "the API destination's default rate",
                              ", and make sure the endpoint takes it")]
        checked.append(_passed(f"{units.number(peak)}/s fits {ctx.name(end)}'s API destinations after a quota "
                               "increase", ref, key, watch))
    if not checked:
        return None
    first = checked[0]
    return Outcome(True, first.reason, [w for o in checked for w in o.watch])


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
            pattern = ctx.workaround(opt, key)
            limit = units.kib(pattern.limit) if pattern and pattern.limit else None
            if pattern is None or (limit is not None and size > limit):
                return _failed(f"{ctx.name(opt)} accepts messages up to {units.figure(ref.fact)}; "
                               f"{units.number(size)} KiB was asked for", ref, key)
            watch.append(Reason(f"{ctx.name(opt)} takes at most {units.figure(ref.fact)} per message; use "
                                f"{_pattern_text(pattern)}", f"workaround:{pattern.id}",
                                pattern.source, key, kind="workaround"))
            continue
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

    limits = [r for r in (effective(o) for o in design.path) if r and (units.kib(r.fact) or 0) >= size]
    smallest = min(limits, key=lambda r: units.kib(r.fact) or float("inf"), default=None)
    text = f"{units.number(size)} KiB messages fit"
    if smallest:
        text += f" (limit {units.figure(smallest.fact)})"
        watch.append(Reason.of(f"message size limit {units.figure(smallest.fact)}", smallest, key))
    return _passed(text, smallest, key, watch)


def _pattern_text(pattern) -> str:
    """'the S3 claim-check pattern (...): the producer stores ...' as one sentence, without a doubled stop."""
    return f"{pattern.name}: {pattern.summary.strip().rstrip('.')} (costs {pattern.cost.strip().rstrip('.')})"


def _replay_archive(ctx: Context, design: Design, need: float) -> Outcome | None:
    """With replay asked, a replayable archive (an SNS FIFO topic's, an event bus's) keeps messages for the
    consumers long enough, whatever the queue in front of them keeps."""
    if not ctx.req.constraints.replay:
        return None
    for opt in design.path:
        archive = ctx.ref(opt, "archive.retention.max")
        if archive and ctx.val(opt, "replay") and need <= (units.seconds(archive.fact) or float("inf")):
            return _passed(f"{ctx.name(opt)} archives messages up to {units.figure(archive.fact)} and replays them "
                           "to its subscribers", archive, "constraints.retention_days")
    return None


def _store_for(ctx: Context, leg: Leg) -> Option | None:
    """The service a leg's consumer reads unconsumed messages from: the last one on the leg that keeps them."""
    return next((o for o in reversed(leg.path) if ctx.val(o, "persistence")), None)


def _dead_letter_store(ctx: Context, leg: Leg, key: str) -> tuple[Option, Reason] | None:
    """The queue a documented pattern adds to keep what this leg's pushing service could not deliver, with the
    watch item naming the pattern, or None."""
    pattern = ctx.workaround(leg.end, key)
    if pattern is None or not pattern.adds:
        return None
    added = Option.parse(pattern.adds[0])
    return added, Reason(f"{ctx.name(leg.end)} keeps nothing itself; use {_pattern_text(pattern)}",
                         f"workaround:{pattern.id}", pattern.source, key, kind="workaround")


def check_retention(ctx: Context, design: Design) -> Outcome | None:
    days = ctx.req.constraints.retention_days
    if days is None or days == 0:
        return None
    key = "constraints.retention_days"
    need = days * 86400
    stores: list[tuple[Option, FactRef]] = []
    archived = _replay_archive(ctx, design, need)
    patterns: list[Reason] = []
    for leg in ctx.judged_legs(design):
        store = _store_for(ctx, leg)
        if store is None and archived is not None:
            return archived
        if store is None and (kept := _dead_letter_store(ctx, leg, key)) is not None:
            # what the service could not deliver is kept by a queue the pattern adds (a subscription's DLQ)
            store, reason = kept
            patterns.append(reason)
        if store is None:
            ref = ctx.ref(leg.end, "persistence")
            return _failed(f"nothing before {ctx.name(leg.end)} keeps unconsumed messages "
                           f"({ctx.name(leg.end)} does not store them)", ref, key)
        # a workflow keeps a run's data only while the run lasts
        stores.append((store, ctx.ref(store, "retention.max") or ctx.ref(store, "workflow.max_duration")
                       or ctx.ref(store, "persistence")))
    store, ref = min(stores, key=lambda s: units.seconds(s[1].fact) if s[1].fact.unit else float("inf"))
    cap = units.seconds(ref.fact) if ref.fact.unit else float("inf")
    if need > cap and archived is not None:
        return archived
    if need > cap:
        return _failed(f"{ctx.name(store)} keeps data at most {units.figure(ref.fact)}; {units.number(days)} days "
                       "were asked for", ref, key)
    watch = list(patterns)
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
    key = "constraints.replay"
    for leg in ctx.judged_legs(design):
        able = next((o for o in leg.path if ctx.val(o, "replay")), None)
        if able is None:
            names = " or ".join(ctx.name(o) for o in leg.path)
            return _failed(f"{names} cannot replay consumed messages", ctx.ref(leg.end, "replay"), key)
    opt = next(o for o in design.path if ctx.val(o, "replay"))
    return _passed(f"{ctx.name(opt)} lets receivers re-read past data", ctx.ref(opt, "replay"), key)


def check_filtering(ctx: Context, design: Design) -> Outcome | None:
    if not ctx.req.constraints.filtering:
        return None
    wanted = ctx.consumers_wanted()
    by_mapping = _lambda_filter(ctx, design, wanted) if "lambda" in wanted else None
    if by_mapping is not None and set(wanted) == {"lambda"}:
        return by_mapping
    # a service that filters for every receiver (an SNS filter policy per subscription) comes before a mapping
    # that filters for the functions alone
    whole = _any_node(ctx, design, "filtering", "constraints.filtering",
                      "{name} filters messages for each receiver", "{name} cannot filter messages per receiver")
    return whole if whole.ok or by_mapping is None else by_mapping


def _lambda_filter(ctx: Context, design: Design, wanted: list[str]) -> Outcome | None:
    """Lambda's event source mapping filters what it reads from a queue or stream before it invokes the
    function, on the legs to Lambda; the other consumers named read what they are given, which a watch item says."""
    lambda_legs = [leg for leg in design.all_legs if leg.consumer in ("lambda", None)]
    for opt in dict.fromkeys(o for leg in lambda_legs for o in leg.path):
        ref = ctx.ref(opt, "lambda_event_filtering")
        if ref and ref.fact.value:
            others = [k for k in wanted if k != "lambda"]
            watch = [Reason.of(f"only the Lambda functions' event source mappings filter; the {', '.join(others)} "
                               f"consumers read every message {ctx.name(opt)} holds and drop what they do not "
                               "want", ref, "constraints.filtering")] if others else []
            return _passed(f"Lambda's event source mapping on {ctx.name(opt)} filters messages for each function",
                           ref, "constraints.filtering", watch)
    return None


def _buffer_of(ctx: Context, leg: Leg) -> Option | None:
    """The store a leg's consumer takes its messages from, or None when a service hands them over itself.

    It is the last carrier before the consumer, past any poller that reads it on the consumer's behalf
    (a pipe polling a queue), and it must keep messages until they are taken (persistence) and let the
    consumer fetch them (pull): a queue, a stream or a broker, never a topic or an event bus.
    """
    for opt in reversed(_carriers(ctx, leg)):
        if ctx.val(opt, "polls_sources"):
            continue
        if ctx.val(opt, "persistence") and "pull" in (ctx.val(opt, "delivery") or []):
            return opt
        return None
    return None


def check_consumer_buffer(ctx: Context, design: Design) -> Outcome | None:
    """Every consumer that acts on messages reads them from a durable buffer of its own, at its own pace."""
    if not ctx.req.constraints.consumer_buffer:
        return None
    key = "constraints.consumer_buffer"
    legs = ctx.active_legs(design)
    if not legs:
        return None  # archive sinks only: data is written into them, nobody takes it at a pace of their own
    buffers: list[tuple[Leg, Option]] = []
    for leg in legs:
        buf = _buffer_of(ctx, leg)
        to = f" to {leg.consumer}" if leg.consumer else ""
        if buf is None:
            giver = _carriers(ctx, leg)[-1]
            return _failed(f"{ctx.name(giver)} hands each message{to} itself and keeps none until the consumer is "
                           "ready; a consumer that may be down or fall behind needs a queue or stream of its own",
                           ctx.ref(giver, "persistence"), key)
        # one queue node reached by several kinds is a queue per subscriber behind a topic (designs.is_valid_tree)
        buffers.append((leg, buf))
    kept = list(dict.fromkeys(b for _lg, b in buffers))
    verb = "keeps" if len(kept) == 1 else "keep"
    return _passed(f"{listed([ctx.name(b) for b in kept])} {verb} each message until its consumer takes it, at "
                   "the consumer's own pace", ctx.ref(kept[0], "persistence"), key)


def check_routing_features(ctx: Context, design: Design) -> Outcome | None:
    """Features of the event router itself: some service of the design must offer each one named."""
    wanted = ctx.req.constraints.routing_features
    if not wanted:
        return None
    key = "constraints.routing_features"
    found: list[tuple[Option, str]] = []
    for feature in wanted:
        fact, words = ROUTING_FEATURES[feature]
        opt = next((o for o in design.path if ctx.val(o, fact)), None)
        if opt is None:
            ref = next((r for r in (ctx.ref(o, fact) for o in design.path) if r), None)
            return _failed(f"{listed([ctx.name(o) for o in design.path], 'or')} offers no {words}", ref, key)
        found.append((opt, feature))
    opt, feature = found[0]
    parts = "; ".join(f"{ctx.name(o)} offers {ROUTING_FEATURES[f][1]}" for o, f in found)
    return _passed(parts, ctx.ref(opt, ROUTING_FEATURES[feature][0]), key)


def check_priority(ctx: Context, design: Design) -> Outcome | None:
    if not ctx.req.constraints.priority:
        return None
    key = "constraints.priority"
    for opt in design.path:
        ref = ctx.ref(opt, "priority")
        if ref and ref.fact.value:
            return _passed(f"{ctx.name(opt)} delivers higher-priority messages first", ref, key)
    for opt in design.path:
        pattern = ctx.workaround(opt, key)
        if pattern is not None:
            reason = Reason(f"{ctx.name(opt)} has no message priority; use {_pattern_text(pattern)}",
                            f"workaround:{pattern.id}", pattern.source, key, kind="workaround")
            return Outcome(True, reason, [reason])
    names = " or ".join(ctx.name(o) for o in design.path)
    return _failed(f"{names} has no message priority", ctx.ref(design.path[0], "priority"), key)


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
        ref = ctx.endpoint_fact(f"consumer:{kind}", "processing_time.max")
        if ref is not None and need > (units.seconds(ref.fact) or float("inf")):
            return _failed(f"{ctx.kb.endpoints[f'consumer:{kind}'].name} consumers run at most "
                           f"{units.figure(ref.fact)} per invocation; {units.number(minutes)} minutes per message "
                           "were asked", ref, key)
    ends = [leg.end for leg in ctx.judged_legs(design)]
    for opt in ends:
        ref = ctx.ref(opt, "processing_time.max")
        if ref and need > (units.seconds(ref.fact) or float("inf")):
            return _failed(f"{ctx.name(opt)} lets a consumer hold a message at most {units.figure(ref.fact)}",
                           ref, key)
    opt = ends[0]
    ref = ctx.ref(opt, "processing_time.max")
    if ref:
        watch = [Reason.of(f"longest processing time per message: {units.figure(ref.fact)}", ref, key)]
        mult = ctx.ref(opt, "lambda_visibility_multiplier")
        if mult is not None and "lambda" in ctx.consumers_wanted():
            # Lambda's poller keeps a batch invisible only as long as the queue says: a shorter timeout lets a
            # message that a function is still working on be delivered to a second invocation
            times = mult.fact.value
            watch.append(Reason.of(f"set {ctx.name(opt)}'s visibility timeout to at least {times} times the "
                                   f"function timeout: {units.number(minutes * times)} minutes for "
                                   f"{units.number(minutes)}-minute runs", mult, key))
        return _passed(f"{ctx.name(opt)} lets a consumer work on a message up to {units.figure(ref.fact)}", ref, key,
                       watch)
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
    on_site = _on_premises_saas(ctx, entry) if "on-premises" in missing and "saas" in have else None
    if on_site is not None:  # the on-premises producer is the named product's own installation (SAP on premises)
        missing.remove("on-premises")
    read = [n for n in existing_sources(ctx.req.constraints) if _emitted_to(ctx, n, entry) is not None] if missing else []
    if read:
        # the producers write to an existing table whose stream the entry reads; nothing publishes to the entry
        ep = ctx.kb.endpoints[f"source:{read[0]}"]
        return Outcome(True, Reason(f"the {', '.join(wanted)} producers write to {ep.name}, which "
                                    f"{ctx.name(entry)} reads; nothing publishes to {ctx.name(entry)} itself",
                                    f"endpoint:source:{read[0]}", ep.source, key))
    # SaaS records enter where a flow the design starts reads them, once another producer starts the design
    started = _started_connector(ctx, design) if "saas" in missing and len(missing) < len(wanted) else None
    if started is not None:
        missing.remove("saas")
    if missing:
        return _failed(f"{ctx.name(entry)} does not take input from {', '.join(missing)} producers", ref, key)
    if started is not None:
        return _passed(f"{ctx.name(entry)} accepts input from {', '.join(p for p in wanted if p != 'saas')}; the "
                       f"saas producers' records enter at {ctx.name(started)}, which it starts",
                       ctx.ref(started, "producers"), key)
    carried = ["saas" if p == "on-premises" and on_site is not None else p for p in wanted]
    narrow = _narrow_edge(ctx, design, carried, _started_connector(ctx, design))
    if narrow is not None:
        return narrow
    if on_site is not None:
        product, connector, site_ref = on_site
        return _passed(f"{ctx.name(entry)} accepts input from {', '.join(wanted)}: its {connector} connector reaches "
                       f"{product} installed on premises", site_ref, key)
    return _passed(f"{ctx.name(entry)} accepts input from {', '.join(wanted)}", ref, key)


def _narrow_edge(ctx: Context, design: Design, producers: list[str], started: Option | None) -> Outcome | None:
    """A failure when an edge of the design carries only some producers' data (AppFlow hands EventBridge only the
    Salesforce events of an event-triggered flow) and others were named."""
    narrow = ctx.narrow_edges()
    if not narrow or not any(o in narrow for o in design.path):
        return None
    for leg in design.all_legs:
        for here, there in zip(leg.path, leg.path[1:], strict=False):
            rel = narrow.get(here, {}).get(there)
            if rel is None:
                continue
            # a service's status events on the bus (AppFlow's run reports) are an AWS service's own events
            carried = set(rel.producers) | ({"aws-service"} if there in status_targets(ctx.kb, here) else set())
            others = [p for p in producers if p not in carried]
            if others and not _starts_flow_beside_its_work(design, here, there, started):
                return Outcome(False, Reason(
                    f"{ctx.name(here)} passes only {' and '.join(rel.producers)} producers' data on to "
                    f"{ctx.name(there)} ({rel.summary.strip().rstrip('.')}); the {' and '.join(others)} producers' "
                    "data do not reach it", f"relation:{here.id}->{there.id}", rel.source, "constraints.producers"))
    return None


def _started_connector(ctx: Context, design: Design) -> Option | None:
    """A service the design's entry starts (a workflow's Task calling AppFlow's StartFlow) that reads SaaS
    producers itself: a SaaS application sends nothing, so its records enter where its connector reads them."""
    entry = design.path[0]
    for leg in design.all_legs:
        if len(leg.path) > 1 and leg.path[0] == entry:
            nxt = leg.path[1]
            if (nxt in targets(ctx.kb, entry, "orchestrates") and "saas" in (ctx.val(nxt, "producers") or [])
                    and ctx.ref(nxt, "saas") is not None):
                return nxt
    return None


def _starts_flow_beside_its_work(design: Design, here: Option, there: Option, started: Option | None) -> bool:
    """A workflow that consumes the other producers' data itself (it ends a leg) and starts a flow reading SaaS
    records (``started``, see _started_connector): the flow needs none of the workflow's data, so its edge
    carrying only SaaS records is no loss."""
    return started is not None and there == started and any(leg.end == here for leg in design.all_legs)


def _on_premises_saas(ctx: Context, entry: Option) -> tuple[str, str, FactRef] | None:
    """A SaaS product named by the user whose connector at this entry also reaches it installed on premises
    (product, connector, fact): "on-premises" next to it says where that product runs, not another sender."""
    ref = ctx.ref(entry, "on_premises_connectors")
    if ref is None:
        return None
    for product in ctx.req.constraints.saas or []:
        connector = next((c for c in ref.fact.value if connector_matches(product, [c])), None)
        if connector is not None:
            return product, connector, ref
    return None


def check_source_services(ctx: Context, design: Design) -> Outcome | None:
    """The AWS services named as senders must deliver their events straight to the design's entry.

    S3 notifies SNS, SQS or EventBridge; a DynamoDB table's changes reach only a pipe or a data stream;
    GuardDuty findings reach only EventBridge. `producers: aws-service` alone cannot tell these apart.
    """
    wanted = ctx.req.constraints.source_services
    if not wanted:
        return None
    key = "constraints.source_services"
    entry = design.path[0]
    found = []
    for name in wanted:
        rel = _emitted_to(ctx, name, entry)
        if rel is None:
            return _not_reached(ctx, name, entry, "{source} sends its events to {readers}, not to {entry}", key)
        found.append((name, rel))
    name, rel = found[0]
    senders = listed([ctx.kb.endpoints[f"source:{n}"].name for n, _r in found])
    return Outcome(True, Reason(f"{senders} {'send' if len(found) > 1 else 'sends'} events straight to "
                                f"{ctx.name(entry)}: {rel.summary.strip().rstrip('.')}",
                                f"relation:source:{name}->{entry.id}", rel.source, key))


def existing_sources(constraints) -> list[str]:
    """The AWS sources outside the design that an existing resource named in starts_from is part of (a
    DynamoDB table's stream): the producers write to them, and the design's entry reads them."""
    return [STARTS_FROM[v][1] for v in constraints.starts_from or [] if STARTS_FROM[v][0] == "source"]


def _emitted_to(ctx: Context, source: str, entry: Option) -> Relation | None:
    """The emits-to relation by which the AWS source (source:<name>) delivers straight to this entry, if any."""
    return next((r for o, r in ctx.kb.emits.get(source, []) if o == entry), None)


def _not_reached(ctx: Context, source: str, entry: Option, what: str, key: str) -> Outcome:
    """A failure citing the source's endpoint: what it names reaches only the services its relations list."""
    readers = listed(list(dict.fromkeys(ctx.name(o) for o, _r in ctx.kb.emits.get(source, []))), "or")
    ep = ctx.kb.endpoints[f"source:{source}"]
    return Outcome(False, Reason(what.format(source=ep.name, readers=readers, entry=ctx.name(entry)),
                                 f"endpoint:source:{source}", ep.source, key))


def check_starts_from(ctx: Context, design: Design) -> Outcome | None:
    """The messages already arrive in an existing resource (an SQS queue, a table's stream): the design starts
    there. A design starting elsewhere replaces what exists or leaves it out; the producers keep writing to it.
    Where several existing services are named (a stream whose readings must join an existing event bus), the
    messages arrive in the first one named: the design starts there and runs through the others."""
    wanted = ctx.req.constraints.starts_from
    if not wanted:
        return None
    key = "constraints.starts_from"
    entry = design.path[0]
    passed: list[Reason] = []
    services = [STARTS_FROM[v] for v in wanted if STARTS_FROM[v][0] == "service"]
    if services and not entry.matches(services[0][1]):
        return _failed(f"the messages already arrive in {services[0][2]}; this design starts at {ctx.name(entry)} "
                       "instead", ctx.ref(entry, "model"), key)
    for kind, ref, words in (STARTS_FROM[v] for v in wanted):
        if kind == "service":
            at = next((o for o in design.path if o.matches(ref)), None)
            if at is None:
                return _failed(f"{words} exists already and the messages must reach it; this design leaves it out",
                               ctx.ref(entry, "model"), key)
            where = "starts at" if at == entry else "runs through"
            passed.append(Reason.of(f"the design {where} {words} ({ctx.name(at)})", ctx.ref(at, "model"), key))
            continue
        rel = _emitted_to(ctx, ref, entry)
        if rel is None:
            return _not_reached(ctx, ref, entry, f"the messages already arrive in {words}, which only {{readers}} "
                                "read; not {entry}", key)
        passed.append(Reason(f"{ctx.name(entry)} reads {words}: {rel.summary.strip().rstrip('.')}",
                             f"relation:source:{ref}->{entry.id}", rel.source, key))
    if len(passed) == 1:
        return Outcome(True, passed[0])
    # one reason for the one requirement, citing where the design starts; the resources it runs through follow
    first = passed[0]
    return Outcome(True, Reason(first.text + "; " + "; ".join(r.text.removeprefix("the design ") for r in passed[1:]),
                                first.fact, first.source, key))


def check_consumers(ctx: Context, design: Design) -> Outcome | None:
    wanted = ctx.consumers_wanted()
    if not wanted:
        return None
    key = "constraints.consumers"
    reached = {leg.consumer: leg.end for leg in design.legs
               if leg.consumer and leg.consumer in (ctx.val(leg.end, "consumers") or [])}
    missing = [c for c in wanted if c not in reached]
    if missing:
        last = design.path[-1]
        return _failed(f"nothing in this design delivers to {', '.join(missing)} "
                       f"({ctx.name(last)} reaches {', '.join(ctx.val(last, 'consumers') or []) or 'none'})",
                       ctx.ref(last, "consumers"), key)
    by_node: dict[Option, list[str]] = {}
    for kind, opt in reached.items():
        by_node.setdefault(opt, []).append(kind)
    parts = [f"{ctx.name(o)} delivers to {', '.join(k)}" for o, k in by_node.items()]
    first = next(iter(by_node))
    watch = []
    store = ctx.analysed_store()
    if store is not None:
        where = ctx.kb.endpoints[store.id.split(".", 1)[0]].name
        watch.append(Reason.of(f"analytics reads the data where they land ({where}, analysed in place), so it needs "
                               "no delivery of its own", store, key))
    return _passed("; ".join(parts), ctx.ref(first, "consumers"), key, watch)


def connector_matches(wanted: str, have: list[str]) -> bool:
    """'SAP' names the 'sap-odata' connector, 'Google Analytics' the 'google-analytics' one."""
    w = "-".join(wanted.lower().replace("_", " ").split())
    return any(h == w or h.startswith(w + "-") for h in (x.lower() for x in have))


def connectors_cover(wanted: list[str], have: list[str]) -> bool:
    """Does a connector list name every product wanted?"""
    return all(connector_matches(s, have) for s in wanted)


def check_saas(ctx: Context, design: Design) -> Outcome | None:
    wanted = ctx.req.constraints.saas
    if not wanted:
        return None
    key = "constraints.saas"
    if "saas" not in ctx.producers():
        return _saas_receives(ctx, design, wanted, key)
    for opt in design.path:
        ref = ctx.ref(opt, "saas")
        have = ref.fact.value if ref else []
        if connectors_cover(wanted, have):
            return _passed(f"{ctx.name(opt)} connects to {', '.join(wanted)}", ref, key)
        hook = ctx.ref(opt, "saas_webhooks")
        if hook is not None and connectors_cover(wanted, have + hook.fact.value):
            called = [s for s in wanted if not connector_matches(s, have)]
            return _passed(f"{ctx.name(opt)} receives {', '.join(called)} through an inbound webhook", hook, key,
                           [Reason.of(f"{', '.join(called)} calls a Lambda function URL that an EventBridge quick "
                                      "start deploys; it checks the provider's signature and puts each event on "
                                      f"{ctx.name(opt)}. The URL is public, secured only by that signature "
                                      "check: review it with your security team", hook, key)])
    refs = [r for r in (ctx.ref(o, "saas") for o in design.path) if r]
    if refs:
        missing = [s for s in wanted if not connector_matches(s, refs[0].fact.value)]
        return _failed(f"no connector for {', '.join(missing)}", refs[0], key)
    return _failed(f"{_names(ctx, design)} cannot connect to SaaS applications",
                   ctx.ref(design.path[0], "producers"), key)


def _saas_receives(ctx: Context, design: Design, wanted: list[str], key: str) -> Outcome | None:
    """SaaS products that send nothing receive. Named among the consumers, they are reached by the service ending
    their leg, through any HTTPS API (an API destination, an HTTP Task) or through connectors whose list names
    them; not named there, the consumers named reach them, and a service that calls them is only worth saying."""
    named = "saas" in ctx.consumers_wanted()
    legs = design.all_legs
    ends = [leg.end for leg in legs if leg.consumer == "saas" or leg.consumer is None] if named else \
        [leg.end for leg in legs]
    if not ends:
        return None  # a leg to another consumer: the SaaS is judged on its own leg
    listed = None
    for opt in dict.fromkeys(ends):
        if named and "saas" not in (ctx.val(opt, "consumers") or []):
            continue
        if ctx.val(opt, "calls_any_https_api"):
            return _passed(f"{ctx.name(opt)} calls {', '.join(wanted)} over its HTTPS API",
                           ctx.ref(opt, "calls_any_https_api"), key)
        ref = ctx.ref(opt, "saas")
        if named and ref is not None and connectors_cover(wanted, ref.fact.value):
            return _passed(f"{ctx.name(opt)} delivers to {', '.join(wanted)} through its connectors", ref, key)
        listed = listed or ref
    if not named:
        return None
    if listed is not None:
        missing = [s for s in wanted if not connector_matches(s, listed.fact.value)]
        return _failed(f"no connector delivers to {', '.join(missing)}", listed, key)
    return _failed(f"{', '.join(ctx.name(o) for o in dict.fromkeys(ends))} cannot deliver to SaaS applications",
                   ctx.ref(ends[0], "consumers"), key)


def check_schedule(ctx: Context, design: Design) -> Outcome | None:
    if not ctx.req.constraints.schedule:
        return None
    key = "constraints.schedule"
    senders = _scheduled_senders(ctx)
    if senders:
        # the producers' data must move into the sinks at the scheduled times: a schedule that sends only an event
        # of its own (a scheduled rule, a schedule's fixed input) moves none of them; on a design with a leg per
        # consumer, the schedule must be on the way to the sinks (a workflow started afterwards moves nothing)
        sink_legs = [leg for leg in design.all_legs if leg.consumer is None or leg.consumer in SINK_CONSUMERS]
        on_the_way = [o for o in design.path if any(o in leg.path for leg in sink_legs)]
        own = None
        for opt in on_the_way:
            if not ctx.val(opt, "schedule"):
                continue
            ref = ctx.ref(opt, "schedule_sends")
            if ref is not None and ref.fact.value == "source-data":
                return _passed(f"{ctx.name(opt)} moves the {' and '.join(senders)} producers' data at each scheduled "
                               "run", ref, key)
            own = own or (opt, ref)
        if own is not None:
            opt, ref = own
            return _failed(f"{ctx.name(opt)}'s schedule sends an event of its own at each run; the "
                           f"{' and '.join(senders)} producers' data are not moved on the schedule", ref, key)
        if sink_legs and len(sink_legs) < len(design.all_legs):
            return _failed(f"nothing on the way to the {', '.join(sorted({leg.consumer for leg in sink_legs}))} "
                           "consumers runs on a schedule", ctx.ref(design.path[0], "schedule"), key)
    return _any_node(ctx, design, "schedule", key,
                     "{name} runs on a cron or rate schedule", "{name} cannot start work on a schedule")


def _scheduled_senders(ctx: Context) -> list[str]:
    """The producers whose data a schedule must move: answered producers that are not the schedule itself, when
    a consumer only receives data (a sink such as S3 or a SaaS product): a sink does no work of its own that a
    scheduled event could start, so what the schedule starts there is the copy of the producers' data."""
    producers = ctx.req.constraints.producers or []
    consumers = ctx.consumers_wanted()
    if "schedule" in producers or not set(consumers) & set(SINK_CONSUMERS):
        return []
    return list(producers)


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


def check_region(ctx: Context, design: Design) -> Outcome | None:
    """A service or variant offered only in some Regions (MSK Serverless) cannot serve another Region."""
    region = ctx.region
    if region is None:
        return None
    key = "constraints.region"
    for opt in design.path:
        ref = ctx.ref(opt, "regions")
        if ref and region not in ref.fact.value:
            return _failed(f"{ctx.name(opt)} is not offered in {region}", ref, key)
    listed = next((ctx.ref(o, "regions") for o in design.path if ctx.ref(o, "regions")), None)
    if listed is None:
        return None
    return _passed(f"offered in {region}", listed, key)


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


def check_producer_protocols(ctx: Context, design: Design) -> Outcome | None:
    """The protocols the producers speak today (asked on every path, not only for migrations)."""
    wanted = ctx.req.constraints.protocols
    if not wanted:
        return None
    return _entry_protocols(ctx, design, wanted, "constraints.protocols")


def check_protocols(ctx: Context, design: Design) -> Outcome | None:
    from advisor.requirements import STORAGE_PROTOCOLS

    # a file or block protocol belongs to the storage part of the answers (check_storage_protocols), never to
    # the messaging services that carry that part's notifications
    wanted = [p for p in ctx.req.migration.protocols or [] if p not in STORAGE_PROTOCOLS]
    if not wanted or ctx.req.migration.code_changes == "allowed":
        return None  # clients that will be rewritten need not find their old protocol at the entry
    # a client library the answer lets the move swap takes its own wire protocol with it (the SQS JMS library
    # replaces the ActiveMQ client and its OpenWire); the entry must speak only what the code keeps
    allowed = CHANGE_RANK[ctx.req.migration.code_changes or "none"]
    replaced = {p for system in ctx.req.migration.systems for opt, rel in ctx.kb.migrations(system)
                if opt == design.path[0] and CHANGE_RANK[rel.code_changes] <= allowed for p in rel.replaces_wire or ()}
    kept = [p for p in wanted if p not in replaced]
    if not kept:
        return None
    key = "migration.protocols"
    senders = ctx.req.constraints.protocols
    # with the producers' own protocols stated, the other protocols kept are the consumers': they must be spoken
    # where the consumers read (a Kafka cluster an IoT rule writes to), not at the entry the devices publish to
    at_entry = [p for p in kept if p in senders] if senders else kept
    readers = [p for p in kept if p not in at_entry]
    entry = _entry_protocols(ctx, design, at_entry, key) if at_entry else None
    if not readers or (entry is not None and not entry.ok):
        return entry
    speaker = next((o for o in design.path if set(readers) <= set(ctx.val(o, "protocols") or [])), None)
    if speaker is None:
        return _failed(f"nothing in this design speaks {protocol_list(readers)} to the clients that keep it",
                       ctx.ref(design.path[-1], "protocols"), key)
    return _passed(f"{ctx.name(speaker)} speaks {protocol_list(readers)} to the existing clients that keep it",
                   ctx.ref(speaker, "protocols"), key)


def _entry_protocols(ctx: Context, design: Design, wanted: list[str], key: str) -> Outcome:
    entry, ref, have, missing = _entry_lacks(ctx, design, "protocols", wanted)
    if missing:
        return _failed(f"{ctx.name(entry)} cannot accept {protocol_list(missing)} "
                       f"(it speaks {protocol_list(have) or 'no listed protocol'})", ref, key)
    return _passed(f"{ctx.name(entry)} speaks {protocol_list(wanted)}", ref, key)


PROTOCOL_NAMES = {"amqp-0-9-1": "AMQP 0-9-1", "amqp-1.0": "AMQP 1.0", "mqtt": "MQTT", "stomp": "STOMP",
                  "openwire": "OpenWire", "jms": "JMS", "kafka": "the Kafka protocol", "https": "HTTPS",
                  "websocket": "WebSocket", "nfs": "NFS", "smb": "SMB", "iscsi": "iSCSI", "iscsi-vtl": "iSCSI VTL"}


def protocol_list(names: list[str], conjunction: str = "and") -> str:
    return listed([PROTOCOL_NAMES.get(n, n) for n in names], conjunction)


def check_migration(ctx: Context, design: Design) -> Outcome | None:
    m = ctx.req.migration
    systems = [s for s in m.systems if s not in _storage_systems()] if design.concern == "messaging" \
        else [s for s in m.systems if s in _storage_systems()]
    if not systems or m.code_changes in (None, "allowed"):
        return None
    key = "migration.code_changes"
    allowed = CHANGE_RANK[m.code_changes]
    entry = design.path[0]
    replaced: list[tuple[str, Option, Relation]] = []
    for system in systems:
        # each system moved is replaced by a service of the design (a Mosquitto broker by the IoT Core entry, the
        # Kafka cluster behind it by MSK); the entry speaks for the failure when nothing replaces it
        fitting = [(o, rel) for o in design.path for here, rel in ctx.kb.migrations(system)
                   if here == o and CHANGE_RANK[rel.code_changes] <= allowed]
        if fitting:
            replaced.append((system, *fitting[0]))
            continue
        edges = [rel for opt, rel in ctx.kb.migrations(system) if opt == entry]
        needed = min((CHANGE_RANK[r.code_changes] for r in edges), default=None)
        if needed is None:
            text = f"{ctx.name(entry)} offers no migration path from {system}"
        else:
            word = [k for k, v in CHANGE_RANK.items() if v == needed][0]
            text = f"moving {system} to {ctx.name(entry)} needs {word} code changes; {m.code_changes} allowed"
        rel = edges[0] if edges else None
        return Outcome(False, Reason(text, f"relation:{entry.id}<-{system}" if rel else None,
                                     rel.source if rel else None, key))
    how = {"none": "no code changes", "minimal": "minimal code changes", "allowed": "code changes"}
    system, node, rel = replaced[0]
    text = f"{ctx.name(node)} replaces {system} with {how[rel.code_changes]}: {rel.summary.strip().rstrip('.')}"
    text += "".join(f"; {ctx.name(o)} replaces {s} with {how[r.code_changes]}" for s, o, r in replaced[1:])
    return Outcome(True, Reason(text, f"relation:{node.id}<-{system}", rel.source, key))


def _storage_systems() -> tuple[str, ...]:
    from advisor.requirements import STORAGE_SYSTEMS

    return STORAGE_SYSTEMS


# Checks that read only the design's services in order (design.path, its entry, its concern), never its legs or
# the consumers they reach. The walk computes each once per path: legs to several kinds of consumer, and the
# designs combining them, often run along the same services. tests/test_engine_by_path.py holds them to it.
BY_PATH = frozenset({
    check_peak, check_message_size, check_priority, check_delay, check_region, check_managed,
    check_producer_protocols, check_protocols, check_migration, check_source_services, check_routing_features,
    check_starts_from,
})

# Checks whose verdict depends on the volume that `mqadvise cost --scale/--sweep` multiplies (the peak and average
# rates; delivery reads it where containers can only poll above the rate tasks are launched at). The sweep runs the
# engine once and re-runs only these at other volumes; tests/test_cost_volume_checks.py fails for any other check
# whose verdict changes with the volume.
VOLUME_CHECKS: tuple[Callable[[Context, Design], Outcome | None], ...] = (check_peak, check_consumer_rates,
                                                                          check_delivery)

MESSAGING_CHECKS: tuple[Callable[[Context, Design], Outcome | None], ...] = (
    check_completion, check_delivery, check_distribution, check_ordering, check_deduplication,
    check_peak, check_consumer_rates, check_message_size, check_retention, check_replay, check_processing,
    check_delay, check_filtering, check_routing_features, check_consumer_buffer, check_priority, check_producers,
    check_source_services, check_starts_from, check_consumers, check_saas, check_schedule, check_workflow, check_workflow_minutes,
    check_region, check_managed, check_producer_protocols, check_protocols, check_migration,
)
