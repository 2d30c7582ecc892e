from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, fmt


class LambdaTimeoutAboveMax(LintRule):
    """A Lambda function timeout above the most Lambda allows.

    What it checks:
        `timeout_seconds` of every `lambda` component is at most the Lambda consumer's `processing_time.max`
        in the knowledge graph (endpoints: consumer:lambda). A function on Lambda Managed Instances
        (`managed_instances: true`; a template's `CapacityProviderConfig`) may run up to
        `processing_time.managed_instances.max` when it is invoked asynchronously or by an event source
        mapping other than Amazon MQ.

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
        https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
    """

    code = "MQA308"
    name = "lambda.timeout-above-max"
    default_severity = "error"

    def check(self, ctx: Context):
        from advisor.engine.units import seconds
        from advisor.knowledge.base import FactRef

        endpoint = ctx.kb.endpoints.get("consumer:lambda")
        facts = endpoint.facts if endpoint is not None and endpoint.facts else {}
        standard = facts.get("processing_time.max")
        managed = facts.get("processing_time.managed_instances.max")
        if standard is None:
            return
        refs = {"standard": FactRef("consumer:lambda.processing_time.max", standard)}
        if managed is not None:
            refs["managed"] = FactRef("consumer:lambda.processing_time.managed_instances.max", managed)
        for comp in ctx.graph.components.values():
            timeout = comp.get("timeout_seconds")
            if comp.type != "lambda" or timeout is None:
                continue
            ref = refs["standard"]
            if comp.get("managed_instances") and "managed" in refs and not self._fed_by_mq(ctx, comp.id):
                ref = refs["managed"]
            limit = seconds(ref.fact)
            if limit is not None and float(timeout) > limit:
                kind = " on Managed Instances" if ref is not refs["standard"] else ""
                yield Hit(comp, f"timeout of {comp.id} is {fmt(float(timeout))} s; Lambda{kind} allows at most "
                                f"{ctx.figure(ref)}", "timeout_seconds", facts=[ref])

    @staticmethod
    def _fed_by_mq(ctx: Context, name: str) -> bool:
        return any(getattr(src, "service", None) == "mq" for _, src in ctx.graph.producers(name))
