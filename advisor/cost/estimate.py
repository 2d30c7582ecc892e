"""The monthly estimate of one design: line items priced from knowledge/pricing.yaml, capacity, assumptions."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from advisor.cost import capacity as C
from advisor.cost.volume import ASSUMED, Volume, volume_of
from advisor.knowledge import vocabulary as V
from advisor.knowledge.schema import REGION_GROUPS

KIB_PER_GB = 1024 * 1024   # billing GB are 2^30 bytes


@dataclass(frozen=True)
class LineItem:
    """One billed dimension: quantity times unit price, or a gap when either is unknown."""

    service: str                   # option id (sqs:standard) or priced extra (lambda, s3)
    dimension: str
    quantity: float | None
    quantity_unit: str
    unit_price: float | None
    price_unit: str | None
    price_id: str | None
    source: str | None
    subtotal: float | None
    note: str | None = None
    gap: str | None = None         # why this line has no figure
    basis: str | None = None       # how the unit price is known: read | unconfirmed | assumed (= us-east-1)

    @property
    def is_gap(self) -> bool:
        return self.subtotal is None

    def as_json(self) -> dict[str, Any]:
        out = {"service": self.service, "dimension": self.dimension, "quantity": _round(self.quantity),
               "quantity_unit": self.quantity_unit, "unit_price": self.unit_price, "price_unit": self.price_unit,
               "price": self.price_id, "source": self.source, "subtotal": _round(self.subtotal, 4)}
        if self.basis:
            out["rate_basis"] = BASIS_TEXT[self.basis]
        if self.note:
            out["note"] = self.note
        if self.gap:
            out["gap"] = self.gap
        return out


BASIS_TEXT = {"read": "read on the pricing page", "unconfirmed": "unconfirmed (not read on the pricing page)",
              "assumed": "assumed equal to the us-east-1 rate (not read for this Region)"}


def basis_of(price: Any, region: str | None) -> str:
    if price.assumed_in(region):
        return "assumed"
    return "read" if price.status == "confirmed" else "unconfirmed"


def tiered_cost(price: Any, start: float, quantity: float, region: str | None) -> tuple[float, list[str]]:
    """What ``quantity`` units cost when ``start`` units of the month are already billed, across the price's
    volume tiers; with the steps used (for the line's note when more than the first one is)."""
    steps = price.steps(region)
    total, used = 0.0, []
    end = start + quantity
    for i, (lo, rate) in enumerate(steps):
        hi = steps[i + 1][0] if i + 1 < len(steps) else math.inf
        units = min(end, hi) - max(start, lo)
        if units > 0:
            total += units / price.per * rate
            used.append(f"{units:,.0f} at {rate:g}")
    return total, used


@dataclass(frozen=True)
class Need:
    """What a design needs at this volume (shards, partitions, brokers, concurrency) and how it was sized."""

    service: str
    what: str
    count: int
    basis: str
    facts: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"service": self.service, "what": self.what, "count": self.count, "basis": self.basis,
                "facts": list(self.facts)}


@dataclass
class Estimate:
    key: str
    pattern: str
    services: list[str]
    region: str
    currency: str
    items: list[LineItem]
    needs: list[Need]
    assumptions: list[str]
    warnings: list[str]

    @property
    def total(self) -> float:
        """The sum of the priced lines (gaps excluded; see ``complete``)."""
        return sum(i.subtotal for i in self.items if i.subtotal is not None)

    @property
    def gaps(self) -> list[LineItem]:
        return [i for i in self.items if i.is_gap]

    @property
    def complete(self) -> bool:
        return not self.gaps

    def as_json(self) -> dict[str, Any]:
        return {"design": self.key, "pattern": self.pattern, "services": self.services, "region": self.region,
                "currency": self.currency, "monthly_total": round(self.total, 2), "complete": self.complete,
                "gaps": [f"{g.service} {g.dimension}: {g.gap}" for g in self.gaps],
                "line_items": [i.as_json() for i in self.items], "capacity": [n.as_json() for n in self.needs],
                "assumptions": self.assumptions, "warnings": self.warnings}


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _join(note: str | None, more: str) -> str:
    return f"{note}; {more}" if note else more


