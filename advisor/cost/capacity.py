"""Capacity arithmetic shared by the cost estimate, the scaffolds and lint (one calculation, no AWS figures).

The figures (records per shard, bytes per partition ...) are passed in from the knowledge by the caller.
"""

from __future__ import annotations

import math


def units_needed(load: float, per_unit: float, minimum: int = 1) -> int:
    """How many units (shards, partitions, brokers) carry ``load`` when each carries ``per_unit``."""
    if per_unit <= 0:
        raise ValueError("per_unit must be positive")
    return max(minimum, math.ceil(max(load, 0.0) / per_unit - 1e-9))


def shards_needed(peak_records: float, per_shard_records: float, *, record_kib: float | None = None,
                  per_shard_kib: float | None = None) -> int:
    """Kinesis shards for a peak write rate: the larger of the record and the byte limit."""
    shards = units_needed(peak_records, per_shard_records)
    if record_kib and per_shard_kib:
        shards = max(shards, units_needed(peak_records * record_kib, per_shard_kib))
    return shards


def in_multiples(count: int, step: int) -> int:
    """``count`` rounded up to a multiple of ``step`` (brokers are added one per Availability Zone)."""
    return step * math.ceil(count / step) if step > 0 else count


def concurrency_needed(rate_per_second: float, seconds_each: float) -> int:
    """Concurrent executions that a steady rate needs (Little's law: arrivals times time in the system)."""
    return max(1, math.ceil(max(rate_per_second, 0.0) * seconds_each - 1e-9))
