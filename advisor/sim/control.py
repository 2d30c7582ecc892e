"""Start, stop and inspect the simulator child process (`mqadvise sim up|down|status`).

Safe to run in anyone's repository: a state file is checked before anything is signalled. A file that is not
one we wrote is an "unknown state" (exit 2, nothing signalled); a PID whose start time or command line differs
from the record is someone else's process now (a warning, nothing signalled). The simulator and each engine
lead their own session, so stopping one means stopping that session, after the leader's identity matched.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor.errors import InvalidInput, NotFound, UsageError
from advisor.sim import procs
from advisor.sim.server import STATE_DIR, STATE_FORMAT, STATE_VERSION, find_template, free_port, state_path

STATE_MAX_BYTES = 1 << 20
STOP_TIMEOUT = 30.0          # the simulator stops its engines first (RabbitMQ takes a few seconds)
Progress = Callable[[str], None]


# ----- the state file --------------------------------------------------------------------------------------------
def _unknown(path: Path, why: str) -> InvalidInput:
    return InvalidInput(f"unknown state: {path} {why}; nothing was signalled",
                        hint=f"if a simulator is still running, stop it yourself; then delete {path}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 1 << 31


def _process_problem(rec: Any, where: str) -> str | None:
    if not isinstance(rec, dict):
        return f"{where} is not an object"
    if not _is_int(rec.get("pid")):
        return f"{where}.pid is not a process id"
    if not isinstance(rec.get("start"), (str, int)) or isinstance(rec.get("start"), bool):
        return f"{where}.start (the process start time) is missing"
    argv = rec.get("argv")
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        return f"{where}.argv (the command line) is missing"
    if "sid" in rec and not _is_int(rec["sid"]):
        return f"{where}.sid is not a session id"
    return None


def state_problem(data: Any) -> str | None:
    """Why ``data`` is not a state file this version wrote (None when it is one)."""
    if not isinstance(data, dict):
        return "is not a JSON object"
    if data.get("format") != STATE_FORMAT or data.get("version") != STATE_VERSION:
        return f"is not a version {STATE_VERSION} simulator state file (format/version missing or different)"
    if not _is_int(data.get("pid")) or not _is_int(data.get("port")):
        return "has no valid pid and port"
    if not isinstance(data.get("endpoint"), str):
        return "has no endpoint"
    for key in ("outputs", "env"):
        if not isinstance(data.get(key, {}), dict):
            return f"has a {key!r} that is not an object"
    problem = _process_problem(data.get("process"), "process")
    if problem:
        return f"has no usable identity for the simulator: {problem}"
    if data["process"]["pid"] != data["pid"]:
        return "names two different simulator pids"
    engine = data.get("engine")
    if engine is not None:
        if not isinstance(engine, dict) or not isinstance(engine.get("name"), str):
            return "has an 'engine' that is not an object with a name"
        if not isinstance(engine.get("ports", {}), dict) or not all(_is_int(p) for p in engine.get("ports", {}).values()):
            return "has engine ports that are not port numbers"
        if not isinstance(engine.get("processes", []), list):
            return "has engine processes that are not a list"
        for i, rec in enumerate(engine.get("processes", [])):
            problem = _process_problem(rec, f"engine.processes[{i}]")
            if problem:
                return f"has {problem}"
        if not isinstance(engine.get("workdir"), (str, type(None))):
            return "has an engine workdir that is not a path"
    return None


def load_state(project: Path) -> dict[str, Any] | None:
    """The validated state file, None when there is none; ``InvalidInput`` ("unknown state") when it is not ours."""
    import json

    path = state_path(Path(project))
    if not os.path.lexists(path):
        return None
    try:
        if path.stat().st_size > STATE_MAX_BYTES:
            raise _unknown(path, f"is larger than {STATE_MAX_BYTES} bytes")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _unknown(path, f"cannot be read as JSON ({type(exc).__name__}: {str(exc)[:120]})") from None
    problem = state_problem(data)
    if problem:
        raise _unknown(path, problem)
    return data


SERVER_MODULE = f"{__name__.rsplit('.', 1)[0]}.server"     # advisor.sim.server, or localaws.server in a project


def _simulator_is_ours(st: dict[str, Any], project: Path) -> str | None:
    """None when the recorded simulator runs, is the process recorded, serves this project and leads its
    session; else why not. (A crafted file can then only name a real simulator of this very project.)"""
    rec = st["process"]
    if not procs.pid_alive(rec["pid"]):
        return procs.NOT_RUNNING
    why = procs.mismatch(rec)
    if why:
        return why
    if rec["argv"][1:4] != ["-m", SERVER_MODULE, str(Path(project).resolve())]:
        return f"pid {rec['pid']} is not a simulator serving {project} ({' '.join(rec['argv'])[:80]})"
    now = procs.identity(rec["pid"]) or {}
    if now.get("sid") != rec["pid"]:
        return f"pid {rec['pid']} does not lead its own session as the simulator does"
    return None


def _engine_records(st: dict[str, Any]) -> list[dict[str, Any]]:
    return list((st.get("engine") or {}).get("processes") or [])


def _ports(st: dict[str, Any]) -> list[int]:
    return [st["port"], *((st.get("engine") or {}).get("ports") or {}).values()]


def _clean_up_after(st: dict[str, Any], project: Path, progress: Progress | None) -> list[str]:
    """Reap the recorded engines (identity-checked), wait for the ports, remove the work folder and the file."""
    warnings = []
    if _engine_records(st):
        if progress:
            progress(f"stopping engine {st['engine']['name']}")
        warnings += procs.reap(_engine_records(st), (st.get("engine") or {}).get("workdir"))
    busy = [p for p in _ports(st) if procs.port_open(p)]
    if busy:
        procs.wait_until(lambda: not [p for p in busy if procs.port_open(p)], 5.0)
        still = [p for p in busy if procs.port_open(p)]
        if still:
            warnings.append(f"port(s) {', '.join(map(str, still))} still accept connections (not ours to stop?)")
    procs.remove_workdir((st.get("engine") or {}).get("workdir"))
    with contextlib.suppress(FileNotFoundError):
        state_path(project).unlink()
    return warnings


def _check_template(path: Path) -> None:
    """Read the template here, bounded, before a server is started for it: a file it cannot read is exit 2."""
    from ruamel.yaml.error import YAMLError

    from advisor.sim.cfn import load_template

    try:
        load_template(path)
    except (OSError, UnicodeDecodeError, ValueError, TypeError, YAMLError) as exc:
        raise InvalidInput(f"{path}: cannot simulate this template: {exc}") from None   # (no Location when bundled)


# ----- the commands ----------------------------------------------------------------------------------------------
def up(project: Path, timeout: float = 90.0, engine: str | None = None,
       progress: Progress | None = None) -> dict[str, Any]:
    project = Path(project)
    if engine is not None:      # a broker scaffold's local engine: exit 2 with what to install when missing
        from advisor.sim.engines import require

        engine = require(engine).name
    try:
        template = find_template(project)
    except FileNotFoundError as exc:
        raise InvalidInput(str(exc), hint="run it in a folder written by `mqadvise scaffold`") from None
    _check_template(template)
    st = load_state(project)
    warnings: list[str] = []
    if st:
        why = _simulator_is_ours(st, project)
        if why is None:
            raise UsageError(f"the simulator is already running for {project} (pid {st['pid']}, {st['endpoint']})",
                             hint="`mqadvise sim down` first")
        if progress:
            progress(f"cleaning up after a simulator that did not stop (pid {st['pid']}: {why})")
        warnings += _clean_up_after(st, project, progress)
    (project / STATE_DIR).mkdir(exist_ok=True)
    port = free_port()
    log = open(project / STATE_DIR / "server.log", "wb")  # noqa: SIM115 - handed to the child
    # where this package (`advisor.sim`, or `localaws` bundled in a project's tests/) is imported from
    package_root = Path(__file__).resolve().parents[len(__name__.split(".")) - 1]
    roots = [str(project.resolve())]
    if package_root.name not in ("site-packages", "dist-packages"):   # never put site-packages before the stdlib
        roots.append(str(package_root))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in [*roots, os.environ.get("PYTHONPATH", "")] if p)}
    proc = subprocess.Popen([sys.executable, "-m", SERVER_MODULE, str(project.resolve()), str(port),
                             *([engine] if engine else [])],
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    log.close()
    if progress:
        progress("starting moto and provisioning infra/template.yaml" + (f", then {engine}" if engine else ""))
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            raw = _read_raw(project)
            if raw and raw.get("pid") == proc.pid and state_problem(raw) is None:
                return {**raw, "warnings": warnings}
            if proc.poll() is not None:
                tail = (project / STATE_DIR / "server.log").read_text(errors="replace")[-2000:]
                raise UsageError(f"the simulator exited with status {proc.returncode}:\n{tail}")
            time.sleep(0.1)
        raise UsageError(f"the simulator did not become ready within {timeout:.0f} s",
                         hint=f"see {project / STATE_DIR / 'server.log'}")
    except BaseException:       # timeout, Ctrl-C: do not leave a half-started simulator behind
        if proc.poll() is None:
            procs.stop_session(proc.pid, signal.SIGTERM, STOP_TIMEOUT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        raw = _read_raw(project)
        if raw and raw.get("pid") == proc.pid:
            _clean_up_after(raw, project, None)
        raise


def _read_raw(project: Path) -> dict[str, Any] | None:
    from advisor.sim.server import read_state

    return read_state(project)


def down(project: Path, progress: Progress | None = None) -> dict[str, Any]:
    """Stop the simulator recorded for ``project`` if it is still the same process; reap its engines."""
    project = Path(project)
    st = load_state(project)
    if not st:
        raise NotFound(f"no simulator is running for {project}")
    why = _simulator_is_ours(st, project)
    warnings = []
    stopped = False
    if why is None:
        if progress:
            progress(f"stopping the simulator (pid {st['pid']})")
        stopped = procs.stop_session(st["pid"], signal.SIGTERM, STOP_TIMEOUT)
        if not stopped:
            warnings.append(f"the simulator (pid {st['pid']}) did not stop")
    elif why != procs.NOT_RUNNING:
        warnings.append(f"the recorded simulator is gone: {why}; nothing was signalled")
    warnings += _clean_up_after(st, project, progress)
    return {**st, "stopped": stopped, "warnings": warnings}


def endpoints(st: dict[str, Any]) -> list[tuple[str, str]]:
    """What `sim up` started, as (what, where) pairs: the local ports, never the template's deploy-time values."""
    rows = [("moto (AWS APIs)", st["endpoint"])]
    engine = st.get("engine") or {}
    for proto, port in (engine.get("ports") or {}).items():
        rows.append((f"{engine.get('name')} {proto}", f"127.0.0.1:{port}"))
    return rows


def status_lines(st: dict[str, Any] | None) -> list[str]:
    """`sim status` as text (both command lines print it): running or not, and the local endpoints."""
    if st is None:
        return ["not running"]
    lines = [f"running: pid {st['pid']}" if st["alive"] else f"not running (stale state file: {st['stale']})"]
    return lines + [f"  {what}: {where}" for what, where in endpoints(st)]


def status(project: Path) -> dict[str, Any] | None:
    """The state with "alive" (the recorded simulator still runs) and, when it does not, "stale" (why)."""
    st = load_state(Path(project))
    if st is None:
        return None
    why = _simulator_is_ours(st, Path(project))
    st["alive"] = why is None
    if why:
        st["stale"] = why
    return st
