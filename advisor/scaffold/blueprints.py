"""Blueprints of the AWS-native template sets: settings from the knowledge, and the architecture file."""

from __future__ import annotations

import math
import re
from typing import Any

from advisor.knowledge.base import Option
from advisor.scaffold.plan import Figure, Plan
from advisor.scaffold.registry import TemplateSet, register

SQS_STD, SQS_FIFO = Option("sqs", "standard"), Option("sqs", "fifo")
LOCAL_VISIBILITY = 1     # seconds, tests only: a retry takes a second instead of minutes


# ----- shared pieces --------------------------------------------------------------------------
def queue_settings(ctx: dict[str, Any], plan: Plan, fifo: bool, prefix: str = "queue") -> dict[str, Any]:
    """Visibility, retention, size and redrive of a queue consumed by a Lambda event source mapping."""
    opt = SQS_FIFO if fifo else SQS_STD
    mult = plan.fact(opt, "lambda_visibility_multiplier")
    vis = int(mult.value) * ctx["handler_timeout"] + ctx["batch_window"]
    plan.record(f"{prefix}.visibility_timeout_seconds",
                Figure(vis, mult.fact, mult.source, f"{mult.value} x handler timeout + batch window"))
    rmin, rmax, rdef = (plan.seconds(opt, "retention.min"), plan.seconds(opt, "retention.max"),
                        plan.seconds(opt, "retention.default"))
    want = plan.requirements.constraints.retention_days
    retention = rdef if want is None else Figure(int(min(max(want * 86400, rmin.value), rmax.value)),
                                                 None, None, "retention_days from the requirements")
    plan.record(f"{prefix}.retention_seconds", retention)
    dlq = plan.record(f"{prefix}.dead_letter_retention_seconds", rmax)
    size = plan.record(f"{prefix}.max_message_bytes", plan.bytes(opt, "message_size.max"))
    mrc = plan.record(f"{prefix}.max_receive_count", plan.fact(opt, "lambda_max_receive_count.min"))
    return {"visibility": vis, "retention": retention.value, "dlq_retention": dlq, "max_bytes": size,
            "max_receive_count": int(mrc), "fifo": fifo, "multiplier": int(mult.value)}


def lambda_component(ctx: dict[str, Any], **extra: Any) -> dict[str, Any]:
    comp = {"type": "lambda", "timeout_seconds": ctx["handler_timeout"], "batch_size": ctx["batch_size"],
            "batch_window_seconds": ctx["batch_window"], "idempotent": True, "protocols": ["https"]}
    comp.update(extra)
    return comp


def queue_channels(name: str, q: dict[str, Any], encryption: str = "managed") -> dict[str, Any]:
    variant = "fifo" if q["fifo"] else "standard"
    main = {"service": "sqs", "variant": variant, "encryption": encryption,
            "visibility_timeout_seconds": q["visibility"], "retention_days": round(q["retention"] / 86400, 3),
            "max_message_kib": q["max_bytes"] // 1024, "dead_letter": f"{name}-dlq",
            "max_receive_count": q["max_receive_count"]}
    if q["fifo"]:
        main["content_based_deduplication"] = q.get("content_dedup", False)
    dlq = {"service": "sqs", "variant": variant, "encryption": encryption,
           "retention_days": round(q["dlq_retention"] / 86400, 3)}
    return {name: main, f"{name}-dlq": dlq}


def architecture(ctx: dict[str, Any], components: dict[str, Any], channels: dict[str, Any],
                 flows: list[dict[str, Any]]) -> dict[str, Any]:
    exp: dict[str, Any] = {"ordering": ctx["ordering"], "region": ctx["region"]}
    if ctx["peak_per_second"] is not None:
        exp["peak_per_second"] = ctx["peak_per_second"]
    if ctx["message_kib"] is not None:
        exp["message_kib"] = ctx["message_kib"]
    return {"version": 1, "kind": "architecture", "name": ctx["project"], "data_classification": "internal",
            "expectations": exp, "components": components, "channels": channels, "flows": flows}


def _fifo_wanted(plan: Plan, service: str) -> bool:
    opt = plan.option(service)
    return bool(opt and opt.variant == "fifo")


# ----- SQS worker (standard and FIFO) ----------------------------------------------------------
def sqs_worker(ctx: dict[str, Any], plan: Plan) -> None:
    fifo = _fifo_wanted(plan, "sqs")
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


