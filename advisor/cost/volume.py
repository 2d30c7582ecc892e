"""The volume a design carries, read from the requirements, with the assumptions that fill the blanks."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

# Design assumptions: our own choices where the requirements say nothing. They are printed with every
# estimate (Estimate.assumptions) and are not AWS figures, so they live here and not in knowledge/.
ASSUMED = {
    "message_kib": 1.0,              # smallest billing step of every service
    "sqs_requests_per_message": 3,   # SendMessage, ReceiveMessage, DeleteMessage, no batching
    "sfn_transitions_per_execution": 5,
    "sfn_express_seconds": 1.0,
    "lambda_memory_mb": 128,
    "lambda_seconds": 0.1,
    "appflow_runs_per_day": 24,      # an hourly flow when no schedule is given
    "msk_replication_factor": 3,
    "mq_brokers": {"activemq": 2, "rabbitmq": 3},   # active/standby pair; three-node cluster
}


@dataclass
class Volume:
    peak: float | None               # messages per second at peak
    average: float | None            # mean messages per second over the month
    kib: float                       # message size
    retention_days: float | None
    consumers: list[str]
    producers: list[str]
    fan_out: int                     # copies a topic or bus delivers (subscribers)
    month_hours: float
    schedule_runs: float | None      # runs a month of constraints.schedule
    storage_gib: float | None
    backup_gib: float | None
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def messages(self) -> float | None:
        """Messages a month at the average rate."""
        return None if self.average is None else self.average * 3600 * self.month_hours

    @property
    def days(self) -> float:
        return self.month_hours / 24


def volume_of(req: Any, month_hours: float) -> Volume:
    k = req.constraints
    assumptions: list[str] = []
    warnings: list[str] = []
    average = k.average_per_second
    if average is None and k.peak_per_second is not None:
        average = k.peak_per_second
        warnings.append("constraints.average_per_second is not set: the estimate bills the peak rate all month, "
                        "which overestimates usage-priced services")
    if average is None:
        warnings.append("constraints.peak_per_second is not set: usage-priced dimensions cannot be estimated")
    kib = k.message_kib
    if kib is None:
        kib = ASSUMED["message_kib"]
        assumptions.append(f"messages of {kib:g} KiB (constraints.message_kib is not set)")
    consumers = list(k.consumers or [])
    pubsub = req.connection.distribution == "pubsub"
    fan_out = max(1, len(consumers)) if pubsub else 1
    if pubsub:
        assumptions.append(f"publish/subscribe: {fan_out} subscriber(s), one per consumer kind")
    runs = schedule_runs(k.schedule, month_hours) if k.schedule else None
    assumptions.append(f"a month of {month_hours:g} hours")
    storage_gib = req.storage.data_gib if req.storage is not None else None
    backup_gib = req.backup.data_gib if req.backup is not None else None
    return Volume(k.peak_per_second, average, kib, k.retention_days, consumers, list(k.producers or []),
                  fan_out, month_hours, runs, storage_gib, backup_gib, assumptions, warnings)


def scaled(req: Any, factor: float) -> Any:
    """A copy of the requirements with the peak (and average) rate multiplied by ``factor``."""
    k = req.constraints
    update: dict[str, Any] = {}
    if k.peak_per_second is not None:
        update["peak_per_second"] = k.peak_per_second * factor
    if k.average_per_second is not None:
        update["average_per_second"] = k.average_per_second * factor
    return req.model_copy(update={"constraints": k.model_copy(update=update)})


def with_peak(req: Any, peak: float) -> Any:
    """A copy with this peak; a stated average keeps its ratio to the old peak."""
    k = req.constraints
    if k.peak_per_second:
        return scaled(req, peak / k.peak_per_second)
    return req.model_copy(update={"constraints": k.model_copy(update={"peak_per_second": peak})})


_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_UNIT_HOURS = {"minute": 1 / 60, "hour": 1, "day": 24}


def schedule_runs(expression: str, month_hours: float) -> float | None:
    """Runs a month of an EventBridge rate() or cron() expression; None when it cannot be read."""
    text = expression.strip()
    m = _RATE.match(text)
    if m:
        every = int(m.group(1)) * _UNIT_HOURS[m.group(2).rstrip("s")]
        return month_hours / every if every > 0 else None
    if text.startswith("cron(") and text.endswith(")"):
        fields = text[5:-1].split()
        if len(fields) != 6:
            return None
        minute, hour, dom, _month, dow, _year = fields
        per_day = _count(minute, 60) * _count(hour, 24)
        days = month_hours / 24
        if dom not in ("*", "?"):
            days = _count(dom, 31) * days / 31
        elif dow not in ("*", "?"):
            days = _count(dow, 7) * days / 7
        return per_day * days if per_day else None
    return None


def _count(field_text: str, span: int) -> float:
    """How many values a cron field takes (``*``, ``5``, ``1,15``, ``0-30/5``, ``MON-FRI``)."""
    total = 0.0
    for part in field_text.split(","):
        base, _, step = part.partition("/")
        stride = int(step) if step.isdigit() and int(step) > 0 else 1
        if base in ("*", "?"):
            width = span
        elif "-" in base:
            lo, hi = base.split("-", 1)
            width = (int(hi) - int(lo) + 1) if lo.isdigit() and hi.isdigit() else 5   # MON-FRI
        else:
            width = 1
        total += math.ceil(width / stride)
    return total
