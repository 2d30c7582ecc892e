"""STOMP / OpenWire (+ MQTT) engine (Amazon MQ for ActiveMQ): Debian's ``activemq``, run as a child java process.

The broker reads a generated ``activemq.xml``: non-persistent, no JMX, no web console, every connector on
127.0.0.1 and a free port. Debian's MQTT connector needs three jars from ``libmqtt-client-java`` on the broker's
``lib`` path (without them it fails with ``NoClassDefFoundError: org/fusesource/mqtt/codec/PINGRESP``); when that
package is installed they are linked into the instance's ``lib`` and an MQTT connector is added. The Debian build
has no AMQP 1.0 connector.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid

from advisor.sim.engines.base import (
    LOCALHOST,
    PIP_HINT,
    Engine,
    EngineError,
    RunningEngine,
    free_ports,
    missing_modules,
)

HOME = "/usr/share/activemq"
JAR = f"{HOME}/bin/activemq.jar"
MQTT_JARS = ("mqtt-client.jar", "hawtdispatch.jar", "hawtdispatch-transport.jar")
JAVA_SHARE = "/usr/share/java"

_CONFIG = """<beans xmlns="http://www.springframework.org/schema/beans"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd
  http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="mqadvise-{token}" persistent="false"
          useJmx="false" schedulerSupport="false" advisorySupport="true" dataDirectory="{data}">
    <systemUsage>
      <systemUsage>
        <memoryUsage><memoryUsage limit="64 mb"/></memoryUsage>
        <tempUsage><tempUsage limit="256 mb"/></tempUsage>
      </systemUsage>
    </systemUsage>
    <transportConnectors>
{connectors}
    </transportConnectors>
  </broker>
</beans>
"""

_LOG4J = """rootLogger.level=WARN
rootLogger.appenderRef.console.ref=Console
appender.console.type=Console
appender.console.name=Console
appender.console.layout.type=PatternLayout
appender.console.layout.pattern=%d %5p | %m%n
"""


def mqtt_jars_present() -> bool:
    return all(os.path.exists(os.path.join(JAVA_SHARE, j)) for j in MQTT_JARS)


class _Collect:
    """A stomp.py listener that appends message bodies to a list."""

    def __init__(self, into: list[str]):
        self.into = into

    def on_message(self, frame: object) -> None:
        self.into.append(getattr(frame, "body", ""))


def stomp_health(running: RunningEngine, timeout: float) -> None:
    """Send a message to a fresh queue over STOMP and receive it back (stomp.py)."""
    import stomp

    dest = f"/queue/mqadvise.health.{uuid.uuid4().hex}"
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        conn = stomp.Connection([(running.host, running.ports["stomp"])], heartbeats=(0, 0))
        listener = stomp.listener.WaitingListener("ready")
        received: list[str] = []
        conn.set_listener("got", _Collect(received))
        conn.set_listener("wait", listener)
        try:
            conn.connect(wait=True, with_connect_command=True)
            conn.subscribe(dest, id="health", ack="auto")
            conn.send(dest, "ping", headers={"receipt": "ready"})
            listener.wait_on_receipt()
            end = min(deadline, time.monotonic() + 5)
            while not received and time.monotonic() < end:
                time.sleep(0.02)
            if received == ["ping"]:
                return
            last = EngineError(f"activemq: STOMP health message not received (got {received!r})")
        except Exception as exc:                # noqa: BLE001 - stomp.py raises many kinds while starting
            last = exc
        finally:
            if conn.is_connected():
                conn.disconnect()
        time.sleep(0.2)
    raise EngineError(f"activemq: STOMP round trip failed within {timeout:.0f} s: {last!r}")


class ActiveMQEngine(Engine):
    name = "activemq"
    protocols = ("stomp", "openwire", "mqtt")
    stands_in_for = "mq:activemq"
    start_timeout = 60.0

    def available(self) -> str | None:
        if not os.path.exists(JAR):
            return "apt-get install activemq"
        if shutil.which("java") is None:
            return "apt-get install default-jre-headless"
        return PIP_HINT if missing_modules("stomp") else None

    def notes(self) -> list[str]:
        notes = ["no AMQP 1.0 connector in the Debian build"]
        if not mqtt_jars_present():
            notes.append("MQTT connector disabled: apt-get install libmqtt-client-java")
        return notes

    def _start(self, running: RunningEngine, timeout: float) -> None:
        base = running.workdir
        assert base is not None
        for sub in ("conf", "data", "tmp", "lib"):
            (base / sub).mkdir(exist_ok=True)
        with_mqtt = mqtt_jars_present()
        picked = free_ports(3 if with_mqtt else 2)
        ports = {"openwire": picked[0], "stomp": picked[1]}
        if with_mqtt:
            ports["mqtt"] = picked[2]
            for jar in MQTT_JARS:
                link = base / "lib" / jar
                if not link.exists():
                    link.symlink_to(os.path.join(JAVA_SHARE, jar))
        running.ports.update({"stomp": ports["stomp"], "openwire": ports["openwire"],
                              **({"mqtt": ports["mqtt"]} if with_mqtt else {})})
        uris = {"openwire": "tcp", "stomp": "stomp", "mqtt": "mqtt"}
        connectors = "\n".join(
            f'      <transportConnector name="{name}" uri="{uris[name]}://{LOCALHOST}:{port}'
            f'?maximumConnections=1000&amp;wireFormat.maxFrameSize=104857600"/>'
            for name, port in running.ports.items())
        (base / "conf" / "activemq.xml").write_text(
            _CONFIG.format(token=uuid.uuid4().hex[:8], data=base / "data", connectors=connectors), encoding="utf-8")
        (base / "conf" / "log4j2.properties").write_text(_LOG4J, encoding="utf-8")
        argv = [shutil.which("java") or "java", "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
                "-Djava.awt.headless=true",
                f"-Dactivemq.home={HOME}", f"-Dactivemq.base={base}", f"-Dactivemq.conf={base / 'conf'}",
                f"-Dactivemq.data={base / 'data'}", f"-Djava.io.tmpdir={base / 'tmp'}",
                f"-Dlog4j2.configurationFile={base / 'conf' / 'log4j2.properties'}",
                "-jar", JAR, "start", f"xbean:file:{base / 'conf' / 'activemq.xml'}"]
        running.spawn("activemq", argv, stop_timeout=15.0)
        running.wait_port(running.ports["stomp"], timeout, "the STOMP connector")
        running.health = stomp_health
        running.env.update({"STOMP_HOST": LOCALHOST, "STOMP_PORT": str(running.ports["stomp"]),
                            "OPENWIRE_URL": f"tcp://{LOCALHOST}:{running.ports['openwire']}"})
        if with_mqtt:
            running.env.update({"MQTT_HOST": LOCALHOST, "MQTT_PORT": str(running.ports["mqtt"])})
