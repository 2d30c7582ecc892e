from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class SnsSubscriptionWithoutDlq(LintRule):
    """An SNS subscription without a dead-letter queue (redrive policy).

    What it checks:
        Every flow out of an SNS topic (a subscription) has `dead_letter` naming an SQS queue (or the topic
        names one for all subscriptions with `targets_dead_letter`), when the knowledge graph says SNS
        supports dead-letter queues.

    Why:
        SNS retries a failed delivery according to its delivery policy and then discards the message. For a
        subscriber that is down, deleted or misconfigured (a queue policy, a KMS key), the messages vanish
        without a trace unless the subscription has a redrive policy.

    Example:
        ```yaml
        flows:
          - {from: orders-topic, to: billing-queue}
        ```

    Fix:
        Give the subscription a dead-letter queue: `dead_letter: orders-topic-dlq` (RedrivePolicy on the
        subscription).

    References:
        https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html
    """

    code = "MQA207"
    name = "sns.subscription-dead-letter-missing"
    default_severity = "warning"
    equivalents = {"serverless-rules": "ES7000", "cdk-nag": "SNSRedrivePolicy (Serverless pack)"}

    def check(self, ctx: Context):
        g = ctx.graph
        for ch in g.channels.values():
            if ch.service != "sns":
                continue
            ref = ctx.fact(ch, "dead_letter")
            if ref is None or ref.fact.value is not True:
                continue
            for flow in g.outgoing.get(ch.id, []):
                if not g.flow_dead_letter(flow):
                    yield Hit(flow, f"subscription {ch.id} -> {flow.target} has no dead-letter queue; "
                                    "undeliverable messages are discarded after the retries", facts=[ref],
                              hint=ctx.pick("add dead_letter: <queue> to the flow",
                                            "add RedrivePolicy: {deadLetterTargetArn: <queue ARN>} to the "
                                            "subscription"))
