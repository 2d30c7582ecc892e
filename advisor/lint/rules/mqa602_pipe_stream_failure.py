from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule
from advisor.lint.rules.mqa601_stream_failure_unhandled import bounded


class PipeStreamFailureUnhandled(LintRule):
    """An EventBridge pipe reads a Kinesis or DynamoDB stream with no dead-letter queue and no retry bound.

    What it checks:
        Every `AWS::Pipes::Pipe` whose source is a Kinesis data stream or a DynamoDB stream has, in
        `SourceParameters.KinesisStreamParameters`/`DynamoDBStreamParameters`, a `DeadLetterConfig` or a
        bounded `MaximumRetryAttempts` or `MaximumRecordAgeInSeconds`.

    Why:
        Like a Lambda event source mapping, a pipe retries a failing batch from a stream until the records
        expire, holding back the whole shard. A bound lets the pipe move on; the dead-letter queue keeps what
        it skipped.

    Example:
        ```yaml
        SourceParameters:
          KinesisStreamParameters: {StartingPosition: LATEST}
        ```

    Fix:
        Add `MaximumRetryAttempts` and `DeadLetterConfig: {Arn: <queue ARN>}` to the source parameters.

    References:
        https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-error-troubleshooting.html
        https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_PipeSourceKinesisStreamParameters.html
    """

    code = "MQA602"
    name = "pipes.stream-failure-unhandled"
    default_severity = "warning"
    inputs = ("cloudformation",)

    def check(self, ctx: Context):
        for flow in ctx.graph.flows:
            pipe = ctx.graph.channels.get(flow.target)
            if pipe is None or pipe.variant != "pipes" or not flow.get("stream_source"):
                continue
            if flow.get("dead_letter") or bounded(flow.get("max_retry_attempts")) \
                    or bounded(flow.get("max_record_age_seconds")):
                continue
            yield Hit(pipe, f"pipe {pipe.id} reads the stream {flow.source} with no dead-letter queue and no retry "
                            "limit: a failing batch holds back its shard until the records expire", "dead_letter",
                      hint="add MaximumRetryAttempts and DeadLetterConfig to the pipe's stream source parameters")
