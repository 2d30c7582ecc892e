"""Bundle the local simulator into a generated project, so it runs on any fresh machine.

A generated project must pass `pip install -e '.[dev]' && pytest` where mqadvise is not installed (a
teammate's clone, a CI runner). Its tests therefore import the simulator from `tests/localaws/`, a copy
of `advisor.sim` made at scaffold time: moto plus mqadvise's Lambda/event-source-mapping runner and, for
broker designs, the local engines. The only things it needs from mqadvise's knowledge graph, the IoT Core
limits, are written beside it as `limits.json`, with their fact ids and sources.
"""

from __future__ import annotations

import json
import re
from typing import Any

PACKAGE = "localaws"
TARGET = f"tests/{PACKAGE}"
# the simulator and its own command line (`python tests/localaws up|down|status|demo`, see advisor/sim/command.py)
CORE = ("__init__.py", "__main__.py", "cfn.py", "runner.py", "moto_env.py", "procs.py", "control.py", "server.py",
        "demo.py", "command.py")
ERRORS = '''"""Errors raised by the bundled simulator (a copy of mqadvise's error classes it uses)."""


class MqadviseError(Exception):
    exit_code = 2

    def __init__(self, message: str, *, location=None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint


class InvalidInput(MqadviseError):
    pass


class UsageError(MqadviseError):
    pass


class NotFound(MqadviseError):
    pass


class MissingEngine(MqadviseError):
    pass
'''


# stdlib-only modules of mqadvise the simulator imports, bundled beside it
SHARED = ("pids.py", "yamlbounds.py")


def _rewrite(text: str) -> str:
    text = re.sub(r"\badvisor\.sim\b", PACKAGE, text)
    text = re.sub(r"\badvisor\.(pids|yamlbounds)\b", rf"{PACKAGE}.\1", text)
    return re.sub(r"\bfrom advisor\.errors import\b", f"from {PACKAGE}._errors import", text)


def simulator_files(*, engines: bool, kb: Any) -> dict[str, str]:
    """{relative path in the project: text} of the bundled simulator."""
    from importlib.resources import files

    from advisor import __version__

    src = files("advisor.sim")
    out: dict[str, str] = {}
    for name in CORE:
        out[f"{TARGET}/{name}"] = _rewrite((src / name).read_text(encoding="utf-8"))
    for name in SHARED:
        out[f"{TARGET}/{name}"] = _rewrite((files("advisor") / name).read_text(encoding="utf-8"))
    if engines:
        eng = src / "engines"
        for node in sorted(eng.iterdir(), key=lambda n: n.name):
            if node.name.endswith(".py"):
                out[f"{TARGET}/engines/{node.name}"] = _rewrite(node.read_text(encoding="utf-8"))
        out[f"{TARGET}/limits.json"] = json.dumps(iot_limits(kb), indent=2) + "\n"
    out[f"{TARGET}/_errors.py"] = ERRORS
    out[f"{TARGET}/README.md"] = (
        f"# localaws\n\nThe local simulator these tests run on, bundled by mqadvise {__version__} "
        "(`mqadvise scaffold`) from `advisor.sim`: moto for the AWS APIs, a runner with Lambda event source "
        "mapping semantics" + (", and local MQTT/AMQP/STOMP/Kafka engines" if engines else "") +
        ". Regenerate the project with mqadvise rather than editing these files.\n")
    return out


def iot_limits(kb: Any) -> dict[str, Any]:
    """The IoT Core limits the bundled gateway enforces, with the facts they come from."""
    from advisor.knowledge.base import Option
    from advisor.sim.engines.iot import QOS_FACT, SIZE_FACT

    out = {}
    for name in (QOS_FACT, SIZE_FACT):
        ref = kb.fact(Option("iot-core", None), name)
        if ref is not None:
            out[name] = {"fact": ref.id, "value": ref.fact.value, "unit": ref.fact.unit, "source": ref.fact.source,
                         "as_of": str(ref.fact.as_of)}
    if SIZE_FACT in out:
        from advisor.engine.units import kib

        size = kb.fact(Option("iot-core", None), SIZE_FACT)
        out[SIZE_FACT]["bytes"] = round(kib(size.fact) * 1024)
    return out
