"""`sim demo` on every kind of scaffold (issue 14): per-queue counts for a fan-out, broker scaffolds driven through
their own code on a real local broker, whole titles; and the simulator bundled into a project runs by itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.sim.engines import get_engine

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _scaffold(base: Path, example: str) -> Path:
    from advisor.scaffold import scaffold

    out = base / example.removesuffix(".yaml")
    scaffold(EXAMPLES / example, out)
    return out


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    return {name: _scaffold(base, f"{name}.yaml") for name in
            ("order-fanout-filtering", "jms-activemq-migration", "rabbitmq-migration", "kafka-migration")}


def test_a_fan_out_demo_counts_per_queue(projects):
    """"processed 75 for sent 50": one message goes to every subscribed queue; the demo says which got what."""
    from advisor.sim.demo import rows, run_demo

    stats = run_demo(projects["order-fanout-filtering"], count=12, rate=200)
    work = {q: r for q, r in stats.queues.items() if "processed" in r}
    assert stats.sent == 12 and len(work) >= 2
    assert sum(r["processed"] for r in work.values()) == stats.processed
    assert all(r["processed"] <= stats.sent for r in work.values())
    shown = dict(rows(stats))
    assert "processed (all queues)" in shown and all(f"  {q}" in shown for q in work)


@pytest.mark.parametrize("example, engine, dead_letters", [
    ("jms-activemq-migration", "activemq", True), ("rabbitmq-migration", "rabbitmq", True),
    ("kafka-migration", "tansu", False)])
def test_broker_scaffolds_demo_through_their_own_code(projects, example, engine, dead_letters):
    """Issue 14: "no package with a producer.py" on an ActiveMQ scaffold."""
    hint = get_engine(engine).available()
    if hint:
        pytest.skip(f"{engine} is not installed here: {hint}")
    from advisor.sim.demo import run_demo

    stats = run_demo(projects[example], count=10, rate=100, fail_rate=0.2, settle=30)
    assert stats.sent == 10 and stats.failed == 2 and stats.processed == 8
    if dead_letters:                      # the package NACKs / rejects a failure to the dead-letter queue
        assert stats.in_dlq == 2
    assert stats.queues and all(r.get("processed", 0) <= 10 for r in stats.queues.values())


def test_the_demo_title_is_never_cut_mid_word(projects, cli):
    project = projects["order-fanout-filtering"]
    code, out, err = cli("sim", "demo", str(project), "--count", "3", "--rate", "100")
    assert code == 0, err
    if len(str(project)) < 70:
        assert str(project) in out, out[:400]          # the path on one line, not folded


def test_the_bundled_simulator_runs_without_mqadvise(projects, tmp_path):
    """The generated README says `python tests/localaws up|status|demo|down`; the copy must work on its own."""
    project = projects["order-fanout-filtering"]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "tests/localaws", *args], cwd=project, env=env, text=True,
                              capture_output=True, timeout=timeout)

    up = run("up", "--format", "json")
    try:
        assert up.returncode == 0, up.stderr
        state = json.loads(up.stdout)
        assert state["process"]["argv"][1:3] == ["-m", "localaws.server"]   # the project's copy, not advisor
        status = run("status")
        assert status.returncode == 0 and "running: pid" in status.stdout and state["endpoint"] in status.stdout
    finally:
        down = run("down")
    assert down.returncode == 0, down.stderr
    assert run("status").returncode == 1
    demo = run("demo", "--count", "4", "--rate", "100")
    assert demo.returncode == 0, demo.stderr
    assert "sent: 4" in demo.stdout
    readme = (project / "README.md").read_text()
    assert ".venv/bin/python tests/localaws up" in readme and "mqadvise sim up ." not in readme.split("With mqadvise")[0]
