from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of

# setting -> (seconds per unit of the setting, fact of the lower bound, fact of the upper bound)
SETTINGS = {
    "retention_days": (86400.0, "retention.min", "retention.max"),
    "visibility_timeout_seconds": (1.0, None, "visibility_timeout.max"),
    "delay_seconds": (1.0, None, "delay.max"),
    "receive_message_wait_time_seconds": (1.0, None, "long_polling.max_wait"),
}


class SqsSettingOutOfRange(LintRule):
    """An SQS setting outside the range SQS accepts.

    What it checks:
        `retention_days`, `visibility_timeout_seconds`, `delay_seconds`, `receive_message_wait_time_seconds` and
        `max_message_kib` of SQS queues lie within the minimum and maximum the knowledge graph records for SQS
        (retention.min/max, visibility_timeout.max, delay.max, long_polling.max_wait, message_size.max).

    Why:
        SQS rejects such a queue attribute: the deployment fails, or a local simulator accepts what AWS will not
        (moto, for example, does not enforce every limit), so the problem shows up only in production.

    Example:
        ```yaml
        audit-queue: {service: sqs, variant: standard, retention_days: 30}
        ```

    Fix:
        Stay within the quota, or use a service built for the need (Kinesis Data Streams or an EventBridge
        archive for long retention, Step Functions for long delays).

    References:
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
    """

    code = "MQA106"
    name = "sqs.setting-out-of-range"
    default_severity = "error"

    def check(self, ctx: Context):
        for ch in channels_of(ctx, "sqs"):
            for key, (scale, low_name, high_name) in SETTINGS.items():
                value = ch.get(key)
                if value is None:
                    continue
                seconds = float(value) * scale
                low = ctx.fact(ch, low_name) if low_name else None
                high = ctx.fact(ch, high_name) if high_name else None
                low_s, high_s = ctx.seconds(low), ctx.seconds(high)
                if high_s is not None and seconds > high_s:
                    yield Hit(ch, f"{ctx.setting(ch, key, float(value))} is above the SQS maximum of {ctx.figure(high)}",
                              key, facts=[high])
                elif low_s is not None and seconds < low_s:
                    yield Hit(ch, f"{ctx.setting(ch, key, float(value))} is below the SQS minimum of {ctx.figure(low)}",
                              key, facts=[low])
            size = ch.get("max_message_kib")
            ref = ctx.fact(ch, "message_size.max")
            limit = ctx.kib(ref)
            if size is not None and limit is not None and float(size) > limit:
                yield Hit(ch, f"{ctx.setting(ch, 'max_message_kib', float(size))} is above the SQS maximum of {ctx.figure(ref)}",
                          "max_message_kib", facts=[ref])
