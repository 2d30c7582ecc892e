from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class SnsQueuePolicyMissing(LintRule):
    """An SNS subscription to an SQS queue whose access policy does not let the topic send.

    What it checks:
        In a CloudFormation/SAM template, every SQS queue subscribed to an SNS topic is listed in an
        `AWS::SQS::QueuePolicy`. In an architecture file, a queue subscribed to a topic must not say
        `queue_policy: false`.

    Why:
        Without a queue policy that allows `sqs:SendMessage` from the topic, SNS deliveries are refused and the
        messages are lost silently. Local simulators such as moto deliver without the policy, so the mistake
        passes every local test.

    Example:
        ```yaml
        Resources:
          Topic: {Type: AWS::SNS::Topic}
          Queue: {Type: AWS::SQS::Queue}
          Sub:
            Type: AWS::SNS::Subscription
            Properties: {TopicArn: !Ref Topic, Protocol: sqs, Endpoint: !GetAtt Queue.Arn}
        ```

    Fix:
        Add an `AWS::SQS::QueuePolicy` for the queue that allows `sqs:SendMessage` with the condition
        `aws:SourceArn` equal to the topic ARN.

    References:
        https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html
    """

    code = "MQA108"
    name = "sqs.sns-queue-policy-missing"
    default_severity = "error"

    def check(self, ctx: Context):
        g = ctx.graph
        for flow in g.flows:
            src, dst = g.channels.get(flow.source), g.channels.get(flow.target)
            if src is None or dst is None or src.service != "sns" or dst.service != "sqs":
                continue
            ref = ctx.fact(dst, "queue_policy_required_for_sns")
            if ref is None or ref.fact.value is not True:
                continue
            policy = dst.get("queue_policy")
            if policy is True or (g.input_kind == "architecture" and policy is None):
                continue
            yield Hit(flow, f"{src.id} delivers to {dst.id}, but no queue policy lets the topic send to the "
                            "queue; SNS drops these messages", facts=[ref], discriminator=dst.id,
                      hint="add an AWS::SQS::QueuePolicy allowing sqs:SendMessage from the topic")
