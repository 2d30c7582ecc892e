"""Drive `python -m advisor` on a pseudo-terminal, typed at as a person would (the study, interview and
progress tests). The environment every such test gives the child is :func:`terminal_env` (the ``term_env``
fixture in tests/conftest.py)."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")


def terminal_env(data_dir: Path) -> dict[str, str]:
    """The test run's environment without pytest's own variables; study progress kept in ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_"))}
    env.update(MQADVISE_DATA_DIR=str(data_dir), TERM="xterm", COLUMNS="110", LINES="50", PYTHONIOENCODING="utf-8")
    return env


class Terminal:
    """A child process on a pseudo-terminal; ``expect`` waits for text on the screen."""

    def __init__(self, args: list[str], env: dict[str, str]):
        import pty

        self.master, slave = pty.openpty()
        os.set_blocking(self.master, False)
        self.proc = subprocess.Popen([sys.executable, "-m", "advisor", *args], stdin=slave, stdout=slave,
                                     stderr=slave, cwd=ROOT, env=env, close_fds=True, start_new_session=True)
        os.close(slave)
        self.screen = ""
        self.seen = 0

    def _read(self, timeout: float) -> None:
        ready, _w, _x = select.select([self.master], [], [], timeout)
        if ready:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            self.screen += ANSI.sub("", chunk.decode("utf-8", "replace")).replace("\r", "")

    def expect(self, pattern: str, timeout: float = 30) -> re.Match:
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern, re.DOTALL)
        while True:
            m = rx.search(self.screen, self.seen)
            if m:
                self.seen = m.end()
                return m
            if time.monotonic() > deadline:
                raise AssertionError(f"did not see {pattern!r}; screen:\n{self.screen[-3000:]}")
            self._read(0.1)

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def line(self, text: str = "") -> None:
        self.send(text + "\r")

    def wait(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.1)
        self._read(0.2)
        code = self.proc.wait(timeout=1)
        os.close(self.master)
        return code


class ControllingTerminal(Terminal):
    """A terminal that is the child's controlling terminal, so Ctrl-C reaches it as a signal."""

    def __init__(self, args: list[str], env: dict[str, str]):
        import pty

        self.master, slave = pty.openpty()
        os.set_blocking(self.master, False)

        def own_terminal() -> None:  # a new session whose controlling terminal is the pty (for ^C)
            import fcntl
            import termios

            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen([sys.executable, "-m", "advisor", *args], stdin=slave, stdout=slave,
                                     stderr=slave, cwd=ROOT, env=env, close_fds=True, preexec_fn=own_terminal)
        os.close(slave)
        self.screen = ""
        self.seen = 0

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
        try:
            os.close(self.master)
        except OSError:  # wait() closed it already
            pass
