"""AMQP 0-9-1 engine (Amazon MQ for RabbitMQ): Debian's rabbitmq-server, run as a child process.

The node is isolated in a temporary directory (HOME, Mnesia, logs, an empty plugins file, an empty env file so
``/etc/rabbitmq/rabbitmq-env.conf`` does not apply) and bound to 127.0.0.1: AMQP, Erlang distribution and the
port mapper. The port mapper is our own (``_epmd_server.py``) on a free port (``ERL_EPMD_PORT``): Erlang's epmd
always listens on [::1] too, whatever ``-address``/``ERL_EPMD_ADDRESS`` say, and the VM would otherwise spawn
an ``epmd -daemon`` that outlives the broker. ``stop`` stops beam (via the rabbitmq-server script's PID), then
the port mapper, by PID. Any real epmd on our port that still appeared is found in /proc and stopped as well.
"""

from __future__ import annotations

import glob
import os
import signal
import sys
import time
from pathlib import Path

from advisor.sim.engines.base import (
    LOCALHOST,
    PIP_HINT,
    Child,
    Engine,
    EngineError,
    RunningEngine,
    clean_env,
    find_processes,
    free_ports,
    missing_modules,
)
from advisor.sim.procs import identity

APT_HINT = "apt-get install rabbitmq-server"


def _server_script() -> str | None:
    found = sorted(glob.glob("/usr/lib/rabbitmq/lib/rabbitmq_server-*/sbin/rabbitmq-server"))
    return found[-1] if found else None


def amqp_health(running: RunningEngine, timeout: float) -> None:
    """Declare a server-named queue, publish to it with confirms, and get the message back (pika)."""
    import pika

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            params = pika.ConnectionParameters(host=running.host, port=running.ports["amqp"],
                                               connection_attempts=1, socket_timeout=2, blocked_connection_timeout=5)
            with pika.BlockingConnection(params) as conn:
                ch = conn.channel()
                ch.confirm_delivery()
                q = ch.queue_declare("", exclusive=True).method.queue
                ch.basic_publish("", q, b"ping")
                for _ in range(50):
                    method, _props, body = ch.basic_get(q, auto_ack=True)
                    if method is not None:
                        if body != b"ping":
                            raise EngineError(f"rabbitmq: health message came back as {body!r}")
                        return
                    time.sleep(0.02)
                raise EngineError("rabbitmq: health message was not delivered")
        except (pika.exceptions.AMQPError, OSError) as exc:
            last = exc
            time.sleep(0.2)
    raise EngineError(f"rabbitmq: AMQP round trip failed within {timeout:.0f} s: {last!r}")


class RabbitMQEngine(Engine):
    name = "rabbitmq"
    protocols = ("amqp",)
    stands_in_for = "mq:rabbitmq"
    start_timeout = 60.0

    def available(self) -> str | None:
        if _server_script() is None:
            return APT_HINT
        return PIP_HINT if missing_modules("pika") else None

    def _start(self, running: RunningEngine, timeout: float) -> None:
        wd = running.workdir
        assert wd is not None
        amqp, dist, epmd_port = free_ports(3)
        running.ports.update({"amqp": amqp, "dist": dist, "epmd": epmd_port})
        for sub in ("home", "mnesia", "log"):
            (wd / sub).mkdir(exist_ok=True)
        (wd / "enabled_plugins").write_text("[].\n", encoding="utf-8")
        (wd / "rabbitmq-env.conf").write_text("", encoding="utf-8")
        (wd / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = {LOCALHOST}:{amqp}\n"
            "loopback_users = none\n"
            "log.console = true\nlog.console.level = warning\nlog.file = false\n",
            encoding="utf-8")
        env = clean_env({
            "HOME": str(wd / "home"),
            "RABBITMQ_NODENAME": f"rabbit{amqp}@localhost",
            "RABBITMQ_NODE_IP_ADDRESS": LOCALHOST,
            "RABBITMQ_NODE_PORT": str(amqp),
            "RABBITMQ_DIST_PORT": str(dist),
            "RABBITMQ_MNESIA_BASE": str(wd / "mnesia"),
            "RABBITMQ_LOG_BASE": str(wd / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(wd / "enabled_plugins"),
            "RABBITMQ_CONF_ENV_FILE": str(wd / "rabbitmq-env.conf"),
            "RABBITMQ_CONFIG_FILE": str(wd / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(wd / "advanced.config"),
            "RABBITMQ_PID_FILE": str(wd / "rabbitmq.pid"),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
            "ERL_EPMD_PORT": str(epmd_port),
            "ERL_EPMD_ADDRESS": LOCALHOST,
        }, drop_prefixes=("RABBITMQ_", "ERL_"))
        # inherited RABBITMQ_* / ERL_* variables are dropped so only ours apply
        mapper = Path(__file__).with_name("_epmd_server.py")
        epmd = running.spawn("epmd", [sys.executable, str(mapper), "--host", LOCALHOST, "--port", str(epmd_port)],
                             env=env, stop_timeout=5.0)
        running.wait_port(epmd_port, 10.0, "epmd")
        running.spawn("rabbitmq-server", [_server_script() or "rabbitmq-server"], env=env,
                               stop_timeout=20.0)
        # beam first, epmd last
        running.children.remove(epmd)
        running.children.append(epmd)
        running.on_stop.append(lambda: _adopt_stray_epmd(running, epmd_port))
        running.wait_port(amqp, timeout, "the AMQP listener")
        running.health = amqp_health
        running.env.update({"AMQP_URL": f"amqp://guest:guest@{LOCALHOST}:{amqp}/%2F",
                            "RABBITMQ_HOST": LOCALHOST, "RABBITMQ_PORT": str(amqp)})
        _adopt_stray_epmd(running, epmd_port)


def _adopt_stray_epmd(running: RunningEngine, epmd_port: int) -> None:
    """If an ``epmd -daemon`` for our port appeared anyway (it detaches into its own session), own its PID."""
    def ours(argv: list[str], env: dict[str, str]) -> bool:
        return os.path.basename(argv[0]) == "epmd" and env.get("ERL_EPMD_PORT") == str(epmd_port)

    known = set(running.pids)
    for pid in find_processes(ours):
        if pid not in known:
            leader = (identity(pid) or {}).get("sid") == pid      # `epmd -daemon` calls setsid()
            running.adopt(Child("epmd-daemon", pid, None, signal.SIGTERM, 5.0, session=leader))


def epmd_pids(epmd_port: int) -> list[int]:
    """Every live epmd process serving ``epmd_port`` (used by tests to prove none is left)."""
    def ours(argv: list[str], env: dict[str, str]) -> bool:
        is_epmd = os.path.basename(argv[0]) == "epmd" or any(a.endswith("_epmd_server.py") for a in argv[:2])
        return is_epmd and (env.get("ERL_EPMD_PORT") == str(epmd_port) or str(epmd_port) in argv)

    return find_processes(ours)

