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

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def find_package(project: Path) -> str:
    hits = sorted(p.parent.name for p in project.glob("*/producer.py") if (p.parent / "__init__.py").is_file())
    if not hits:
        raise InvalidInput(f"no package with a producer.py in {project}", hint="run it on a scaffolded folder")
    return hits[0]


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
    package = find_package(project)
    template_path = find_template(project)
    template = load_template(template_path)
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

    queued = in_flight = 0
    for q in work:
        a = attrs(q)
        queued += int(a.get("ApproximateNumberOfMessages", 0))
        in_flight += int(a.get("ApproximateNumberOfMessagesNotVisible", 0))
    stats.queued, stats.in_flight = queued, in_flight
    stats.in_dlq = sum(int(attrs(q).get("ApproximateNumberOfMessages", 0)) for q in dead)
    r = aws.runner.stats
    stats.processed, stats.retried, stats.failed = r.processed, r.retried, r.failed
    counts: dict[str, int] = {}
    for m in machines:
        for ex in aws.executions(m):
            counts[ex["status"]] = counts.get(ex["status"], 0) + 1
    stats.executions = counts
