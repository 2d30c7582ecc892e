from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of


class RedriveAllowPolicyDenies(LintRule):
    """A dead-letter queue whose redrive allow policy refuses the queue that uses it.

    What it checks:
        When a queue names a dead-letter queue that has `redrive_allow_policy` (RedriveAllowPolicy), the policy
        is `allowAll`, or `byQueue` with the source queue listed.

    Why:
        SQS refuses a redrive policy that points at a DLQ whose RedriveAllowPolicy denies the source, so the
        deployment fails. moto ignores RedriveAllowPolicy entirely, so local tests cannot find this.

    Example:
        ```yaml
        orders-dlq:
          service: sqs
          redrive_allow_policy: {redrive_permission: denyAll}
        ```

    Fix:
        Allow the source queue (`byQueue` with its ARN) or use `allowAll`.

    References:
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
    """

    code = "MQA109"
    name = "sqs.redrive-allow-policy-denies"
    default_severity = "error"

    def check(self, ctx: Context):
        for ch in channels_of(ctx, "sqs"):
            dlq = ctx.graph.channels.get(str(ch.get("dead_letter")))
            policy = dlq.get("redrive_allow_policy") if dlq is not None else None
            if not isinstance(policy, dict):
                continue
            permission = str(policy.get("redrive_permission") or "allowAll")
            allowed = policy.get("source_queues") or []
            if permission == "denyAll" or (permission == "byQueue" and ch.id not in allowed):
                yield Hit(ch, f"{dlq.id}'s redrive allow policy ({permission}) does not allow {ch.id} to use it "
                              "as a dead-letter queue", "dead_letter", discriminator=dlq.id)
