"""Fuzz ADR reading and lint: mangled copies of the real logs in tests/data/adr-logs (cut, duplicated,
spliced lines, broken front matter, huge lines, odd bytes) through read, lint and supersede.

Prints how many were read, how many were refused as input errors (exit 2), every traceback grouped by where
it was raised, and every hang (over --timeout seconds of CPU, so a busy machine is not a hang). The bounded
run in tests/test_adr_safety.py uses the same mutations.

    python bench/fuzz_adr.py [--count 1200] [--seed 0] [--timeout 5]
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
PIECES = ["---", "status: ", "date: 2026-13-45", "* Status: ", "## Status", "## Considered Options", "[", "](",
          "{{< ref \"x.md\" >}}", "<!--", "-->", "&a [*a]", "*a", "superseded by [ADR-0001](", "`", "```",
          "# ", "\x00", "\ufeff", "0x", "Supersedes [1. X](0001-x.md)", "a" * 300 + ".md)", "\t", "\r"]


def mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(6)
        i = rng.randrange(len(lines) + 1)
        if op == 0 and lines:
            del lines[min(i, len(lines) - 1)]
        elif op == 1:
            lines.insert(i, rng.choice(PIECES) + rng.choice(PIECES))
        elif op == 2 and lines:
            j = min(i, len(lines) - 1)
            lines[j] = lines[j][: rng.randrange(len(lines[j]) + 1)] + rng.choice(PIECES)
        elif op == 3:
            lines.insert(i, rng.choice(PIECES) * rng.randint(1, 20_000))
        elif op == 4 and lines:
            lines.insert(i, lines[rng.randrange(len(lines))])
        else:
            lines.insert(0, "---")
    return "\n".join(lines)


def run_one(text: str, folder: Path) -> str:
    """'ok', 'refused' (a clear input error) or 'traceback: where' for one mangled record."""
    from advisor.adr import records as R
    from advisor.adr.lint import check_folder
    from advisor.adr.log import supersede
    from advisor.errors import MqadviseError
    from tests.fuzzing import Hang

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "0001-mangled.md").write_text(text, encoding="utf-8", errors="surrogatepass")
    (folder / "0002-other.md").write_text("# 2. Other\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n")
    try:
        R.read_folder(folder)
        check_folder(folder)
        supersede(folder, 1, 2)
        check_folder(folder)
        return "ok"
    except MqadviseError:
        return "refused"
    except Hang:
        raise
    except Exception:                          # noqa: BLE001 - counting them is the point
        frame = traceback.extract_tb(sys.exc_info()[2])[-1]
        return f"traceback: {Path(frame.filename).name}:{frame.lineno} {sys.exc_info()[0].__name__}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=5.0)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.fuzzing import Hang, time_limit

    seeds = sorted((ROOT / "tests" / "data" / "adr-logs").rglob("*.md"))
    rng = random.Random(args.seed)
    counts: collections.Counter[str] = collections.Counter()
    hangs = []
    start = time.perf_counter()
    slowest = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.count):
            text = mutate(seeds[i % len(seeds)].read_text(encoding="utf-8"), rng)
            t0 = time.perf_counter()
            try:
                with time_limit(args.timeout):
                    outcome = run_one(text, Path(tmp) / str(i))
            except Hang:
                outcome = "hang"
                hangs.append(i)
            slowest = max(slowest, time.perf_counter() - t0)
            counts[outcome if not outcome.startswith("traceback") else outcome] += 1
    total = time.perf_counter() - start
    print(f"{args.count} mangled records in {total:.1f} s (slowest {slowest * 1000:.0f} ms)")
    for outcome, n in counts.most_common():
        print(f"  {n:6d}  {outcome}")
    print(f"tracebacks: {sum(n for o, n in counts.items() if o.startswith('traceback'))}; hangs: {len(hangs)}")
    return 1 if hangs or any(o.startswith("traceback") for o in counts) else 0


if __name__ == "__main__":
    raise SystemExit(main())
