"""What bench/fuzz_lint.py and bench/fuzz_requirements.py share: their options, the generated inputs of one
surface, running them in-process, and the report of one surface's problems."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def arguments(doc: str, count: int, count_help: str, **more: tuple[int, str]) -> argparse.Namespace:
    """--count, --seconds, --show and --seed (and ``more``: name=(default, help)); puts the repository on
    sys.path so that the fuzzers can import tests.*."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--count", type=int, default=count, help=count_help)
    for name, (default, text) in more.items():
        parser.add_argument(f"--{name}", type=int, default=default, help=text)
    parser.add_argument("--seconds", type=int, default=10, help="an answer slower than this is a hang")
    parser.add_argument("--show", type=int, default=2, help="examples printed per kind of problem")
    parser.add_argument("--seed", type=int, default=0, help="random seed (the same seed, the same inputs)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    return args


def generate(strategy, count: int, seed: int) -> list[str]:
    """``count`` inputs of a hypothesis strategy, the same ones for the same seed."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as fixed_seed

    out: list[str] = []

    @fixed_seed(seed)
    @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(text: str) -> None:
        out.append(text)

    collect()
    return out


def in_process(texts: list[str], problem, kb, seconds: int) -> tuple[dict[str, list[tuple[str, str]]], float]:
    """Each text's problem (``problem(text, kb, seconds)``: (kind, detail) or None) by kind, and the slowest."""
    import time
    from collections import defaultdict

    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    slowest = 0.0
    for text in texts:
        start = time.perf_counter()
        result = problem(text, kb, seconds)
        slowest = max(slowest, time.perf_counter() - start)
        if result is not None:
            found[result[0]].append((text, result[1]))
    return found, slowest


def report(label: str, n: int, elapsed: float, slowest: float, found, show: int, kinds: tuple[str, ...]) -> bool:
    """Print one surface's counts and up to ``show`` examples of each problem; True if there was any."""
    counts = ", ".join(f"{len(found[k])} {k}" for k in kinds)
    print(f"{label:<24} {n:>6} inputs in {elapsed:6.1f} s (slowest {slowest:.2f} s): {counts}")
    for kind, examples in found.items():
        for text, detail in examples[:show]:
            print(f"--- {kind} on:\n{text[:600]}\n--- {detail.strip()[-1200:]}\n")
    return any(found.values())
