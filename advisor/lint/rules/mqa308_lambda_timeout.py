from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, fmt


class LambdaTimeoutAboveMax(LintRule):
    """A Lambda function timeout above the most Lambda allows.

    What it checks:
        `timeout_seconds` of every `lambda` component is at most the Lambda consumer's `processing_time.max`
        in the knowledge graph (endpoints: consumer:lambda).

    Why:
        Lambda rejects the configuration. A design that needs longer runs needs another compute choice
        (containers, Step Functions around shorter steps), and the queue visibility timeouts derived from it
        are wrong too.

    Example:
        ```yaml
        report-fn: {type: lambda, timeout_seconds: 1800}
        ```

    Fix:
        Split the work into steps (Step Functions), or run it on ECS/Fargate.

    References:
        https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
    """

    code = "MQA308"
    name = "lambda.timeout-above-max"
    default_severity = "error"

    def check(self, ctx: Context):
        from advisor.engine.units import seconds

        endpoint = ctx.kb.endpoints.get("consumer:lambda")
        fact = endpoint.facts.get("processing_time.max") if endpoint is not None and endpoint.facts else None
        limit = seconds(fact) if fact is not None else None
        if limit is None:
            return
        from advisor.knowledge.base import FactRef

        ref = FactRef("consumer:lambda.processing_time.max", fact)
        for comp in ctx.graph.components.values():
            timeout = comp.get("timeout_seconds")
            if comp.type == "lambda" and timeout is not None and float(timeout) > limit:
                yield Hit(comp, f"timeout of {comp.id} is {fmt(float(timeout))} s; Lambda allows at most "
                                f"{ctx.figure(ref)}", "timeout_seconds", facts=[ref])
