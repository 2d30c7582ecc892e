from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, fmt
from advisor.phrases import possessive


class MessageTooLarge(LintRule):
    """Messages larger than a channel on their path can carry.

    What it checks:
        The expected message size (`expectations.message_kib`, or a flow's `message_kib`) is compared with every
        channel that carries it: the channel's own `max_message_kib` when set, and the service's
        `message_size.max` from the knowledge graph. When the size lies between `message_size.default` and the
        maximum, the finding says which opt-in raises the limit.

    Why:
        A message above the limit is rejected by the send call (or truncated by an integration), usually only
        for the few largest payloads, so the failure shows up late and intermittently.

    Example:
        ```yaml
        expectations: {message_kib: 2048}
        channels:
          orders-queue: {service: sqs, variant: standard}
        ```

    Fix:
        Store large payloads in S3 and send a reference (the claim-check pattern; the SQS and SNS extended
        client libraries do this), or choose a channel with a larger limit.

    References:
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-managing-large-messages.html
    """

    code = "MQA301"
    name = "channel.message-too-large"
    default_severity = "error"

    def check(self, ctx: Context):
        g = ctx.graph
        default_size = g.expectations.get("message_kib")
        sizes: dict[str, tuple[float, object]] = {}
        for flow in g.flows:
            size = flow.get("message_kib")
            if size is not None:
                for end in (flow.source, flow.target):
                    if end in g.channels and float(size) > sizes.get(end, (0.0, None))[0]:
                        sizes[end] = (float(size), flow)
        for ch in g.channels.values():
            size, where = sizes.get(ch.id, (None, None))
            if size is None:
                if default_size is None:
                    continue
                size, where = float(default_size), None
            own = ch.get("max_message_kib")
            max_ref = ctx.fact(ch, "message_size.max")
            default_ref = ctx.fact(ch, "message_size.default")
            limit = ctx.kib(max_ref)
            default_limit = ctx.kib(default_ref)
            element, key = (where, "message_kib") if where is not None else (None, "message_kib")
            if limit is not None and size > limit:
                yield Hit(element, f"messages of {fmt(size)} KiB exceed the limit of {ch.id} ({ch.service}): "
                                   f"{ctx.figure(max_ref)}", key, facts=[max_ref], discriminator=ch.id,
                          hint="send a reference to an S3 object instead (claim check)")
            elif own is not None and size > float(own):
                yield Hit(ch, f"messages of {fmt(size)} KiB exceed {possessive(ch.id)} {ctx.setting(ch, 'max_message_kib', float(own))}",
                          "max_message_kib")
            elif (default_limit is not None and size > default_limit and own is None
                  and limit is not None and default_limit < limit):
                yield Hit(element, f"messages of {fmt(size)} KiB exceed the default limit of {ch.id} ({ch.service}): "
                                   f"{ctx.figure(default_ref)}; opt in to up to {ctx.figure(max_ref)}", key,
                          facts=[default_ref, max_ref], discriminator=ch.id)
