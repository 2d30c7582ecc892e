from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class FifoTopicNonSqsSubscriber(LintRule):
    """A FIFO SNS topic with a subscriber that is not an SQS queue.

    What it checks:
        Every flow out of an SNS FIFO topic goes to a channel whose service is among the topic's
        `subscription_protocols` in the knowledge graph (SQS).

    Why:
        FIFO topics deliver only to SQS queues. Lambda, HTTP(S), email and SMS subscriptions are refused by
        AWS, while moto accepts them, so the design works locally and fails on deployment.

    Example:
        ```yaml
        orders-topic.fifo: {service: sns, variant: fifo}
        flows:
          - {from: orders-topic.fifo, to: billing-fn}    # billing-fn: {type: lambda}
        ```

    Fix:
        Subscribe an SQS FIFO queue and let the function consume the queue, or use a standard topic if order
        does not matter.

    References:
        https://docs.aws.amazon.com/sns/latest/dg/fifo-message-delivery.html
    """

    code = "MQA202"
    name = "sns.fifo-topic-non-sqs-subscriber"
    default_severity = "error"

    def check(self, ctx: Context):
        g = ctx.graph
        for ch in g.channels.values():
            if ch.service != "sns":
                continue
            ref = ctx.fact(ch, "subscription_protocols")
            if ref is None:
                continue
            allowed = set(ref.fact.value or [])
            for flow in g.outgoing.get(ch.id, []):
                target = g.element(flow.target)
                if target is None:
                    continue
                kind = getattr(target, "service", None) or getattr(target, "type", "")
                proto = flow.get("subscription_protocol")
                if (kind in allowed and proto in (None, *allowed)) or proto in allowed:
                    continue
                yield Hit(flow, f"FIFO topic {ch.id} can deliver only to {', '.join(sorted(allowed))}; "
                                f"{flow.target} is {proto or kind}", "to", facts=[ref], discriminator=flow.target)
