"""The IoT Core facade: devices publish MQTT to the gateway, the local rules engine applies the rule's SQL and
performs its actions on moto; IoT Core's limits (from the knowledge graph) are enforced on the wire."""

from __future__ import annotations

import json
import threading
import time
import uuid

import pytest
from engine_helpers import running_engine

from advisor.sim.engines.base import free_port
from advisor.sim.engines.iot import IotCoreFacade, IotLimits, TopicRule, moto_clients

paho = pytest.importorskip("paho.mqtt.client")
pytest.importorskip("moto.server")


@pytest.fixture(scope="module")
def moto_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def amqtt():
    with running_engine("amqtt") as broker:
        yield broker


@pytest.fixture(scope="module")
def limits():
    return IotLimits.from_knowledge()


class Device:
    def __init__(self, host: str, port: int, name: str = "device"):
        self.received: list[tuple[str, bytes, int]] = []
        self.granted: list[int] = []
        self.subacked = threading.Event()
        self.disconnected = threading.Event()
        self.c = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"{name}-{uuid.uuid4().hex[:6]}")
        self.c.on_message = lambda c, u, m: self.received.append((m.topic, bytes(m.payload), m.qos))
        self.c.on_subscribe = self._on_subscribe
        self.c.on_disconnect = lambda *a: self.disconnected.set()
        self.c.connect(host, port, keepalive=10)
        self.c.loop_start()

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        self.granted = [rc.value for rc in reason_codes]
        self.subacked.set()

    def publish(self, topic, payload, qos=1, wait=True):
        info = self.c.publish(topic, payload, qos=qos)
        if wait:
            info.wait_for_publish(5)
            assert info.is_published()
        return info

    def close(self):
        self.c.disconnect()
        self.c.loop_stop()


