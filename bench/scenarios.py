"""Top-1 accuracy of the advisor on the scenario set (tests/scenarios/), and how long each walk takes.

    python bench/scenarios.py [--quiet] [--json] [--only ID ...] [--draft-known-misses]

Prints top-1 over scenarios (a scenario counts when every reading of it is right) and over readings
(the literal one and each variant), the misses, the results decided by a tie-break (undocumented ones
as the engine reports them; for an engine that reports no ties, designs that passed with the same
score as the winner), and the walk time per scenario.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import scenario_set as ss  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--quiet", action="store_true", help="do not list misses and slow scenarios")
    parser.add_argument("--only", nargs="+", metavar="ID", help="run only these scenarios (ids or id prefixes)")
    parser.add_argument("--draft-known-misses", action="store_true",
                        help="print a draft of tests/scenario-known-misses.yaml for today's misses (stdout only; "
                             "listed reasons are kept, new ones say what the engine gave and need a cause)")
    args = parser.parse_args(argv)

    from advisor import api

    start = time.perf_counter()
    kb = api.knowledge()
    load_seconds = time.perf_counter() - start
    scenarios = ss.load_scenarios()
    if args.only:
        scenarios = [s for s in scenarios if any(s.id.startswith(p) for p in args.only)]
    known = ss.load_known_misses()
    per_scenario: dict[str, list[ss.Outcome]] = {s.id: ss.run_scenario(s, kb) for s in scenarios}
    outcomes = [o for group in per_scenario.values() for o in group]

    scen_ok = sum(all(o.ok for o in group) for group in per_scenario.values())
    read_ok = sum(o.ok for o in outcomes)
    literal_ok = sum(o.ok for o in outcomes if o.variant == ss.LITERAL)
    undocumented = [o for o in outcomes if o.undocumented_tie]
    reported = [o for o in outcomes if o.ties]
    equal = [o for o in outcomes if o.equal_score_tie]
    walk = {sid: sum(o.seconds for o in group) / len(group) for sid, group in per_scenario.items()}
    misses = [o for o in outcomes if not o.ok]
    figures = {
        "scenarios": len(scenarios),
        "readings": len(outcomes),
        "top1_scenarios": scen_ok,
        "top1_readings": read_ok,
        "top1_literal": literal_ok,
        "ties_reported": len(reported),
        "ties_undocumented": len(undocumented),
        "equal_score_ties": len(equal),
        "known_misses_listed": len(known),
        "unlisted_misses": sorted(o.key for o in misses if o.key not in known),
        "knowledge_load_s": round(load_seconds, 3),
        "walk_mean_s": round(statistics.fmean(walk.values()), 4) if walk else 0.0,
        "walk_max_s": round(max(walk.values()), 4) if walk else 0.0,
        "misses": [ss.describe_miss(o) for o in misses],
        "walk_s": {k: round(v, 4) for k, v in walk.items()},
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    if args.draft_known_misses:
        print(draft_known_misses(misses, known, {s.id for s in scenarios}))
        return 0

    def pct(n: int, d: int) -> str:
        return f"{n}/{d} ({100 * n / d:.1f}%)" if d else "0/0"

    print(f"scenarios: {len(scenarios)}, readings: {len(outcomes)}")
    print(f"top-1 over scenarios (all readings right): {pct(scen_ok, len(scenarios))}")
    print(f"top-1 over readings:                       {pct(read_ok, len(outcomes))}")
    print(f"top-1 over literal readings:               {pct(literal_ok, len(scenarios))}")
    print(f"results with ties reported by the engine:  {len(reported)}")
    print(f"results decided by an undocumented tie:    {len(undocumented)}")
    if not reported:
        print(f"results won at an equal score (inferred):  {len(equal)}  (the engine reports no ties)")
    print(f"knowledge load: {load_seconds:.3f} s; walk per reading: mean {figures['walk_mean_s']:.4f} s, "
          f"max {figures['walk_max_s']:.4f} s")
    if not args.quiet:
        cov = ss.coverage(scenarios)
        print("\nscenarios expecting each option:")
        for option, ids in cov.items():
            print(f"  {option:34} {len(ids)}")
        print(f"\nmisses ({len(misses)}; * = not in {ss.KNOWN_MISSES.name}):")
        for o in misses:
            print(("  * " if o.key not in known else "    ") + ss.describe_miss(o))
        if equal:
            print("\nwon at an equal score:")
            for o in equal:
                print(f"    {o.key}")
        print("\nwalk time per scenario (mean over its readings):")
        for sid, seconds in sorted(walk.items(), key=lambda kv: -kv[1]):
            print(f"  {seconds * 1000:8.1f} ms  {sid}")
    return 0


def draft_known_misses(misses: list[ss.Outcome], known: dict[str, str], ran: set[str]) -> str:
    """YAML text for the known-misses file: listed reasons kept, new misses described by their outcome.

    Entries of scenarios that were not run (``--only``) are kept as listed.
    """
    lines = [
        "# Readings of tests/scenarios/ that the engine gets wrong today, each with the reason.",
        "# tests/test_scenarios.py fails for a miss not listed here and for a listed one that now passes,",
        "# so this list only shrinks. Keys are scenario-id:variant-id (literal = the requirements as written).",
        "misses:",
    ]
    entries = {k: v for k, v in known.items() if k.split(":", 1)[0] not in ran}
    for o in misses:
        entries[o.key] = known.get(o.key) or "TODO cause: " + ss.describe_miss(o).split(": ", 1)[1][:200]
    lines += [f"  {key}: {json.dumps(entries[key])}" for key in sorted(entries)]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
