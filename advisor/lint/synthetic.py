"""A synthetic architecture of any size, for benchmarks and scale tests (bench/lint_bench.py)."""

from __future__ import annotations


def big_architecture(components: int) -> str:
    """An architecture with ``components`` components (half producers, half Lambda consumers), one queue and
    one dead-letter queue per pair, a shared SNS topic every 50 pairs, and the flows between them."""
    pairs = max(1, components // 2)
    lines = ["version: 1", "kind: architecture", "name: synthetic", "expectations:", "  peak_per_second: 100",
             "  message_kib: 16", "components:"]
    for i in range(pairs):
        lines.append(f"  app-{i}: {{type: application, protocols: [https]}}")
        lines.append(f"  fn-{i}:")
        lines.append("    type: lambda")
        lines.append("    timeout_seconds: 30")
        lines.append("    idempotent: true")
    lines.append("channels:")
    for i in range(pairs):
        if i % 50 == 0:
            lines.append(f"  topic-{i // 50}: {{service: sns, variant: standard, encryption: kms}}")
        lines.append(f"  queue-{i}:")
        lines.append("    service: sqs")
        lines.append("    variant: standard")
        lines.append("    visibility_timeout_seconds: 180")
        lines.append(f"    dead_letter: dlq-{i}")
        lines.append("    max_receive_count: 5")
        lines.append(f"  dlq-{i}: {{service: sqs, variant: standard, retention_days: 14}}")
    lines.append("flows:")
    for i in range(pairs):
        if i % 50 == 0:
            lines.append(f"  - {{from: app-{i}, to: topic-{i // 50}, protocol: https}}")
        lines.append(f"  - {{from: topic-{i // 50}, to: queue-{i}, dead_letter: dlq-{i}}}")
        lines.append(f"  - {{from: queue-{i}, to: fn-{i}}}")
        if i % 50 != 0:
            lines.append(f"  - {{from: app-{i}, to: queue-{i}}}")
    return "\n".join(lines) + "\n"
