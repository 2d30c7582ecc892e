from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class IotRuleToFifo(LintRule):
    """An AWS IoT Core rule action that writes to a FIFO queue.

    What it checks:
        Flows from an `iot-core` channel to an SQS FIFO queue, when the knowledge graph says the IoT SQS rule
        action does not support FIFO queues (`sqs_fifo_rule_action: false`).

    Why:
        The IoT rules engine's SQS action cannot send to FIFO queues, so the rule errors on every message (and
        only the rule's error action, if any, sees it). moto does not run IoT rules at all, so local tests
        cannot find it.

    Example:
        ```yaml
        telemetry: {service: iot-core}
        readings.fifo: {service: sqs, variant: fifo}
        flows:
          - {from: telemetry, to: readings.fifo}
        ```

    Fix:
        Target a standard queue, or Kinesis Data Streams with the device id as partition key for per-device
        order.

    References:
        https://docs.aws.amazon.com/iot/latest/developerguide/sqs-rule-action.html
    """

    code = "MQA204"
    name = "iot.rule-action-to-fifo"
    default_severity = "error"

    def check(self, ctx: Context):
        g = ctx.graph
        for flow in g.flows:
            src, dst = g.channels.get(flow.source), g.channels.get(flow.target)
            if src is None or dst is None or src.service != "iot-core" or dst.service != "sqs":
                continue
            ref = ctx.fact(src, "sqs_fifo_rule_action")
            if dst.variant == "fifo" and ref is not None and ref.fact.value is False:
                yield Hit(flow, f"IoT rule {src.id} cannot send to FIFO queue {dst.id}", "to", facts=[ref])
