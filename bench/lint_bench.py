"""Time `mqadvise lint` on synthetic architectures of 1k, 5k and 10k components (linear growth expected).

    python bench/lint_bench.py            # prints parse and lint times per size
"""

from __future__ import annotations

import time


def main() -> None:
    from advisor.api import knowledge
    from advisor.lint import lint_text
    from advisor.lint.engine import Options
    from advisor.lint.positions import fast_parser_available
    from advisor.lint.synthetic import big_architecture

    kb = knowledge()
    print(f"fast YAML event parser (libyaml): {'yes' if fast_parser_available() else 'no (pure Python)'}")
    previous = None
    for size in (1_000, 5_000, 10_000):
        text = big_architecture(size)
        start = time.perf_counter()
        findings = lint_text(text, f"synthetic-{size}.yaml", Options(), kb)
        elapsed = time.perf_counter() - start
        per = elapsed / size * 1000
        growth = f", x{elapsed / previous[1]:.1f} time for x{size / previous[0]:.0f} size" if previous else ""
        print(f"{size:>6} components: {elapsed:6.2f} s ({per:.3f} ms/component, {len(findings)} findings{growth})")
        previous = (size, elapsed)


if __name__ == "__main__":
    main()