class Bill:
    """Collects line items for one design; prices and free tiers come from the knowledge."""

    def __init__(self, kb: Any, region: str | None, vol: Volume, req: Any) -> None:
        self.kb = kb
        self.req = req
        self.pricing = kb.pricing
        self.region = region
        self.vol = vol
        self.items: list[LineItem] = []
        self.needs: list[Need] = []
        self.notes: list[str] = []
        self.billed: dict[str, float] = {}       # units of each price billed so far (volume tiers are per month)
        self.starts: dict[int, float] = {}       # where in the month's units of its price each line starts

    # -- helpers ------------------------------------------------------------------------------
    def chunks(self, price_id: str) -> int:
        """Billing steps one message takes for this price (1 when the price bills whole messages)."""
        price = self.pricing.price(price_id)
        if price is None or price.billed_in is None:
            return 1
        step = price.billed_in.value * V.SIZE_UNITS[price.billed_in.unit]
        return max(1, math.ceil(self.vol.kib / step - 1e-9))

    def billed_gb(self, messages: float, price_id: str) -> float:
        """GB a price bills for ``messages``, each rounded up to its billing step."""
        price = self.pricing.price(price_id)
        if price is None or price.billed_in is None:
            return messages * self.vol.kib / KIB_PER_GB
        step = price.billed_in.value * V.SIZE_UNITS[price.billed_in.unit]
        return messages * self.chunks(price_id) * step / KIB_PER_GB

    def step_gb(self, price_id: str) -> float:
        """The billing step of a price in GB (Express workflows bill memory in 64 MB steps)."""
        price = self.pricing.price(price_id)
        if price is None or price.billed_in is None:
            return 1.0
        return price.billed_in.value * V.SIZE_UNITS[price.billed_in.unit] / KIB_PER_GB

    def figure(self, name: str) -> float | None:
        fact = self.pricing.figure(name)
        return None if fact is None else fact.numeric(self.region)

    def fact_number(self, opt: Any, name: str) -> tuple[float | None, str | None]:
        ref = self.kb.fact(opt, name)
        return (ref.fact.numeric(self.region), ref.id) if ref else (None, None)

    # -- lines ----------------------------------------------------------------------------------
    def add(self, service: str, price_id: str, quantity: float | None, *, note: str | None = None,
            dimension: str | None = None) -> None:
        price = self.pricing.price(price_id)
        if price is None:
            self.gap(service, dimension or price_id, f"no price {price_id!r} in knowledge/pricing.yaml",
                     quantity=quantity)
            return
        unit = price.measure
        basis = basis_of(price, self.region)
        if quantity is None:
            self.items.append(LineItem(service, dimension or price.dimension, None, unit, price.rate(self.region),
                                       price.unit, price.id, price.source, None, note,
                                       "needs constraints.peak_per_second (or average_per_second)", basis))
            return
        start = self.billed.get(price.id, 0.0)
        subtotal, steps = tiered_cost(price, start, quantity, self.region)
        self.billed[price.id] = start + quantity
        if len(steps) > 1:
            note = _join(note, f"volume tiers ({price.unit}): {', '.join(steps)}")
        if price.monthly_cap is not None and subtotal > price.monthly_cap:
            subtotal = price.monthly_cap
            note = _join(note, f"capped at {price.monthly_cap:g} {price.currency} a month")
        self.starts[len(self.items)] = start
        self.items.append(LineItem(service, dimension or price.dimension, quantity, unit, price.rate(self.region),
                                   price.unit, price.id, price.source, subtotal, note, None, basis))

    def gap(self, service: str, dimension: str, reason: str, *, quantity: float | None = None,
            price_id: str | None = None) -> None:
        price = self.pricing.price(price_id) if price_id else None
        self.items.append(LineItem(service, dimension, quantity, price.measure if price else "",
                                   price.rate(self.region) if price else None, price.unit if price else None,
                                   price_id, price.source if price else None, None, None, reason,
                                   basis_of(price, self.region) if price else None))

    def need(self, service: str, what: str, count: int, basis: str, *facts: str | None) -> int:
        self.needs.append(Need(service, what, count, basis, tuple(f for f in facts if f)))
        return count

    def apply_free_tiers(self) -> None:
        """Free tiers as their own negative lines (only those that never expire), after the priced lines.

        A free allowance covers the first units of the month, so its credit is what those units cost (at
        the first tier's rate) and never more than the line it offsets.
        """
        for tier in self.pricing.free_tiers:
            lines = [(n, i) for n, i in enumerate(self.items) if i.price_id in tier.applies_to
                     and i.subtotal is not None]
            if not lines:
                continue
            if tier.term != "always":
                self.notes.append(f"free tier {tier.id} ({tier.value:,.0f} {tier.unit}) lasts the first 12 months "
                                  "only and is not applied")
                continue
            left = tier.value
            for n, line in lines:
                if left <= 0 or not line.quantity:
                    break
                price = self.pricing.price(line.price_id)
                used = min(left, line.quantity)
                left -= used
                credit = min(line.subtotal, tiered_cost(price, self.starts.get(n, 0.0), used, self.region)[0])
                if credit <= 0:
                    continue
                self.items.append(LineItem(line.service, f"free tier: {line.dimension}", -used, line.quantity_unit,
                                           line.unit_price, line.price_unit, tier.id, tier.source, -credit,
                                           f"{tier.value:,.0f} {tier.unit}, every month"))

    def price_notes(self) -> list[str]:
        """What the reader must know about the unit prices used: Regions priced at the us-east-1 rate, rates
        not read on the pricing page, volume tiers the knowledge does not hold."""
        used = {i.price_id: self.pricing.price(i.price_id) for i in self.items if i.price_id}
        prices = [p for p in used.values() if p is not None]
        out = []
        assumed = sorted(p.id for p in prices if p.assumed_in(self.region))
        if assumed:
            where = self.region if self.region in REGION_GROUPS else f"{self.region} (priced as the `other` Regions)"
            out.append(f"{where}: {len(assumed)} of {len(prices)} unit prices were not read for this Region and are "
                       f"assumed equal to the us-east-1 rate, which may be lower than the real one: "
                       + ", ".join(assumed))
        unconfirmed = sorted(p.id for p in prices if p.status != "confirmed" and not p.assumed_in(self.region))
        if unconfirmed:
            out.append(f"{len(unconfirmed)} of {len(prices)} unit prices are unconfirmed (the pricing page's rate "
                       "table was not read; knowledge/pricing.yaml says where each figure comes from): "
                       + ", ".join(unconfirmed))
        for p in sorted((p for p in prices if p.tiers == "unknown"), key=lambda p: p.id):
            out.append(f"{p.id}: the pricing page has volume tiers the knowledge does not hold; the first-tier rate "
                       "is applied to all of it (an upper bound)")
        return out


