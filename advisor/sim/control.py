"""Start, stop and inspect the simulator child process (`mqadvise sim up|down|status`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from advisor.errors import InvalidInput, NotFound, UsageError
from advisor.sim.server import STATE_DIR, find_template, free_port, pid_alive, read_state, state_path


def up(project: Path, timeout: float = 60.0, engine: str | None = None) -> dict[str, Any]:
    project = Path(project)
    if engine is not None:      # a broker scaffold's local engine: exit 2 with what to install when missing
        from advisor.sim.engines import require

        engine = require(engine).name
    try:
        find_template(project)
    except FileNotFoundError as exc:
        raise InvalidInput(str(exc), hint="run it in a folder written by `mqadvise scaffold`") from None
    st = read_state(project)
    if st and pid_alive(int(st["pid"])):
        raise UsageError(f"the simulator is already running for {project} (pid {st['pid']}, {st['endpoint']})",
                         hint="`mqadvise sim down` first")
    if st:
        state_path(project).unlink()
    (project / STATE_DIR).mkdir(exist_ok=True)
    port = free_port()
    log = open(project / STATE_DIR / "server.log", "wb")  # noqa: SIM115 - handed to the child
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(project.resolve()), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "advisor.sim.server", str(project.resolve()), str(port),
                             *([engine] if engine else [])],
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    log.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = read_state(project)
        if st and st.get("pid") == proc.pid:
            return st
        if proc.poll() is not None:
            tail = (project / STATE_DIR / "server.log").read_text(errors="replace")[-2000:]
            raise UsageError(f"the simulator exited with status {proc.returncode}:\n{tail}")
        time.sleep(0.1)
    _stop_pid(proc.pid)
    raise UsageError(f"the simulator did not become ready within {timeout:.0f} s")


def down(project: Path) -> dict[str, Any]:
    st = read_state(Path(project))
    if not st:
        raise NotFound(f"no simulator is running for {project}")
    _stop_pid(int(st["pid"]))
    try:
        state_path(Path(project)).unlink()
    except FileNotFoundError:
        pass
    return st


def status(project: Path) -> dict[str, Any] | None:
    st = read_state(Path(project))
    if st is None:
        return None
    st["alive"] = pid_alive(int(st["pid"]))
    return st


def _stop_pid(pid: int, wait: float = 10.0) -> None:
    if not pid_alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done == pid:
                return
        except ChildProcessError:
            if not pid_alive(pid):
                return
        time.sleep(0.1)
    if pid_alive(pid):
        os.kill(pid, signal.SIGKILL)
