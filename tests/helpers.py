"""Helpers for the CLI tests: run mqadvise in a subprocess, or drive it through a pseudo-terminal."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\r")


def run_mqadvise(*args: str, timeout: float = 60, cwd: Path | None = None,
                 stdin: str | None = None) -> subprocess.CompletedProcess:
    """`python -m advisor ARGS` in a real subprocess: no terminal on stdin/stdout."""
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "advisor", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd or ROOT, env=env,
                          input=stdin if stdin is not None else "", check=False)


class Terminal:
    """`python -m advisor ARGS` attached to a pseudo-terminal, driven like a person at a keyboard."""

    def __init__(self, *args: str, cwd: Path, cols: int = 200, rows: int = 50, env: dict | None = None):
        import fcntl
        import pty
        import struct
        import termios

        self.output = ""
        pid, fd = pty.fork()
        if pid == 0:  # child: becomes the session leader with the pty as its controlling terminal
            try:
                os.chdir(cwd)
                os.execve(sys.executable, [sys.executable, "-m", "advisor", *args], env or _child_env())
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self._seen = 0
        self.status: int | None = None

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            return False
        if not chunk:
            return False
        self.output += ANSI.sub("", chunk.decode("utf-8", "replace"))
        return True

    def expect(self, pattern: str, timeout: float = 20) -> re.Match:
        """Wait until ``pattern`` (a regex) appears in output not yet consumed; return the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.output, self._seen)
            if m:
                self._seen = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(min(left, 0.5)):
                m = rx.search(self.output, self._seen)
                if m:
                    self._seen = m.end()
                    return m
                raise AssertionError(f"timed out waiting for {pattern!r}; output so far:\n{self.output[-3000:]}")

    def send(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def line(self, text: str = "") -> None:
        self.send(text + "\r")

    def wait(self, timeout: float = 30) -> int | None:
        """Read everything until the child exits; return its exit code (None if it is still running)."""
        deadline = time.monotonic() + timeout
        while self.status is None and time.monotonic() < deadline:
            open_ = self._read(0.2)
            pid, status = os.waitpid(self.pid, 0 if not open_ else os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
        return self.status

    def decline_until_exit(self, timeout: float = 30) -> int | None:
        """Answer "n" to every yes/no question until the program exits; return its exit code."""
        rx = re.compile(r"\[y/n\][^\n]*: ?$")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = rx.search(self.output, self._seen)
            if m:
                self._seen = m.end()
                self.line("n")
                continue
            if not self._read(0.2):
                return self.wait(max(1.0, deadline - time.monotonic()))
        return self.wait(1)

    def close(self) -> None:
        import signal

        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        try:
            os.close(self.fd)
        except OSError:
            pass


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_"))}
    env.update(NO_COLOR="1", TERM="xterm", COLUMNS="200", LINES="50")
    return env
