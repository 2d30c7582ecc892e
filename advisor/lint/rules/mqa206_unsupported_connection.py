from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class UnsupportedConnection(LintRule):
    """Two channels joined by a flow that AWS cannot build directly.

    What it checks:
        Every flow from one channel to another matches a relation of the knowledge graph between the two
        services (subscription, rule target, event source mapping, pipe source or target, IoT rule action,
        delivery destination, orchestration). Variant-level restrictions have their own rules (MQA201, MQA202,
        MQA204).

    Why:
        Services do not push into each other by themselves: an SQS queue cannot forward to an SNS topic, a
        Kinesis stream cannot write into a queue. A diagram arrow without an integration behind it means code
        nobody planned to write and operate.

    Example:
        ```yaml
        flows:
          - {from: orders-queue, to: orders-topic}   # SQS does not publish to SNS
        ```

    Fix:
        Add the missing piece (EventBridge Pipes between the two, or a Lambda function as a component), or
        connect the services the way AWS supports.

    References:
        https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes.html
        https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-targets.html
    """

    code = "MQA206"
    name = "flow.unsupported-connection"
    default_severity = "error"

    def check(self, ctx: Context):
        g = ctx.graph
        pairs = {(r.source_node, r.target_node) for r in ctx.kb.relations
                 if r.type not in ("migrates-from", "alternative-to")}
        for flow in g.flows:
            src, dst = g.channels.get(flow.source), g.channels.get(flow.target)
            if src is None or dst is None or (src.service, dst.service) in pairs:
                continue
            yield Hit(flow, f"no AWS integration delivers from {src.service} ({src.id}) to {dst.service} "
                            f"({dst.id}) directly", "to",
                      hint="add EventBridge Pipes or a function between them")
