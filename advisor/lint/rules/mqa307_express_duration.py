from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of, fmt


class ExpressWorkflowTooLong(LintRule):
    """A Step Functions Express workflow for work longer than an Express execution may run.

    What it checks:
        For Express state machines, `max_duration_seconds` (the state machine's TimeoutSeconds) and
        `expectations.processing_seconds` stay within the Express `workflow.max_duration` from the knowledge
        graph (five minutes).

    Why:
        An Express execution that runs past its maximum duration is stopped, and Express workflows are
        at-least-once without execution history: the work is cut off and may be retried from the start.

    Example:
        ```yaml
        channels:
          fulfilment: {service: step-functions, variant: express, max_duration_seconds: 900}
        ```

    Fix:
        Use a Standard workflow (up to a year, exactly-once), or split the work and nest an Express workflow
        for the short, high-volume part.

    References:
        https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html
    """

    code = "MQA307"
    name = "stepfunctions.express-too-long"
    default_severity = "error"

    def check(self, ctx: Context):
        expected = ctx.graph.expectations.get("processing_seconds")
        for ch in channels_of(ctx, "step-functions", "express"):
            ref = ctx.fact(ch, "workflow.max_duration")
            limit = ctx.seconds(ref)
            if limit is None:
                continue
            own = ch.get("max_duration_seconds")
            if own is not None and float(own) > limit:
                yield Hit(ch, f"Express workflow {ch.id} may run {fmt(float(own))} s; Express executions stop at "
                              f"{ctx.figure(ref)}", "max_duration_seconds", facts=[ref],
                          hint=ctx.pick("use variant: standard", f"set {ctx.key(ch, 'variant')}: STANDARD"))
            elif own is None and expected is not None and float(expected) > limit:
                yield Hit(ch, f"work takes {fmt(float(expected))} s but Express workflow {ch.id} stops at "
                              f"{ctx.figure(ref)}", "variant", facts=[ref],
                          hint=ctx.pick("use variant: standard", f"set {ctx.key(ch, 'variant')}: STANDARD"))
