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

import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from fuzz_common import ROOT, arguments, generate, in_process, report

KINDS = ("traceback", "hang", "no line", "bad json")


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


def main() -> None:
    args = arguments(__doc__, 5000, "in-process inputs per surface (two surfaces)",
                     cli=(300, "inputs run through `mqadvise advise`"))
    from advisor.api import knowledge
    from tests.requirements_fuzz import SHAPES, SURFACES, problem

    kb = knowledge()
    failed = False
    cli_texts: list[str] = list(SHAPES.values())
    for surface, strategy in SURFACES.items():
        texts = generate(strategy, args.count, args.seed)
        start = time.perf_counter()
        found, slowest = in_process(texts, problem, kb, args.seconds)
        failed |= report(surface, len(texts), time.perf_counter() - start, slowest, found, args.show, KINDS)
        cli_texts += texts[: max(0, args.cli // len(SURFACES))]
    start = time.perf_counter()
    found, slowest = through_cli(cli_texts[: args.cli + len(SHAPES)], args.seconds)
    failed |= report("through the CLI", len(cli_texts), time.perf_counter() - start, slowest, found, args.show,
                     KINDS)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
