"""Cold start-up timings of the commands people and CI run most.

Each run is a new process (cold interpreter); the compiled knowledge cache is warmed once first,
as it is on any machine after the first run. Uses hyperfine when installed, else its own loop.

    python bench/startup.py [--runs 20] [--python .venv/bin/python]
Targets: `--help` within 0.15 s; `advise --answers F --format json` within 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "order-fanout-filtering.yaml"


def commands(python: str) -> dict[str, list[str]]:
    return {
        "--help": [python, "-m", "advisor", "--help"],
        "advise --format json": [python, "-m", "advisor", "advise", "--answers", str(EXAMPLE), "--format", "json"],
    }


TARGETS = {"--help": 0.15, "advise --format json": 0.30}


def with_hyperfine(cmds: dict[str, list[str]], runs: int) -> dict[str, float]:
    out = {}
    for name, argv in cmds.items():
        with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
            subprocess.run(["hyperfine", "--warmup", "2", "--runs", str(runs), "--export-json", tmp.name,
                            "--style", "none", " ".join(argv)], check=True, stdout=subprocess.DEVNULL)
            out[name] = json.loads(Path(tmp.name).read_text())["results"][0]["median"]
    return out


def with_loop(cmds: dict[str, list[str]], runs: int) -> dict[str, float]:
    out = {}
    for name, argv in cmds.items():
        for _ in range(2):
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            samples.append(time.perf_counter() - t)
        out[name] = statistics.median(samples)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--python", default=sys.executable)
    args = ap.parse_args()
    # A user's interpreter caches bytecode; with PYTHONDONTWRITEBYTECODE set (some sandboxes set it) every
    # cold run would compile the whole package again and measure the compiler, not mqadvise.
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
        print("note: PYTHONDONTWRITEBYTECODE was set; unset for these runs so bytecode is cached as on a user's machine")
    cmds = commands(args.python)
    tool = "hyperfine" if shutil.which("hyperfine") else "loop"
    results = with_hyperfine(cmds, args.runs) if tool == "hyperfine" else with_loop(cmds, args.runs)
    print(f"cold start-up, median of {args.runs} runs ({tool}):")
    for name, seconds in results.items():
        target = TARGETS[name]
        verdict = "ok" if seconds <= target else "SLOW"
        print(f"  mqadvise {name:<24} {seconds:.3f} s   target {target:.2f} s   {verdict}")
    lint = ROOT / "bench" / "lint_bench.py"
    if lint.exists():
        print("lint throughput:")
        subprocess.run([args.python, str(lint)], check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
