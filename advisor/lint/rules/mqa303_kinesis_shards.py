from __future__ import annotations

from advisor.cost.capacity import shards_needed
from advisor.lint.rules.base import Context, Hit, LintRule, channels_of, fmt


class KinesisShardCapacity(LintRule):
    """A provisioned Kinesis stream with too few shards for the peak load.

    What it checks:
        For a provisioned Kinesis Data Streams channel with `shards`, `shards` times the per-shard write
        throughput (`throughput.per_shard` in the knowledge graph) is at least `expectations.peak_per_second`.

    Why:
        Each shard accepts a fixed number of records per second. Above it, PutRecords returns
        ProvisionedThroughputExceeded for part of the batch; producers that do not retry failed records lose
        them.

    Example:
        ```yaml
        expectations: {peak_per_second: 5000}
        channels:
          clicks: {service: kinesis-data-streams, variant: provisioned, shards: 2}
        ```

    Fix:
        Raise `shards` to at least peak / per-shard throughput (with headroom and evenly spread partition
        keys), or switch to on-demand capacity mode.

    References:
        https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html
    """

    code = "MQA303"
    name = "kinesis.shard-capacity"
    default_severity = "error"

    def check(self, ctx: Context):
        peak = ctx.graph.expectations.get("peak_per_second")
        if peak is None:
            return
        for ch in channels_of(ctx, "kinesis-data-streams", "provisioned"):
            shards = ch.get("shards")
            ref = ctx.fact(ch, "throughput.per_shard")
            per = ctx.number(ref)
            if shards is None or per is None:
                continue
            capacity = float(shards) * per
            if float(peak) > capacity:
                need = shards_needed(float(peak), per)
                yield Hit(ch, f"{fmt(float(shards))} shard(s) of {ch.id} take {fmt(capacity)} records/second; the "
                              f"peak is {fmt(float(peak))}", "shards", facts=[ref],
                          hint=f"use at least {need} shards, or on-demand mode")
