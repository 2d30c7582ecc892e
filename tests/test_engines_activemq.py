"""ActiveMQ (Amazon MQ for ActiveMQ): STOMP queues, topics and client-individual redelivery with stomp.py on a
real broker; its MQTT connector; stopped by PID."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from engine_helpers import assert_stopped, running_engine

from advisor.sim.engines.base import port_open

stomp = pytest.importorskip("stomp")


class Collector(stomp.ConnectionListener):
    def __init__(self):
        self.frames = []
        self.cond = threading.Condition()

    def on_message(self, frame):
        with self.cond:
            self.frames.append(frame)
            self.cond.notify_all()

    def wait(self, n, timeout=5.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.frames) < n and time.monotonic() < deadline:
                self.cond.wait(deadline - time.monotonic())
            return list(self.frames)


def connect(port: int):
    conn = stomp.Connection([("127.0.0.1", port)], heartbeats=(0, 0))
    listener = Collector()
    conn.set_listener("c", listener)
    conn.connect(wait=True, headers={"client-id": f"t-{uuid.uuid4().hex[:6]}"})
    return conn, listener


@pytest.fixture(scope="module")
def activemq():
    with running_engine("activemq") as broker:
        yield broker
    assert_stopped(broker)
    for port in broker.ports.values():
        assert not port_open(port)


def test_queue_delivers_once_with_headers(activemq):
    port = activemq.ports["stomp"]
    q = f"/queue/orders.{uuid.uuid4().hex[:6]}"
    c1, l1 = connect(port)
    c2, l2 = connect(port)
    try:
        c1.subscribe(q, id="1", ack="auto")
        c2.subscribe(q, id="2", ack="auto")
        for i in range(4):
            c1.send(q, f"m{i}", headers={"tenant": "t1"})
        deadline = time.monotonic() + 5
        while len(l1.frames) + len(l2.frames) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)
        bodies = sorted(f.body for f in l1.frames + l2.frames)
        assert bodies == ["m0", "m1", "m2", "m3"]          # each message to exactly one consumer (a queue)
        assert all(f.headers["tenant"] == "t1" for f in l1.frames + l2.frames)
    finally:
        c1.disconnect()
        c2.disconnect()


def test_topic_fans_out_to_every_subscriber(activemq):
    port = activemq.ports["stomp"]
    t = f"/topic/prices.{uuid.uuid4().hex[:6]}"
    c1, l1 = connect(port)
    c2, l2 = connect(port)
    try:
        c1.subscribe(t, id="1", ack="auto", headers={"receipt": "s1"})
        c2.subscribe(t, id="2", ack="auto")
        time.sleep(0.2)
        c1.send(t, "p1")
        assert [f.body for f in l1.wait(1)] == ["p1"]
        assert [f.body for f in l2.wait(1)] == ["p1"]
    finally:
        c1.disconnect()
        c2.disconnect()


def test_client_individual_unacked_message_is_redelivered(activemq):
    port = activemq.ports["stomp"]
    q = f"/queue/work.{uuid.uuid4().hex[:6]}"
    c1, l1 = connect(port)
    c1.send(q, "a")
    c1.send(q, "b")
    c1.subscribe(q, id="1", ack="client-individual", headers={"activemq.prefetchSize": "10"})
    frames = l1.wait(2)
    assert [f.body for f in frames] == ["a", "b"]
    by_body = {f.body: f for f in frames}
    c1.ack(by_body["b"].headers["message-id"], "1")          # ack only "b"
    time.sleep(0.2)
    c1.disconnect()                                           # "a" was never acked

    c2, l2 = connect(port)
    try:
        c2.subscribe(q, id="2", ack="client-individual")
        again = l2.wait(1)
        time.sleep(0.3)
        assert [f.body for f in l2.frames] == ["a"]           # only the unacked one comes back
        assert again[0].headers.get("redelivered") == "true"
        c2.ack(again[0].headers["message-id"], "2")
    finally:
        c2.disconnect()


def test_mqtt_connector_when_jars_installed(activemq):
    from advisor.sim.engines.activemq import mqtt_jars_present
    from advisor.sim.engines.mqtt import mqtt_health

    if not mqtt_jars_present():
        pytest.skip("apt-get install libmqtt-client-java")
    assert "mqtt" in activemq.ports
    mqtt_health(activemq, 10)
