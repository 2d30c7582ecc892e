from __future__ import annotations

from advisor.lint.rules.base import POLLING_CONSUMERS, Context, Hit, LintRule, channels_of, fmt


class ShortPolling(LintRule):
    """An SQS queue read by your own pollers with short polling.

    What it checks:
        SQS queues consumed by an application, container, EC2 or on-premises component (not Lambda, whose event
        source mapping always long-polls) have `receive_message_wait_time_seconds` above zero. When the key is
        missing the SQS default from the knowledge graph applies (zero: short polling).

    Why:
        Short polling answers at once, often with nothing: you pay for empty receives, and it samples only a
        subset of servers, so messages can be missed by a receive and show up late (false empty responses).
        Long polling waits for messages and asks every server.

    Example:
        ```yaml
        jobs-queue: {service: sqs, variant: standard}   # wait time not set: short polling
        flows:
          - {from: jobs-queue, to: worker}              # worker: {type: container}
        ```

    Fix:
        Set `receive_message_wait_time_seconds: 20` (ReceiveMessageWaitTimeSeconds), or pass WaitTimeSeconds on
        every ReceiveMessage call and say so in a suppression.

    References:
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html
    """

    code = "MQA105"
    name = "sqs.short-polling"
    default_severity = "warning"

    def check(self, ctx: Context):
        for ch in channels_of(ctx, "sqs"):
            pollers = [el for _, el in ctx.graph.consumers(ch.id) if getattr(el, "type", None) in POLLING_CONSUMERS]
            if not pollers:
                continue
            wait = ch.get("receive_message_wait_time_seconds")
            ref = ctx.fact(ch, "receive_wait_time.default")
            longest = ctx.fact(ch, "long_polling.max_wait")
            wait_s = float(wait) if wait is not None else ctx.seconds(ref)
            if wait_s is None or wait_s > 0:
                continue
            where = "" if wait is not None else " (the SQS default)"
            yield Hit(ch, f"{ch.id} is polled by {', '.join(p.id for p in pollers)} with a wait time of "
                          f"{fmt(wait_s)} s{where}: short polling returns empty and partial responses",
                      "receive_message_wait_time_seconds", facts=[ref] if ref else [],
                      hint=ctx.assign(ch, "receive_message_wait_time_seconds", ctx.seconds(longest)) if longest
                      else f"set {ctx.key(ch, 'receive_message_wait_time_seconds')} above 0")
