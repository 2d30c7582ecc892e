from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of, fmt


class EventBridgePutEventsQuota(LintRule):
    """Peak load above the EventBridge PutEvents quota of the Region.

    What it checks:
        `expectations.peak_per_second` against the event bus's per-Region PutEvents quota (`throughput.max`, a
        per-Region table in the knowledge graph). The Region is `expectations.region` (or `--region`); without
        one the rule uses the table's entry for other Regions and says so.

    Why:
        PutEvents is throttled per account and Region, shared by every bus and producer. The quota is far lower
        in smaller Regions, so a design sized in us-east-1 can throttle when deployed elsewhere.

    Example:
        ```yaml
        expectations: {peak_per_second: 5000, region: ap-southeast-3}
        channels:
          events: {service: eventbridge, variant: bus}
        ```

    Fix:
        Request a quota increase (the quota is adjustable), batch up to ten entries per call, or move
        high-volume streams to Kinesis Data Streams.

    References:
        https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
    """

    code = "MQA304"
    name = "eventbridge.put-events-quota"
    default_severity = "error"

    def check(self, ctx: Context):
        peak = ctx.graph.expectations.get("peak_per_second")
        if peak is None:
            return
        default_bus_checked = False
        for ch in channels_of(ctx, "eventbridge", "bus"):
            if ch.get("rule") and not ch.get("event_bus"):
                if ctx.graph.incoming.get(ch.id):
                    continue  # a rule behind a bus of this file: the bus is checked
                if default_bus_checked:
                    continue  # rules on the default bus share one quota: report it once
                default_bus_checked = True
            ref = ctx.fact(ch, "throughput.max")
            if ref is None:
                continue
            region = ctx.region or "other"
            limit = ref.fact.numeric(region)
            if limit is None or float(peak) <= limit:
                continue
            where = ctx.region or "Regions not listed (set expectations.region)"
            yield Hit(ch, f"peak of {fmt(float(peak))} events/second exceeds the PutEvents quota of "
                          f"{fmt(limit)} events/second in {where}", facts=[ref], discriminator=region,
                      hint="request a quota increase or batch PutEvents entries")
