from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule

RANK = {"none": 0, "per-key": 1, "global": 2}


class OrderingUnsupported(LintRule):
    """An ordering expectation that a channel on the path cannot keep.

    What it checks:
        `expectations.ordering` (per-key or global), or a channel's own `ordering` expectation, against each
        channel's `ordering` fact in the knowledge graph. Dead-letter queues are skipped. A per-key channel
        that can order globally with a single group (`global_ordering_single_group`) satisfies global order.
        A gateway that forwards messages as they arrive (`forwards_in_arrival_order`, IoT Core rules) into
        channels that all keep the order is not flagged: those channels record the order consumers read.

    Why:
        One unordered hop anywhere on the path (a standard queue or topic, Firehose, IoT Core) reorders
        messages; consumers that assume order then apply updates out of sequence (a cancel before the create).

    Example:
        ```yaml
        expectations: {ordering: per-key}
        channels:
          orders-queue: {service: sqs, variant: standard}
        ```

    Fix:
        Use ordered variants end to end (SNS FIFO and SQS FIFO with a message group id, Kinesis with a
        partition key), or make consumers tolerate reordering (version numbers) and lower the expectation.

    References:
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html
        https://docs.aws.amazon.com/sns/latest/dg/fifo-message-delivery.html
    """

    @staticmethod
    def _ordered_store_after(ctx: Context, g, ch, wanted: str) -> bool:
        """Every channel this one feeds keeps the wanted order (a device gateway's rule into a keyed stream)."""
        after = [nxt for _flow, nxt in g.consumers(ch.id) if nxt.id in g.channels]
        return bool(after) and all(
            RANK.get((ctx.fact(nxt, "ordering").fact.value if ctx.fact(nxt, "ordering") else "none"), 0)
            >= RANK[wanted] for nxt in after)

    code = "MQA402"
    name = "channel.ordering-unsupported"
    default_severity = "error"

    def check(self, ctx: Context):
        g = ctx.graph
        wanted_all = g.expectations.get("ordering")
        for ch in g.channels.values():
            if g.is_dead_letter(ch.id) or ch.service in ("step-functions",):
                continue
            wanted = ch.get("ordering") or wanted_all
            if wanted not in RANK or RANK[wanted] == 0:
                continue
            ref = ctx.fact(ch, "ordering")
            if ref is None or ref.fact.value not in RANK:
                continue
            have = ref.fact.value
            if RANK[have] >= RANK[wanted]:
                continue
            if wanted == "global" and have == "per-key" and ctx.value(ch, "global_ordering_single_group") is True:
                continue
            if ctx.value(ch, "forwards_in_arrival_order") is True and self._ordered_store_after(ctx, g, ch, wanted):
                continue  # a gateway in front of an ordered store: the store records the order (as the advisor)
            key = "ordering" if ch.get("ordering") else "variant"
            keeps = "does not keep order" if have == "none" else f"keeps only {have} order"
            yield Hit(ch, f"{wanted} ordering is expected but {ch.id} ({ch.service}"
                          f"{':' + ch.variant if ch.variant else ''}) {keeps}", key, facts=[ref])
