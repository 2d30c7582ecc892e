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
