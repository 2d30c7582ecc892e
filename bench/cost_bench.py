"""Cold timings of `mqadvise cost` and `cost --sweep` (each run a new interpreter, knowledge cache warm).

    python bench/cost_bench.py [--runs 5] [--python .venv/bin/python]
Target: `cost --sweep` under 1 s cold (ten engine runs and about a hundred estimates).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "order-fanout-filtering.yaml"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    cmds = {
        "cost --format json": ["cost", "--answers", str(EXAMPLE), "--format", "json"],
        "cost --sweep --format json": ["cost", "--answers", str(EXAMPLE), "--sweep", "--format", "json"],
        "cost --sweep (text)": ["cost", "--answers", str(EXAMPLE), "--sweep"],
    }
    subprocess.run([args.python, "-m", "advisor", *cmds["cost --format json"]], capture_output=True, check=True)
    for name, argv in cmds.items():
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run([args.python, "-m", "advisor", *argv], capture_output=True, check=True)
            times.append(time.perf_counter() - start)
        print(f"{name:28s} median {statistics.median(times):.3f} s  min {min(times):.3f} s  ({args.runs} runs)")
    print("target: cost --sweep under 1 s cold")


if __name__ == "__main__":
    main()
