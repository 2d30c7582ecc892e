"""An AWS IoT Core facade over a local MQTT broker: IoT Core's limits on the wire, and a local rules engine.

* ``IotLimits`` reads IoT Core's limits from the knowledge graph (``iot-core`` facts ``mqtt.qos_max`` and
  ``message_size.max``); no figure is written here.
* ``MqttGateway`` is the "IoT endpoint" devices connect to: a small MQTT-aware TCP proxy on 127.0.0.1 in front of
  the broker (amqtt or Mosquitto, neither of which has IoT Core's limits). It reads each client packet and:

  - drops a PUBLISH with QoS above ``mqtt.qos_max`` without any acknowledgement (the knowledge fact: "when QoS 2
    is requested the broker sends no PUBACK or SUBACK"); the connection stays open;
  - drops a SUBSCRIBE that asks for a QoS above the maximum (no SUBACK), or, with ``subscribe_qos="downgrade"``,
    rewrites it to ask for the maximum;
  - rejects a PUBLISH whose payload is larger than ``message_size.max``: the message is dropped and the client
    disconnected (MQTT 3.1.1 has no negative PUBACK).

  Every refusal is recorded in ``gateway.rejections`` with the knowledge fact it enforces.
* ``RulesEngine`` runs IoT topic rules (``TopicRulePayload`` dicts, or the rules found in moto's IoT control
  plane) against the broker: one MQTT subscriber per rule, the rule's SQL from ``iot_sql``, and the actions
  (SQS, Kinesis, S3, Firehose, SNS, republish) called with boto3 against moto.
* ``IotCoreFacade`` wires the three together around a broker engine.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from advisor.errors import InvalidInput
from advisor.sim.engines import iot_sql
from advisor.sim.engines.base import LOCALHOST, EngineError, RunningEngine

IOT_CORE = "iot-core"
QOS_FACT = "mqtt.qos_max"
SIZE_FACT = "message_size.max"


# ----- limits from the knowledge graph ------------------------------------------------------------------------
@dataclass(frozen=True)
class IotLimits:
    qos_max: int
    max_payload_bytes: int
    qos_fact: str
    size_fact: str

    @classmethod
    def from_knowledge(cls, kb: Any = None) -> IotLimits:
        baked = Path(__file__).resolve().parent.parent / "limits.json"
        if kb is None and baked.is_file():  # bundled into a generated project (advisor/scaffold/vendor.py)
            data = json.loads(baked.read_text(encoding="utf-8"))
            qos, size = data[QOS_FACT], data[SIZE_FACT]
            return cls(int(qos["value"]), int(size["bytes"]), qos["fact"], size["fact"])
        from advisor.knowledge.base import Option
        from advisor.knowledge.vocabulary import SIZE_UNITS

        if kb is None:
            from advisor.api import knowledge

            kb = knowledge()
        option = Option(IOT_CORE, None)
        qos = kb.fact(option, QOS_FACT)
        size = kb.fact(option, SIZE_FACT)
        if qos is None or size is None:
            missing = QOS_FACT if qos is None else SIZE_FACT
            raise EngineError(f"the knowledge graph has no {IOT_CORE} fact {missing!r}")
        unit = size.fact.unit or "bytes"
        if unit not in SIZE_UNITS:
            raise EngineError(f"{size.id}: unit {unit!r} is not a size unit")
        max_bytes = round(float(size.fact.value) * SIZE_UNITS[unit] * 1024)   # SIZE_UNITS is in KiB
        return cls(int(qos.fact.value), max_bytes, qos.id, size.id)


# ----- the MQTT gateway ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rejection:
    client_id: str
    packet: str          # PUBLISH | SUBSCRIBE
    reason: str          # qos | payload-size
    detail: str
    fact: str            # the knowledge fact enforced
    topic: str | None = None


class _ProtocolError(Exception):
    pass


async def _read_packet(reader: asyncio.StreamReader) -> tuple[int, bytes, bytes]:
    """One MQTT control packet: (first byte, raw fixed header, body)."""
    first = await reader.readexactly(1)
    header = bytearray(first)
    length, multiplier = 0, 1
    for _ in range(4):
        byte = (await reader.readexactly(1))[0]
        header.append(byte)
        length += (byte & 0x7F) * multiplier
        if not byte & 0x80:
            break
        multiplier *= 128
    else:
        raise _ProtocolError("malformed remaining length")
    body = await reader.readexactly(length) if length else b""
    return first[0], bytes(header), body


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value, multiplier = 0, 1
    for _ in range(4):
        byte = data[pos]
        pos += 1
        value += (byte & 0x7F) * multiplier
        if not byte & 0x80:
            return value, pos
        multiplier *= 128
    raise _ProtocolError("malformed variable byte integer")


def _string(data: bytes, pos: int) -> tuple[str, int]:
    n = int.from_bytes(data[pos:pos + 2], "big")
    return data[pos + 2:pos + 2 + n].decode("utf-8", errors="replace"), pos + 2 + n


class MqttGateway:
    """An MQTT-aware proxy on 127.0.0.1 that enforces IoT Core's limits in front of ``upstream_port``."""

    def __init__(self, upstream_port: int, limits: IotLimits, *, upstream_host: str = LOCALHOST,
                 subscribe_qos: str = "reject"):
        if subscribe_qos not in ("reject", "downgrade"):
            raise ValueError("subscribe_qos is 'reject' or 'downgrade'")
        self.upstream = (upstream_host, upstream_port)
        self.limits = limits
        self.subscribe_qos = subscribe_qos
        self.host = LOCALHOST
        self.port = 0
        self.rejections: list[Rejection] = []
        self.forwarded = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._lock = threading.Lock()

    # lifecycle
    def start(self, timeout: float = 5.0) -> Self:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(asyncio.start_server(self._client, self.host, 0))
                self.port = int(self._server.sockets[0].getsockname()[1])
            except BaseException as exc:            # noqa: BLE001 - reported to the starting thread
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="mqadvise-iot-gateway", daemon=True)
        self._thread.start()
        if not ready.wait(timeout) or failure:
            raise EngineError(f"IoT gateway did not start: {failure[0] if failure else 'timeout'}")
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or not thread.is_alive():
            return

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.sleep(0)
            loop.stop()

        with contextlib.suppress(RuntimeError):
            asyncio.run_coroutine_threadsafe(shutdown(), loop)
        thread.join(5.0)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # proxying
    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.close()
            return
        state = {"client_id": "?", "level": 4}
        downstream = asyncio.ensure_future(self._pipe(up_reader, writer))
        self._tasks.add(downstream)
        try:
            while True:
                first, header, body = await _read_packet(reader)
                packet = self._inspect(first, header, body, state)
                if packet is None:
                    continue
                if packet is _DISCONNECT:
                    break
                up_writer.write(packet)
                await up_writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, _ProtocolError, IndexError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            downstream.cancel()
            for w in (up_writer, writer):
                with contextlib.suppress(Exception):
                    w.close()
            self._tasks.discard(downstream)
            if task is not None:
                self._tasks.discard(task)

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.CancelledError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(Exception):
            writer.close()

    def _reject(self, rejection: Rejection) -> None:
        with self._lock:
            self.rejections.append(rejection)

    def _inspect(self, first: int, header: bytes, body: bytes, state: dict[str, Any]) -> Any:
        kind = first >> 4
        if kind == 1:                                  # CONNECT
            _name, pos = _string(body, 0)
            state["level"] = body[pos]
            pos += 4                                   # level, flags, keep-alive
            if state["level"] >= 5:
                n, pos = _varint(body, pos)
                pos += n
            state["client_id"], _ = _string(body, pos)
        elif kind == 3:                                # PUBLISH
            qos = (first >> 1) & 0x03
            topic, pos = _string(body, 0)
            if qos:
                pos += 2
            if state["level"] >= 5:
                n, pos = _varint(body, pos)
                pos += n
            payload_size = len(body) - pos
            if qos > self.limits.qos_max:
                self._reject(Rejection(state["client_id"], "PUBLISH", "qos",
                                       f"QoS {qos} > {self.limits.qos_max}: dropped, no acknowledgement",
                                       self.limits.qos_fact, topic))
                return None
            if payload_size > self.limits.max_payload_bytes:
                self._reject(Rejection(state["client_id"], "PUBLISH", "payload-size",
                                       f"payload {payload_size} bytes > {self.limits.max_payload_bytes}: "
                                       "dropped, client disconnected", self.limits.size_fact, topic))
                return _DISCONNECT
            self.forwarded += 1
        elif kind == 8:                                # SUBSCRIBE
            pos = 2
            if state["level"] >= 5:
                n, pos = _varint(body, pos)
                pos += n
            rewritten = bytearray(body)
            too_high: list[str] = []
            while pos < len(body):
                topic, pos = _string(body, pos)
                qos = body[pos] & 0x03
                if qos > self.limits.qos_max:
                    too_high.append(topic)
                    rewritten[pos] = (body[pos] & ~0x03) | self.limits.qos_max
                pos += 1
            if too_high:
                downgrade = self.subscribe_qos == "downgrade"
                self._reject(Rejection(state["client_id"], "SUBSCRIBE", "qos",
                                       (f"QoS above {self.limits.qos_max} downgraded" if downgrade
                                        else f"QoS above {self.limits.qos_max}: dropped, no SUBACK"),
                                       self.limits.qos_fact, ",".join(too_high)))
                if not downgrade:
                    return None
                return header + bytes(rewritten)
        return header + body


