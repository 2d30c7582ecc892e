"""templates/scaffold/sqs-worker/: an SQS queue (standard or FIFO) with a Lambda worker and a dead-letter queue."""

from __future__ import annotations

from typing import Any

from advisor.scaffold.plan import Plan
from advisor.scaffold.shared import (
    LOCAL_VISIBILITY,
    SQS_FIFO,
    TemplateSet,
    architecture,
    fifo_wanted,
    lambda_component,
    queue_channels,
    queue_settings,
)


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
    fifo = fifo_wanted(plan, "sqs")
    q = queue_settings(ctx, plan, fifo)
    q["content_dedup"] = bool(fifo and ctx["deduplication"])
    if fifo:
        plan.record("queue.deduplication_window", plan.fact(SQS_FIFO, "deduplication.window"))
    ctx["queue"] = q
    ctx["local_overrides"] = {"WorkQueue": {"VisibilityTimeout": LOCAL_VISIBILITY}}
    ctx["readme_run"] = []
    ctx["architecture"] = architecture(
        ctx,
        {"producer-app": {"type": "application", "protocols": ["https"]},
         "worker-fn": lambda_component(ctx)},
        queue_channels("work-queue", q),
        [{"from": "producer-app", "to": "work-queue", "protocol": "https"},
         {"from": "work-queue", "to": "worker-fn"}])


TEMPLATE_SET = TemplateSet("sqs-worker", ("sqs-worker-dlq", "sqs-fifo-ordering"), blueprint,
                           services=(frozenset({"sqs"}),),
                           description="SQS queue (standard or FIFO) with a Lambda worker and a DLQ")
