"""What every local engine shares: the ``Engine`` interface, the ``RunningEngine`` handle, and process plumbing.

Every broker binds 127.0.0.1 on a free port, is health-checked before ``start`` returns, and is stopped by PID:
``RunningEngine.stop`` is idempotent and is also called from a context manager's ``__exit__`` and from an
``atexit`` hook, so a failing test or Ctrl-C does not leave a broker behind. Children are started in their own
session (``start_new_session``) so a terminal's Ctrl-C reaches Python, which then stops them in order, instead
of hitting every broker at once with SIGINT (which RabbitMQ's Erlang VM treats as "open the break menu").

Nothing outlives its owner, even one killed with SIGKILL: each child asks Linux to kill it when the owner dies
(``PR_SET_PDEATHSIG``), and a watchdog process (``_watchdog.py``) kills whatever is left in the engine's
sessions (RabbitMQ's Erlang VM is a grandchild) and removes the temporary folder once the owner is gone.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from advisor.sim.procs import (  # noqa: F401 - re-exported: engines and tests import them from here
    LOCALHOST,
    WORKDIR_PREFIX,
    die_with_parent_hook,
    free_port,
    pid_alive,
    port_open,
    record,
    session_members,
    wait_until,
)

PIP_HINT = "pip install 'mqadvise[sim]'"


class EngineError(RuntimeError):
    """An engine could not start, did not become healthy, or failed its health check."""


# ----- ports and processes -----------------------------------------------------------------------------------
def free_ports(count: int, host: str = LOCALHOST) -> list[int]:
    """``count`` distinct free ports (all sockets are held open until every port is picked)."""
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(s)
            s.bind((host, 0))
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for s in socks:
            s.close()


def find_processes(predicate: Callable[[list[str], dict[str, str]], bool]) -> list[int]:
    """PIDs whose (argv, environ) satisfy ``predicate``; processes we may not read are skipped."""
    out: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = [a.decode(errors="replace") for a in (entry / "cmdline").read_bytes().split(b"\0") if a]
            raw = (entry / "environ").read_bytes()
        except OSError:
            continue
        env = dict(item.decode(errors="replace").partition("=")[::2] for item in raw.split(b"\0") if b"=" in item)
        if argv and predicate(argv, env) and pid_alive(int(entry.name)):
            out.append(int(entry.name))
    return out


def terminate_pid(pid: int, sig: int = signal.SIGTERM, timeout: float = 10.0,
                  popen: subprocess.Popen[Any] | None = None) -> None:
    """Send ``sig`` to ``pid``, wait up to ``timeout``, then SIGKILL. Reaps it when it is our child."""
    def gone() -> bool:
        if popen is not None and popen.poll() is not None:
            return True
        return not pid_alive(pid)

    if gone():
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    if not wait_until(gone, timeout):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        wait_until(gone, 5.0)
    if popen is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            popen.wait(timeout=5.0)


# ----- the running-engine registry (atexit) -------------------------------------------------------------------
_RUNNING: list[RunningEngine] = []
_LOCK = threading.Lock()


def _stop_all_at_exit() -> None:
    for running in list(reversed(_RUNNING)):
        with contextlib.suppress(Exception):
            running.stop()


atexit.register(_stop_all_at_exit)


@dataclass
class Child:
    """One process the engine owns, with how to stop it."""

    name: str
    pid: int
    popen: subprocess.Popen[Any] | None = None
    stop_signal: int = signal.SIGTERM
    stop_timeout: float = 15.0
    session: bool = False          # started in its own session: stragglers in that session are killed too


@dataclass
class RunningEngine:
    """A started engine: where it listens, the processes to stop, and the environment clients need."""

    engine: str
    ports: dict[str, int]
    host: str = LOCALHOST
    children: list[Child] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    workdir: Path | None = None
    health: Callable[[RunningEngine, float], None] | None = None
    on_stop: list[Callable[[], None]] = field(default_factory=list)
    _owned_workdir: bool = False
    _stopped: bool = False
    _watchdog: subprocess.Popen[bytes] | None = None

    # -- what callers use --
    @property
    def pids(self) -> list[int]:
        return [c.pid for c in self.children]

    @property
    def pid(self) -> int | None:
        return self.children[0].pid if self.children else None

    @property
    def port(self) -> int:
        """The engine's main port (the first protocol's)."""
        return next(iter(self.ports.values()))

    def url(self, protocol: str | None = None) -> str:
        proto = protocol or next(iter(self.ports))
        return f"{proto}://{self.host}:{self.ports[proto]}"

    def health_check(self, timeout: float = 10.0) -> None:
        """Raise ``EngineError`` unless the engine answers a real protocol request within ``timeout``."""
        if self._stopped:
            raise EngineError(f"{self.engine} is stopped")
        for child in self.children:
            if child.popen is not None and child.popen.poll() is not None:
                raise EngineError(f"{self.engine}: {child.name} (pid {child.pid}) exited with "
                                  f"{child.popen.returncode}{self._log_tail()}")
        if self.health is not None:
            self.health(self, timeout)

    def alive(self) -> list[int]:
        """The engine's PIDs (and session stragglers) that are still running."""
        pids = [c.pid for c in self.children if pid_alive(c.pid)]
        for c in self.children:
            if c.session:
                pids += [p for p in session_members(c.pid) if p not in pids]
        return pids

    def stop(self) -> None:
        """Stop every process by PID (the main process first, helpers like epmd last). Idempotent."""
        with _LOCK:
            if self._stopped:
                return
            self._stopped = True
        try:
            for hook in self.on_stop:
                with contextlib.suppress(Exception):
                    hook()
            for child in self.children:
                terminate_pid(child.pid, child.stop_signal, child.stop_timeout, child.popen)
                if child.session:
                    for straggler in session_members(child.pid):
                        terminate_pid(straggler, signal.SIGKILL, 5.0)
        finally:
            with _LOCK:
                if self in _RUNNING:
                    _RUNNING.remove(self)
            if self._owned_workdir and self.workdir is not None:
                shutil.rmtree(self.workdir, ignore_errors=True)
            self._tell_watchdog("done")
            if self._watchdog is not None:
                with contextlib.suppress(OSError, ValueError):
                    self._watchdog.stdin.close()              # type: ignore[union-attr]
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._watchdog.wait(timeout=5.0)

    @property
    def stopped(self) -> bool:
        return self._stopped

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __eq__(self, other: object) -> bool:   # identity: two handles are never the same engine
        return self is other

    __hash__ = object.__hash__

    def _log_tail(self, lines: int = 20) -> str:
        if self.workdir is None:
            return ""
        logs = sorted(self.workdir.glob("*.log"))
        text = ""
        for log in logs:
            with contextlib.suppress(OSError):
                tail = log.read_text(errors="replace").splitlines()[-lines:]
                text += f"\n--- {log.name} ---\n" + "\n".join(tail)
        return text

    def records(self) -> list[dict[str, Any]]:
        """Every child's identity (pid, start time, command line, session) for a state file to verify later."""
        return [r for r in (record(c.pid, c.name) for c in self.children) if r is not None]

    # -- what engines use --
    def register(self) -> None:
        with _LOCK:
            _RUNNING.append(self)

    def watch(self) -> None:
        """Start the watchdog that cleans up after this handle's owner if it dies without calling ``stop``."""
        import sys

        script = Path(__file__).with_name("_watchdog.py")
        self._watchdog = subprocess.Popen([sys.executable, str(script)], stdin=subprocess.PIPE,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          start_new_session=True)
        if self._owned_workdir and self.workdir is not None:
            self._tell_watchdog(f"dir {self.workdir}")

    def _tell_watchdog(self, line: str) -> None:
        if self._watchdog is not None and self._watchdog.stdin is not None:
            with contextlib.suppress(OSError, ValueError):
                self._watchdog.stdin.write(f"{line}\n".encode())
                self._watchdog.stdin.flush()

    def adopt(self, child: Child) -> None:
        """Own a process the engine did not start itself (it detached into its own session)."""
        self.children.append(child)
        if child.session:
            self._tell_watchdog(f"sid {child.pid}")

    def spawn(self, name: str, argv: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
              stop_signal: int = signal.SIGTERM, stop_timeout: float = 15.0, log: str | None = None) -> Child:
        """Start ``argv`` as a child in its own session, output to ``<workdir>/<log>``, and own it."""
        assert self.workdir is not None
        log_path = self.workdir / (log or f"{name}.log")
        with open(log_path, "ab") as out:
            popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                     env=env, cwd=str(cwd or self.workdir), start_new_session=True,
                                     preexec_fn=die_with_parent_hook())
        child = Child(name, popen.pid, popen, stop_signal, stop_timeout, session=True)
        self.children.append(child)
        self._tell_watchdog(f"sid {popen.pid}")
        return child

    def wait_port(self, port: int, timeout: float, what: str) -> None:
        """Wait until ``port`` accepts connections; fail early if a child exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for child in self.children:
                if child.popen is not None and child.popen.poll() is not None:
                    raise EngineError(f"{self.engine}: {child.name} exited with {child.popen.returncode} "
                                      f"before {what} opened{self._log_tail()}")
            if port_open(port, self.host):
                return
            time.sleep(0.05)
        raise EngineError(f"{self.engine}: {what} (port {port}) did not open within {timeout:.0f} s"
                          f"{self._log_tail()}")


class Engine:
    """A local engine: a broker that stands in for an AWS service's data plane.

    Subclasses set ``name``, ``protocols``, ``stands_in_for`` and implement ``available`` and ``_start``.
    """

    name: str = ""
    protocols: tuple[str, ...] = ()
    stands_in_for: str = ""
    start_timeout: float = 30.0

    def available(self) -> str | None:
        """``None`` when the engine can run here; otherwise exactly what to install."""
        raise NotImplementedError

    def notes(self) -> list[str]:
        """Caveats worth showing next to the engine (e.g. an optional connector that is missing)."""
        return []

    def start(self, workdir: str | Path | None = None, *, timeout: float | None = None) -> RunningEngine:
        """Start the engine on 127.0.0.1 free ports, wait until healthy, and return the handle.

        Raises ``advisor.errors.MissingEngine`` when something must be installed first, ``EngineError`` when it
        does not come up (the processes started so far are stopped before raising).
        """
        hint = self.available()
        if hint is not None:
            from advisor.errors import MissingEngine

            raise MissingEngine(f"engine {self.name!r} is not installed", hint=hint)
        owned = workdir is None
        wd = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{self.name}-")) if owned else Path(workdir)  # type: ignore[arg-type]
        wd.mkdir(parents=True, exist_ok=True)
        running = RunningEngine(engine=self.name, ports={}, workdir=wd, _owned_workdir=owned)
        running.register()
        try:
            running.watch()
            self._start(running, timeout or self.start_timeout)
            running.health_check(timeout or self.start_timeout)
        except BaseException:
            running.stop()
            raise
        return running

    @contextlib.contextmanager
    def running(self, workdir: str | Path | None = None, *, timeout: float | None = None) -> Iterator[RunningEngine]:
        handle = self.start(workdir, timeout=timeout)
        try:
            yield handle
        finally:
            handle.stop()

    def _start(self, running: RunningEngine, timeout: float) -> None:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        hint = self.available()
        return {"name": self.name, "protocols": list(self.protocols), "stands_in_for": self.stands_in_for,
                "available": hint is None, "install": hint, "notes": self.notes()}


def missing_modules(*modules: str) -> list[str]:
    import importlib.util

    return [m for m in modules if importlib.util.find_spec(m) is None]


def clean_env(extra: dict[str, str] | None = None, drop_prefixes: tuple[str, ...] = ()) -> dict[str, str]:
    """The current environment without variables that would redirect an engine, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not any(k.startswith(p) for p in drop_prefixes)}
    env.update(extra or {})
    return env
