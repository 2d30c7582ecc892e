from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class S3NotificationToFifo(LintRule):
    """S3 event notifications sent straight to a FIFO queue or FIFO topic.

    What it checks:
        A flow from an `s3-bucket` component goes to a channel whose knowledge says it accepts S3 event
        notifications (`s3_event_notifications` is not false: FIFO queues and FIFO topics are refused).

    Why:
        Amazon S3 cannot publish event notifications to FIFO destinations. The bucket's notification
        configuration is rejected and nothing is delivered.

    Example:
        ```yaml
        uploads: {type: s3-bucket}
        ingest.fifo: {service: sqs, variant: fifo}
        flows:
          - {from: uploads, to: ingest.fifo}
        ```

    Fix:
        Send the notification to a standard queue or topic, or enable EventBridge notifications on the bucket
        and route with a rule to the FIFO queue (with a message group id).

    References:
        https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
    """

    code = "MQA203"
    name = "s3.notification-to-fifo"
    default_severity = "error"

    def check(self, ctx: Context):
        g = ctx.graph
        for flow in g.flows:
            src, dst = g.components.get(flow.source), g.channels.get(flow.target)
            if src is None or dst is None or src.type != "s3-bucket":
                continue
            ref = ctx.fact(dst, "s3_event_notifications")
            if ref is not None and ref.fact.value is False:
                yield Hit(flow, f"S3 bucket {src.id} cannot send event notifications to {dst.variant} "
                                f"{dst.service} {dst.id}", "to", facts=[ref],
                          hint="notify a standard queue/topic, or route through EventBridge")
