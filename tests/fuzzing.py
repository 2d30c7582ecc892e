"""What every fuzzer of mqadvise shares (tests/lint_fuzz.py, tests/requirements_fuzz.py and bench/fuzz_*.py):
a time limit that tells a hang from a busy machine."""

from __future__ import annotations

import signal
from contextlib import contextmanager


class Hang(Exception):
    """An answer over its time limit."""


@contextmanager
def time_limit(seconds: float):
    """Interrupt an answer that uses more than ``seconds`` of CPU (so a busy machine is not a hang), or ten
    times that on the clock (a wait that burns no CPU). Unix; elsewhere no limit."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum, frame):
        raise Hang(f"no answer within {seconds} s of CPU")

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, seconds * 10)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def assert_no_problem(strategy, problem, kb, examples: int = 60) -> None:
    """``examples`` inputs of a hypothesis ``strategy``, each with no ``problem(text, kb)`` (a traceback, a
    hang, a refusal without a line: whatever the surface's fuzzer calls a problem)."""
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(strategy)
    def check(text):
        assert problem(text, kb) is None, text

    check()
