from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class NonIdempotentConsumer(LintRule):
    """A consumer that must not see duplicates, reading a channel that delivers at least once.

    What it checks:
        A component with `idempotent: false` that receives from a channel whose `semantics` fact in the
        knowledge graph is at-least-once.

    Why:
        At-least-once channels (SQS standard, SNS standard, EventBridge, Kinesis, Express workflows, ...)
        deliver some messages twice, for example after a visibility timeout or a retry. A consumer that charges
        a card or sends an email per message then does it twice. The talk behind this tool insists: at-least-once
        needs idempotent consumers.

    Example:
        ```yaml
        billing-fn: {type: lambda, idempotent: false}
        flows:
          - {from: billing-queue, to: billing-fn}   # billing-queue is a standard queue
        ```

    Fix:
        Make the consumer idempotent (an idempotency key in DynamoDB, Powertools idempotency, conditional
        writes) and set `idempotent: true`, or use exactly-once channels end to end (FIFO with deduplication).

    References:
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/standard-queues-at-least-once-delivery.html
        https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html
    """

    code = "MQA403"
    name = "consumer.not-idempotent"
    default_severity = "error"

    def check(self, ctx: Context):
        g = ctx.graph
        for comp in g.components.values():
            if comp.get("idempotent") is not False:
                continue
            for flow in g.incoming.get(comp.id, []):
                ch = g.channels.get(flow.source)
                if ch is None:
                    continue
                ref = ctx.fact(ch, "semantics")
                if ref is not None and ref.fact.value == "at-least-once":
                    yield Hit(comp, f"{comp.id} is not idempotent but {ch.id} delivers at least once; duplicates "
                                    "will be processed twice", "idempotent", facts=[ref], discriminator=ch.id)
