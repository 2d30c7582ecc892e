"""Precision and recall of `mqadvise lint` on the reviewed template corpus, and its time beside cfn-lint's.

    python bench/lint_corpus.py            # precision/recall per rule and overall; lint times and ratio
    python bench/lint_corpus.py --no-cfn-lint

The corpus is tests/data/cfn-corpus (public templates, see its NOTICE.md); the reviewed expected findings
are tests/data/cfn-corpus.expected.yaml. A finding counts as found when the rule and line match. Both
linters run in a fresh process on the same files, so start-up is included for each.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "cfn-corpus"
EXPECTED = ROOT / "tests" / "data" / "cfn-corpus.expected.yaml"


def templates() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml", ".json")
                  and not p.name.endswith(".asl.json"))


def timed(args: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    return time.perf_counter() - start, proc


def main() -> None:
    import yaml

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cfn-lint", action="store_true", help="skip the cfn-lint timing")
    parser.add_argument("--runs", type=int, default=3, help="take the best of this many runs")
    args = parser.parse_args()

    expected = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    want = {(rel, e["rule"], e["line"]) for rel, entry in expected.items() if isinstance(entry, list)
            for e in entry}
    files = [str(p) for p in templates()]
    mqadvise = [sys.executable, "-m", "advisor", "lint", *files, "-f", "json", "--fail-on", "never"]
    lint_times = []
    for _ in range(args.runs):
        elapsed, proc = timed(mqadvise)
        lint_times.append(elapsed)
    data = json.loads(proc.stdout)
    got = {(Path(f["file"]).resolve().relative_to(CORPUS).as_posix(), f["rule"], f["line"]) for f in data["findings"]}

    tp, fp, fn = got & want, got - want, want - got
    precision = len(tp) / len(got) if got else 1.0
    recall = len(tp) / len(want) if want else 1.0
    print(f"corpus: {len(files)} templates, {len(want)} reviewed findings, {len(data['errors'])} invalid input(s)")
    print(f"mqadvise lint: {len(got)} findings; precision {precision:.3f}, recall {recall:.3f} "
          f"({len(tp)} right, {len(fp)} not expected, {len(fn)} missed)")
    per_rule = Counter(r for _, r, _ in want)
    found = Counter(r for _, r, _ in tp)
    extra = Counter(r for _, r, _ in fp)
    print("rule     expected  found  not-expected")
    for rule in sorted(set(per_rule) | set(extra)):
        print(f"{rule:<8} {per_rule[rule]:>8} {found[rule]:>6} {extra[rule]:>13}")
    for rel, rule, line in sorted(fp):
        print(f"  not expected: {rel}:{line} {rule}")
    for rel, rule, line in sorted(fn):
        print(f"  missed:       {rel}:{line} {rule}")

    best = min(lint_times)
    print(f"time: mqadvise lint {best:.2f} s for {len(files)} files (best of {args.runs}, one process)")
    cfn = shutil.which("cfn-lint") or str(Path(sys.executable).parent / "cfn-lint")
    if args.no_cfn_lint or not Path(cfn).exists():
        print("cfn-lint: not run" + ("" if args.no_cfn_lint else " (not installed)"))
        return
    cfn_times = []
    for _ in range(args.runs):
        elapsed, _proc = timed([cfn, "--format", "parseable", *files])
        cfn_times.append(elapsed)
    cfn_best = min(cfn_times)
    print(f"time: cfn-lint {cfn_best:.2f} s for the same files; cfn-lint / mqadvise = {cfn_best / best:.1f}x")


if __name__ == "__main__":
    main()