def _receive_all(sqs, url, want, timeout=5.0):
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        resp = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        for m in resp.get("Messages", []):
            got.append(m["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        if len(got) < want:
            time.sleep(0.05)
    return got


# ----- limits come from the knowledge graph -------------------------------------------------------------------
def test_limits_are_read_from_knowledge(kb, limits):
    from advisor.knowledge.base import Option
    from advisor.knowledge.vocabulary import SIZE_UNITS

    qos = kb.fact(Option("iot-core", None), "mqtt.qos_max")
    size = kb.fact(Option("iot-core", None), "message_size.max")
    assert limits.qos_max == qos.fact.value
    assert limits.max_payload_bytes == round(size.fact.value * SIZE_UNITS[size.fact.unit] * 1024)
    assert (limits.qos_fact, limits.size_fact) == ("iot-core.mqtt.qos_max", "iot-core.message_size.max")


def test_limits_follow_the_figures_not_code():
    from advisor.knowledge.base import FactRef
    from advisor.knowledge.schema import Fact

    class FakeKb:
        def fact(self, option, name):
            assert option.service == "iot-core"
            value, unit = {"mqtt.qos_max": (0, "count"), "message_size.max": (2, "KiB")}[name]
            return FactRef(f"iot-core.{name}", Fact(value=value, unit=unit, source="https://docs.aws.amazon.com/x",
                                                    as_of="2026-11-23"))

    assert IotLimits.from_knowledge(FakeKb()) == IotLimits(0, 2048, "iot-core.mqtt.qos_max",
                                                           "iot-core.message_size.max")


# ----- device -> rule -> SQS ---------------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ["amqtt", "mosquitto"])
def test_device_publish_rule_to_sqs_end_to_end(engine, moto_endpoint, amqtt):
    clients = moto_clients(moto_endpoint)
    sqs = clients("sqs")
    url = sqs.create_queue(QueueName=f"hot-{uuid.uuid4().hex[:6]}")["QueueUrl"]
    rule = {"sql": "SELECT temp, device.id AS id, topic(2) AS thing FROM 'sensors/+/telemetry' "
                   "WHERE temp > 30 AND NOT (status = 'maintenance')",
            "actions": [{"sqs": {"queueUrl": url, "roleArn": "arn:aws:iam::123456789012:role/iot"}}]}

    def scenario(broker):
        with IotCoreFacade(broker, clients, rules={"HotSensors": rule}) as iot:
            dev = Device(*iot.endpoint)
            try:
                dev.publish("sensors/d1/telemetry", json.dumps({"temp": 35, "device": {"id": "D-1"}, "status": "ok"}))
                dev.publish("sensors/d2/telemetry", json.dumps({"temp": 20, "device": {"id": "D-2"}, "status": "ok"}))
                dev.publish("sensors/d3/telemetry", json.dumps({"temp": 50, "status": "maintenance"}))
                dev.publish("sensors/d4/other", json.dumps({"temp": 99}))
                dev.publish("sensors/d5/telemetry", json.dumps({"temp": 31.5, "device": {"id": "D-5"},
                                                                "status": "ok"}), qos=0)
                deliveries = iot.rules.wait_for(2, timeout=10)
            finally:
                dev.close()
            time.sleep(0.3)
            assert [d.ok for d in iot.rules.deliveries] == [True, True], iot.rules.deliveries
            bodies = sorted(_receive_all(sqs, url, 2))
            assert [json.loads(b) for b in bodies] == [{"temp": 31.5, "id": "D-5", "thing": "d5"},
                                                      {"temp": 35, "id": "D-1", "thing": "d1"}]
            assert all(d.action == "sqs" and d.rule == "HotSensors" for d in deliveries)
            assert iot.gateway.rejections == []

    if engine == "amqtt":
        scenario(amqtt)
    else:
        with running_engine("mosquitto") as mosquitto:
            scenario(mosquitto)


def test_all_action_kinds_and_error_action(moto_endpoint, amqtt):
    clients = moto_clients(moto_endpoint)
    sqs, kinesis, s3, firehose, sns = (clients(s) for s in ("sqs", "kinesis", "s3", "firehose", "sns"))
    tag = uuid.uuid4().hex[:6]
    errors_url = sqs.create_queue(QueueName=f"errors-{tag}")["QueueUrl"]
    fanout_url = sqs.create_queue(QueueName=f"fanout-{tag}")["QueueUrl"]
    fanout_arn = sqs.get_queue_attributes(QueueUrl=fanout_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    kinesis.create_stream(StreamName=f"s-{tag}", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=f"s-{tag}", WaiterConfig={"Delay": 0.1})
    s3.create_bucket(Bucket=f"raw-{tag}")
    s3.create_bucket(Bucket=f"fh-{tag}")
    firehose.create_delivery_stream(
        DeliveryStreamName=f"fh-{tag}", DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={"RoleARN": "arn:aws:iam::123456789012:role/fh",
                                            "BucketARN": f"arn:aws:s3:::fh-{tag}"})
    topic_arn = sns.create_topic(Name=f"t-{tag}")["TopicArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=fanout_arn,
                  Attributes={"RawMessageDelivery": "true"})
    rules = {
        "Everything": {"sql": "SELECT *, topic(2) AS thing FROM 'fleet/#'",
                       "actions": [{"kinesis": {"streamName": f"s-{tag}", "partitionKey": "${topic(2)}"}},
                                   {"s3": {"bucketName": f"raw-{tag}", "key": "${topic(2)}/${seq}.json"}},
                                   {"firehose": {"deliveryStreamName": f"fh-{tag}", "separator": "\n"}},
                                   {"sns": {"targetArn": topic_arn, "messageFormat": "RAW"}}]},
        "Broken": {"sql": "SELECT seq FROM 'fleet/+/alarm'",
                   "actions": [{"kinesis": {"streamName": f"no-such-stream-{tag}"}}],
                   "errorAction": {"sqs": {"queueUrl": errors_url}}},
    }
    with IotCoreFacade(amqtt, clients, rules=rules) as iot:
        dev = Device(*iot.endpoint)
        try:
            dev.publish("fleet/truck7/alarm", json.dumps({"seq": 1}))
            iot.rules.wait_for(4 + 2, timeout=10)
        finally:
            dev.close()
        by_kind = {(d.rule, d.action): d for d in iot.rules.deliveries}
    expected = {"thing": "truck7", "seq": 1}
    assert by_kind[("Everything", "kinesis")].ok
    shard = kinesis.list_shards(StreamName=f"s-{tag}")["Shards"][0]["ShardId"]
    it = kinesis.get_shard_iterator(StreamName=f"s-{tag}", ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = kinesis.get_records(ShardIterator=it["ShardIterator"])["Records"]
    assert [(r["PartitionKey"], json.loads(r["Data"])) for r in records] == [("truck7", expected)]
    assert json.loads(s3.get_object(Bucket=f"raw-{tag}", Key="truck7/1.json")["Body"].read()) == expected
    fh_keys = [o["Key"] for o in s3.list_objects_v2(Bucket=f"fh-{tag}").get("Contents", [])]
    assert len(fh_keys) == 1
    delivered = s3.get_object(Bucket=f"fh-{tag}", Key=fh_keys[0])["Body"].read()
    assert delivered.endswith(b"\n") and json.loads(delivered) == expected     # the separator was appended
    assert [json.loads(b) for b in _receive_all(sqs, fanout_url, 1)] == [expected]
    # the failing action ran the errorAction with AWS's error payload shape
    failed = by_kind[("Broken", "kinesis")]
    assert not failed.ok and "ResourceNotFound" in failed.error
    [error_body] = _receive_all(sqs, errors_url, 1)
    error = json.loads(error_body)
    assert error["ruleName"] == "Broken" and error["topic"] == "fleet/truck7/alarm"
    assert error["failures"][0]["failedAction"] == "kinesis"


def test_rules_loaded_from_the_iot_control_plane(moto_endpoint, amqtt):
    clients = moto_clients(moto_endpoint)
    iot_api, sqs = clients("iot"), clients("sqs")
    url = sqs.create_queue(QueueName=f"ctl-{uuid.uuid4().hex[:6]}")["QueueUrl"]
    name = f"FromControlPlane{uuid.uuid4().hex[:6]}"
    iot_api.create_topic_rule(ruleName=name, topicRulePayload={
        "sql": "SELECT v FROM 'ctl/+' WHERE v >= 10", "ruleDisabled": False,
        "actions": [{"sqs": {"queueUrl": url, "roleArn": "arn:aws:iam::123456789012:role/r"}}]})
    iot = IotCoreFacade(amqtt, clients)
    assert name in iot.rules.load_from_iot(iot_api)
    with iot:
        dev = Device(*iot.endpoint)
        try:
            dev.publish("ctl/a", b'{"v": 9}')
            dev.publish("ctl/a", b'{"v": 10}')
            iot.rules.wait_for(1, timeout=10)
        finally:
            dev.close()
    assert [json.loads(b) for b in _receive_all(sqs, url, 1)] == [{"v": 10}]


def test_unsupported_action_is_refused():
    from advisor.errors import InvalidInput

    with pytest.raises(InvalidInput, match="not supported locally"):
        TopicRule.from_payload("r", {"sql": "SELECT * FROM 'a'", "actions": [{"lambda": {"functionArn": "x"}}]})


# ----- IoT Core's limits on the wire --------------------------------------------------------------------------
def test_payload_over_the_knowledge_limit_is_rejected(amqtt, limits):
    with IotCoreFacade(amqtt, moto_clients(None), limits=limits) as iot:
        sub, dev = Device(*iot.endpoint, name="sub"), Device(*iot.endpoint)
        try:
            sub.c.subscribe("big/#", qos=1)
            assert sub.subacked.wait(5)
            dev.publish("big/ok", b"x" * limits.max_payload_bytes)             # exactly at the limit: allowed
            over = dev.publish("big/over", b"y" * (limits.max_payload_bytes + 1), wait=False)
            assert dev.disconnected.wait(5), "the gateway must disconnect a client that exceeds the limit"
            assert not over.is_published()
            time.sleep(0.3)
        finally:
            sub.close()
            dev.close()
    assert [(t, len(p)) for t, p, _ in sub.received] == [("big/ok", limits.max_payload_bytes)]
    [rej] = iot.gateway.rejections
    assert (rej.packet, rej.reason, rej.fact, rej.topic) == ("PUBLISH", "payload-size",
                                                             "iot-core.message_size.max", "big/over")


def test_qos2_publish_is_rejected_without_ack(amqtt, limits):
    assert limits.qos_max < 2
    with IotCoreFacade(amqtt, moto_clients(None), limits=limits) as iot:
        sub, dev = Device(*iot.endpoint, name="sub"), Device(*iot.endpoint)
        try:
            sub.c.subscribe("q/#", qos=1)
            assert sub.subacked.wait(5)
            qos2 = dev.publish("q/two", b"exactly-once?", qos=2, wait=False)
            time.sleep(0.7)
            assert not qos2.is_published()                          # no PUBREC: the broker never took it
            dev.publish("q/one", b"fine", qos=1)                    # the connection still works
            time.sleep(0.3)
        finally:
            sub.close()
            dev.close()
    assert [(t, p) for t, p, _ in sub.received] == [("q/one", b"fine")]
    [rej] = iot.gateway.rejections
    assert (rej.packet, rej.reason, rej.fact) == ("PUBLISH", "qos", "iot-core.mqtt.qos_max")


def test_qos2_subscribe_rejected_or_downgraded(amqtt, limits):
    with IotCoreFacade(amqtt, moto_clients(None), limits=limits) as iot:
        dev = Device(*iot.endpoint)
        try:
            dev.c.subscribe("s/#", qos=2)
            assert not dev.subacked.wait(0.7)                       # rejected: no SUBACK
        finally:
            dev.close()
        assert [r.packet for r in iot.gateway.rejections] == ["SUBSCRIBE"]
    with IotCoreFacade(amqtt, moto_clients(None), limits=limits, subscribe_qos="downgrade") as iot:
        dev, pub = Device(*iot.endpoint), Device(*iot.endpoint, name="pub")
        try:
            dev.c.subscribe("s/#", qos=2)
            assert dev.subacked.wait(5)
            assert dev.granted == [limits.qos_max]
            pub.publish("s/x", b"hi", qos=1)
            deadline = time.monotonic() + 5
            while not dev.received and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            dev.close()
            pub.close()
        assert [(t, p, q) for t, p, q in dev.received] == [("s/x", b"hi", limits.qos_max)]
