from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class EventBridgeTargetWithoutDlq(LintRule):
    """An EventBridge rule target (or schedule target) without a dead-letter queue.

    What it checks:
        Every flow out of an EventBridge bus rule or an EventBridge Scheduler schedule has `dead_letter` (the
        target's DeadLetterConfig), or the channel names one for all its targets (`targets_dead_letter`).

    Why:
        EventBridge retries a failing target for up to the retry policy's age and attempts (from the knowledge
        graph), then drops the event. Without a DLQ, a missing permission or a deleted target loses events
        silently.

    Example:
        ```yaml
        flows:
          - {from: orders-rule, to: fulfilment-fn}
        ```

    Fix:
        Add an SQS dead-letter queue to the target (`dead_letter: orders-rule-dlq`) and alarm on its depth.

    References:
        https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
    """

    code = "MQA208"
    name = "eventbridge.target-dead-letter-missing"
    default_severity = "warning"
    equivalents = {"serverless-rules": "ES4000", "cdk-nag": "EventBusDLQ (Serverless pack)"}

    def check(self, ctx: Context):
        g = ctx.graph
        for ch in g.channels.values():
            if ch.service != "eventbridge" or ch.variant not in ("bus", "scheduler"):
                continue
            if ch.get("event_bus") and not ch.get("rule"):
                continue  # a bus resource: its rules carry the targets
            ref = ctx.fact(ch, "dead_letter")
            if ref is None or ref.fact.value is not True:
                continue
            retry = ctx.fact(ch, "retry.max_age")
            for flow in g.outgoing.get(ch.id, []):
                target = g.channels.get(flow.target)
                if target is not None and target.service == "eventbridge" and target.get("rule"):
                    continue  # bus -> rule inside a template is not a target
                if not ctx.graph.flow_dead_letter(flow):
                    tail = f" after {ctx.figure(retry)} of retries" if retry else ""
                    yield Hit(flow, f"target {flow.target} of {ch.id} has no dead-letter queue; failed events are "
                                    f"dropped{tail}", facts=[r for r in (ref, retry) if r],
                              hint=ctx.pick("add dead_letter: <queue> to the flow (or targets_dead_letter)",
                                            "add DeadLetterConfig: {Arn: <queue ARN>} to the target"))
