from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of, fmt


class FifoThroughput(LintRule):
    """Peak load above what an SQS FIFO queue carries, with or without high-throughput mode.

    What it checks:
        `expectations.peak_per_second` against the FIFO queue's `throughput.default` (without
        `high_throughput: true`) or its per-Region `throughput.max` (with it), both from the knowledge graph.
        The Region is `expectations.region` (or `--region`); without one, the largest Region's figure is used.

    Why:
        Above the quota SQS throttles SendMessage: producers see errors and retry, latency climbs and, without
        careful retry handling, messages are lost. The figures assume batches of ten.

    Example:
        ```yaml
        expectations: {peak_per_second: 20000, region: eu-west-2}
        channels:
          orders.fifo: {service: sqs, variant: fifo}
        ```

    Fix:
        Turn on high-throughput mode (`high_throughput: true`: DeduplicationScope messageGroup and
        FifoThroughputLimit perMessageGroupId) and spread the load across many message group ids; batch sends;
        or use a standard queue where order per key is not needed.

    References:
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/high-throughput-fifo.html
    """

    code = "MQA302"
    name = "sqs.fifo-throughput"
    default_severity = "error"

    def check(self, ctx: Context):
        peak = ctx.graph.expectations.get("peak_per_second")
        if peak is None:
            return
        for ch in channels_of(ctx, "sqs", "fifo"):
            high = bool(ch.get("high_throughput"))
            ref = ctx.fact(ch, "throughput.max" if high else "throughput.default")
            limit = ctx.number(ref)
            if limit is None or float(peak) <= limit:
                continue
            mode = "with" if high else "without"
            hint = None if high else ctx.pick(
                "set high_throughput: true and use many message group ids",
                "set FifoThroughputLimit: perMessageGroupId and DeduplicationScope: messageGroup, and use many "
                "message group ids")
            yield Hit(ch, f"peak of {fmt(float(peak))} messages/second exceeds FIFO queue {ch.id}'s "
                          f"{ctx.figure(ref)} {mode} high-throughput mode", "high_throughput",
                      facts=[ref], hint=hint)
