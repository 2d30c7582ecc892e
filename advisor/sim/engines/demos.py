"""`sim demo` for broker scaffolds: messages through a real local broker, sent and handled by the project's code.

A broker scaffold has no ``producer.demo_send`` (nothing runs on moto); its package talks to the broker itself:
``messaging.py`` (ActiveMQ over STOMP), ``topology.py``/``producer.py``/``worker.py`` (RabbitMQ over AMQP) or
``settings.py``/``producer.py``/``consumer.py`` (MSK over the Kafka protocol). The demo uses the broker that
``sim up --engine`` started for the project when it runs, else starts one for the demo and stops it after.
Failure injection makes that share of handler calls raise; the package decides what happens then (NACK to the
dead-letter queue, reject to the dead-letter exchange, no commit and a re-read).
"""

from __future__ import annotations

import contextlib
import importlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from advisor.errors import InvalidInput
from advisor.sim.runner import environ

# the module that tells the broker kind, and the engine that runs it locally
KINDS = {"messaging": "activemq", "topology": "rabbitmq", "settings": "tansu"}


def broker_package(project: Path) -> tuple[str, str] | None:
    """(package, engine) of a broker scaffold in ``project``, or None."""
    for init in sorted(project.glob("*/__init__.py")):
        for module, engine in KINDS.items():
            if (init.parent / f"{module}.py").is_file():
                return init.parent.name, engine
    return None


class InjectedFailure(RuntimeError):
    """Raised by the demo's handler for the share of messages `--fail-rate` asks for."""


@contextlib.contextmanager
def _broker(project: Path, engine: str) -> Iterator[dict[str, str]]:
    """The environment of the project's running `sim up --engine` broker, or of one started for the demo."""
    from advisor.sim.control import load_state, status

    st = load_state(project)
    if st and status(project)["alive"] and (st.get("engine") or {}).get("name") == engine:
        yield dict(st["env"])
        return
    from advisor.sim.engines import require

    with require(engine).running() as running:
        yield dict(running.env)


def run_broker_demo(project: Path, package: str, engine: str, stats: Any, *, count: int, rate: float,
                    fail_rate: float, settle: float, on_tick: Callable[[Any], None] | None) -> Any:
    import sys

    sys.path.insert(0, str(project))
    lock = threading.Lock()
    calls = [0]

    def handler(count_as: str) -> Callable[..., None]:
        def handle(*_args: Any) -> None:
            with lock:
                calls[0] += 1          # exactly that share fails, spread evenly (the same on every run)
                if int(calls[0] * fail_rate) > int((calls[0] - 1) * fail_rate):
                    stats.failed += 1
                    raise InjectedFailure("failure injected by `sim demo --fail-rate`")
                stats.processed += 1
                row = stats.queues.setdefault(count_as, {"queued": 0, "in_flight": 0, "processed": 0})
                row["processed"] += 1
        return handle

    driver = {"activemq": _activemq, "rabbitmq": _rabbitmq, "tansu": _kafka}[engine]
    local = {"KAFKA_SECURITY": "plaintext"} if engine == "tansu" else {}   # the local engine has no TLS or IAM
    with _broker(project, engine) as env, environ({**env, **local}):
        driver(package, stats, handler, count=count, rate=rate, settle=settle, on_tick=on_tick)
    return stats


def _pace(count: int, rate: float, send: Callable[[int], None], tick: Callable[[], None]) -> None:
    interval = 1.0 / rate if rate > 0 else 0.0
    for n in range(count):
        started = time.monotonic()
        send(n)
        tick()
        time.sleep(max(0.0, interval - (time.monotonic() - started)))


def _until(done: Callable[[], bool], settle: float, tick: Callable[[], None]) -> None:
    deadline = time.monotonic() + settle
    while not done() and time.monotonic() < deadline:
        tick()
        time.sleep(0.1)
    tick()


def _event(n: int) -> dict[str, Any]:
    return {"id": f"demo-{n}", "n": n, "source": "mqadvise sim demo"}


# ----- ActiveMQ (STOMP) ----------------------------------------------------------------------------------------
def _activemq(package: str, stats: Any, handler, *, count: int, rate: float, settle: float, on_tick) -> None:
    messaging = importlib.import_module(f"{package}.messaging")
    queue = messaging.QUEUE
    dead: list[str] = []
    consumer_conn = messaging.connect(f"demo-consumer-{uuid.uuid4().hex[:6]}")
    dlq_conn = messaging.connect(f"demo-dlq-{uuid.uuid4().hex[:6]}")
    producer_conn = messaging.connect(f"demo-producer-{uuid.uuid4().hex[:6]}")
    try:
        messaging.Consumer(consumer_conn, queue, handler(queue))
        messaging.Consumer(dlq_conn, messaging.DEAD_LETTER_QUEUE, lambda event, _h: dead.append(event.get("id")))

        def tick() -> None:
            stats.in_dlq = len(dead)
            stats.queues[messaging.DEAD_LETTER_QUEUE] = {"in_dlq": len(dead)}
            stats.queues.setdefault(queue, {"queued": 0, "in_flight": 0, "processed": 0})
            if on_tick:
                on_tick(stats)

        def send(n: int) -> None:
            messaging.send(producer_conn, queue, _event(n))
            stats.sent += 1

        _pace(count, rate, send, tick)
        _until(lambda: stats.processed + len(dead) >= stats.sent, settle, tick)
    finally:
        for conn in (producer_conn, consumer_conn, dlq_conn):
            with contextlib.suppress(Exception):
                conn.disconnect()


