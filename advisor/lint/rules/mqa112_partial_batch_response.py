from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of, fmt


class PartialBatchResponseMissing(LintRule):
    """A Lambda function consumes an SQS queue in batches without reporting which messages failed.

    What it checks:
        Every event source mapping from an SQS queue to a Lambda function whose batch size (`batch_size`, or
        the knowledge graph's `lambda_batch_size.default` when not set) is more than one message lists
        `ReportBatchItemFailures` in `FunctionResponseTypes` (`report_batch_item_failures: true`).

    Why:
        Without a partial batch response, one failing message makes the whole batch fail: every message of it
        becomes visible again and is processed again, the successful ones included. Consumers see more
        duplicates, and a poison message keeps dragging good messages towards the dead-letter queue.

    Example:
        ```yaml
        Events:
          Jobs:
            Type: SQS
            Properties: {Queue: !GetAtt JobsQueue.Arn, BatchSize: 10}
        ```

    Fix:
        Add `FunctionResponseTypes: [ReportBatchItemFailures]` and return the ids of the failed messages
        (`batchItemFailures`) from the handler.

    References:
        https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
        https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
    """

    code = "MQA112"
    name = "sqs.partial-batch-response-missing"
    default_severity = "warning"

    def check(self, ctx: Context):
        for ch in channels_of(ctx, "sqs"):
            default = ctx.fact(ch, "lambda_batch_size.default")
            for flow, el in ctx.graph.consumers(ch.id):
                if getattr(el, "type", None) != "lambda" or flow.get("report_batch_item_failures") is not False:
                    continue
                size = flow.get("batch_size")
                size = float(size) if size is not None else ctx.number(default)
                if size is None or size <= 1:
                    continue
                where = "" if flow.get("batch_size") is not None else " (the default)"
                yield Hit(flow, f"{el.id} takes batches of up to {fmt(size)} messages{where} from {ch.id} but does "
                                "not report failed items: one failure retries the whole batch",
                          "report_batch_item_failures", facts=[default] if where and default else [],
                          hint=ctx.pick("set report_batch_item_failures: true on the flow",
                                        "add FunctionResponseTypes: [ReportBatchItemFailures]"))
