"""templates/scaffold/kinesis/: a Kinesis data stream with a Lambda consumer, optionally archived to S3 by Firehose."""

from __future__ import annotations

from typing import Any

from advisor.cost.capacity import shards_needed
from advisor.knowledge.base import Option
from advisor.scaffold.plan import Figure, Plan
from advisor.scaffold.shared import SQS_STD, TemplateSet, architecture, lambda_component


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
    opt = plan.option("kinesis-data-streams") or Option("kinesis-data-streams", "on-demand")
    on_demand = opt.variant != "provisioned"
    per_shard = plan.fact(opt, "throughput.per_shard")
    peak = ctx["peak_per_second"] or 0
    shards = shards_needed(peak, float(per_shard.value)) if not on_demand else None
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


TEMPLATE_SET = TemplateSet("kinesis", ("kinesis-stream-processing", "kinesis-firehose-delivery"), blueprint,
                           services=(frozenset({"kinesis-data-streams"}),
                                     frozenset({"kinesis-data-streams", "data-firehose"})),
                           description="Kinesis data stream with a Lambda consumer, optionally archived to S3 by "
                                       "Firehose")
