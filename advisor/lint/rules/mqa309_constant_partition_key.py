from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class ConstantPartitionKey(LintRule):
    """Records written to a Kinesis stream with a constant partition key.

    What it checks:
        Flows into a Kinesis data stream whose partition key is a fixed string rather than taken from the
        record (an EventBridge Pipes target `PartitionKey` without a `$.` path, an IoT rule Kinesis action
        `PartitionKey` without a `${...}` substitution), one-shard streams included: adding shards later would
        not help.

    Why:
        The partition key picks the shard. With one key every record lands on one shard: the stream's
        throughput is that of a single shard however many there are, on-demand scaling cannot spread the
        load, and that shard throttles (a hot shard).

    Example:
        ```yaml
        TargetParameters:
          KinesisStreamParameters: {PartitionKey: "1"}
        ```

    Fix:
        Take the key from the record (`$.detail.orderId`, `${topic(3)}`); records that must stay in order
        share a key, the rest spread.

    References:
        https://docs.aws.amazon.com/streams/latest/dev/key-concepts.html
        https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_PipeTargetKinesisStreamParameters.html
    """

    code = "MQA309"
    name = "kinesis.constant-partition-key"
    default_severity = "warning"

    def check(self, ctx: Context):
        for flow in ctx.graph.flows:
            if flow.get("partition_key_constant") is not True:
                continue
            stream = ctx.graph.channels.get(flow.target)
            if stream is None or stream.service != "kinesis-data-streams":
                continue
            yield Hit(flow, f"every record from {flow.source} to {stream.id} has the partition key "
                            f"{flow.get('partition_key')!r}: one shard takes them all, however many the stream "
                            "has", "partition_key",
                      hint="take the partition key from the record (a $. path or ${...} substitution)")
