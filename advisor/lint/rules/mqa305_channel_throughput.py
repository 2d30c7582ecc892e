from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, fmt

# channels with their own, more specific throughput rule
SPECIFIC = {("sqs", "fifo"), ("kinesis-data-streams", "provisioned"), ("eventbridge", "bus")}


class ChannelThroughputQuota(LintRule):
    """Peak load above a channel's throughput quota in the Region (SNS, Firehose, on-demand Kinesis, ...).

    What it checks:
        `expectations.peak_per_second` against `throughput.max` of every other channel, read for
        `expectations.region` from per-Region tables in the knowledge graph (the largest Region when none is
        given). SQS FIFO, provisioned Kinesis and EventBridge buses have their own rules.

    Why:
        Publish and put APIs are throttled above their quotas; most quotas are lower outside the largest
        Regions, so the same design behaves differently when deployed in another Region.

    Example:
        ```yaml
        expectations: {peak_per_second: 50000, region: eu-west-1}
        channels:
          alerts: {service: sns, variant: standard}
        ```

    Fix:
        Request a quota increase where it is adjustable, shard the load over several channels, or pick a
        service built for the rate.

    References:
        https://docs.aws.amazon.com/general/latest/gr/sns.html
        https://docs.aws.amazon.com/firehose/latest/dev/limits.html
    """

    code = "MQA305"
    name = "channel.throughput-quota"
    default_severity = "error"

    def check(self, ctx: Context):
        peak = ctx.graph.expectations.get("peak_per_second")
        if peak is None:
            return
        for ch in ctx.graph.channels.values():
            if (ch.service, ch.variant) in SPECIFIC:
                continue
            if ctx.value(ch, "producers") == ["schedule"]:
                continue  # a scheduler's invocations follow its schedules, not the message peak
            ref = ctx.fact(ch, "throughput.max")
            limit = ctx.number(ref)
            if limit is None or float(peak) <= limit:
                continue
            yield Hit(ch, f"peak of {fmt(float(peak))}/second exceeds {ch.id}'s quota of {ctx.figure(ref)}",
                      facts=[ref])