# ----- per-service models ---------------------------------------------------------------------
# Each takes (bill, option, messages entering this node a month, context) and adds its lines.


@dataclass
class Hop:
    copies: int            # copies of each message reaching this node (after a topic's fan-out)
    last: bool
    next_service: str | None


def _sqs(b: Bill, opt: Any, m: float | None, hop: Hop) -> None:
    price = f"sqs.{opt.variant}.requests"
    per = ASSUMED["sqs_requests_per_message"]
    q = None if m is None else m * hop.copies * per * b.chunks(price)
    b.add(opt.id, price, q, note=f"{per} requests per message (send, receive, delete), each "
                                 f"{b.chunks(price)} billing chunk(s); {hop.copies} queue(s)")


SNS_PROTOCOL = {"http": "http", "application": "http", "container": "http", "email": "email", "sms": "sms",
                "mobile-push": "mobile-push", "lambda": "lambda"}


def _sns(b: Bill, opt: Any, m: float | None, hop: Hop) -> None:
    fifo = opt.variant == "fifo"
    publish = f"sns.{opt.variant}.publish"
    b.add(opt.id, publish, None if m is None else m * hop.copies * b.chunks(publish))
    if fifo:
        b.add(opt.id, "sns.fifo.publish_payload", None if m is None else b.billed_gb(m * hop.copies, ""))
    fan = b.vol.fan_out
    if not hop.last:
        target = hop.next_service or ""
        price = ("sns.fifo.delivery." if fifo else "sns.delivery.") + target
        b.add(opt.id, price, None if m is None else m * hop.copies * fan,
              note=f"{fan} subscription(s) of kind {target}", dimension=f"deliveries to {target}")
        return
    for kind in b.vol.consumers or ["application"]:
        protocol = SNS_PROTOCOL.get(kind)
        if protocol is None or fifo:
            b.gap(opt.id, f"deliveries to {kind}", f"{opt.id} does not deliver to {kind} consumers directly")
            continue
        price = f"sns.delivery.{protocol}"
        chunks = b.chunks(price)
        b.add(opt.id, price, None if m is None else m * hop.copies * chunks,
              dimension=f"{protocol} deliveries ({kind} consumers)",
              note="HTTP/S assumed for application consumers" if kind in ("application", "container") else None)


