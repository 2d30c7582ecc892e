"""templates/scaffold/iot-rule/: devices publishing MQTT (paho) to IoT Core; a topic rule with SQL and actions to
S3, Kinesis, SQS or Firehose, and an error action. Its tests run on a local MQTT broker."""

from __future__ import annotations

from typing import Any

from advisor.cost.capacity import shards_needed
from advisor.knowledge.base import Option
from advisor.scaffold.plan import Figure, Plan
from advisor.scaffold.shared import BROKER_LAYERS, SQS_STD, TemplateSet, architecture, broker_context

IOT = Option("iot-core", None)
IOT_TARGETS = {"iot-rule-direct": "s3", "iot-rule-to-kinesis": "kinesis", "iot-rule-to-sqs": "sqs",
               "iot-rule-to-firehose": "firehose"}


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
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
            shards = shards_needed(peak, float(per_shard.value))
            rule["shards"] = plan.record("stream.shards", Figure(shards, per_shard.fact, per_shard.source,
                                                                 f"peak {peak}/s over {per_shard.value}/s per shard"))
    if target == "firehose":
        fopt = Option("data-firehose", None)
        rule["interval"] = plan.record("firehose.buffer_interval_seconds",
                                       plan.seconds(fopt, "buffer.interval.default"))
        rule["size_mib"] = plan.record("firehose.buffer_size_mib", plan.fact(fopt, "buffer.size.default"))
    ctx["rule"] = rule
    ctx["iot"] = {"qos_max": int(qos), "max_payload_bytes": int(size)}
    broker_context(ctx, engine="amqtt", engines=["amqtt", "mosquitto"], apt="mosquitto", client="paho-mqtt",
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


TEMPLATE_SET = TemplateSet("iot-rule", tuple(IOT_TARGETS), blueprint, layers=BROKER_LAYERS,
                           services=(frozenset({"iot-core"}), frozenset({"iot-core", "sqs"}),
                                     frozenset({"iot-core", "kinesis-data-streams"}),
                                     frozenset({"iot-core", "data-firehose"})),
                           description="Devices publishing MQTT (paho) to IoT Core; a topic rule with SQL, actions to "
                                       "S3, Kinesis, SQS or Firehose, and an error action")
