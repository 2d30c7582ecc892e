"""templates/scaffold/amazon-mq-rabbitmq/: an Amazon MQ for RabbitMQ cluster with pika code: work queue, topic
routing, dead-letter exchange. Its tests run on a local RabbitMQ."""

from __future__ import annotations

from typing import Any

from advisor.knowledge.base import Option
from advisor.scaffold.plan import Figure, Plan
from advisor.scaffold.shared import (
    BROKER_LAYERS,
    TemplateSet,
    architecture,
    broker_context,
    deployment_mode,
    maintenance_window,
)

MQ_RABBIT = Option("mq", "rabbitmq")


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
    mode = deployment_mode(plan, MQ_RABBIT, "cluster-multi-az")
    queue_type = plan.record("broker.default_queue_type", plan.fact(MQ_RABBIT, "default_queue_type"))
    version = "4.2"        # design choice: the current RabbitMQ line on Amazon MQ (quorum queues by default)
    families = plan.kb.fact(MQ_RABBIT, "instance_families")
    instance = "mq.m5.large"
    if families is not None and version in str(families.fact.scope or ""):
        # the knowledge says RabbitMQ 4.x runs only on these families
        instance = f"{families.fact.value[0]}.large"
        plan.record("broker.instance_type", Figure(instance, families.id, families.source,
                                                   f"RabbitMQ {version} needs {families.fact.value[0]}"))
    recommended = plan.record("message.recommended_max_bytes", plan.bytes(MQ_RABBIT, "message_size.recommended"))
    prefix = ctx["project"]
    ctx["mq"] = {"engine": "RABBITMQ", "version": version, "instance": instance,
                 "mode": mode.upper().replace("-", "_"), "queue_type": queue_type,
                 "maintenance": maintenance_window(), "recommended_bytes": recommended,
                 "exchange": f"{prefix}.events", "dlx": f"{prefix}.dead-letter",
                 "work_queue": f"{prefix}.work", "audit_queue": f"{prefix}.audit",
                 "dead_queue": f"{prefix}.dead-letter", "prefetch": 10}
    broker_context(ctx, engine="rabbitmq", engines=["rabbitmq"], apt="rabbitmq-server", client="pika",
                    runtime=["pika>=1.3,<2"], dev=["pika>=1.3,<2"])
    ctx["architecture"] = architecture(
        ctx,
        {"producer-app": {"type": "application", "protocols": ["amqp-0-9-1"]},
         "worker-app": {"type": "container", "protocols": ["amqp-0-9-1"], "idempotent": True},
         "audit-app": {"type": "container", "protocols": ["amqp-0-9-1"], "idempotent": True}},
        {"broker": {"service": "mq", "variant": "rabbitmq", "engine": "rabbitmq", "deployment_mode": mode,
                    "encryption": "managed"}},
        [{"from": "producer-app", "to": "broker", "protocol": "amqp-0-9-1"},
         {"from": "broker", "to": "worker-app", "protocol": "amqp-0-9-1"},
         {"from": "broker", "to": "audit-app", "protocol": "amqp-0-9-1"}])


TEMPLATE_SET = TemplateSet("amazon-mq-rabbitmq", ("amazon-mq-rabbitmq-migration",), blueprint, layers=BROKER_LAYERS,
                           description="Amazon MQ for RabbitMQ cluster with pika code: work queue, topic routing, DLX")
