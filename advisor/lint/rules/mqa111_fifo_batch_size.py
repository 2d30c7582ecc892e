from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of


class FifoBatchSizeTooLarge(LintRule):
    """A Lambda event source mapping on an SQS queue with a batch size above what the queue type allows.

    What it checks:
        For every flow from an SQS queue to a Lambda function, `batch_size` (a template's `BatchSize` of the
        event source mapping or SAM `SQS` event) is at most the queue type's `lambda_batch_size.max` in the
        knowledge graph; for FIFO queues that is a small number.

    Why:
        CloudFormation refuses the event source mapping and the stack rolls back. A FIFO queue hands Lambda
        messages of a group in order, a few at a time; the large batches standard queues allow are not
        available.

    Example:
        ```yaml
        Events:
          Orders:
            Type: SQS
            Properties: {Queue: !GetAtt OrdersQueue.Arn, BatchSize: 100}   # OrdersQueue is FIFO
        ```

    Fix:
        Lower `BatchSize` to the FIFO maximum, or use a standard queue if strict ordering is not needed.

    References:
        https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
    """

    code = "MQA111"
    name = "sqs.lambda-batch-size-above-max"
    default_severity = "error"
    equivalents = {"cfn-lint": "E3705 (FIFO queues only)"}

    def check(self, ctx: Context):
        for ch in channels_of(ctx, "sqs"):
            ref = ctx.fact(ch, "lambda_batch_size.max")
            limit = ctx.number(ref)
            if limit is None:
                continue
            for flow, el in ctx.graph.consumers(ch.id):
                size = flow.get("batch_size")
                if getattr(el, "type", None) != "lambda" or size is None or float(size) <= limit:
                    continue
                yield Hit(flow, f"{ctx.setting(flow, 'batch_size', float(size))} of {ch.id} -> {el.id} is above "
                                f"the {'FIFO' if ch.variant == 'fifo' else ch.variant} queue maximum of {ctx.figure(ref)}", "batch_size", facts=[ref],
                          hint=ctx.assign(flow, "batch_size", limit))
