from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, fmt


class TopicSubscriptionLimit(LintRule):
    """An SNS topic with more subscriptions than its type allows.

    What it checks:
        The number of flows out of an SNS topic is at most the knowledge graph's `subscriptions_per_topic.max`
        for the topic's variant (the FIFO limit is far lower than the standard one).

    Why:
        Subscribe calls beyond the quota fail. FIFO topics in particular allow few subscriptions, so a FIFO
        fan-out that grows with the number of tenants or services hits the wall in production.

    Example:
        A FIFO topic with one flow per tenant queue, for more tenants than the quota.

    Fix:
        Use several topics, or a standard topic (if order is not needed), or an EventBridge bus.

    References:
        https://docs.aws.amazon.com/general/latest/gr/sns.html
    """

    code = "MQA210"
    name = "sns.subscription-limit"
    default_severity = "error"

    def check(self, ctx: Context):
        g = ctx.graph
        for ch in g.channels.values():
            if ch.service != "sns":
                continue
            ref = ctx.fact(ch, "subscriptions_per_topic.max")
            limit = ctx.number(ref)
            flows = g.outgoing.get(ch.id, [])
            if limit is not None and len(flows) > limit:
                yield Hit(ch, f"{ch.variant} topic {ch.id} has {len(flows)} subscriptions; at most {fmt(limit)} "
                              "are allowed", facts=[ref])