def _eventbridge(b: Bill, opt: Any, m: float | None, hop: Hop) -> None:
    if opt.variant == "bus":
        producers = set(b.vol.producers)
        if producers and producers <= {"aws-service"}:
            price = "eventbridge.bus.aws_events"
        elif producers == {"saas"}:
            price = "eventbridge.bus.partner_events"
        else:
            price = "eventbridge.bus.custom_events"
        b.add(opt.id, price, None if m is None else m * hop.copies * b.chunks(price))
    elif opt.variant == "pipes":
        price = "eventbridge.pipes.requests"
        b.add(opt.id, price, None if m is None else m * hop.copies * b.chunks(price))
    else:
        runs = b.vol.schedule_runs
        note = "runs of constraints.schedule" if runs is not None else "one invocation per message"
        b.add(opt.id, "eventbridge.scheduler.invocations", runs if runs is not None else m, note=note)


def _readers(b: Bill, hop: Hop) -> int:
    """Consumer applications reading a stream: every consumer kind when it is the last hop, else the next hop."""
    return max(1, len(b.vol.consumers)) if hop.last else 1


def _stream_days(b: Bill) -> float:
    return b.vol.retention_days if b.vol.retention_days is not None else 1.0


def _retention_lines(b: Bill, opt: Any, gb_month: float | None, extended_price: str | None) -> None:
    """Extended (to 7 days) and long-term (beyond 7 days) retention, from the GB written in a month."""
    days = _stream_days(b)
    if days <= 1:
        return
    daily = None if gb_month is None else gb_month / b.vol.days
    if extended_price:
        b.add(opt.id, extended_price, None if daily is None else daily * (min(days, 7) - 1),
              note=f"{min(days, 7) - 1:g} day(s) beyond the first 24 hours kept on average")
    if days > 7:
        b.add(opt.id, "kinesis.long_term_retention", None if daily is None else daily * (days - 7),
              note=f"{days - 7:g} day(s) beyond 7 days")


def _kinesis(b: Bill, opt: Any, m: float | None, hop: Hop) -> None:
    hours = b.vol.month_hours
    readers = _readers(b, hop)
    shared_max = int(b.figure("kinesis.efo.shared_consumers.max") or readers)
    efo = max(0, readers - shared_max)
    m = None if m is None else m * hop.copies
    if opt.variant == "on-demand":
        b.add(opt.id, "kinesis.on-demand.stream_hours", hours, note="one stream")
        data_in = None if m is None else b.billed_gb(m, "kinesis.on-demand.data_in")
        b.add(opt.id, "kinesis.on-demand.data_in", data_in)
        b.add(opt.id, "kinesis.on-demand.data_out", None if data_in is None else data_in * (readers - efo),
              note=f"{readers - efo} shared reader(s)")
        if efo:
            b.add(opt.id, "kinesis.on-demand.efo_data_out", None if data_in is None else data_in * efo,
                  note=f"{efo} reader(s) beyond {shared_max} use enhanced fan-out")
        _retention_lines(b, opt, data_in, "kinesis.on-demand.extended_retention")
        return
    shards = kinesis_shards(b, opt)
    b.add(opt.id, "kinesis.provisioned.shard_hours", None if shards is None else shards * hours,
          note=None if shards is None else f"{shards} shard(s) all month")
    b.add(opt.id, "kinesis.provisioned.put_units",
          None if m is None else m * b.chunks("kinesis.provisioned.put_units"))
    if _stream_days(b) > 1:
        b.add(opt.id, "kinesis.provisioned.extended_retention", None if shards is None else shards * hours)
    if _stream_days(b) > 7:
        _retention_lines(b, opt, None if m is None else m * b.vol.kib / KIB_PER_GB, None)
    if efo:
        b.add(opt.id, "kinesis.provisioned.efo_consumer_shard_hours",
              None if shards is None else efo * shards * hours, note=f"{efo} enhanced fan-out consumer(s)")
        b.add(opt.id, "kinesis.provisioned.efo_data_out", None if m is None else efo * m * b.vol.kib / KIB_PER_GB)


