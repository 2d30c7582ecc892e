from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class ChannelWithoutProducer(LintRule):
    """A channel nothing sends to.

    What it checks:
        Every channel of an architecture file has at least one incoming flow, unless it is a dead-letter queue
        or says `external_producers: true` (senders outside the file). Templates are not checked: they do not
        describe the applications that send.

    Why:
        A channel without a producer is dead infrastructure that still costs money and attention, or, more
        often, a flow that was forgotten in the design, so the rest of the analysis misses a path.

    Example:
        ```yaml
        channels:
          audit-queue: {service: sqs, variant: standard}
        flows: []
        ```

    Fix:
        Add the flow that feeds the channel, mark it `external_producers: true`, or remove it.

    References:
        https://docs.aws.amazon.com/wellarchitected/latest/framework/cost-decomissioning-resources.html
    """

    code = "MQA405"
    name = "channel.no-producer"
    default_severity = "warning"
    inputs = ("architecture",)

    def check(self, ctx: Context):
        g = ctx.graph
        for ch in g.channels.values():
            if g.incoming.get(ch.id) or g.is_dead_letter(ch.id) or ch.get("external_producers"):
                continue
            yield Hit(ch, f"nothing sends to {ch.id}")
