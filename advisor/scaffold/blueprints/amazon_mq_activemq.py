"""templates/scaffold/amazon-mq-activemq/: an Amazon MQ for ActiveMQ active/standby broker with STOMP queues,
topics and a DLQ. Its tests run on a local ActiveMQ."""

from __future__ import annotations

from typing import Any

from advisor.knowledge.base import Option
from advisor.scaffold.plan import Plan
from advisor.scaffold.shared import (
    BROKER_LAYERS,
    TemplateSet,
    architecture,
    broker_context,
    deployment_mode,
    maintenance_window,
)

MQ_ACTIVE = Option("mq", "activemq")


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
    mode = deployment_mode(plan, MQ_ACTIVE, "active-standby-multi-az")
    plan.record("broker.connections_per_protocol", plan.fact(MQ_ACTIVE, "connections.max"))
    plan.record("broker.storage_max_gb", plan.fact(MQ_ACTIVE, "broker_storage.max"))
    prefix = ctx["project"]
    ctx["mq"] = {"engine": "ACTIVEMQ", "version": "5.18",   # design choice: the current ActiveMQ Classic line
                 "instance": "mq.m5.large",                  # design choice: the smallest production size
                 "mode": mode.upper().replace("-", "_"), "maintenance": maintenance_window(),
                 "queue": f"{prefix}.orders", "topic": f"{prefix}.events", "dlq": "ActiveMQ.DLQ",
                 "max_redeliveries": 5}                     # design choice: tries before the DLQ
    broker_context(ctx, engine="activemq", engines=["activemq"], apt="activemq", client="stomp.py",
                    runtime=["stomp.py>=9.0,<10"], dev=["stomp.py>=9.0,<10"])
    ctx["architecture"] = architecture(
        ctx,
        {"order-app": {"type": "application", "protocols": ["stomp", "openwire"]},
         "fulfilment-app": {"type": "container", "protocols": ["stomp", "openwire"], "idempotent": True},
         "billing-app": {"type": "container", "protocols": ["stomp", "openwire"], "idempotent": True},
         "audit-app": {"type": "container", "protocols": ["stomp", "openwire"], "idempotent": True}},
        {"broker": {"service": "mq", "variant": "activemq", "engine": "activemq", "deployment_mode": mode,
                    "encryption": "managed"}},
        [{"from": "order-app", "to": "broker", "protocol": "stomp"},
         {"from": "broker", "to": "fulfilment-app", "protocol": "stomp"},
         {"from": "broker", "to": "billing-app", "protocol": "stomp"},
         {"from": "broker", "to": "audit-app", "protocol": "stomp"}])


TEMPLATE_SET = TemplateSet("amazon-mq-activemq", ("amazon-mq-activemq-migration",), blueprint, layers=BROKER_LAYERS,
                           description="Amazon MQ for ActiveMQ active/standby broker with STOMP queues, topics and DLQ")
