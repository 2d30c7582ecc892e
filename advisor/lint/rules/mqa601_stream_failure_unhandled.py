from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


def bounded(value) -> bool:
    """A retry or age limit that is set and not -1 (the API's "forever")."""
    return value is not None and float(value) >= 0


def unhandled(flow) -> bool:
    return not (flow.get("dead_letter") or flow.get("bisect_on_error") or bounded(flow.get("max_retry_attempts"))
                or bounded(flow.get("max_record_age_seconds")))


def is_stream(ctx: Context, name: str) -> bool:
    ch = ctx.graph.channels.get(name)
    if ch is not None:
        return ch.service == "kinesis-data-streams"
    comp = ctx.graph.components.get(name)
    return comp is not None and comp.type == "dynamodb-table"


class StreamFailureUnhandled(LintRule):
    """A Lambda function reads a Kinesis or DynamoDB stream with no way past a failing record.

    What it checks:
        Every event source mapping (an `AWS::Lambda::EventSourceMapping` or a SAM `Kinesis`/`DynamoDB` event)
        from a Kinesis data stream or a DynamoDB stream to a Lambda function has at least one of: an on-failure
        destination (`DestinationConfig.OnFailure`), `BisectBatchOnFunctionError`, a bounded
        `MaximumRetryAttempts` or a bounded `MaximumRecordAgeInSeconds`.

    Why:
        By default Lambda retries a failing batch until its records expire from the stream (up to the
        retention period, days or a year) and processes nothing else from that shard meanwhile: one poison
        record blocks the shard, the iterator age climbs and downstream data goes stale. Records that are
        finally skipped are lost without a trace unless an on-failure destination keeps them.

    Example:
        ```yaml
        Events:
          Readings:
            Type: Kinesis
            Properties: {Stream: !GetAtt Readings.Arn, StartingPosition: LATEST}
        ```

    Fix:
        Set `MaximumRetryAttempts` (and `BisectBatchOnFunctionError: true` to isolate the bad record) and an
        on-failure destination (an SQS queue or SNS topic) that keeps what was skipped.

    References:
        https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-errors.html
        https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-errors.html
    """

    code = "MQA601"
    name = "lambda.stream-failure-unhandled"
    default_severity = "warning"
    inputs = ("cloudformation",)
    equivalents = {"serverless-rules": "ES1001 (an on-failure destination)",
                   "cdk-nag": "LambdaEventSourceMappingDestination (Serverless pack; an on-failure destination)"}

    def check(self, ctx: Context):
        for flow in ctx.graph.flows:
            if not flow.get("event_source_mapping") or not is_stream(ctx, flow.source) or not unhandled(flow):
                continue
            target = ctx.graph.components.get(flow.target)
            if target is None or target.type != "lambda":
                continue
            yield Hit(flow, f"{flow.target} reads {flow.source} with unlimited retries and no on-failure "
                            "destination: one failing record blocks its shard until the record expires",
                      "dead_letter", discriminator=flow.target,
                      hint="set MaximumRetryAttempts, BisectBatchOnFunctionError: true and a "
                           "DestinationConfig.OnFailure destination")
