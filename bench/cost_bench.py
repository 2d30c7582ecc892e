"""Cold timings of `mqadvise cost` and `cost --sweep` (each run a new interpreter, knowledge cache warm).

    python bench/cost_bench.py [--runs 5] [--python .venv/bin/python]
Target: `cost --sweep` under 1 s cold. The sweep runs the engine once, re-checks each candidate's peak
rate at every step and bisects the volumes where a verdict or the cheapest design changes; the last
line times one sweep in process and an engine run alone.
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
    split = subprocess.run([args.python, "-c", IN_PROCESS, str(EXAMPLE)], capture_output=True, text=True, check=True)
    print(split.stdout.strip())
    print("target: cost --sweep under 1 s cold")


IN_PROCESS = """
import sys, time
from advisor import api
from advisor.cost.sweep import sweep
kb = api.knowledge()
req = api.load_requirements(sys.argv[1])
t0 = time.perf_counter(); sweep(req, kb); t1 = time.perf_counter()
api.advise(req, kb); t2 = time.perf_counter()
print(f"in process: whole sweep {t1 - t0:.3f} s, of which its one engine run is about {t2 - t1:.3f} s (warm)")
"""


if __name__ == "__main__":
    main()
