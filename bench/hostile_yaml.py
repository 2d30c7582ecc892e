"""How long each YAML reader of mqadvise takes to load or refuse hostile input, by size class (issue 15).

Every reader must answer within a bound that does not grow with the expanded size of the input: an alias
bomb of 10^9 nodes is refused as fast as one of 10^5, deep nesting and long lines are refused or read in
time linear in the bytes. The readers: requirements (and every other user file) through advisor.yamlio,
templates for `mqadvise lint`, and templates for the simulator (`sim up`, the generated tests).

    python bench/hostile_yaml.py            # a table: input class, size, seconds and outcome per reader
    python bench/hostile_yaml.py --limit 5  # fail (exit 1) when any reader takes longer than 5 s

These are figures, not tests: the tests (tests/test_requirements_errors.py, tests/test_lint_cli.py,
tests/test_sim_safety.py, tests/test_yamlbounds.py) check the outcome on one input of each class, never a time.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUEUE = "Resources:\n  Work:\n    Type: AWS::SQS::Queue\n"


def alias_bomb(levels: int) -> str:
    lines = [QUEUE.rstrip("\n"), "Metadata:", '  l0: &l0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def deep(depth: int) -> str:
    return QUEUE + "Metadata:\n  deep: " + "[" * depth + "]" * depth + "\n"


def long_line(size: int) -> str:
    return QUEUE + "Metadata:\n  note: " + "x" * size + "\n"


def many_keys(count: int) -> str:
    return QUEUE + "Metadata:\n" + "".join(f"  k{i}: {i}\n" for i in range(count))


CLASSES: list[tuple[str, Callable[[int], str], list[int], str]] = [
    ("alias bomb", alias_bomb, [5, 7, 9], "10^n nodes expanded"),
    ("nesting", deep, [1_000, 10_000, 100_000], "levels"),
    ("one long line", long_line, [100_000, 1_000_000, 4_000_000], "bytes"),
    ("many keys", many_keys, [1_000, 10_000, 100_000], "keys"),
]


def readers() -> dict[str, Callable[[str], object]]:
    from advisor.api import knowledge
    from advisor.lint import lint_text
    from advisor.sim.cfn import parse_template
    from advisor.yamlio import load_text

    kb = knowledge()
    return {"yamlio (requirements)": lambda text: load_text(text, "r.yaml"),
            "lint (template)": lambda text: lint_text(text, "t.yaml", kb=kb),
            "simulator (template)": parse_template}


def measure(read: Callable[[str], object], text: str) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        read(text)
        outcome = "read"
    except RecursionError:
        outcome = "RecursionError"       # a crash, not a refusal: report it as such
    except Exception as exc:  # noqa: BLE001 - the outcome is what is measured
        outcome = f"refused ({type(exc).__name__})"
    return time.perf_counter() - start, outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=float, default=0.0, help="exit 1 when a reader takes longer (seconds)")
    args = parser.parse_args()
    worst = 0.0
    table = readers()
    print(f"{'input':<15} {'size':>12}  " + "  ".join(f"{name:>34}" for name in table))
    for label, make, sizes, unit in CLASSES:
        for size in sizes:
            text = make(size)
            cells = []
            for read in table.values():
                seconds, outcome = measure(read, text)
                worst = max(worst, seconds)
                cells.append(f"{seconds:8.3f} s {outcome:>23}")
            shown = f"{size:,} {unit.split()[0]}" if unit != "10^n nodes expanded" else f"10^{size} nodes"
            print(f"{label:<15} {shown:>12}  " + "  ".join(f"{c:>34}" for c in cells))
    print(f"slowest answer: {worst:.3f} s")
    return 1 if args.limit and worst > args.limit else 0


if __name__ == "__main__":
    raise SystemExit(main())
