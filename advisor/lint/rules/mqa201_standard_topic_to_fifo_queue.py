from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class StandardTopicToFifoQueue(LintRule):
    """A standard SNS topic subscribed by a FIFO SQS queue.

    What it checks:
        For every flow from an SNS topic to an SQS queue, the knowledge graph has a subscription relation for
        that pair of variants. Standard topics deliver to standard queues only.

    Why:
        SNS refuses to subscribe a FIFO queue to a standard topic. Even if it could, a standard topic neither
        orders nor deduplicates, so the FIFO queue would promise an order that never existed.

    Example:
        ```yaml
        orders-topic: {service: sns, variant: standard}
        orders.fifo: {service: sqs, variant: fifo}
        flows:
          - {from: orders-topic, to: orders.fifo}
        ```

    Fix:
        Make the topic FIFO (ordered fan-out), or make the queue standard and the consumer idempotent.

    References:
        https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html
        https://docs.aws.amazon.com/sns/latest/dg/sns-fifo-topics.html
    """

    code = "MQA201"
    name = "sns.standard-topic-to-fifo-queue"
    default_severity = "error"

    def check(self, ctx: Context):
        g = ctx.graph
        for flow in g.flows:
            src, dst = g.channels.get(flow.source), g.channels.get(flow.target)
            if src is None or dst is None or (src.service, dst.service) != ("sns", "sqs"):
                continue
            if src.variant != "standard" or dst.variant != "fifo":
                continue
            if any(rel.type == "subscription" and ctx.kb.relation_applies(rel, src.option, dst.option)
                   for rel in ctx.kb.relations):
                continue
            yield Hit(flow, f"standard topic {src.id} cannot deliver to FIFO queue {dst.id}", "to",
                      hint="use a FIFO topic, or a standard queue with an idempotent consumer")
