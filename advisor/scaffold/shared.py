"""What the template sets' blueprints share: the TemplateSet record, queue and workflow settings, the
Lambda component, the broker context and the architecture file's skeleton.

One module per template set lives in ``advisor/scaffold/blueprints/``; each imports this one, and this one
imports none of them (an import-linter contract in pyproject.toml keeps it so). Every AWS figure comes from
the knowledge through ``plan.fact`` and is recorded with its source so the README can cite it; what is a
design choice (not an AWS figure) says so where it is set.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from advisor.knowledge.base import Option
from advisor.scaffold.plan import Figure, Plan

Blueprint = Callable[[dict[str, Any], Any], None]   # (context, Plan inputs) -> adds keys to context


@dataclass(frozen=True)
class TemplateSet:
    name: str                                   # folder under templates/scaffold/
    patterns: tuple[str, ...]                   # pattern ids it scaffolds
    blueprint: Blueprint
    services: tuple[frozenset[str], ...] = ()   # service sets it scaffolds when no pattern id matches
    layers: tuple[str, ...] = ("common",)       # folders rendered underneath, in order
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


SQS_STD, SQS_FIFO = Option("sqs", "standard"), Option("sqs", "fifo")
LOCAL_VISIBILITY = 1     # seconds, tests only: a retry takes a second instead of minutes
BROKER_LAYERS = ("common", "brokers")
GIB = 1024 ** 3
_HOURS = {"seconds": 1 / 3600, "minutes": 1 / 60, "hours": 1, "days": 24}


# ----- queues and functions ------------------------------------------------------------------------
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


def fifo_wanted(plan: Plan, service: str) -> bool:
    opt = plan.option(service)
    return bool(opt and opt.variant == "fifo")


def dlq_retention(plan: Plan) -> int:
    return plan.seconds(SQS_STD, "retention.max").value


# ----- Step Functions workflow (used alone and behind EventBridge, Scheduler and Pipes) ------------
def workflow_settings(ctx: dict[str, Any], plan: Plan) -> dict[str, Any]:
    opt = plan.option("step-functions") or Option("step-functions", "standard")
    express = opt.variant == "express"
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


# ----- brokers (IoT Core, Amazon MQ, MSK): a real local engine runs their data plane ----------------
def broker_context(ctx: dict[str, Any], *, engine: str, engines: list[str], apt: str | None, client: str,
                   runtime: list[str], dev: list[str]) -> dict[str, Any]:
    """What the shared ``brokers`` layer (README, pyproject) needs to know about the local engine."""
    info = {"engine": engine, "engines": engines, "apt": apt, "client": client, "runtime_deps": runtime,
            "dev_deps": dev}
    ctx["broker"] = info
    ctx["local_overrides"] = {}
    ctx["readme_run"] = []
    return info


def deployment_mode(plan: Plan, opt: Option, production: str) -> str:
    """The production deployment mode, if the knowledge lists it for this engine (else the first one listed)."""
    modes = plan.fact(opt, "deployment_modes")
    chosen = production if production in modes.value else str(modes.value[0])
    plan.record("broker.deployment_mode", Figure(chosen.upper().replace("-", "_"), modes.fact, modes.source,
                                                 f"production mode among {', '.join(modes.value)}"))
    return chosen


def maintenance_window() -> dict[str, str]:
    # design choice: a quiet hour for most teams; AWS applies patches inside this weekly window
    return {"day": "SUNDAY", "time": "03:00", "zone": "UTC"}


# ----- figures in other units ---------------------------------------------------------------------
def fact_ref(plan: Plan, opt: Option, name: str) -> tuple[str | None, str | None]:
    """(fact id, source URL) of a fact, for a Figure computed from it."""
    f = plan.fact(opt, name)
    return f.fact, f.source


def gib_bytes(plan: Plan, opt: Option, name: str) -> Figure:
    """A GiB (or GB) fact in bytes."""
    f = plan.fact(opt, name)
    unit = plan.kb.fact(opt, name).fact.unit
    per = {"GiB": GIB, "TiB": 1024 * GIB, "GB": 1000 ** 3, "TB": 1000 ** 4}[unit]
    return Figure(int(float(f.value) * per), f.fact, f.source, f"{f.value} {unit}")


def fact_hours(plan: Plan, opt: Option, name: str) -> Figure:
    f = plan.fact(opt, name)
    unit = plan.kb.fact(opt, name).fact.unit or "hours"
    return Figure(float(f.value) * _HOURS[unit], f.fact, f.source, f"{f.value} {unit}")


def cron_ok(expr: str | None) -> str | None:
    """The schedule expression if EventBridge would accept its shape (cron, rate or at), else None."""
    if expr and re.fullmatch(r"(cron\([0-9A-Za-z*?/,# L-]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|"
                             r"at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\))", expr.strip()):
        return expr.strip()
    return None


# ----- the architecture file ---------------------------------------------------------------------
def architecture(ctx: dict[str, Any], components: dict[str, Any], channels: dict[str, Any],
                 flows: list[dict[str, Any]]) -> dict[str, Any]:
    exp: dict[str, Any] = {"ordering": ctx["ordering"], "region": ctx["region"]}
    if ctx["peak_per_second"] is not None:
        exp["peak_per_second"] = ctx["peak_per_second"]
    if ctx["message_kib"] is not None:
        exp["message_kib"] = ctx["message_kib"]
    return {"version": 1, "kind": "architecture", "name": ctx["project"], "data_classification": "internal",
            "expectations": exp, "components": components, "channels": channels, "flows": flows}
