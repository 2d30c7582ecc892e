"""templates/scaffold/scheduler/: EventBridge Scheduler invoking a function, a queue or a workflow, with retries and
a dead-letter queue."""

from __future__ import annotations

from typing import Any

from advisor.knowledge.base import Option
from advisor.scaffold.plan import Plan
from advisor.scaffold.shared import (
    LOCAL_VISIBILITY,
    SQS_STD,
    TemplateSet,
    architecture,
    cron_ok,
    lambda_component,
    queue_channels,
    queue_settings,
    workflow_architecture,
    workflow_settings,
)

EB_SCHED = Option("eventbridge", "scheduler")


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
    kind = "queue" if plan.option("sqs") else "workflow" if plan.option("step-functions") else "lambda"
    ctx["target_kind"] = kind
    expr = cron_ok(plan.requirements.constraints.schedule)
    ctx["schedule_expression"] = expr or "rate(1 hour)"
    ctx["schedule_note"] = "from the requirements" if expr else "rate(1 hour): no valid schedule in the requirements"
    ctx["retry"] = {"attempts": plan.record("schedule.retry_attempts", plan.fact(EB_SCHED, "retry.max_attempts")),
                    "max_age": plan.record("schedule.retry_max_age_seconds", plan.seconds(EB_SCHED, "retry.max_age"))}
    ctx["dlq_retention"] = plan.seconds(SQS_STD, "retention.max").value
    ctx["local_overrides"] = {}
    ctx["readme_run"] = []
    comps: dict[str, Any] = {"schedule": {"type": "schedule"}}
    chans: dict[str, Any] = {"job-schedule": {"service": "eventbridge", "variant": "scheduler",
                                              "schedule": ctx["schedule_expression"],
                                              "targets_dead_letter": "schedule-dlq"},
                             "schedule-dlq": {"service": "sqs", "variant": "standard", "encryption": "managed"}}
    flows: list[dict[str, Any]] = [{"from": "schedule", "to": "job-schedule"}]
    if kind == "queue":
        q = queue_settings(ctx, plan, False)
        ctx["queue"] = q
        ctx["local_overrides"] = {"WorkQueue": {"VisibilityTimeout": LOCAL_VISIBILITY}}
        chans.update(queue_channels("work-queue", q))
        comps["worker-fn"] = lambda_component(ctx)
        flows += [{"from": "job-schedule", "to": "work-queue"}, {"from": "work-queue", "to": "worker-fn"}]
    elif kind == "lambda":
        ctx["async_retries"] = 2
        comps["job-fn"] = {k: v for k, v in lambda_component(ctx, on_failure="failed-runs").items()
                           if k not in ("batch_size", "batch_window_seconds")}
        chans["failed-runs"] = {"service": "sqs", "variant": "standard", "encryption": "managed"}
        flows.append({"from": "job-schedule", "to": "job-fn"})
    else:
        workflow_settings(ctx, plan)
        wc, wch = workflow_architecture(ctx)
        comps.update(wc)
        chans.update(wch)
        flows.append({"from": "job-schedule", "to": "workflow"})
        flows += [{"from": "workflow", "to": f"{n}-fn"} for n in ("validate", "process", "compensate")]
    ctx["architecture"] = architecture(ctx, comps, chans, flows)


# found by pattern id only: a design of EventBridge alone with an unknown pattern id goes to the `eventbridge` set
TEMPLATE_SET = TemplateSet("scheduler", ("scheduled-work", "scheduled-workflow", "scheduled-queue"), blueprint,
                           description="EventBridge Scheduler invoking a function, a queue or a workflow with retries "
                                       "and a DLQ")
