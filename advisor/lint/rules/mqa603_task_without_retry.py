from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of


class TaskWithoutRetry(LintRule):
    """A Step Functions Task state with neither Retry nor Catch.

    What it checks:
        Every `Task` state of a state machine's definition (inline `Definition`, `DefinitionString` with its
        `DefinitionSubstitutions`, or a SAM `DefinitionUri` file next to the template) has a `Retry` or a
        `Catch` field, its own or one of the Parallel or Map state around it.

    Why:
        Service integrations fail transiently (throttling, `Lambda.ServiceException`, timeouts). Without
        `Retry` one such error fails the whole execution; without `Catch` there is no compensation or
        notification path, and a Standard workflow simply stops in the FAILED state.

    Example:
        ```json
        "ChargeCard": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}
        ```

    Fix:
        Add a `Retry` for the transient errors (with `BackoffRate` and `MaxAttempts`) and a `Catch` that
        routes the rest to a failure-handling state.

    References:
        https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
        https://docs.aws.amazon.com/step-functions/latest/dg/sfn-best-practices.html
    """

    code = "MQA603"
    name = "stepfunctions.task-without-retry"
    default_severity = "warning"
    inputs = ("cloudformation",)

    def check(self, ctx: Context):
        for ch in channels_of(ctx, "step-functions"):
            for task in ch.get("task_states") or []:
                if task.get("handled"):
                    continue
                name = task.get("name")
                yield Hit(ch, f"Task state {name} of {ch.id} has neither Retry nor Catch: one transient error "
                              "fails the execution", f"task_states.{name}", discriminator=str(name),
                          hint="add Retry for transient errors and Catch for a failure path")
