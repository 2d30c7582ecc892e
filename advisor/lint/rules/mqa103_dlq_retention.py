from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of, fmt


class DeadLetterRetention(LintRule):
    """A standard queue's dead-letter queue keeps messages no longer than the source queue.

    What it checks:
        For a standard SQS queue with a dead-letter queue, the DLQ's `retention_days` (or the SQS default
        retention from the knowledge graph when not set) is longer than the source queue's.

    Why:
        For standard queues a message keeps its original enqueue timestamp when it moves to the DLQ. With equal
        or shorter retention, a message that failed late in its life expires in the DLQ almost at once, before
        anyone can inspect or redrive it.

    Example:
        ```yaml
        billing-queue: {service: sqs, variant: standard, retention_days: 14, dead_letter: billing-dlq}
        billing-dlq: {service: sqs, variant: standard, retention_days: 4}
        ```

    Fix:
        Give the DLQ a longer retention than its source (for example the maximum, 14 days), or shorten the
        source's.

    References:
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html
    """

    code = "MQA103"
    name = "sqs.dead-letter-retention"
    default_severity = "warning"

    def check(self, ctx: Context):
        for ch in channels_of(ctx, "sqs", "standard"):
            dlq = ctx.graph.channels.get(str(ch.get("dead_letter")))
            if dlq is None or dlq.service != "sqs":
                continue
            default = ctx.fact(ch, "retention.default")
            day = 86400.0
            src = ch.get("retention_days")
            dst = dlq.get("retention_days")
            src_s = float(src) * day if src is not None else ctx.seconds(default)
            dst_s = float(dst) * day if dst is not None else ctx.seconds(default)
            if src_s is None or dst_s is None or dst_s > src_s:
                continue
            target = dlq if dst is not None else ch
            yield Hit(target, f"dead-letter queue {dlq.id} keeps messages {fmt(dst_s / day)} days, not longer than "
                              f"its source {ch.id} ({fmt(src_s / day)} days); redriven messages keep their "
                              "original enqueue time and can expire at once",
                      "retention_days" if target is dlq else "dead_letter", facts=[default] if default else [],
                      discriminator=ch.id)