def kinesis_shards(b: Bill, opt: Any) -> int | None:
    per_shard, fact_id = b.fact_number(opt, "throughput.per_shard")
    if b.vol.peak is None or per_shard is None:
        return None
    mib = b.figure("kinesis.shard.write_bytes")
    per_kib = None if mib is None else mib * V.SIZE_UNITS[b.pricing.figure("kinesis.shard.write_bytes").unit]
    shards = C.shards_needed(b.vol.peak, per_shard, record_kib=b.vol.kib, per_shard_kib=per_kib)
    return b.need(opt.id, "shards", shards, f"peak {b.vol.peak:g}/s of {b.vol.kib:g} KiB over {per_shard:g} "
                  f"records/s and {mib:g} MiB/s per shard", fact_id, "kinesis.shard.write_bytes")


def _firehose(b: Bill, opt: Any, m: float | None, hop: Hop) -> None:
    b.add(opt.id, "firehose.ingestion", None if m is None else b.billed_gb(m * hop.copies, "firehose.ingestion"),
          note=f"records rounded up to {b.chunks('firehose.ingestion')} billing step(s) of 5 KB")


def _msk(b: Bill, opt: Any, m: float | None, hop: Hop) -> None:
    hours = b.vol.month_hours
    gb = None if m is None else m * hop.copies * b.vol.kib / KIB_PER_GB
    readers = _readers(b, hop)
    days = _stream_days(b)
    stored = None if gb is None else gb / b.vol.days * days
    mb_per_s = None if b.vol.peak is None else b.vol.peak * b.vol.kib * V.SIZE_UNITS["KiB"] / V.SIZE_UNITS["MB"]
    if opt.variant == "serverless":
        b.add(opt.id, "msk.serverless.cluster_hours", hours)
        per = b.figure("msk.serverless.partition.write_bytes")
        parts = None
        if mb_per_s is not None and per:
            parts = b.need(opt.id, "partitions", C.units_needed(mb_per_s, per),
                           f"peak {mb_per_s:.2f} MB/s over {per:g} MB/s per partition",
                           "msk.serverless.partition.write_bytes")
        b.add(opt.id, "msk.serverless.partition_hours", None if parts is None else parts * hours)
        b.add(opt.id, "msk.serverless.data_in", gb)
        b.add(opt.id, "msk.serverless.data_out", None if gb is None else gb * readers,
              note=f"{readers} consumer group(s)")
        b.add(opt.id, "msk.serverless.storage", stored, note=f"{days:g} day(s) of data kept")
        return
    brokers = msk_brokers(b, opt, mb_per_s)
    b.add(opt.id, "msk.provisioned.broker_hours", None if brokers is None else brokers * hours,
          note=None if brokers is None else f"{brokers} broker(s) all month")
    rf = ASSUMED["msk_replication_factor"]
    b.add(opt.id, "msk.provisioned.storage", None if stored is None else stored * rf,
          note=f"{days:g} day(s) of data, replication factor {rf}")


def msk_brokers(b: Bill, opt: Any, mb_per_s: float | None) -> int | None:
    minimum = int(b.figure("msk.provisioned.brokers.min") or 1)
    per = b.figure("msk.provisioned.broker.write_bytes")
    if mb_per_s is None or not per:
        return b.need(opt.id, "brokers", minimum, "the minimum cluster (no peak rate given)",
                      "msk.provisioned.brokers.min")
    count = C.in_multiples(C.units_needed(mb_per_s, per, minimum), minimum)
    return b.need(opt.id, "brokers", count, f"peak {mb_per_s:.2f} MB/s over {per:g} MB/s per broker, "
                  f"in multiples of {minimum}", "msk.provisioned.broker.write_bytes", "msk.provisioned.brokers.min")