_DISCONNECT = object()


# ----- the rules engine ------------------------------------------------------------------------------------------
ACTIONS = ("sqs", "kinesis", "s3", "firehose", "sns", "republish")


@dataclass
class TopicRule:
    name: str
    query: iot_sql.Query
    actions: list[dict[str, Any]]
    error_action: dict[str, Any] | None = None

    @classmethod
    def from_payload(cls, name: str, payload: dict[str, Any]) -> TopicRule:
        """From a ``TopicRulePayload`` (``sql``, ``actions``, optional ``errorAction``) as IoT's API takes it."""
        if "sql" not in payload:
            raise InvalidInput(f"topic rule {name}: no 'sql'")
        actions = list(payload.get("actions") or [])
        for action in actions + ([payload["errorAction"]] if payload.get("errorAction") else []):
            kinds = [k for k in action if k in ACTIONS]
            if len(action) != 1 or not kinds:
                raise InvalidInput(f"topic rule {name}: action {sorted(action)} is not supported locally "
                                   f"(supported: {', '.join(ACTIONS)})")
        return cls(name, iot_sql.parse(payload["sql"]), actions, payload.get("errorAction"))


@dataclass
class Delivery:
    rule: str
    action: str
    topic: str
    ok: bool
    error: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def moto_clients(endpoint_url: str | None, region: str = "us-east-1") -> Callable[[str], Any]:
    """A boto3 client factory for moto: a server at ``endpoint_url``, or in-process ``mock_aws`` when ``None``."""
    import boto3

    def make(service: str) -> Any:
        return boto3.client(service, region_name=region, endpoint_url=endpoint_url,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    return make


class RulesEngine:
    """Runs topic rules against an MQTT broker; actions go to AWS APIs through ``client_factory`` (moto)."""

    def __init__(self, mqtt_host: str, mqtt_port: int, client_factory: Callable[[str], Any]):
        self.mqtt = (mqtt_host, mqtt_port)
        self.client_factory = client_factory
        self.rules: dict[str, TopicRule] = {}
        self.deliveries: list[Delivery] = []
        self.matched = 0
        self._clients: dict[str, Any] = {}
        self._aws: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)

    def add_rule(self, name: str, payload: dict[str, Any] | TopicRule) -> TopicRule:
        rule = payload if isinstance(payload, TopicRule) else TopicRule.from_payload(name, payload)
        self.rules[name] = rule
        if self._clients:                   # already running: subscribe this rule too
            self._subscribe(rule)
        return rule

    def load_from_iot(self, iot_client: Any) -> list[str]:
        """Add every enabled topic rule defined in the IoT control plane (moto's ``create_topic_rule``)."""
        names = []
        for summary in iot_client.list_topic_rules().get("rules", []):
            if summary.get("ruleDisabled"):
                continue
            rule = iot_client.get_topic_rule(ruleName=summary["ruleName"])["rule"]
            payload = {"sql": rule["sql"], "actions": rule.get("actions", [])}
            if rule.get("errorAction"):
                payload["errorAction"] = rule["errorAction"]
            self.add_rule(summary["ruleName"], payload)
            names.append(summary["ruleName"])
        return names

    def start(self, timeout: float = 10.0) -> Self:
        for rule in self.rules.values():
            self._subscribe(rule, timeout)
        return self

    def stop(self) -> None:
        for client in self._clients.values():
            with contextlib.suppress(Exception):
                client.disconnect()
                client.loop_stop()
        self._clients.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Delivery]:
        """Block until at least ``count`` action deliveries happened (or ``timeout``); returns them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.deliveries) < count and time.monotonic() < deadline:
                self._cond.wait(max(0.01, deadline - time.monotonic()))
            return list(self.deliveries)

    def _subscribe(self, rule: TopicRule, timeout: float = 10.0) -> None:
        import paho.mqtt.client as mqtt

        subscribed = threading.Event()
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"iot-rule-{rule.name}-{uuid.uuid4().hex[:6]}")
        client.on_subscribe = lambda *a: subscribed.set()
        client.on_message = lambda c, u, m: self._on_message(rule, m.topic, bytes(m.payload))
        client.connect(*self.mqtt, keepalive=30)
        client.loop_start()
        client.subscribe(rule.query.topic_filter, qos=1)
        self._clients[rule.name] = client
        if not subscribed.wait(timeout):
            raise EngineError(f"rules engine: rule {rule.name} could not subscribe to {rule.query.topic_filter!r}")

    def process(self, rule: TopicRule, topic: str, payload: bytes) -> list[Delivery]:
        """Evaluate ``rule`` on one message and perform its actions (what the subscriber calls)."""
        now_ms = int(time.time() * 1000)
        output = rule.query.evaluate(payload, topic, now_ms=now_ms)
        if output is None:
            return []
        with self._lock:
            self.matched += 1
        body = output if isinstance(output, bytes) else json.dumps(output, separators=(",", ":")).encode()
        results: list[Delivery] = []
        for action in rule.actions:
            delivery = self._perform(rule, action, topic, body, payload, now_ms)
            if not delivery.ok and rule.error_action:
                results.append(delivery)
                delivery = self._perform(rule, rule.error_action, topic,
                                         json.dumps({"ruleName": rule.name, "topic": topic,
                                                     "failures": [{"failedAction": delivery.action,
                                                                   "errorMessage": delivery.error}],
                                                     "base64OriginalPayload":
                                                         base64.b64encode(payload).decode()}).encode(),
                                         payload, now_ms)
            results.append(delivery)
        with self._cond:
            self.deliveries.extend(results)
            self._cond.notify_all()
        return results

    def _on_message(self, rule: TopicRule, topic: str, payload: bytes) -> None:
        try:
            self.process(rule, topic, payload)
        except Exception as exc:                    # noqa: BLE001 - never kill the MQTT thread
            with self._cond:
                self.deliveries.append(Delivery(rule.name, "evaluate", topic, False, repr(exc)))
                self._cond.notify_all()

    def _aws_client(self, rule: str, service: str) -> Any:
        key = (rule, service)
        if key not in self._aws:
            self._aws[key] = self.client_factory(service)
        return self._aws[key]

    def _perform(self, rule: TopicRule, action: dict[str, Any], topic: str, body: bytes, original: bytes,
                 now_ms: int) -> Delivery:
        (kind, params), = action.items()

        def sub(template: str) -> str:
            return iot_sql.substitute(template, original, topic, now_ms=now_ms)

        try:
            detail: dict[str, Any]
            if kind == "sqs":
                text = base64.b64encode(body).decode() if params.get("useBase64") else body.decode("utf-8")
                r = self._aws_client(rule.name, "sqs").send_message(QueueUrl=params["queueUrl"], MessageBody=text)
                detail = {"MessageId": r["MessageId"]}
            elif kind == "kinesis":
                key = sub(params["partitionKey"]) if params.get("partitionKey") else uuid.uuid4().hex
                r = self._aws_client(rule.name, "kinesis").put_record(StreamName=params["streamName"], Data=body,
                                                                      PartitionKey=key)
                detail = {"ShardId": r["ShardId"], "SequenceNumber": r["SequenceNumber"]}
            elif kind == "s3":
                key = sub(params["key"])
                self._aws_client(rule.name, "s3").put_object(Bucket=params["bucketName"], Key=key, Body=body)
                detail = {"Key": key}
            elif kind == "firehose":
                data = body + params.get("separator", "").encode()
                r = self._aws_client(rule.name, "firehose").put_record(
                    DeliveryStreamName=params["deliveryStreamName"], Record={"Data": data})
                detail = {"RecordId": r["RecordId"]}
            elif kind == "sns":
                kwargs: dict[str, Any] = {"TargetArn": params["targetArn"], "Message": body.decode("utf-8")}
                if params.get("messageFormat") == "JSON":
                    kwargs["MessageStructure"] = "json"
                r = self._aws_client(rule.name, "sns").publish(**kwargs)
                detail = {"MessageId": r["MessageId"]}
            elif kind == "republish":
                target = sub(params["topic"])
                qos = int(params.get("qos", 0))
                info = self._clients[rule.name].publish(target, body, qos=qos)
                if qos:
                    info.wait_for_publish(5.0)
                detail = {"topic": target}
            else:                                   # pragma: no cover - TopicRule.from_payload refuses it
                raise InvalidInput(f"unsupported action {kind}")
            return Delivery(rule.name, kind, topic, True, None, detail)
        except Exception as exc:                    # noqa: BLE001 - an action failure is data (errorAction)
            return Delivery(rule.name, kind, topic, False, f"{type(exc).__name__}: {exc}")


# ----- the facade ------------------------------------------------------------------------------------------------
class IotCoreFacade:
    """A broker, IoT Core's limits in front of it, and the rules engine behind it.

    ``endpoint`` (host, port) is where devices connect (the gateway); rules subscribe to the broker itself.
    """

    def __init__(self, broker: RunningEngine, client_factory: Callable[[str], Any], *,
                 rules: dict[str, dict[str, Any]] | None = None, limits: IotLimits | None = None,
                 subscribe_qos: str = "reject"):
        self.broker = broker
        self.limits = limits or IotLimits.from_knowledge()
        self.gateway = MqttGateway(broker.ports["mqtt"], self.limits, subscribe_qos=subscribe_qos)
        self.rules = RulesEngine(broker.host, broker.ports["mqtt"], client_factory)
        for name, payload in (rules or {}).items():
            self.rules.add_rule(name, payload)

    @property
    def endpoint(self) -> tuple[str, int]:
        return self.gateway.host, self.gateway.port

    @property
    def env(self) -> dict[str, str]:
        return {"IOT_ENDPOINT_HOST": self.gateway.host, "IOT_ENDPOINT_PORT": str(self.gateway.port)}

    def start(self) -> Self:
        self.gateway.start()
        try:
            self.rules.start()
        except BaseException:
            self.gateway.stop()
            raise
        return self

    def stop(self) -> None:
        self.rules.stop()
        self.gateway.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