register(TemplateSet("sqs-worker", ("sqs-worker-dlq", "sqs-fifo-ordering"), sqs_worker,
                     services=(frozenset({"sqs"}),),
                     description="SQS queue (standard or FIFO) with a Lambda worker and a DLQ"))


def _cron_ok(expr: str | None) -> str | None:
    if expr and re.fullmatch(r"(cron\([0-9A-Za-z*?/,# L-]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|"
                             r"at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\))", expr.strip()):
        return expr.strip()
    return None


def _ceil(x: float) -> int:
    return math.ceil(x)


# ----- SNS -> SQS fan-out ---------------------------------------------------------------------
def sns_fanout(ctx: dict[str, Any], plan: Plan) -> None:
    fifo = _fifo_wanted(plan, "sns") or _fifo_wanted(plan, "sqs")
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


register(TemplateSet("sns-fanout", ("sns-sqs-fanout", "sns-fifo-sqs-fifo-fanout"), sns_fanout,
                     services=(frozenset({"sns", "sqs"}),),
                     description="SNS topic fanning out to SQS queues with filter policies, Lambda consumers, DLQs"))


# ----- Step Functions workflow (used alone and behind EventBridge, Scheduler and Pipes) ------------
def workflow_settings(ctx: dict[str, Any], plan: Plan) -> dict[str, Any]:
    opt = plan.option("step-functions") or Option("step-functions", "standard")
    express = opt.variant == "express"
    if express:
        plan.record("workflow.max_duration", plan.fact(opt, "workflow.max_duration"))
    else:
        plan.record("workflow.max_duration", plan.fact(opt, "workflow.max_duration"))
    wf = {"express": express, "type": "EXPRESS" if express else "STANDARD",
          # design choices; Retry intervals run in real time locally, so they are kept short
          "retry_interval": 1, "retry_max_attempts": 2, "retry_backoff": 2,
          "sync": plan.requirements.connection.completion == "sync" and express}
    ctx["workflow"] = wf
    return wf


