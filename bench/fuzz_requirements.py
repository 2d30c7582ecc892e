"""Fuzz requirements files: 10,000 generated inputs in-process, then a few hundred through `mqadvise advise`.

    python bench/fuzz_requirements.py                  # 5,000 per surface in-process, 300 through the CLI
    python bench/fuzz_requirements.py --count 500 --cli 50
    python bench/fuzz_requirements.py --show 3         # print up to 3 examples of each problem

The surfaces (tests/requirements_fuzz.py): the bundled examples mutated as text, and random trees under the
contract's keys. In-process, each input must be advised or refused with file:line (InvalidInput), and the
JSON result must be strict JSON. Through the CLI, each run must exit 0, 2 or 3 within --seconds, print no
traceback, give every `error:` a line, and print strict JSON on 0 and 3. Prints tracebacks, hangs, refusals
without a line and bad JSON per surface, then exits 1 if there was any.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("traceback", "hang", "no line", "bad json")


def generate(strategy, count: int, seed: int) -> list[str]:
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


def in_process(texts: list[str], kb, seconds: int) -> tuple[dict[str, list[tuple[str, str]]], float]:
    from tests.requirements_fuzz import problem

    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    slowest = 0.0
    for text in texts:
        start = time.perf_counter()
        result = problem(text, kb, seconds)
        slowest = max(slowest, time.perf_counter() - start)
        if result is not None:
            found[result[0]].append((text, result[1]))
    return found, slowest


def through_cli(texts: list[str], seconds: int) -> tuple[dict[str, list[tuple[str, str]]], float]:
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    slowest = 0.0
    exe = [sys.executable, "-m", "advisor"]
    with tempfile.TemporaryDirectory(prefix="mqadvise-fuzz-") as tmp:
        path = Path(tmp) / "requirements.yaml"
        for text in texts:
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            start = time.perf_counter()
            try:
                run = subprocess.run([*exe, "advise", "--answers", str(path), "--format", "json"], cwd=ROOT,
                                     capture_output=True, text=True, timeout=seconds, errors="replace")
            except subprocess.TimeoutExpired:
                found["hang"].append((text, f"no answer within {seconds} s"))
                continue
            slowest = max(slowest, time.perf_counter() - start)
            if "Traceback" in run.stderr or run.returncode not in (0, 2, 3):
                found["traceback"].append((text, f"exit {run.returncode}\n{run.stderr[-1500:]}"))
            elif run.returncode == 2 and not run.stderr.startswith(f"error: {path}:"):
                found["no line"].append((text, run.stderr))
            elif run.returncode in (0, 3):
                try:
                    json.loads(run.stdout, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
                except ValueError as exc:
                    found["bad json"].append((text, f"{exc}: {run.stdout[:300]}"))
    return found, slowest


def report(label: str, n: int, elapsed: float, slowest: float, found, show: int) -> bool:
    counts = ", ".join(f"{len(found[k])} {k}" for k in KINDS)
    print(f"{label:<24} {n:>6} inputs in {elapsed:6.1f} s (slowest {slowest:.2f} s): {counts}")
    for kind, examples in found.items():
        for text, detail in examples[:show]:
            print(f"--- {kind} on:\n{text[:600]}\n--- {detail.strip()[-1200:]}\n")
    return any(found.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="in-process inputs per surface (two surfaces)")
    parser.add_argument("--cli", type=int, default=300, help="inputs run through `mqadvise advise`")
    parser.add_argument("--seconds", type=int, default=10, help="an answer slower than this is a hang")
    parser.add_argument("--show", type=int, default=2, help="examples printed per kind of problem")
    parser.add_argument("--seed", type=int, default=0, help="random seed (the same seed, the same inputs)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from advisor.api import knowledge
    from tests.requirements_fuzz import SHAPES, SURFACES

    kb = knowledge()
    failed = False
    cli_texts: list[str] = list(SHAPES.values())
    for surface, strategy in SURFACES.items():
        texts = generate(strategy, args.count, args.seed)
        start = time.perf_counter()
        found, slowest = in_process(texts, kb, args.seconds)
        failed |= report(surface, len(texts), time.perf_counter() - start, slowest, found, args.show)
        cli_texts += texts[: max(0, args.cli // len(SURFACES))]
    start = time.perf_counter()
    found, slowest = through_cli(cli_texts[: args.cli + len(SHAPES)], args.seconds)
    failed |= report("through the CLI", len(cli_texts), time.perf_counter() - start, slowest, found, args.show)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
