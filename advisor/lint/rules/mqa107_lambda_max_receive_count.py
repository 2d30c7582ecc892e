from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of, fmt


class LambdaMaxReceiveCount(LintRule):
    """A queue consumed by Lambda moves messages to its DLQ after too few receives.

    What it checks:
        An SQS queue with a Lambda consumer and a dead-letter queue has a `max_receive_count` of at least the
        minimum AWS advises for Lambda event source mappings (from the knowledge graph).

    Why:
        When Lambda is throttled, the poller has already received the batch; the receive count grows although
        the function never ran. With a low maxReceiveCount, healthy messages land in the DLQ during a traffic
        burst.

    Example:
        ```yaml
        billing-queue: {service: sqs, variant: standard, dead_letter: billing-dlq, max_receive_count: 1}
        flows:
          - {from: billing-queue, to: billing-fn}      # billing-fn: {type: lambda}
        ```

    Fix:
        Set `max_receive_count` to at least 5.

    References:
        https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
    """

    code = "MQA107"
    name = "sqs.lambda-max-receive-count"
    default_severity = "warning"

    def check(self, ctx: Context):
        for ch in channels_of(ctx, "sqs"):
            count = ch.get("max_receive_count")
            if count is None or not ch.get("dead_letter"):
                continue
            ref = ctx.fact(ch, "lambda_max_receive_count.min")
            minimum = ctx.number(ref)
            if minimum is None:
                continue
            fns = [el.id for _, el in ctx.graph.consumers(ch.id) if getattr(el, "type", None) == "lambda"]
            if fns and float(count) < minimum:
                yield Hit(ch, f"{ctx.setting(ch, 'max_receive_count', float(count))} on {ch.id} (consumed by Lambda "
                              f"{', '.join(fns)}) is below the advised minimum of {fmt(minimum)}; throttled "
                              "batches reach the DLQ", "max_receive_count", facts=[ref])
