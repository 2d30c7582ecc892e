"""`mqadvise sim up`: moto served on 127.0.0.1 with a scaffold's template provisioned and its handlers running.

Run as a child process (``python -m advisor.sim.server DIR PORT [ENGINE]``) in its own session. Once it is ready
it writes ``DIR/.mqadvise-sim/state.json``: its pid with its start time and command line (so ``sim down`` can tell
it from a process that got the same PID later), the port, endpoint and stack outputs, and the engine's processes
and work folder. It removes the file on a normal exit; after a crash ``sim down`` and ``sim up`` reap from it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from advisor.sim.procs import free_port, pid_alive, record  # noqa: F401 - re-exported for sim control

STATE_DIR = ".mqadvise-sim"
STATE_FILE = "state.json"
STATE_FORMAT = "mqadvise-sim-state"
STATE_VERSION = 1


def state_path(project: Path) -> Path:
    return Path(project) / STATE_DIR / STATE_FILE


def read_state(project: Path) -> dict[str, Any] | None:
    """The raw state file (None when missing or unreadable); ``advisor.sim.control.load_state`` validates it."""
    path = state_path(project)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def write_state(path: Path, state: dict[str, Any]) -> None:
    """Atomically: ``sim status`` never reads half a file."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(state, indent=2, default=str))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def find_template(project: Path) -> Path:
    for rel in ("infra/template.yaml", "template.yaml", "infra/template.yml"):
        if (project / rel).is_file():
            return project / rel
    raise FileNotFoundError(f"no infra/template.yaml in {project}")


def serve(project: Path, port: int, engine: str | None = None) -> None:
    from moto.server import ThreadedMotoServer

    from advisor.sim.cfn import load_template
    from advisor.sim.moto_env import FAKE_ENV, Provisioner, env_name, lambda_bridge
    from advisor.sim.runner import Runner

    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update(FAKE_ENV)
    os.environ["MOTO_PORT"] = str(port)          # Step Functions tasks call back into this server
    os.environ["AWS_ENDPOINT_URL"] = endpoint   # handlers use the standard variable, as on a laptop
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    broker = facade = None
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        import urllib.request

        req = urllib.request.Request(f"{endpoint}/moto-api/config", method="POST",
                                     data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
                                     headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=10).read()
        import boto3

        clients: dict[str, Any] = {}

        def client(service: str) -> Any:
            if service not in clients:
                clients[service] = boto3.client(service, endpoint_url=endpoint, region_name=FAKE_ENV["AWS_REGION"])
            return clients[service]

        sys.path.insert(0, str(project))
        runner = Runner(client)
        with lambda_bridge(runner):
            prov = Provisioner(client, runner, project.resolve().name)
            outputs = prov.provision(load_template(find_template(project)))
            env = {"AWS_ENDPOINT_URL": endpoint, **{k: FAKE_ENV[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                                                         "AWS_DEFAULT_REGION")}}
            env.update({env_name(k): str(v) for k, v in outputs.items()})
            state = {"format": STATE_FORMAT, "version": STATE_VERSION, "pid": os.getpid(),
                     "process": record(os.getpid(), "simulator"), "project": str(project.resolve()),
                     "port": port, "endpoint": endpoint, "outputs": outputs, "env": env,
                     "started": time.time(), "skipped": prov.skipped}
            if engine:        # a broker scaffold: its local engine, stopped by PID with this process
                from advisor.sim.engines import require

                broker = require(engine).start()
                env.update(broker.env)
                if "mqtt" in broker.ports and client("iot").list_topic_rules().get("rules"):
                    from advisor.sim.engines.iot import IotCoreFacade, moto_clients

                    facade = IotCoreFacade(broker, moto_clients(endpoint))
                    facade.rules.load_from_iot(client("iot"))
                    facade.start()
                    env.update(facade.env)
                state["engine"] = {"name": broker.engine, "ports": broker.ports, "pids": broker.pids,
                                   "processes": broker.records(),
                                   "workdir": str(broker.workdir) if broker.workdir else None}
            write_state(state_path(project), state)
            while not stop.is_set():
                try:
                    runner.poll_once()
                except Exception as exc:  # noqa: BLE001 - keep serving; report it
                    print(f"runner: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
                stop.wait(0.2)
    finally:
        if facade is not None:
            facade.stop()
        if broker is not None:
            broker.stop()
        server.stop()
        try:
            st = read_state(project)
            if st and st.get("pid") == os.getpid():
                state_path(project).unlink()
        except OSError:
            pass


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    serve(Path(args[0]), int(args[1]), args[2] if len(args) > 2 else None)


if __name__ == "__main__":
    main()
