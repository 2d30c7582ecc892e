"""templates/scaffold/pipes/: an EventBridge pipe from an SQS queue (filtered) to a Step Functions workflow."""

from __future__ import annotations

from typing import Any

from advisor.scaffold.plan import Plan
from advisor.scaffold.shared import (
    LOCAL_VISIBILITY,
    TemplateSet,
    architecture,
    fifo_wanted,
    queue_channels,
    queue_settings,
    workflow_architecture,
    workflow_settings,
)


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
    workflow_settings(ctx, plan)
    q = queue_settings(ctx, plan, fifo_wanted(plan, "sqs"))
    ctx["queue"] = q
    ctx["pipe"] = {"batch_size": 1, "filter": {"body": {"type": ["request"]}}}
    ctx["local_overrides"] = {"SourceQueue": {"VisibilityTimeout": LOCAL_VISIBILITY}}
    ctx["readme_run"] = []
    comps, chans = workflow_architecture(ctx)
    comps["producer-app"] = {"type": "application", "protocols": ["https"]}
    chans.update(queue_channels("source-queue", q))
    chans["request-pipe"] = {"service": "eventbridge", "variant": "pipes", "batch_size": 1}
    flows = [{"from": "producer-app", "to": "source-queue", "protocol": "https"},
             {"from": "source-queue", "to": "request-pipe", "filter": ctx["pipe"]["filter"]},
             {"from": "request-pipe", "to": "workflow"}]
    flows += [{"from": "workflow", "to": f"{n}-fn"} for n in ("validate", "process", "compensate")]
    ctx["architecture"] = architecture(ctx, comps, chans, flows)


TEMPLATE_SET = TemplateSet("pipes", ("pipes-queue-to-workflow",), blueprint,
                           services=(frozenset({"sqs", "eventbridge", "step-functions"}),),
                           description="EventBridge pipe from an SQS queue (filtered) to a Step Functions workflow")
