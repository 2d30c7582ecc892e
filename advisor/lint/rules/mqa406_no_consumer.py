from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class ChannelWithoutConsumer(LintRule):
    """A channel nobody reads.

    What it checks:
        Every channel of an architecture file has at least one outgoing flow, unless it is a dead-letter queue
        or says `external_consumers: true`. Templates are not checked.

    Why:
        Messages pile up until retention deletes them: silent data loss, and for SNS and EventBridge the events
        are simply dropped. Usually the consumer was forgotten in the design.

    Example:
        ```yaml
        flows:
          - {from: checkout-api, to: orders-queue}   # and nothing reads orders-queue
        ```

    Fix:
        Add the consuming flow, mark the channel `external_consumers: true`, or remove it.

    References:
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
    """

    code = "MQA406"
    name = "channel.no-consumer"
    default_severity = "warning"
    inputs = ("architecture",)

    def check(self, ctx: Context):
        g = ctx.graph
        for ch in g.channels.values():
            if g.outgoing.get(ch.id) or g.is_dead_letter(ch.id) or ch.get("external_consumers"):
                continue
            yield Hit(ch, f"nothing reads from {ch.id}")
