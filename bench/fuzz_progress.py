"""Fuzz study progress: 10,000 generated progress files through load, use, save and load again.

Prints how many loaded, how many were input errors (exit 2), every traceback (grouped by where it was
raised) and every hang (an example over --timeout seconds of CPU). The generator is tests/progress_fuzz.py,
the same one the bounded hypothesis test in tests/test_study_fuzz.py uses.

    python bench/fuzz_progress.py [--count 10000] [--seed 0] [--timeout 5]
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()

    from progress_fuzz import exercise, progress_text

    from advisor.study.bank import load_bank
    from tests.fuzzing import Hang, time_limit

    bank = load_bank()[:40]
    outcomes: collections.Counter[str] = collections.Counter()
    crashes: dict[str, list[int]] = collections.defaultdict(list)
    hangs: list[int] = []
    slowest = (0.0, -1)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "study-progress.json"
        for n in range(args.count):
            seed = args.seed + n
            text = progress_text(random.Random(seed))
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            t0 = time.perf_counter()
            try:
                with time_limit(args.timeout):
                    outcomes[exercise(path, bank)] += 1
            except Hang:
                hangs.append(seed)
            except Exception as exc:                          # noqa: BLE001 - that is what we are counting
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                crashes[f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}: {exc}"[:200]].append(seed)
            slowest = max(slowest, (time.perf_counter() - t0, seed))
    total = time.perf_counter() - started
    print(f"{args.count} generated progress files in {total:.1f} s ({1000 * total / args.count:.2f} ms each; "
          f"slowest {1000 * slowest[0]:.0f} ms, seed {slowest[1]})")
    for outcome, n in sorted(outcomes.items()):
        print(f"  {outcome:<10} {n}")
    print(f"  tracebacks {sum(len(v) for v in crashes.values())}")
    for where, seeds in sorted(crashes.items(), key=lambda kv: -len(kv[1])):
        print(f"    {len(seeds):>5} x {where} (seeds {seeds[:5]})")
    print(f"  hangs      {len(hangs)}" + (f" (seeds {hangs[:10]})" if hangs else ""))
    return 1 if crashes or hangs else 0


if __name__ == "__main__":
    sys.exit(main())
