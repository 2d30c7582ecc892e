from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of

NON_PRODUCTION = ("development", "dev", "test", "staging", "sandbox")


class MqSingleInstance(LintRule):
    """A single-instance Amazon MQ broker in production.

    What it checks:
        Amazon MQ channels have a `deployment_mode` among the engine's `deployment_modes` in the knowledge
        graph, and not the single-instance mode, unless the file's `environment` is a non-production one
        (development, test, staging, sandbox).

    Why:
        A single-instance broker has no standby: maintenance windows, instance failures and Availability Zone
        outages take messaging down, and messages on the failed broker's storage wait for its recovery.

    Example:
        ```yaml
        channels:
          legacy-broker: {service: mq, variant: activemq, deployment_mode: single-instance}
        ```

    Fix:
        Use `active-standby-multi-az` (ActiveMQ) or `cluster-multi-az` (RabbitMQ); keep single-instance brokers
        for development and test, with `environment: development`.

    References:
        https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/amazon-mq-broker-architecture.html
    """

    code = "MQA407"
    name = "mq.single-instance-broker"
    default_severity = "error"

    def check(self, ctx: Context):
        if str(ctx.graph.environment or "").lower() in NON_PRODUCTION:
            return
        for ch in channels_of(ctx, "mq"):
            mode = ch.get("deployment_mode")
            ref = ctx.fact(ch, "deployment_modes")
            if mode is None or ref is None:
                continue
            modes = list(ref.fact.value or [])
            if mode not in modes:
                yield Hit(ch, f"{ctx.key(ch, 'deployment_mode')} {shown(ctx, mode)!r} is not one of "
                              f"{', '.join(shown(ctx, m) for m in modes)} for {ch.variant}",
                          "deployment_mode", facts=[ref])
            elif str(mode).startswith("single"):
                others = [m for m in modes if m != mode]
                yield Hit(ch, f"{ch.id} is a single-instance broker: no failover for production",
                          "deployment_mode", facts=[ref],
                          hint=f"use {ctx.key(ch, 'deployment_mode')} {' or '.join(shown(ctx, m) for m in others)}")


def shown(ctx: Context, mode: str) -> str:
    """A deployment mode as the input writes it (``single-instance`` / ``SINGLE_INSTANCE``)."""
    return mode.upper().replace("-", "_") if ctx.template else mode
