"""Fuzz `mqadvise lint` with generated architecture files and CloudFormation/SAM templates.

    python bench/fuzz_lint.py                 # 10,000 inputs over the four surfaces
    python bench/fuzz_lint.py --count 2000    # per surface
    python bench/fuzz_lint.py --show 3        # print up to 3 examples of each problem

The surfaces (tests/lint_fuzz.py): mutated architecture text, mutated template text, random architecture
trees and random template trees. For each input the linter must answer with findings or refuse it with
file:line (InvalidInput); it prints, per surface, the tracebacks, the hangs (no answer within --seconds) and
the refusals that name no line, then exits 1 if there was any.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fuzz(strategy, problem, kb, args) -> tuple[dict[str, list[tuple[str, str]]], dict[str, float]]:
    """Run ``args.count`` inputs of one surface; the problems by kind, and how long it took."""
    from hypothesis import HealthCheck, given, seed, settings

    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    runs = {"n": 0, "slowest": 0.0}

    @seed(args.seed)
    @settings(max_examples=args.count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(text: str) -> None:
        start = time.perf_counter()
        result = problem(text, kb, args.seconds)
        runs["slowest"] = max(runs["slowest"], time.perf_counter() - start)
        runs["n"] += 1
        if result is not None:
            found[result[0]].append((text, result[1]))

    start = time.perf_counter()
    run()
    runs["elapsed"] = time.perf_counter() - start
    return found, runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2500, help="inputs per surface (four surfaces)")
    parser.add_argument("--seconds", type=int, default=10, help="an answer slower than this is a hang")
    parser.add_argument("--show", type=int, default=2, help="examples printed per kind of problem")
    parser.add_argument("--seed", type=int, default=0, help="random seed (the same seed, the same inputs)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from advisor.api import knowledge
    from tests.lint_fuzz import SURFACES, problem

    kb = knowledge()
    failed = False
    for surface, strategy in SURFACES.items():
        found, runs = fuzz(strategy, problem, kb, args)
        elapsed = runs["elapsed"]
        counts = ", ".join(f"{len(found[k])} {k}" for k in ("traceback", "hang", "no line"))
        print(f"{surface:<18} {runs['n']:>6} inputs in {elapsed:6.1f} s (slowest {runs['slowest']:.2f} s): {counts}")
        for kind, examples in found.items():
            failed = True
            for text, detail in examples[: args.show]:
                print(f"--- {kind} on:\n{text[:600]}\n--- {detail.strip()[-1200:]}\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
