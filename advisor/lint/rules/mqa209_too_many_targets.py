from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, fmt


class TooManyRuleTargets(LintRule):
    """An EventBridge rule with more targets than a rule may have.

    What it checks:
        The number of flows out of an EventBridge bus rule (grouped by the flow's `rule` key when an
        architecture models several rules on one bus; otherwise the channel is the rule) is at most the
        knowledge graph's `targets_per_rule.max`.

    Why:
        PutTargets refuses more targets than the quota (five per rule, not adjustable), so the deployment
        fails or the last targets are silently missing from a hand-made setup.

    Example:
        ```yaml
        flows:   # six targets on orders-rule
          - {from: orders-rule, to: a}
          - {from: orders-rule, to: b}
          - {from: orders-rule, to: c}
          - {from: orders-rule, to: d}
          - {from: orders-rule, to: e}
          - {from: orders-rule, to: f}
        ```

    Fix:
        Split the targets across several rules with the same pattern, or fan out once through an SNS topic.

    References:
        https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
    """

    code = "MQA209"
    name = "eventbridge.too-many-targets"
    default_severity = "error"

    def check(self, ctx: Context):
        g = ctx.graph
        for ch in g.channels.values():
            if ch.service != "eventbridge" or ch.variant != "bus":
                continue
            if ch.get("event_bus") and not ch.get("rule"):
                continue
            ref = ctx.fact(ch, "targets_per_rule.max")
            limit = ctx.number(ref)
            if limit is None:
                continue
            groups: dict[str, list] = {}
            for flow in g.outgoing.get(ch.id, []):
                groups.setdefault(str(flow.get("rule") or ch.id), []).append(flow)
            for rule, flows in sorted(groups.items()):
                if len(flows) > limit:
                    yield Hit(flows[int(limit)], f"rule {rule} has {len(flows)} targets; a rule may have at most "
                                                 f"{fmt(limit)}", facts=[ref], discriminator=rule)
