from __future__ import annotations

import re

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of


class QueueWithoutDeadLetter(LintRule):
    """An SQS queue with no dead-letter queue.

    What it checks:
        Every SQS queue that is not itself a dead-letter queue has `dead_letter` (a redrive policy). The rule
        applies to services whose knowledge says they support dead-letter queues. A queue counts as a
        dead-letter queue when something redrives or sends failures to it (a redrive policy, an on-failure
        destination, a rule target's or pipe's `DeadLetterConfig`), or when its name says so (`dlq`,
        `dead-letter`) and nothing in the file reads from it: a last-resort queue the code writes to.

    Why:
        Without a redrive policy a message that always fails ("poison message") is received again and again
        until its retention ends: it burns consumer time, hides behind retries and is finally lost without a
        trace. A dead-letter queue parks it for inspection and redrive.

    Example:
        ```yaml
        channels:
          billing-queue: {service: sqs, variant: standard}
        ```

    Fix:
        Add a dead-letter queue of the same type and point the queue at it:
        `dead_letter: billing-dlq` and `max_receive_count: 5`.

    References:
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
    """

    code = "MQA101"
    name = "sqs.dead-letter-missing"
    default_severity = "warning"
    equivalents = {"cdk-nag": "AwsSolutions-SQS3; SQSRedrivePolicy (Serverless pack)", "serverless-rules": "ES6000"}

    def check(self, ctx: Context):
        for ch in channels_of(ctx, "sqs"):
            if ch.get("dead_letter") or ctx.graph.is_dead_letter(ch.id) or self._parking_queue(ctx, ch):
                continue
            ref = ctx.fact(ch, "dead_letter")
            if ref is None or ref.fact.value is not True:
                continue
            yield Hit(ch, f"queue {ch.id} has no dead-letter queue; failing messages are retried until they "
                          "expire", facts=[ref],
                      hint=ctx.pick("add dead_letter: <queue> and max_receive_count",
                                    "add RedrivePolicy: {deadLetterTargetArn: !GetAtt <DeadLetterQueue>.Arn, "
                                    "maxReceiveCount: <n>}"))

    @staticmethod
    def _parking_queue(ctx: Context, ch) -> bool:
        """A queue named as a dead-letter queue that nothing in the file consumes."""
        name = re.sub(r"[^a-z]", "", ch.id.lower())
        return ("dlq" in name or "deadletter" in name) and not ctx.graph.consumers(ch.id)
