from __future__ import annotations

from advisor.lint.rules.base import Context, LintRule


class SuppressionWithoutReason(LintRule):
    """A suppression that gives no reason.

    What it checks:
        Every `# mqadvise: ignore[CODE] reason` comment and every `lint: {ignore: {CODE: reason}}` entry must
        say why the finding is safe to ignore. A suppression without a reason does not suppress anything.

    Why:
        A reviewer (or you, a year later) must be able to tell a deliberate trade-off from a silenced alarm.
        Suppressions are design decisions; the reason is their record.

    Example:
        ```yaml
        billing-queue:   # mqadvise: ignore[MQA101]
          service: sqs
        ```

    Fix:
        Add the reason: `# mqadvise: ignore[MQA101] the consumer library parks poison messages in S3`.

    References:
        https://docs.aws.amazon.com/prescriptive-guidance/latest/architectural-decision-records/welcome.html
    """

    code = "MQA002"
    name = "lint.suppression-without-reason"
    default_severity = "error"

    def check(self, ctx: Context):  # the engine reports these while it applies suppressions
        return ()
