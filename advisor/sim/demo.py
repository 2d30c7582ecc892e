"""`mqadvise sim demo`: the scaffold's producer and handlers on the in-process simulator, with live counters.

Retries that take minutes on AWS take a second here: every queue's visibility timeout is shortened for the
demo (the template keeps its own values). ``fail_rate`` makes that share of handler invocations raise.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.errors import InvalidInput


@dataclass
class DemoStats:
    sent: int = 0
    queued: int = 0
    in_flight: int = 0
    processed: int = 0
    retried: int = 0
    failed: int = 0
    in_dlq: int = 0
    executions: dict[str, int] = field(default_factory=dict)
    # per queue (by logical id): {"queued", "in_flight", "processed"} - or {"in_dlq"} for a dead-letter queue
    queues: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.__dict__.items()}


def rows(stats: DemoStats) -> list[tuple[str, str]]:
    """(counter, value) rows for a person: the totals, then each queue, then Step Functions executions."""
    out = [("sent", str(stats.sent)), ("processed (all queues)" if len(stats.queues) > 1 else "processed",
                                       str(stats.processed)),
           ("retried", str(stats.retried)), ("failed", str(stats.failed)), ("in flight", str(stats.in_flight)),
           ("queued", str(stats.queued)), ("in DLQ", str(stats.in_dlq))]
    for name, row in stats.queues.items():
        if "in_dlq" in row:
            out.append((f"  {name} (dead-letter)", f"{row['in_dlq']} held"))
        else:
            out.append((f"  {name}", f"{row['processed']} processed, {row['queued']} queued, "
                                     f"{row['in_flight']} in flight"))
    for status_name, n in sorted(stats.executions.items()):
        out.append((f"executions {status_name.lower()}", str(n)))
    return out


def find_package(project: Path) -> str:
    """The serverless scaffold's package: the one whose producer.py has ``demo_send``."""
    hits = sorted(p.parent.name for p in project.glob("*/producer.py")
                  if (p.parent / "__init__.py").is_file() and "def demo_send" in p.read_text(errors="replace"))
    if not hits:
        raise InvalidInput(f"no package with a producer.py in {project}", hint="run it on a scaffolded folder")
    return hits[0]


def _broker_scaffold(project: Path) -> tuple[str, str] | None:
    try:
        from advisor.sim.engines.demos import broker_package
    except ImportError:              # a project bundled without the engines is not a broker scaffold
        return None
    return broker_package(project)


def _queue_roles(template: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(work queues, dead-letter queues) by logical id."""
    import json

    text = json.dumps(template["Resources"])
    queues = [k for k, v in template["Resources"].items() if v["Type"] == "AWS::SQS::Queue"]
    dead = set()
    for q in queues:
        ref = json.dumps({"Fn::GetAtt": [q, "Arn"]})
        for key in ("deadLetterTargetArn", "Destination", "\"Arn\""):
            if f"{key.strip(chr(34))}\": {ref}" in text:
                dead.add(q)
    return [q for q in queues if q not in dead], sorted(dead)


def run_demo(project: Path, *, count: int = 50, rate: float = 10.0, fail_rate: float = 0.0,
             settle: float = 15.0, on_tick: Callable[[DemoStats], None] | None = None) -> DemoStats:
    """Send ``count`` messages at ``rate`` per second while the handlers run; returns the final counters."""
    from advisor.sim.cfn import load_template
    from advisor.sim.moto_env import LocalAWS
    from advisor.sim.server import find_template

    project = Path(project).resolve()
    try:
        package = find_package(project)
    except InvalidInput:
        broker = _broker_scaffold(project)
        if broker is None:
            try:
                from advisor.sim.engines.demos import unsupported
            except ImportError:
                raise
            raise unsupported(project) from None
        from advisor.sim.engines.demos import run_broker_demo

        return run_broker_demo(project, *broker, DemoStats(), count=count, rate=rate, fail_rate=fail_rate,
                               settle=settle, on_tick=on_tick)
    template_path = find_template(project)
    try:
        template = load_template(template_path)
    except (ValueError, TypeError) as exc:     # over the YAML bounds, or not a template
        raise InvalidInput(f"{template_path}: cannot simulate this template: {exc}") from None
    work, dead = _queue_roles(template)
    overrides = {q: {"VisibilityTimeout": 1} for q in work + dead}
    stats = DemoStats()
    with LocalAWS(template_path, project=project, overrides=overrides) as aws:
        producer = importlib.import_module(f"{package}.producer")
        aws.runner.fail_rate = fail_rate
        machines = [k for k, v in template["Resources"].items() if v["Type"] == "AWS::StepFunctions::StateMachine"]
        interval = 1.0 / rate if rate > 0 else 0.0
        next_send = time.monotonic()
        idle_since: float | None = None
        while True:
            now = time.monotonic()
            if stats.sent < count and now >= next_send:
                producer.demo_send(stats.sent)
                stats.sent += 1
                next_send = now + interval
            busy = aws.runner.poll_once()
            _refresh(aws, stats, work, dead, machines)
            if on_tick:
                on_tick(stats)
            if stats.sent >= count:
                pending = busy or stats.queued or stats.in_flight or stats.executions.get("RUNNING", 0)
                if pending:
                    idle_since = None
                elif idle_since is None:
                    idle_since = now
                elif now - idle_since > 1.0:
                    break
                if now - next_send > settle + count * interval:
                    break
            time.sleep(0.05)
    return stats


def _refresh(aws: Any, stats: DemoStats, work: list[str], dead: list[str], machines: list[str]) -> None:
    sqs = aws.client("sqs")

    def attrs(lid: str) -> dict[str, str]:
        return sqs.get_queue_attributes(QueueUrl=aws.physical(lid), AttributeNames=["All"])["Attributes"]

    r = aws.runner.stats
    queued = in_flight = 0
    for q in work:
        a = attrs(q)
        row = {"queued": int(a.get("ApproximateNumberOfMessages", 0)),
               "in_flight": int(a.get("ApproximateNumberOfMessagesNotVisible", 0)),
               "processed": r.processed_by_queue.get(aws.physical(q).rsplit("/", 1)[-1], 0)}
        stats.queues[q] = row
        queued += row["queued"]
        in_flight += row["in_flight"]
    stats.queued, stats.in_flight = queued, in_flight
    for q in dead:
        stats.queues[q] = {"in_dlq": int(attrs(q).get("ApproximateNumberOfMessages", 0))}
    stats.in_dlq = sum(stats.queues[q]["in_dlq"] for q in dead)
    stats.processed, stats.retried, stats.failed = r.processed, r.retried, r.failed
    counts: dict[str, int] = {}
    for m in machines:
        for ex in aws.executions(m):
            counts[ex["status"]] = counts.get(ex["status"], 0) + 1
    stats.executions = counts
