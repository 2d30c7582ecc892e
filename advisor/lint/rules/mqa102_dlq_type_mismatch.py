from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of


class DeadLetterTypeMismatch(LintRule):
    """A dead-letter queue of the wrong type: FIFO source with a standard DLQ, or the other way round.

    What it checks:
        The channel named by an SQS queue's `dead_letter` is an SQS queue of the same variant (FIFO for a FIFO
        queue, standard for a standard queue).

    Why:
        AWS requires the dead-letter queue of a FIFO queue to be a FIFO queue, and of a standard queue to be a
        standard queue; the redrive policy is rejected otherwise, so the stack fails to deploy or the design
        cannot be built as drawn.

    Example:
        ```yaml
        orders.fifo: {service: sqs, variant: fifo, dead_letter: orders-dlq}
        orders-dlq: {service: sqs, variant: standard}
        ```

    Fix:
        Make the dead-letter queue the same type as its source (`variant: fifo` for a FIFO queue).

    References:
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
    """

    code = "MQA102"
    name = "sqs.dead-letter-type-mismatch"
    default_severity = "error"
    equivalents = {"cfn-lint": "E3502"}

    def check(self, ctx: Context):
        for ch in channels_of(ctx, "sqs"):
            dlq = ctx.graph.channels.get(str(ch.get("dead_letter")))
            if dlq is None:
                continue
            if dlq.service != "sqs":
                yield Hit(ch, f"{ctx.key(ch, 'dead_letter')} {dlq.id} is {dlq.service}, not an SQS queue", "dead_letter")
            elif dlq.variant != ch.variant:
                yield Hit(ch, f"{ch.variant} queue {ch.id} has {dlq.variant} dead-letter queue {dlq.id}; "
                              "both must be the same type", "dead_letter",
                          hint=f"make {dlq.id} a {ch.variant} queue")
