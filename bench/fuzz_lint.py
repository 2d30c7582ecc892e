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

import sys
import time

from fuzz_common import arguments, generate, in_process, report

KINDS = ("traceback", "hang", "no line")


def main() -> None:
    args = arguments(__doc__, 2500, "inputs per surface (four surfaces)")
    from advisor.api import knowledge
    from tests.lint_fuzz import SURFACES, problem

    kb = knowledge()
    failed = False
    for surface, strategy in SURFACES.items():
        texts = generate(strategy, args.count, args.seed)
        start = time.perf_counter()
        found, slowest = in_process(texts, problem, kb, args.seconds)
        failed |= report(surface, len(texts), time.perf_counter() - start, slowest, found, args.show, KINDS)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
