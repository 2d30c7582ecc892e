"""templates/scaffold/sns-fanout/: an SNS topic fanning out to SQS queues with filter policies and Lambda consumers."""

from __future__ import annotations

from typing import Any

from advisor.knowledge.base import Option
from advisor.scaffold.plan import Plan
from advisor.scaffold.shared import (
    LOCAL_VISIBILITY,
    SQS_STD,
    TemplateSet,
    architecture,
    fifo_wanted,
    lambda_component,
    queue_channels,
    queue_settings,
)


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
    fifo = fifo_wanted(plan, "sns") or fifo_wanted(plan, "sqs")
    q = queue_settings(ctx, plan, fifo)
    q["content_dedup"] = bool(fifo and ctx["deduplication"])
    ctx["queue"] = q
    sns_opt = plan.option("sns") or Option("sns", "standard")
    ctx["topic"] = {"fifo": fifo, "content_dedup": q["content_dedup"],
                    "max_bytes": plan.record("topic.max_message_bytes", plan.bytes(sns_opt, "message_size.max"))}
    plan.record("topic.queue_policy_required", plan.fact(SQS_STD, "queue_policy_required_for_sns"))
    subs = [{"name": "all-events", "id": "AllEvents", "filter": None},
            {"name": "created-events", "id": "CreatedEvents",
             "filter": {"event_type": ["created"]} if ctx["filtering"] else None}]
    ctx["subscribers"] = subs
    ctx["local_overrides"] = {f"{s['id']}Queue": {"VisibilityTimeout": LOCAL_VISIBILITY} for s in subs}
    ctx["readme_run"] = []
    comps: dict[str, Any] = {"producer-app": {"type": "application", "protocols": ["https"]}}
    chans: dict[str, Any] = {"events-topic": {"service": "sns", "variant": "fifo" if fifo else "standard",
                                              "encryption": "managed"},
                             "delivery-failures": {"service": "sqs", "variant": "fifo" if fifo else "standard",
                                                   "encryption": "managed",
                                                   "retention_days": round(q["dlq_retention"] / 86400, 3)}}
    flows: list[dict[str, Any]] = [{"from": "producer-app", "to": "events-topic", "protocol": "https"}]
    for s in subs:
        comps[f"{s['name']}-fn"] = lambda_component(ctx)
        chans.update(queue_channels(f"{s['name']}-queue", q))
        flow: dict[str, Any] = {"from": "events-topic", "to": f"{s['name']}-queue", "raw_delivery": True,
                                "dead_letter": "delivery-failures"}
        if s["filter"]:
            flow["filter"] = s["filter"]
        flows += [flow, {"from": f"{s['name']}-queue", "to": f"{s['name']}-fn"}]
    ctx["architecture"] = architecture(ctx, comps, chans, flows)


TEMPLATE_SET = TemplateSet("sns-fanout", ("sns-sqs-fanout", "sns-fifo-sqs-fifo-fanout"), blueprint,
                           services=(frozenset({"sns", "sqs"}),),
                           description="SNS topic fanning out to SQS queues with filter policies, Lambda consumers, "
                                       "DLQs")