# ----- RabbitMQ (AMQP 0-9-1) -----------------------------------------------------------------------------------
def _routing_key(patterns: list[str]) -> str:
    """A routing key the first binding pattern matches (``order.*.created`` -> ``order.demo.created``)."""
    return patterns[0].replace("*", "demo").replace("#", "demo") if patterns else "demo"


def _rabbitmq(package: str, stats: Any, handler, *, count: int, rate: float, settle: float, on_tick) -> None:
    topology = importlib.import_module(f"{package}.topology")
    producer = importlib.import_module(f"{package}.producer")
    worker = importlib.import_module(f"{package}.worker")
    work = topology.WORK_QUEUE
    pub = topology.connect()
    stop = threading.Event()
    errors: list[BaseException] = []
    try:
        channel = producer.open_channel(pub)
        topology.declare(channel)
        key = _routing_key(topology.BINDINGS.get(work, []))

        def consume() -> None:
            conn = topology.connect()
            try:
                ch = conn.channel()
                while not stop.is_set():
                    worker.run(ch, work, handler(work), idle_seconds=0.5)
            except BaseException as exc:          # noqa: BLE001 - reported by the main thread
                errors.append(exc)
            finally:
                with contextlib.suppress(Exception):
                    conn.close()

        thread = threading.Thread(target=consume, name="sim-demo-worker", daemon=True)
        thread.start()

        def depth(queue: str) -> int:
            return channel.queue_declare(queue, passive=True).method.message_count

        def tick() -> None:
            for queue in topology.BINDINGS:
                row = stats.queues.setdefault(queue, {"queued": 0, "in_flight": 0, "processed": 0})
                row["queued"] = depth(queue)
            stats.in_dlq = depth(topology.DEAD_LETTER_QUEUE)
            stats.queues[topology.DEAD_LETTER_QUEUE] = {"in_dlq": stats.in_dlq}
            stats.queued = sum(r.get("queued", 0) for r in stats.queues.values())
            if on_tick:
                on_tick(stats)

        def send(n: int) -> None:
            producer.publish(channel, key, _event(n))
            stats.sent += 1

        _pace(count, rate, send, tick)
        _until(lambda: bool(errors) or stats.processed + stats.in_dlq >= stats.sent, settle, tick)
        stop.set()
        thread.join(timeout=5)
        if errors:
            raise errors[0]
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            pub.close()


# ----- MSK (Kafka protocol, tansu locally) ---------------------------------------------------------------------
def _kafka(package: str, stats: Any, handler, *, count: int, rate: float, settle: float, on_tick) -> None:
    settings = importlib.import_module(f"{package}.settings")
    admin = importlib.import_module(f"{package}.admin")
    producer_mod = importlib.import_module(f"{package}.producer")
    consumer_mod = importlib.import_module(f"{package}.consumer")
    from advisor.sim.engines.kafka import CONSUMER_DEFAULTS

    topic = settings.TOPIC
    with contextlib.suppress(Exception):       # already there when `sim up` created it, or from an earlier demo
        admin.create_topic(replication=1)      # one local broker
    producer = producer_mod.make_producer()
    consumer = consumer_mod.make_consumer(f"sim-demo-{uuid.uuid4().hex[:6]}", **CONSUMER_DEFAULTS)
    handle = handler(topic)

    def tolerant(*args: Any) -> None:          # Kafka has no dead-letter queue: a failure is logged, and counted
        with contextlib.suppress(InjectedFailure):
            handle(*args)

    try:
        def tick() -> None:
            if on_tick:
                on_tick(stats)

        def send(n: int) -> None:
            producer_mod.send(producer, f"key-{n % 8}", _event(n))
            stats.sent += 1

        _pace(count, rate, send, tick)
        deadline = time.monotonic() + settle
        while stats.processed + stats.failed < stats.sent and time.monotonic() < deadline:
            consumer_mod.process(consumer, tolerant, max_records=stats.sent - stats.processed - stats.failed,
                                 timeout_s=1.0)
            tick()
    finally:
        with contextlib.suppress(Exception):
            consumer.close()
        with contextlib.suppress(Exception):
            producer.close()


def unsupported(project: Path) -> InvalidInput:
    """The error for a folder `sim demo` cannot drive (IoT scaffolds: devices and rules, see their tests)."""
    if any(project.glob("*/device.py")):
        return InvalidInput(f"`sim demo` does not drive IoT scaffolds yet ({project} has devices and topic rules)",
                            hint="`sim up --engine amqtt` starts the MQTT gateway; the project's tests publish "
                                 "as devices and check the rule actions")
    return InvalidInput(f"no package with a producer.py (serverless) or a broker module "
                        f"({', '.join(f'{m}.py' for m in KINDS)}) in {project}",
                        hint="run it on a folder written by `mqadvise scaffold`")
