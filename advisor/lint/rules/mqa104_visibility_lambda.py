from __future__ import annotations

import math

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of, fmt


class VisibilityTooShortForLambda(LintRule):
    """An SQS queue's visibility timeout is too short for the Lambda function that consumes it.

    What it checks:
        For every flow from an SQS queue to a Lambda function with a `timeout_seconds`, the queue's
        `visibility_timeout_seconds` (the SQS default when not set) is at least the multiplier AWS recommends
        times the function timeout plus the batching window (`batch_window_seconds` of the flow or function).
        The multiplier and the default come from the knowledge graph.

    Why:
        If a batch is still being processed when the visibility timeout ends, SQS makes the messages visible
        again and Lambda receives them a second time: duplicates, wasted invocations, and messages moved to the
        DLQ although they would have succeeded. Throttled retries need the extra headroom.

    Example:
        ```yaml
        billing-queue: {service: sqs, variant: standard, visibility_timeout_seconds: 60}
        billing-fn: {type: lambda, timeout_seconds: 60}
        ```

    Fix:
        Raise the queue's visibility timeout to at least six times the function timeout plus the batch window
        (here 360 s), or shorten the function timeout.

    References:
        https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
        https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
    """

    code = "MQA104"
    name = "sqs.visibility-timeout-lambda"
    default_severity = "error"
    equivalents = {"cfn-lint": "E3505 (above the function timeout, not the advised multiple)",
                   "cdk-nag": "LambdaEventSourceSQSVisibilityTimeout (Serverless pack)"}

    def check(self, ctx: Context):
        for ch in channels_of(ctx, "sqs"):
            mult_ref = ctx.fact(ch, "lambda_visibility_multiplier")
            default_ref = ctx.fact(ch, "visibility_timeout.default")
            if mult_ref is None:
                continue
            vis = ch.get("visibility_timeout_seconds")
            vis_s = float(vis) if vis is not None else ctx.seconds(default_ref)
            for flow, el in ctx.graph.consumers(ch.id):
                if getattr(el, "type", None) != "lambda" or el.get("timeout_seconds") is None:
                    continue
                timeout = float(el.get("timeout_seconds"))
                window = flow.get("batch_window_seconds", el.get("batch_window_seconds")) or 0
                need = float(mult_ref.fact.value) * timeout + float(window)
                if vis_s is None or vis_s >= need:
                    continue
                where = "the SQS default of " if vis is None else ""
                facts = [mult_ref] + ([default_ref] if vis is None and default_ref else [])
                yield Hit(ch, f"visibility timeout of {ch.id} is {where}{fmt(vis_s)} s; its Lambda consumer "
                              f"{el.id} needs at least {fmt(need)} s ({fmt(mult_ref.fact.value)} x timeout "
                              f"{fmt(timeout)} s + batch window {fmt(float(window))} s)",
                          "visibility_timeout_seconds", facts=facts, discriminator=el.id,
                          hint=ctx.assign(ch, "visibility_timeout_seconds", math.ceil(need)),
                          related=[(el, "timeout_seconds"), (flow, "batch_window_seconds"),
                                   (el, "batch_window_seconds")])
