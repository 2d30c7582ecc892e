"""Generated projects carry their own simulator: they run where mqadvise is not installed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.scaffold import scaffold
from tests.conftest import EXAMPLES

# Module-level imports only: the bundled IoT engine keeps a lazy branch that reads mqadvise's knowledge when
# no limits.json is bundled; the run below, with mqadvise hidden, proves that branch is never needed.
IMPORTS_ADVISOR = re.compile(r"^(from|import)\s+advisor\b", re.MULTILINE)


def _generate(tmp_path: Path, example: str) -> Path:
    out = tmp_path / example
    scaffold(EXAMPLES / f"{example}.yaml", out)
    return out


def _blocked_advisor(tmp_path: Path) -> Path:
    """A folder whose `advisor` package refuses to import; put first on PYTHONPATH it hides mqadvise."""
    fake = tmp_path / "no-mqadvise" / "advisor"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('mqadvise is not installed here')\n")
    return fake.parent


@pytest.mark.parametrize("example", ["order-fanout-filtering", "strict-ordering-per-customer",
                                     "iot-telemetry-to-s3"])
def test_generated_project_needs_no_mqadvise(tmp_path, example):
    project = _generate(tmp_path, example)
    bundled = project / "tests" / "localaws"
    assert (bundled / "__init__.py").is_file() and (bundled / "runner.py").is_file()
    for path in project.rglob("*.py"):
        assert not IMPORTS_ADVISOR.search(path.read_text(encoding="utf-8")), f"{path} imports advisor"
    pyproject = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert not re.search(r"\"mqadvise\b", pyproject), "the project must not depend on mqadvise"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(_blocked_advisor(tmp_path)), str(project)]))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert " passed" in proc.stdout


def test_bundled_iot_limits_are_the_knowledge_facts(tmp_path, kb):
    import json

    from advisor.knowledge.base import Option

    project = _generate(tmp_path, "iot-telemetry-to-s3")
    limits = json.loads((project / "tests" / "localaws" / "limits.json").read_text(encoding="utf-8"))
    size = kb.fact(Option("iot-core", None), "message_size.max")
    assert limits["message_size.max"]["fact"] == size.id
    assert limits["message_size.max"]["source"] == size.fact.source
    assert limits["mqtt.qos_max"]["value"] == kb.fact(Option("iot-core", None), "mqtt.qos_max").fact.value
