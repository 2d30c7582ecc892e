from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class ProtocolUnsupported(LintRule):
    """A component sends a protocol its channel cannot accept (for example MQTT into SQS).

    What it checks:
        For a flow into a channel, the flow's `protocol` (or, when the flow names none, the sending component's
        `protocols`) must include one of the protocols the channel speaks, from the knowledge graph's
        `protocols` fact.

    Why:
        SQS, SNS, Kinesis and EventBridge speak HTTPS APIs only; Amazon MQ speaks AMQP, MQTT, STOMP, OpenWire;
        MSK speaks Kafka. A device that can only speak MQTT cannot publish to SQS at all: the design needs a
        bridge (IoT Core and a rule) that the diagram does not show.

    Example:
        ```yaml
        sensor: {type: iot-device, protocols: [mqtt]}
        readings: {service: sqs, variant: standard}
        flows:
          - {from: sensor, to: readings, protocol: mqtt}
        ```

    Fix:
        Put a channel that accepts the protocol in front (IoT Core for MQTT devices, Amazon MQ for AMQP/STOMP
        clients), or change the client to the channel's API.

    References:
        https://docs.aws.amazon.com/iot/latest/developerguide/protocols.html
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/welcome.html
    """

    code = "MQA205"
    name = "protocol.unsupported"
    default_severity = "error"

    def check(self, ctx: Context):
        g = ctx.graph
        for flow in g.flows:
            dst = g.channels.get(flow.target)
            src = g.components.get(flow.source)
            if dst is None or src is None:
                continue
            ref = ctx.fact(dst, "protocols")
            if ref is None or not ref.fact.value:
                continue
            accepted = set(ref.fact.value)
            if flow.get("protocol"):
                sent, key = {str(flow.get("protocol"))}, "protocol"
            elif src.get("protocols"):
                sent, key = {str(p) for p in src.get("protocols")}, "from"
            else:
                continue
            if sent & accepted:
                continue
            yield Hit(flow, f"{src.id} sends {', '.join(sorted(sent))} but {dst.id} ({dst.service}) accepts only "
                            f"{', '.join(sorted(accepted))}", key, facts=[ref])
