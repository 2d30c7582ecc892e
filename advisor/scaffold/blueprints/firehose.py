"""templates/scaffold/firehose/: a producer (or an SNS topic) to Firehose to S3 or OpenSearch, with an error
prefix."""

from __future__ import annotations

from typing import Any

from advisor.knowledge.base import Option
from advisor.scaffold import names
from advisor.scaffold.plan import Plan
from advisor.scaffold.shared import SQS_STD, TemplateSet, architecture, dlq_retention, lambda_component

SNS_STD = Option("sns", "standard")
FIREHOSE = Option("data-firehose", None)


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
    sns = plan.option("sns") is not None
    consumers = set(ctx["consumers"])
    dest = "opensearch" if "opensearch" in consumers and not sns else "s3"
    interval = plan.record("firehose.buffer_interval_seconds", plan.seconds(FIREHOSE, "buffer.interval.default"))
    size = plan.record("firehose.buffer_size_mib", plan.fact(FIREHOSE, "buffer.size.default"))
    max_record = plan.record("firehose.max_record_bytes", plan.bytes(FIREHOSE, "message_size.max"))
    batch_records = plan.record("firehose.batch_max_records", plan.fact(FIREHOSE, "batch.records.max"))
    batch_bytes = plan.record("firehose.batch_max_bytes", plan.bytes(FIREHOSE, "batch.size.max"))
    fh: dict[str, Any] = {"interval": int(interval), "size_mib": int(size), "max_record_bytes": max_record,
                          "batch_records": int(batch_records), "batch_bytes": batch_bytes, "destination": dest,
                          # design choice: a transform shapes log lines into documents for OpenSearch, and
                          # drops records when filtering was asked (Firehose has no declarative filter)
                          "transform": dest == "opensearch" or ctx["filtering"],
                          "prefix": "data/", "error_prefix": "errors/", "backup_prefix": "failed/",
                          "index": names.slug(ctx["project"] + "-logs")[:40]}
    if dest == "opensearch":
        fh["retry_seconds"] = plan.record("firehose.opensearch_retry_seconds",
                                          plan.seconds(FIREHOSE, "delivery_retry.max"))
    ctx["firehose"] = fh
    ctx["sns_archive"] = sns
    ctx["dlq_retention"] = dlq_retention(plan)
    if sns:
        ctx["topic"] = {"max_bytes": plan.record("topic.max_message_bytes",
                                                 plan.bytes(SNS_STD, "message_size.default"))}
        plan.record("topic.queue_policy_required", plan.fact(SQS_STD, "queue_policy_required_for_sns"))
    overrides: dict[str, Any] = {}
    if dest == "opensearch":
        # moto has no OpenSearch: locally the stream writes to the backup bucket's failed-documents path,
        # which is where AWS puts what OpenSearch rejects. The template keeps its OpenSearch destination.
        overrides["DeliveryStream"] = {
            "AmazonopensearchserviceDestinationConfiguration": None,
            "ExtendedS3DestinationConfiguration": {
                "BucketARN": {"Fn::GetAtt": ["BackupBucket", "Arn"]},
                "RoleARN": {"Fn::GetAtt": ["DeliveryRole", "Arn"]},
                "Prefix": fh["backup_prefix"], "ErrorOutputPrefix": fh["error_prefix"]}}
    ctx["local_overrides"] = overrides
    ctx["readme_run"] = []
    comps: dict[str, Any] = {"producer-app": {"type": "application", "protocols": ["https"]}}
    chans: dict[str, Any] = {"delivery-stream": {"service": "data-firehose", "encryption": "managed",
                                                 "max_message_kib": max_record // 1024,
                                                 "buffer_interval_seconds": fh["interval"],
                                                 "buffer_size_mib": fh["size_mib"]}}
    flows: list[dict[str, Any]] = []
    if sns:
        chans["archive-topic"] = {"service": "sns", "variant": "standard", "encryption": "managed"}
        chans["subscription-dlq"] = {"service": "sqs", "variant": "standard", "encryption": "managed",
                                     "retention_days": round(ctx["dlq_retention"] / 86400, 3)}
        flows += [{"from": "producer-app", "to": "archive-topic", "protocol": "https"},
                  {"from": "archive-topic", "to": "delivery-stream", "raw_delivery": True,
                   "dead_letter": "subscription-dlq"}]
    else:
        flows.append({"from": "producer-app", "to": "delivery-stream", "protocol": "https"})
    if fh["transform"]:
        comps["transform-fn"] = {k: v for k, v in lambda_component(ctx).items()
                                 if k not in ("batch_size", "batch_window_seconds")}
        flows.append({"from": "delivery-stream", "to": "transform-fn"})
    comps["backup-bucket" if dest == "opensearch" else "archive-bucket"] = {"type": "s3-bucket"}
    if dest == "opensearch":
        comps["search-domain"] = {"type": "http-endpoint", "protocols": ["https"], "service": "opensearch"}
        flows += [{"from": "delivery-stream", "to": "search-domain"},
                  {"from": "delivery-stream", "to": "backup-bucket"}]
    else:
        flows.append({"from": "delivery-stream", "to": "archive-bucket"})
    ctx["architecture"] = architecture(ctx, comps, chans, flows)


TEMPLATE_SET = TemplateSet("firehose", ("firehose-direct-delivery", "sns-firehose-archive"), blueprint,
                           services=(frozenset({"data-firehose"}), frozenset({"sns", "data-firehose"})),
                           description="Producer (or an SNS topic) to Firehose to S3 or OpenSearch, with an error prefix")
