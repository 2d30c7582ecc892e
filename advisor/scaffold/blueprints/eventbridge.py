"""templates/scaffold/eventbridge/: a custom EventBridge bus whose content-based rules feed queues, functions or a
workflow."""

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
    workflow_architecture,
    workflow_settings,
)

EB_BUS = Option("eventbridge", "bus")


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
    from advisor.engine.checks import Context

    kind = "queue" if plan.option("sqs") else "workflow" if plan.option("step-functions") else "lambda"
    edition = Context(plan.kb, plan.requirements).edition(EB_BUS)
    if edition == "custom_bus":
        # the recommendation relies on the Custom Event Bus (FIFO subscribers, retention), which neither this
        # template nor the local simulator has: say so where the project's reader looks first
        ed = plan.kb.editions(EB_BUS)[edition]
        ctx["watch"].insert(0, {"text": f"This reference implementation deploys a Classic bus of rules and targets: "
                                        f"the {ed.name} (AWS::EventsV2) that orders events per EventGroupId and "
                                        "keeps them for replay has no local simulator here, so that order and "
                                        "retention are neither built nor tested by this project",
                                "source": ed.source})
    ctx["target_kind"] = kind
    ctx["retry"] = {"attempts": plan.record("rule.retry_attempts", plan.fact(EB_BUS, "retry.max_attempts")),
                    "max_age": plan.record("rule.retry_max_age_seconds", plan.seconds(EB_BUS, "retry.max_age"))}
    ctx["dlq_retention"] = plan.seconds(SQS_STD, "retention.max").value
    ctx["max_event_bytes"] = plan.record("event.max_bytes", plan.bytes(EB_BUS, "message_size.max"))
    rules = [{"id": "Created", "name": "created", "pattern": {"detail-type": ["item.created"]}},
             {"id": "Large", "name": "large", "pattern": {"detail": {"amount": [{"numeric": [">=", 1000]}]}}}]
    comps: dict[str, Any] = {"producer-app": {"type": "application", "protocols": ["https"]}}
    chans: dict[str, Any] = {"events-bus": {"service": "eventbridge", "variant": "bus", "encryption": "managed",
                                            "targets_dead_letter": "target-dlq"},
                             "target-dlq": {"service": "sqs", "variant": "standard", "encryption": "managed"}}
    flows: list[dict[str, Any]] = [{"from": "producer-app", "to": "events-bus", "protocol": "https"}]
    ctx["local_overrides"] = {}
    if kind == "queue":
        fifo = fifo_wanted(plan, "sqs")
        q = queue_settings(ctx, plan, fifo)
        q["content_dedup"] = fifo
        ctx["queue"] = q
        ctx["local_overrides"] = {f"{r['id']}Queue": {"VisibilityTimeout": LOCAL_VISIBILITY} for r in rules}
        for r in rules:
            chans.update(queue_channels(f"{r['name']}-queue", q))
            comps[f"{r['name']}-fn"] = lambda_component(ctx)
            flows += [{"from": "events-bus", "to": f"{r['name']}-queue", "filter": r["pattern"]},
                      {"from": f"{r['name']}-queue", "to": f"{r['name']}-fn"}]
    elif kind == "lambda":
        ctx["async_retries"] = 2      # design choice: Lambda's own default for asynchronous invocation
        for r in rules:
            comps[f"{r['name']}-fn"] = lambda_component(ctx, batch_size=None, batch_window_seconds=None,
                                                        on_failure="failed-events")
            flows.append({"from": "events-bus", "to": f"{r['name']}-fn", "filter": r["pattern"]})
        chans["failed-events"] = {"service": "sqs", "variant": "standard", "encryption": "managed"}
    else:
        workflow_settings(ctx, plan)
        rules = rules[:1]
        wc, wch = workflow_architecture(ctx)
        comps.update(wc)
        chans.update(wch)
        flows.append({"from": "events-bus", "to": "workflow", "filter": rules[0]["pattern"]})
        flows += [{"from": "workflow", "to": f"{n}-fn"} for n in ("validate", "process", "compensate")]
    for c in comps.values():
        for k in [k for k, v in c.items() if v is None]:
            del c[k]
    ctx["rules"] = rules
    ctx["readme_run"] = []
    ctx["architecture"] = architecture(ctx, comps, chans, flows)


TEMPLATE_SET = TemplateSet("eventbridge", ("eventbridge-routing-to-queues", "eventbridge-event-routing",
                                           "eventbridge-to-workflow"), blueprint,
                           services=(frozenset({"eventbridge"}), frozenset({"eventbridge", "sqs"}),
                                     frozenset({"eventbridge", "step-functions"})),
                           description="EventBridge custom bus with content-based rules to queues, functions or a "
                                       "workflow")