def workflow_architecture(ctx: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    wf = ctx["workflow"]
    comps = {f"{n}-fn": lambda_component(ctx) for n in ("validate", "process", "compensate")}
    chans = {"workflow": {"service": "step-functions", "variant": "express" if wf["express"] else "standard",
                          "workflow_type": wf["type"], "encryption": "managed"}}
    return comps, chans


def step_functions(ctx: dict[str, Any], plan: Plan) -> None:
    workflow_settings(ctx, plan)
    ctx["local_overrides"] = {}
    ctx["readme_run"] = []
    comps, chans = workflow_architecture(ctx)
    comps["starter-app"] = {"type": "application", "protocols": ["https"]}
    flows = [{"from": "starter-app", "to": "workflow", "protocol": "https"}]
    flows += [{"from": "workflow", "to": f"{n}-fn"} for n in ("validate", "process", "compensate")]
    ctx["architecture"] = architecture(ctx, comps, chans, flows)


register(TemplateSet("step-functions", ("step-functions-orchestration", "step-functions-express"), step_functions,
                     services=(frozenset({"step-functions"}),),
                     description="Step Functions state machine (Standard or Express) with Retry and Catch"))


# ----- Kinesis Data Streams (+ Firehose to S3) ----------------------------------------------------
def kinesis(ctx: dict[str, Any], plan: Plan) -> None:
    opt = plan.option("kinesis-data-streams") or Option("kinesis-data-streams", "on-demand")
    on_demand = opt.variant != "provisioned"
    per_shard = plan.fact(opt, "throughput.per_shard")
    peak = ctx["peak_per_second"] or 0
    shards = max(1, _ceil(peak / float(per_shard.value))) if not on_demand else None
    if shards:
        plan.record("stream.shards", Figure(shards, per_shard.fact, per_shard.source,
                                            f"peak {peak}/s over {per_shard.value} records/s per shard"))
    rmin, rmax = plan.hours(opt, "retention.min"), plan.hours(opt, "retention.max")
    want = plan.requirements.constraints.retention_days
    hours = rmin.value if want is None else int(min(max(want * 24, rmin.value), rmax.value))
    plan.record("stream.retention_hours", rmin if want is None else Figure(hours, None, None,
                                                                          "retention_days from the requirements"))
    firehose = plan.option("data-firehose") is not None
    fh: dict[str, Any] = {}
    if firehose:
        fopt = Option("data-firehose", None)
        fh = {"interval": plan.record("firehose.buffer_interval_seconds", plan.seconds(fopt, "buffer.interval.default")),
              "size_mib": plan.record("firehose.buffer_size_mib", plan.fact(fopt, "buffer.size.default"))}
    ctx["stream_failures_retention"] = plan.seconds(SQS_STD, "retention.max").value
    ctx["stream"] = {"on_demand": on_demand, "shards": shards, "retention_hours": hours,
                     "batch_size": 100, "max_retries": 2, "firehose": firehose, **fh}
    ctx["local_overrides"] = {}
    ctx["readme_run"] = []
    comps: dict[str, Any] = {"producer-app": {"type": "application", "protocols": ["https"]},
                             "consumer-fn": lambda_component(ctx, batch_size=100)}
    chan: dict[str, Any] = {"service": "kinesis-data-streams", "variant": "on-demand" if on_demand else "provisioned",
                            "capacity_mode": "ON_DEMAND" if on_demand else "PROVISIONED",
                            "retention_hours": hours, "encryption": "kms"}
    if shards:
        chan["shards"] = shards
    chans: dict[str, Any] = {"events-stream": chan,
                             "failures-queue": {"service": "sqs", "variant": "standard", "encryption": "managed",
                                                "retention_days": round(ctx["stream_failures_retention"] / 86400, 3)}}
    flows: list[dict[str, Any]] = [{"from": "producer-app", "to": "events-stream", "protocol": "https"},
                                   {"from": "events-stream", "to": "consumer-fn", "on_failure": "failures-queue"}]
    if firehose:
        chans["archive-delivery"] = {"service": "data-firehose", "encryption": "managed"}
        comps["archive-bucket"] = {"type": "s3-bucket"}
        flows += [{"from": "events-stream", "to": "archive-delivery"}, {"from": "archive-delivery", "to": "archive-bucket"}]
    ctx["architecture"] = architecture(ctx, comps, chans, flows)


register(TemplateSet("kinesis", ("kinesis-stream-processing", "kinesis-firehose-delivery"), kinesis,
                     services=(frozenset({"kinesis-data-streams"}), frozenset({"kinesis-data-streams", "data-firehose"})),
                     description="Kinesis data stream with a Lambda consumer, optionally archived to S3 by Firehose"))


# ----- EventBridge bus rules -> queues, Lambda functions or a workflow -----------------------------
EB_BUS = Option("eventbridge", "bus")


def eventbridge(ctx: dict[str, Any], plan: Plan) -> None:
    kind = "queue" if plan.option("sqs") else "workflow" if plan.option("step-functions") else "lambda"
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
        fifo = _fifo_wanted(plan, "sqs")
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


register(TemplateSet("eventbridge", ("eventbridge-routing-to-queues", "eventbridge-event-routing",
                                     "eventbridge-to-workflow"), eventbridge,
                     services=(frozenset({"eventbridge"}), frozenset({"eventbridge", "sqs"}),
                               frozenset({"eventbridge", "step-functions"})),
                     description="EventBridge custom bus with content-based rules to queues, functions or a workflow"))


# ----- EventBridge Scheduler -> function, queue or workflow ------------------------------------------
EB_SCHED = Option("eventbridge", "scheduler")


def scheduler(ctx: dict[str, Any], plan: Plan) -> None:
    kind = "queue" if plan.option("sqs") else "workflow" if plan.option("step-functions") else "lambda"
    ctx["target_kind"] = kind
    expr = _cron_ok(plan.requirements.constraints.schedule)
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


register(TemplateSet("scheduler", ("scheduled-work", "scheduled-workflow", "scheduled-queue"), scheduler,
                     services=(frozenset({"eventbridge"}),),
                     description="EventBridge Scheduler invoking a function, a queue or a workflow with retries and a DLQ"))


# ----- EventBridge Pipes: SQS -> Step Functions ----------------------------------------------------
def pipes(ctx: dict[str, Any], plan: Plan) -> None:
    workflow_settings(ctx, plan)
    q = queue_settings(ctx, plan, _fifo_wanted(plan, "sqs"))
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


register(TemplateSet("pipes", ("pipes-queue-to-workflow",), pipes,
                     services=(frozenset({"sqs", "eventbridge", "step-functions"}),),
                     description="EventBridge pipe from an SQS queue (filtered) to a Step Functions workflow"))


# ----- more template sets (SNS push, Firehose, AppFlow, Storage Gateway, Backup) --------------------
from advisor.scaffold import blueprints_more  # noqa: F401,E402 - registers its sets
