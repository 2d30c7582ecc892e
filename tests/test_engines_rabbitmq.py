"""RabbitMQ (Amazon MQ for RabbitMQ): pika topic-exchange routing and a dead-letter exchange on a real broker,
stopped by PID together with its epmd."""

from __future__ import annotations

import time

import pytest
from engine_helpers import assert_stopped, running_engine

from advisor.sim.engines.base import pid_alive, port_open

pika = pytest.importorskip("pika")


def _get(ch, queue: str, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        method, props, body = ch.basic_get(queue, auto_ack=False)
        if method is not None:
            return method, props, body
        time.sleep(0.02)
    return None, None, None


def test_rabbitmq_topic_routing_dead_letter_and_stop_with_epmd():
    from advisor.sim.engines.rabbitmq import epmd_pids

    with running_engine("rabbitmq") as broker:
        ports = dict(broker.ports)
        epmd = epmd_pids(ports["epmd"])
        assert epmd, "epmd for the node's port must be running (and owned by the engine)"
        assert set(epmd) <= set(broker.pids)
        conn = pika.BlockingConnection(pika.URLParameters(broker.env["AMQP_URL"]))
        try:
            ch = conn.channel()
            ch.confirm_delivery()
            ch.exchange_declare("orders", exchange_type="topic")
            ch.exchange_declare("orders.dlx", exchange_type="fanout")
            ch.queue_declare("orders.dead")
            ch.queue_bind("orders.dead", "orders.dlx")
            ch.queue_declare("orders.eu", arguments={"x-dead-letter-exchange": "orders.dlx"})
            ch.queue_bind("orders.eu", "orders", routing_key="order.eu.*")

            props = pika.BasicProperties(content_type="application/json", headers={"tenant": "t1"})
            ch.basic_publish("orders", "order.eu.created", b'{"id": 1}', properties=props)
            with pytest.raises(pika.exceptions.UnroutableError):
                ch.basic_publish("orders", "order.us.created", b'{"id": 2}', mandatory=True)

            method, got_props, body = _get(ch, "orders.eu")
            assert body == b'{"id": 1}' and method.routing_key == "order.eu.created"
            assert got_props.content_type == "application/json" and got_props.headers == {"tenant": "t1"}
            assert _get(ch, "orders.eu", timeout=0.3)[0] is None       # order.us.* was not routed here

            ch.basic_nack(method.delivery_tag, requeue=False)           # reject -> dead-letter exchange
            dead_method, dead_props, dead_body = _get(ch, "orders.dead")
            assert dead_body == b'{"id": 1}'
            death = dead_props.headers["x-death"][0]
            assert death["reason"] == "rejected" and death["queue"] == "orders.eu"
            ch.basic_ack(dead_method.delivery_tag)
        finally:
            conn.close()
    assert_stopped(broker)
    assert epmd_pids(ports["epmd"]) == []
    assert not any(pid_alive(p) for p in epmd)
    assert not port_open(ports["amqp"]) and not port_open(ports["epmd"])


def test_the_port_mapper_speaks_epmd_on_127_0_0_1_only():
    """Erlang's epmd listens on [::1] too whatever -address says; ours registers, looks up and lists nodes."""
    import socket
    import struct
    import subprocess
    import sys
    from pathlib import Path

    from engine_helpers import listening_addresses

    import advisor.sim.engines.rabbitmq as rabbitmq_module
    from advisor.sim.engines.base import free_port, wait_until

    port = free_port()
    script = Path(rabbitmq_module.__file__).with_name("_epmd_server.py")
    proc = subprocess.Popen([sys.executable, str(script), "--port", str(port)])
    try:
        assert wait_until(lambda: port_open(port), 10)
        assert listening_addresses([proc.pid]) == [f"127.0.0.1:{port}"]

        def request(payload: bytes, keep: bool = False):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(struct.pack(">H", len(payload)) + payload)
            if keep:
                return s
            data = b""
            while chunk := s.recv(4096):
                data += chunk
            s.close()
            return data

        name = b"rabbit1"
        alive = request(struct.pack(">BHBBHHH", 120, 25672, 77, 0, 6, 5, len(name)) + name + b"\x00\x00", keep=True)
        reply = alive.recv(6)
        assert reply[0] == 118 and reply[1] == 0                      # ALIVE2_X_RESP, ok
        looked_up = request(b"\x7a" + name)                            # PORT_PLEASE2_REQ
        assert looked_up[0] == 119 and looked_up[1] == 0 and struct.unpack(">H", looked_up[2:4])[0] == 25672
        assert b"name rabbit1 at port 25672" in request(b"\x6e")      # NAMES_REQ
        assert request(b"\x7a" + b"nobody") == bytes([119, 1])
        alive.close()                                                  # the node went away: unregistered
        assert wait_until(lambda: request(b"\x7a" + name) == bytes([119, 1]), 5)
        assert request(b"\x6b") == b"OK" and proc.poll() is None       # KILL_REQ is answered, not obeyed
    finally:
        proc.terminate()
        proc.wait(10)
