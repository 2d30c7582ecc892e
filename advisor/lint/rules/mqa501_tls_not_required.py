from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class TlsNotRequired(LintRule):
    """A queue or topic whose policy does not refuse requests that are not TLS.

    What it checks:
        Every SQS queue and SNS topic of a template has a resource policy (`AWS::SQS::QueuePolicy`,
        `AWS::SNS::TopicPolicy` or their inline forms) with a `Deny` statement on the condition
        `"aws:SecureTransport": "false"`.

    Why:
        SQS and SNS accept plain HTTP requests unless a policy refuses them. An SDK uses HTTPS by default,
        but a misconfigured client, proxy or endpoint would send message bodies and credentials' signatures
        in clear. The deny statement makes TLS a property of the queue, not of every client.

    Example:
        ```yaml
        Jobs:
          Type: AWS::SQS::Queue
        ```

    Fix:
        Add a policy statement `{Effect: Deny, Principal: "*", Action: "sqs:*", Resource: <queue ARN>,
        Condition: {Bool: {"aws:SecureTransport": "false"}}}` (`sns:Publish` for topics).

    References:
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html
        https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html
    """

    code = "MQA501"
    name = "channel.tls-not-required"
    default_severity = "warning"
    inputs = ("cloudformation",)
    equivalents = {"cdk-nag": "AwsSolutions-SQS4, AwsSolutions-SNS3"}

    def check(self, ctx: Context):
        for ch in ctx.graph.channels.values():
            if ch.service not in ("sqs", "sns") or ch.get("tls_only"):
                continue
            kind = "queue" if ch.service == "sqs" else "topic"
            policy = "queue_policy" if ch.service == "sqs" else "topic_policy"
            has = "no statement of its policy" if ch.get(policy) else "it has no resource policy that"
            yield Hit(ch, f"{kind} {ch.id} accepts requests without TLS: {has} denies aws:SecureTransport false",
                      "tls_only", hint=f"add a Deny statement with Condition Bool aws:SecureTransport: 'false' "
                                       f"to the {kind} policy")
