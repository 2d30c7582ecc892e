from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class ConfusedDeputy(LintRule):
    """A queue or topic policy that lets an AWS service send without saying on whose behalf.

    What it checks:
        Every `Allow` statement of an SQS queue policy (`sqs:SendMessage`) or SNS topic policy (`sns:Publish`)
        whose principal is an AWS service (`sns.amazonaws.com`, `events.amazonaws.com`, `s3.amazonaws.com`...)
        has a condition on `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID` or `aws:SourceOrgPaths`.

    Why:
        The service principal is shared by every AWS customer. Without a source condition, anyone's topic,
        rule or bucket can be pointed at the queue, and the service sends to it on their behalf (the
        confused deputy problem): foreign messages land in your queue and your consumers process them.

    Example:
        ```yaml
        Statement:
          - Effect: Allow
            Principal: {Service: events.amazonaws.com}
            Action: sqs:SendMessage
            Resource: !GetAtt Queue.Arn
        ```

    Fix:
        Add `Condition: {ArnEquals: {"aws:SourceArn": <the rule, topic or bucket ARN>}}` (or
        `StringEquals` on `aws:SourceAccount`).

    References:
        https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
        https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html
    """

    code = "MQA502"
    name = "channel.confused-deputy"
    default_severity = "warning"
    inputs = ("cloudformation",)
    equivalents = {"checkov": "none for queue or topic policies (CKV_AWS_364 checks the same for Lambda "
                              "permissions)"}

    def check(self, ctx: Context):
        for ch in ctx.graph.channels.values():
            opened = ch.get("open_service_principals") or []
            if ch.service not in ("sqs", "sns"):
                continue
            action = "send to" if ch.service == "sqs" else "publish to"
            for i, services in enumerate(opened):
                yield Hit(ch, f"the policy lets {services} {action} {ch.id} without aws:SourceArn or "
                              "aws:SourceAccount: any account's resource can use that service to reach it",
                          f"open_service_principals.{i}", discriminator=f"{i}:{services}",
                          hint="add Condition: {ArnEquals: {aws:SourceArn: <the sender's ARN>}}")
