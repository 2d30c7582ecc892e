"""Lint configuration: ``[tool.mqadvise.lint]`` in pyproject.toml or ``[lint]`` in .mqadvise.toml.

Keys (all optional)::

    select = ["MQA1", "MQA401"]      # codes, code prefixes or rule names; default: every rule
    ignore = ["MQA105"]
    fail-on = "error"                # error | warning | info | never
    format = "text"                  # text | json | sarif | github | junit
    region = "eu-west-1"             # when an architecture does not name one
    baseline = "mqadvise-baseline.json"
    [tool.mqadvise.lint.severity]    # override a rule's default severity
    MQA105 = "error"

The nearest of ``.mqadvise.toml`` / ``pyproject.toml`` (with a ``tool.mqadvise.lint`` table) from the
current directory upward is used; ``--config FILE`` names one; command-line options win.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.errors import InvalidInput, Location

KEYS = {"select", "ignore", "fail-on", "format", "region", "baseline", "severity", "extend-select"}
SEVERITIES = ("error", "warning", "info")
FAIL_ON = ("error", "warning", "info", "never")


@dataclass
class LintConfig:
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    format: str | None = None
    region: str | None = None
    baseline: str | None = None
    severity: dict[str, str] = field(default_factory=dict)
    path: Path | None = None


def _table(path: Path) -> dict[str, Any] | None:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"invalid TOML: {exc}", location=Location(str(path))) from None
    except OSError as exc:
        raise InvalidInput(f"cannot read configuration: {exc.strerror}", location=Location(str(path))) from None
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("mqadvise", {}).get("lint")
    return data.get("lint", data.get("tool", {}).get("mqadvise", {}).get("lint"))


def find_config(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents):
        for name in (".mqadvise.toml", "pyproject.toml"):
            candidate = folder / name
            if candidate.is_file() and _table(candidate) is not None:
                return candidate
    return None


def load_config(explicit: Path | None = None, start: Path | None = None) -> LintConfig:
    path = explicit or find_config(start or Path.cwd())
    if path is None:
        return LintConfig()
    if explicit is not None and not explicit.is_file():
        raise InvalidInput("configuration file not found", location=Location(str(explicit)))
    table = _table(path)
    if table is None:
        raise InvalidInput("no [tool.mqadvise.lint] (pyproject.toml) or [lint] (.mqadvise.toml) table",
                           location=Location(str(path)))
    unknown = set(table) - KEYS
    if unknown:
        raise InvalidInput(f"unknown lint setting(s): {', '.join(sorted(unknown))}; expected "
                           f"{', '.join(sorted(KEYS))}", location=Location(str(path)))
    cfg = LintConfig(path=path)

    def strings(key: str) -> list[str]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidInput(f"{key} must be a list of rule codes or names", location=Location(str(path)))
        return value

    cfg.select = strings("select") + strings("extend-select")
    cfg.ignore = strings("ignore")
    fail_on = table.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise InvalidInput(f"fail-on must be one of {', '.join(FAIL_ON)}", location=Location(str(path)))
    cfg.fail_on = fail_on
    cfg.format = table.get("format")
    cfg.region = table.get("region")
    if table.get("baseline") is not None:
        cfg.baseline = str(path.parent / str(table["baseline"]))
    sev = table.get("severity", {})
    if not isinstance(sev, dict):
        raise InvalidInput("severity must be a table of rule code = level", location=Location(str(path)))
    for code, level in sev.items():
        if level not in SEVERITIES:
            raise InvalidInput(f"severity of {code} must be one of {', '.join(SEVERITIES)}",
                               location=Location(str(path)))
        cfg.severity[str(code).upper() if str(code).upper().startswith("MQA") else str(code)] = level
    return cfg
