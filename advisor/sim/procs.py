"""Processes the simulator owns, and how to be sure a PID still names one of them before signalling it.

A PID alone is not an identity: after a reboot or a long uptime the number is reused, and a state file can be
crafted. So every process the simulator records is stored with its start time (clock ticks since boot, from
``/proc/PID/stat``; ``ps -o lstart`` where there is no /proc) and its command line, and nothing is signalled
unless both still match. The simulator and every engine run as leaders of their own session, so what is
signalled is a whole session, found by its id, never a bare PID that could be someone else's.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor.pids import PROC, pid_alive, stat_fields

LOCALHOST = "127.0.0.1"


def free_port(host: str = LOCALHOST) -> int:
    """A TCP port on ``host`` that nothing listens on right now (the OS picks it)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_open(port: int, host: str = LOCALHOST, timeout: float = 0.2) -> bool:
    import socket

    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def identity(pid: int) -> dict[str, Any] | None:
    """{"pid", "start", "argv", "pgid", "sid"} of a live process, or None when there is no such process."""
    if not pid_alive(pid):
        return None
    if PROC.is_dir():
        fields = stat_fields(pid)
        try:
            raw = (PROC / str(pid) / "cmdline").read_bytes()
        except OSError:
            return None
        if fields is None or len(fields) < 20 or not raw:
            return None      # no command line: a process in the middle of exiting (or a kernel thread)
        argv = [a.decode(errors="replace") for a in raw.split(b"\0") if a]
        return {"pid": pid, "start": fields[19], "argv": argv, "pgid": int(fields[2]), "sid": int(fields[3])}
    try:                                     # macOS and other systems without /proc
        out = subprocess.run(["ps", "-p", str(pid), "-o", "pgid=", "-o", "sess=", "-o", "lstart=", "-o", "command="],
                             capture_output=True, text=True, timeout=5, check=False).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 8:
        return None
    return {"pid": pid, "pgid": int(out[0]), "sid": int(out[1]), "start": " ".join(out[2:7]), "argv": out[7:]}


NOT_RUNNING = "it is not running"


def mismatch(record: dict[str, Any]) -> str | None:
    """Why the live process with ``record["pid"]`` is not the one recorded (None when it is)."""
    now = identity(record["pid"])
    if now is None:
        return NOT_RUNNING
    if str(now["start"]) != str(record.get("start")):
        return f"pid {record['pid']} is another process now (started at a different time: {' '.join(now['argv'])[:80]})"
    if list(now["argv"]) != list(record.get("argv") or []):
        return f"pid {record['pid']} runs another command now ({' '.join(now['argv'])[:80]})"
    return None


def session_members(sid: int) -> list[int]:
    """Live processes whose session id is ``sid``; the kernel does not reuse a session's id while any member lives."""
    if not PROC.is_dir():
        return [sid] if pid_alive(sid) else []
    out: list[int] = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        fields = stat_fields(int(entry.name))
        if fields is not None and len(fields) > 3 and int(fields[3]) == sid and fields[0] not in ("Z", "X"):
            out.append(int(entry.name))
    return out


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def stop_session(sid: int, sig: int = signal.SIGTERM, timeout: float = 10.0) -> bool:
    """Signal every member of session ``sid``, SIGKILL what is left after ``timeout``; True when none is left.

    Callers check the session leader's identity first (``mismatch``); members of a session whose leader is gone
    are still ours, because a session id stays taken while any member lives.
    """
    def kill_all(s: int) -> None:
        for pid in session_members(sid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, s)

    kill_all(sig)
    if wait_until(lambda: not session_members(sid), timeout):
        return True
    kill_all(signal.SIGKILL)
    return wait_until(lambda: not session_members(sid), 5.0)


def die_with_parent_hook() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes Linux SIGKILL the child when its parent thread ends (PR_SET_PDEATHSIG).

    Only from the main thread: the signal follows the thread that forked, and a helper thread may end long
    before the engine should. Prepared here in the parent, so the child only makes one system call.
    Elsewhere (not Linux, not the main thread) ``None``: the engine's watchdog still cleans up.
    """
    import sys
    import threading

    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    kill = int(signal.SIGKILL)

    def hook() -> None:
        prctl(1, kill, 0, 0, 0)                           # 1 = PR_SET_PDEATHSIG

    return hook


# ----- what a state file records, and reaping it after a crash ------------------------------------------------
WORKDIR_PREFIX = "mqadvise-"


def record(pid: int, name: str = "") -> dict[str, Any] | None:
    """What the state file keeps about a process: enough to recognise it later (see ``mismatch``)."""
    now = identity(pid)
    if now is None:
        return None
    return {"name": name, "pid": pid, "start": now["start"], "argv": now["argv"], "sid": now["sid"]}


def uses_folder(pid: int, folder: str) -> bool:
    """True when the process works in ``folder`` or names it in its command line or environment.

    Every engine process runs in (or is configured with) its own temporary folder, so this tells an engine of
    ours from an unrelated process even when a state file was crafted to name the latter.
    """
    base = str(Path(folder))
    try:
        cwd = os.readlink(f"/proc/{pid}/cwd")
        if cwd == base or cwd.startswith(base + os.sep):
            return True
        blob = (PROC / str(pid) / "cmdline").read_bytes() + b"\0" + (PROC / str(pid) / "environ").read_bytes()
    except OSError:
        return False
    return base.encode() in blob


def looks_like_workdir(path: str | None) -> bool:
    """An engine work folder we create: directly in the temp dir, named with our prefix, not a link."""
    import tempfile

    if not path:
        return False
    p = Path(path)
    return (p.is_absolute() and not p.is_symlink() and p.name.startswith(WORKDIR_PREFIX)
            and p.parent.resolve() == Path(tempfile.gettempdir()).resolve())


def reap(records: list[dict[str, Any]], workdir: str | None, timeout: float = 10.0) -> list[str]:
    """Stop what is left of recorded engine sessions; returns a warning for everything left alone.

    A process is signalled only when its session leader is the recorded one (or is gone: a session id stays
    taken while any member lives) and the process itself uses the engine's work folder.
    """
    if not records:
        return []
    if not looks_like_workdir(workdir):
        return [f"engine processes {', '.join(str(r['pid']) for r in records)}: the recorded work folder "
                f"{workdir!r} is not one of ours; not signalled"]
    warnings = []
    for rec in records:
        pid = rec["pid"]
        why = mismatch(rec)
        if why == NOT_RUNNING:
            why = None      # gone, or going, since it was recorded: only the rest of its session is left
        if why is not None:
            warnings.append(f"{rec.get('name') or 'process'} {pid}: {why}; not signalled")
            continue
        members = session_members(pid) if rec.get("sid") == pid else [pid] if pid_alive(pid) else []
        ours = [m for m in members if uses_folder(m, str(workdir))]
        foreign = [m for m in members if m not in ours and pid_alive(m)]     # (not one that just exited)
        if foreign:
            warnings.append(f"{rec.get('name') or 'process'} {pid}: {len(foreign)} process(es) in its "
                            "session do not use the engine's folder; not signalled")
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for m in ours:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(m, sig)
            if wait_until(lambda ours=ours: not [m for m in ours if pid_alive(m)], timeout):
                break
    return warnings


def remove_workdir(path: str | None) -> bool:
    """Remove an engine's temporary folder, but only one that looks like ours (``looks_like_workdir``)."""
    import shutil

    if not looks_like_workdir(path) or not Path(str(path)).is_dir():
        return False
    shutil.rmtree(str(path), ignore_errors=True)
    return not Path(str(path)).exists()