def _mq(b: Bill, opt: Any, m: float | None, hop: Hop) -> None:
    brokers = ASSUMED["mq_brokers"][opt.variant]
    b.need(opt.id, "brokers", brokers, "active/standby pair" if opt.variant == "activemq" else "three-node cluster")
    b.add(opt.id, f"mq.{opt.variant}.broker_hours", brokers * b.vol.month_hours,
          note=f"{brokers} mq.m5.large broker(s) all month")
    if b.vol.retention_days:
        gb = None if m is None else m * hop.copies * b.vol.kib / KIB_PER_GB / b.vol.days * b.vol.retention_days
        b.add(opt.id, f"mq.{opt.variant}.storage", gb, note=f"a backlog of {b.vol.retention_days:g} day(s)")
    else:
        b.notes.append(f"{opt.id}: storage not estimated (consumed messages leave the broker; "
                       "set constraints.retention_days for a backlog)")


def _iot(b: Bill, opt: Any, m: float | None, hop: Hop) -> None:
    b.gap(opt.id, "connection minutes", "depends on how many devices stay connected, which the requirements do "
          "not say", price_id="iot.connectivity")
    m = None if m is None else m * hop.copies
    b.add(opt.id, "iot.messaging", None if m is None else m * b.chunks("iot.messaging"))
    b.add(opt.id, "iot.rules_triggered", None if m is None else m * b.chunks("iot.rules_triggered"),
          note="one rule per message")
    b.add(opt.id, "iot.actions", None if m is None else m * b.chunks("iot.actions"), note="one action per message")
    if hop.last and "s3" in b.vol.consumers:
        b.add("s3", "s3.put", m, note="the S3 rule action writes one object per message")


def _step_functions(b: Bill, opt: Any, m: float | None, hop: Hop) -> None:
    m = None if m is None else m * hop.copies
    if opt.variant == "standard":
        per = ASSUMED["sfn_transitions_per_execution"]
        b.add(opt.id, "sfn.standard.transitions", None if m is None else m * per,
              note=f"one execution per message, {per} state transitions each")
        return
    b.add(opt.id, "sfn.express.requests", m, note="one execution per message")
    minutes = b.req.constraints.workflow_minutes
    seconds = minutes * 60 if minutes else ASSUMED["sfn_express_seconds"]
    gb = b.step_gb("sfn.express.duration")
    b.add(opt.id, "sfn.express.duration", None if m is None else m * seconds * gb,
          note=f"{seconds:g} s per execution at the smallest memory step")


def _appflow(b: Bill, opt: Any, m: float | None, hop: Hop) -> None:
    runs = b.vol.schedule_runs
    if runs is None:
        runs = ASSUMED["appflow_runs_per_day"] * b.vol.days
        note = f"{ASSUMED['appflow_runs_per_day']} runs a day (no schedule given)"
    else:
        note = "runs of constraints.schedule"
    b.add(opt.id, "appflow.flow_runs", runs, note=note)
    b.add(opt.id, "appflow.data_processing", None if m is None else m * hop.copies * b.vol.kib / KIB_PER_GB)


def _storage_gateway(b: Bill, opt: Any, m: float | None, hop: Hop) -> None:
    gib = b.vol.storage_gib
    price = {"s3-file": "storage-gateway.s3-file.storage", "volume-cached": "storage-gateway.volume.storage",
             "volume-stored": "storage-gateway.volume.storage", "tape": "storage-gateway.tape.storage"}.get(opt.variant)
    if price is None:
        b.gap(opt.id, "storage", f"{opt.id} stores data in Amazon FSx, whose price is not in the knowledge")
    elif gib is None:
        b.gap(opt.id, "storage", "needs storage.data_gib", price_id=price)
    else:
        b.add(opt.id, price, gib)
    b.gap(opt.id, "data written to AWS", "depends on how much data changes a month, which the requirements do "
          "not say", price_id="storage-gateway.data_written")


def _backup(b: Bill, opt: Any, m: float | None, hop: Hop) -> None:
    req = b.req
    resources = list(req.backup.resources or []) if req.backup else []
    gib = b.vol.backup_gib
    if not resources:
        b.gap(opt.id, "backup storage", "needs backup.resources")
        return
    copies = 2 if req.backup and req.backup.cross_region else 1
    for res in resources:
        price = f"backup.storage.{res}"
        share = None if gib is None else gib / len(resources) * copies
        if gib is None and b.pricing.price(price) is not None:
            b.gap(opt.id, f"backup storage ({res})", "needs backup.data_gib", price_id=price)
            continue
        b.add(opt.id, price, share, dimension=f"backup storage ({res})",
              note=(f"{gib / len(resources):g} GiB" if gib is not None else "")
              + (", copied to a second Region" if copies == 2 else ""))


