from __future__ import annotations

from advisor.lint.rules.base import Context, LintRule


class UnusedSuppression(LintRule):
    """A suppression that no longer matches any finding, or names a rule that does not exist.

    What it checks:
        After the rules run, every inline `# mqadvise: ignore[CODE]` comment and every `lint: ignore` entry
        must have suppressed at least one finding of an enabled rule.

    Why:
        Stale suppressions hide future problems: when the design changes back, the finding stays silent.
        Removing them keeps the file honest.

    Example:
        ```yaml
        billing-queue:
          service: sqs
          dead_letter: billing-dlq
          lint: {ignore: {MQA101: "no DLQ yet"}}   # there is a DLQ now
        ```

    Fix:
        Delete the suppression (or correct the rule code).

    References:
        https://docs.aws.amazon.com/prescriptive-guidance/latest/architectural-decision-records/welcome.html
    """

    code = "MQA003"
    name = "lint.unused-suppression"
    default_severity = "warning"

    def check(self, ctx: Context):  # the engine reports these after it applies suppressions
        return ()
