from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of, fmt


class KinesisRetentionShort(LintRule):
    """A Kinesis stream keeps records for less time than consumers need to replay.

    What it checks:
        A stream's `retention_hours` (the Kinesis default from the knowledge graph when not set) is at least
        `expectations.replay_hours` (how far back consumers must be able to re-read) and within the service's
        retention.min/retention.max.

    Why:
        Records older than the retention period are gone: a consumer that was down for a weekend, or a bug fix
        that needs yesterday's data reprocessed, finds nothing to replay.

    Example:
        ```yaml
        expectations: {replay_hours: 72}
        channels:
          clicks: {service: kinesis-data-streams, variant: on-demand}   # default retention
        ```

    Fix:
        Raise `retention_hours` (RetentionPeriodHours; extended retention costs extra), or archive to S3 with
        Firehose and replay from there.

    References:
        https://docs.aws.amazon.com/streams/latest/dev/kinesis-extended-retention.html
    """

    code = "MQA306"
    name = "kinesis.retention-shorter-than-replay"
    default_severity = "warning"

    def check(self, ctx: Context):
        need = ctx.graph.expectations.get("replay_hours")
        for ch in channels_of(ctx, "kinesis-data-streams"):
            value = ch.get("retention_hours")
            default = ctx.fact(ch, "retention.default")
            low, high = ctx.fact(ch, "retention.min"), ctx.fact(ch, "retention.max")
            hours = float(value) if value is not None else (ctx.seconds(default) or 0) / 3600
            if value is not None:
                if high is not None and hours * 3600 > ctx.seconds(high):
                    yield Hit(ch, f"{ctx.setting(ch, 'retention_hours', hours)} is above the maximum of {ctx.figure(high)}",
                              "retention_hours", facts=[high])
                    continue
                if low is not None and hours * 3600 < ctx.seconds(low):
                    yield Hit(ch, f"{ctx.setting(ch, 'retention_hours', hours)} is below the minimum of {ctx.figure(low)}",
                              "retention_hours", facts=[low])
                    continue
            if need is not None and hours < float(need):
                where = "" if value is not None else " (the default)"
                yield Hit(ch, f"{ch.id} keeps records {fmt(hours)} hours{where}; consumers must replay "
                              f"{fmt(float(need))} hours", "retention_hours",
                          facts=[default] if value is None and default else [],
                          hint=ctx.assign(ch, "retention_hours", float(need)))
