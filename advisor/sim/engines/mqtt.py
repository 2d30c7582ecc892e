"""MQTT engines (AWS IoT Core's data plane): amqtt (pure Python, the default) and Mosquitto (Debian)."""

from __future__ import annotations

import os
import shutil
import sys
import time
import uuid
from pathlib import Path

from advisor.sim.engines.base import (
    LOCALHOST,
    PIP_HINT,
    Engine,
    EngineError,
    RunningEngine,
    free_port,
    missing_modules,
)


def mqtt_health(running: RunningEngine, timeout: float) -> None:
    """A QoS 1 round trip through the broker with paho-mqtt: subscribe, publish, receive."""
    import threading

    import paho.mqtt.client as mqtt

    topic = f"mqadvise/health/{uuid.uuid4().hex}"
    got = threading.Event()
    subscribed = threading.Event()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"health-{uuid.uuid4().hex[:8]}")
    client.on_message = lambda c, u, m: got.set() if m.topic == topic else None
    client.on_subscribe = lambda *a: subscribed.set()
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            client.connect(running.host, running.ports["mqtt"], keepalive=10)
            break
        except OSError as exc:
            last = exc
            time.sleep(0.1)
    else:
        raise EngineError(f"{running.engine}: MQTT connect failed: {last}")
    client.loop_start()
    try:
        client.subscribe(topic, qos=1)
        if not subscribed.wait(max(0.1, deadline - time.monotonic())):
            raise EngineError(f"{running.engine}: no SUBACK within {timeout:.0f} s")
        client.publish(topic, b"ping", qos=1).wait_for_publish(max(0.1, deadline - time.monotonic()))
        if not got.wait(max(0.1, deadline - time.monotonic())):
            raise EngineError(f"{running.engine}: MQTT round trip did not complete within {timeout:.0f} s")
    finally:
        client.disconnect()
        client.loop_stop()


def _mqtt_env(running: RunningEngine) -> None:
    running.env.update({"MQTT_HOST": running.host, "MQTT_PORT": str(running.ports["mqtt"]),
                        "MQTT_URL": running.url("mqtt")})


class AmqttEngine(Engine):
    """amqtt, a pure-Python MQTT 3.1.1 broker, run as a child Python process."""

    name = "amqtt"
    protocols = ("mqtt",)
    stands_in_for = "iot-core"
    start_timeout = 20.0

    def available(self) -> str | None:
        return PIP_HINT if missing_modules("amqtt", "paho") else None

    def notes(self) -> list[str]:
        return ["delivers a QoS 0 publish to a QoS 1 subscriber at QoS 1 (MQTT says min of the two)"]

    def _start(self, running: RunningEngine, timeout: float) -> None:
        port = free_port()
        running.ports["mqtt"] = port
        # Run by path, not module name, so the engine also works where it is bundled into a project.
        server = Path(__file__).with_name("_amqtt_server.py")
        running.spawn("amqtt", [sys.executable, str(server), "--host", LOCALHOST, "--port", str(port)])
        running.wait_port(port, timeout, "the MQTT listener")
        running.health = mqtt_health
        _mqtt_env(running)


class MosquittoEngine(Engine):
    """Eclipse Mosquitto from Debian's ``mosquitto`` package (best MQTT fidelity)."""

    name = "mosquitto"
    protocols = ("mqtt",)
    stands_in_for = "iot-core"
    start_timeout = 15.0

    @staticmethod
    def binary() -> str | None:
        return shutil.which("mosquitto") or next(
            (p for p in ("/usr/sbin/mosquitto", "/usr/bin/mosquitto") if os.path.exists(p)), None)

    def available(self) -> str | None:
        if self.binary() is None:
            return "apt-get install mosquitto"
        return PIP_HINT if missing_modules("paho") else None

    def _start(self, running: RunningEngine, timeout: float) -> None:
        assert running.workdir is not None
        port = free_port()
        running.ports["mqtt"] = port
        conf = running.workdir / "mosquitto.conf"
        conf.write_text(
            f"listener {port} {LOCALHOST}\n"
            "allow_anonymous true\n"
            "persistence false\n"
            "log_dest stdout\n"
            "log_type error\nlog_type warning\nlog_type notice\n",
            encoding="utf-8",
        )
        running.spawn("mosquitto", [self.binary() or "mosquitto", "-c", str(conf)])
        running.wait_port(port, timeout, "the MQTT listener")
        running.health = mqtt_health
        _mqtt_env(running)
