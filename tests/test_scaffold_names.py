"""A project name that is a valid slug but would shadow a module (issue 15): `json`, `os`, `boto3`, `tests`.
The package (and the distribution) is renamed and the user is told; the generated project's own tests pass."""

from __future__ import annotations

import importlib.metadata as md
import re
import sys
from pathlib import Path

import pytest

from advisor.scaffold import names
from tests.scaffold_proof import run_in

ROOT = Path(__file__).resolve().parent.parent
NIGHTLY = ROOT / "examples" / "nightly-schedule.yaml"


@pytest.mark.parametrize("name, package, why", [
    ("json", "json_app", "standard library"), ("os", "os_app", "standard library"),
    ("queue", "queue_app", "standard library"), ("boto3", "boto3_app", "depends on"),
    ("requests", "requests_app", "depends on"), ("tests", "tests_app", "folder"), ("infra", "infra_app", "folder"),
])
def test_shadowing_names_are_renamed_with_a_note(name, package, why):
    named = names.project_names(name)
    assert named.package == package and named.project == name
    assert any(why in note and repr(package) in note for note in named.notes)


def test_ordinary_names_are_left_alone():
    named = names.project_names("order-fanout")
    assert (named.package, named.distribution, named.notes) == ("order_fanout", "order-fanout", [])


def test_a_distribution_that_is_a_dependency_is_renamed_too():
    named = names.project_names("pytest")
    assert named.distribution == "pytest-app" and named.package == "pytest_app" and len(named.notes) == 2


def test_the_lists_cover_what_the_generated_projects_install(kb):
    """Every top-level module and distribution a generated project's dependencies install (here, in the test
    environment, which has the same packages) is in names.DEPENDENCY_MODULES / DEPENDENCY_DISTRIBUTIONS."""
    from packaging.requirements import Requirement

    from advisor import api
    from advisor.scaffold import plan_files

    roots: set[str] = {"setuptools", "wheel"}
    for example in ("nightly-schedule", "kafka-migration", "iot-telemetry-to-s3", "rabbitmq-migration",
                    "jms-activemq-migration"):
        _, _, files, _ = plan_files(api.load_requirements(str(ROOT / "examples" / f"{example}.yaml")), kb=kb)
        roots |= set(re.findall(r'^\s*"([A-Za-z0-9.\[\],_-]+[<>=!~][^"]*)",?$', files["pyproject.toml"], re.M))
    assert any(r.startswith("moto[") for r in roots) and any(r.startswith("pika") for r in roots)
    seen: dict[str, set[str]] = {}
    todo = [Requirement(r) for r in roots]
    while todo:
        req = todo.pop()
        key = re.sub(r"[-_.]+", "-", req.name).lower()
        if key in seen and set(req.extras) <= seen[key]:
            continue
        seen[key] = seen.get(key, set()) | set(req.extras)
        try:
            dist = md.distribution(req.name)
        except md.PackageNotFoundError:
            continue
        for text in dist.requires or []:
            sub = Requirement(text)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in seen[key] or {""}):
                todo.append(sub)
    assert set(seen) - {"setuptools", "wheel"} <= names.DEPENDENCY_DISTRIBUTIONS | {"setuptools", "wheel"}
    modules = {m for m, dists in md.packages_distributions().items()
               if any(re.sub(r"[-_.]+", "-", d).lower() in seen for d in dists)}
    missing = {m for m in modules if m.isidentifier() and m == m.lower() and not m.startswith("_")} \
        - names.DEPENDENCY_MODULES
    assert not missing, f"add these to names.DEPENDENCY_MODULES: {sorted(missing)}"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["json", "boto3", "tests"])
def test_a_project_named_after_a_module_still_passes_its_own_tests(tmp_path, cli, name):
    out = tmp_path / name
    code, stdout, err = cli("scaffold", "--answers", NIGHTLY, "--out", out, "--name", name)
    assert code == 0, err
    assert f"note: the Python package is named '{name}_app'" in " ".join(err.split())
    assert (out / f"{name}_app" / "handler.py").is_file() and not (out / name / "handler.py").exists()
    proc = run_in([sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider"], out)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
