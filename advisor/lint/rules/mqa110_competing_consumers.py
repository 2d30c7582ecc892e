from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class CompetingConsumers(LintRule):
    """Several different consumers read one point-to-point channel, each expecting every message.

    What it checks:
        A queue (knowledge `model: queue`) whose knowledge says it is point-to-point only
        (`distribution: [p2p]`, `fan_out: false`) has flows to more than one distinct consumer.

    Why:
        Each message on a queue goes to one receiver. Two different services on one queue split the messages
        between them at random; neither sees all of them. This is the classic mistake of wiring a queue where a
        topic was meant.

    Example:
        ```yaml
        flows:
          - {from: orders-queue, to: billing-fn}
          - {from: orders-queue, to: shipping-fn}
        ```

    Fix:
        Put an SNS topic or an EventBridge rule in front and give each consumer its own queue (fan-out). If the
        consumers are replicas of one worker, model them as one component.

    References:
        https://docs.aws.amazon.com/sns/latest/dg/sns-common-scenarios.html
    """

    code = "MQA110"
    name = "channel.competing-consumers"
    default_severity = "warning"

    def check(self, ctx: Context):
        for ch in ctx.graph.channels.values():
            dist = ctx.fact(ch, "distribution")
            fan = ctx.fact(ch, "fan_out")
            if ctx.value(ch, "model") != "queue":
                continue  # a workflow invoking several functions is orchestration, not competition
            if dist is None or dist.fact.value != ["p2p"] or (fan is not None and fan.fact.value):
                continue
            targets = sorted({f.target for f in ctx.graph.outgoing.get(ch.id, [])})
            if len(targets) > 1:
                yield Hit(ch, f"{ch.id} is point-to-point but feeds {len(targets)} consumers "
                              f"({', '.join(targets)}); each message reaches only one of them",
                          facts=[dist], hint="fan out with SNS or EventBridge, one queue per consumer")