MODELS: dict[str, Callable[[Bill, Any, float | None, Hop], None]] = {
    "sqs": _sqs, "sns": _sns, "eventbridge": _eventbridge, "kinesis-data-streams": _kinesis,
    "data-firehose": _firehose, "msk": _msk, "mq": _mq, "iot-core": _iot, "step-functions": _step_functions,
    "appflow": _appflow, "storage-gateway": _storage_gateway, "backup": _backup,
}
FANS_OUT = {("sns", "standard"), ("sns", "fifo"), ("eventbridge", "bus")}


def _lambda_consumer(b: Bill, m: float | None) -> None:
    mem = ASSUMED["lambda_memory_mb"]
    seconds = ASSUMED["lambda_seconds"]
    b.add("lambda", "lambda.requests", m, note="the Lambda consumer: one invocation per message (no batching)")
    b.add("lambda", "lambda.duration", None if m is None else m * seconds * mem / 1024,
          note=f"{mem} MB for {seconds:g} s each")
    if b.vol.peak is not None:
        need = C.concurrency_needed(b.vol.peak, seconds)
        limit = b.figure("lambda.concurrency.default")
        b.need("lambda", "concurrent executions", need, f"peak {b.vol.peak:g}/s for {seconds:g} s each"
               + (f"; the default quota is {limit:,.0f}" if limit else ""), "lambda.concurrency.default")


def estimate(evaluation: Any, req: Any, kb: Any, *, region: str | None = None) -> Estimate:
    """Price one candidate design (an engine Evaluation) for these requirements."""
    nodes: Sequence[Any] = evaluation.design.nodes
    region = region or req.constraints.region or "us-east-1"
    month = kb.pricing.figure("month.hours")
    vol = volume_of(req, month.numeric() if month else 730.0)
    b = Bill(kb, region, vol, req)
    m = vol.messages
    copies = 1
    for i, opt in enumerate(nodes):
        last = i == len(nodes) - 1
        nxt = nodes[i + 1].service if not last else None
        model = MODELS.get(opt.service)
        edition = _unpriced_edition(kb, req, opt)
        if edition is not None:
            # the answers need a product whose prices the knowledge does not hold (the Custom Event Bus): the
            # option's prices are another product's figures
            b.gap(opt.id, "usage", f"the {edition.name} (which these answers need) has no price in the knowledge; "
                  f"the prices of {kb.display_name(opt)} do not apply to it")
        elif model is None:
            b.gap(opt.id, "usage", f"no cost model for {opt.service}")
        else:
            model(b, opt, m, Hop(copies, last, nxt))
        if (opt.service, opt.variant) in FANS_OUT and not last:
            copies *= vol.fan_out
    for opt in getattr(evaluation, "added", []):
        # a queue a pattern adds (a subscription's dead-letter queue) carries only what could not be delivered:
        # its volume is not in the requirements, so it is a visible gap, not a zero
        b.gap(opt.id, "requests", "carries only the messages that could not be delivered, which the requirements "
              "do not say how many")
    concern = getattr(evaluation.design, "concern", "messaging")
    if concern == "messaging" and "lambda" in vol.consumers:
        _lambda_consumer(b, m)
    b.apply_free_tiers()
    assumptions = vol.assumptions + b.notes
    return Estimate(evaluation.design.key, evaluation.pattern_id, [o.id for o in nodes], region,
                    kb.pricing.currency, b.items, b.needs, assumptions, vol.warnings + b.price_notes())


def _unpriced_edition(kb: Any, req: Any, opt: Any) -> Any:
    """The edition the engine builds this option as, when the knowledge has no prices for it (else None)."""
    if not kb.editions(opt):
        return None
    from advisor.engine.checks import Context

    edition = Context(kb, req).edition(opt)
    ed = kb.editions(opt)[edition] if edition else None
    return ed if ed is not None and not ed.priced else None


def estimates(result: Any, kb: Any, *, region: str | None = None) -> list[Estimate]:
    """Estimates of every candidate and supplement of an engine Result, in the engine's order."""
    out = []
    seen: set[int] = set()
    for ev in list(result.candidates) + list(getattr(result, "supplements", [])):
        if id(ev) in seen:
            continue
        seen.add(id(ev))
        out.append(estimate(ev, result.requirements, kb, region=region))
    return out
