"""What every scaffold proof test does: write answers, run tools in the generated folder, check it is clean."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: a generated project's own tests, without this repository's pytest options
PROJECT_PYTEST = [sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider"]


def answers_file(tmp: Path, pattern: str, source: object) -> Path:
    """An example file as it is, or inline requirements written to a file named after the pattern."""
    if isinstance(source, Path):
        return source
    import yaml

    path = tmp / f"{pattern}.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "name": pattern.replace("_", "-"), **source}), encoding="utf-8")
    return path


def run_in(args: list[str], cwd: Path, env: dict[str, str] | None = None,
           timeout: float = 300) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": os.pathsep.join([str(cwd), str(ROOT)]), "PYTHONDONTWRITEBYTECODE": "1",
            **(env or {})}
    full.pop("AWS_ENDPOINT_URL", None)
    return subprocess.run(args, check=False, cwd=cwd, env=full, capture_output=True, text=True, timeout=timeout)


def assert_ruff_and_cfn_lint_clean(folder: Path) -> None:
    ruff = run_in([sys.executable, "-m", "ruff", "check", "."], folder)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    cfn = run_in([sys.executable, "-c", "import sys; from cfnlint.runner import main; sys.exit(main())",
                  "infra/template.yaml"], folder)
    # cfn-lint's exit status is a bit mask (2 errors, 4 warnings, 8 informational): none of them
    assert cfn.returncode == 0, cfn.stdout + cfn.stderr


def assert_lints_clean(folder: Path) -> None:
    """The architecture file is valid and it, with the template, passes `mqadvise lint` with no finding."""
    from advisor.architecture import Architecture
    from advisor.lint import lint_paths
    from advisor.yamlio import load_file, to_plain

    Architecture.model_validate(to_plain(load_file(str(folder / "architecture.yaml")).data))
    result = lint_paths([str(folder / "architecture.yaml"), str(folder / "infra" / "template.yaml")])
    assert [f"{e.where} {e.message}" for e in result.errors] == []  # lint reports unreadable files, not raises
    assert [f"{f.rule} {f.message}" for f in result.findings] == []   # every rule, the newest too


def scaffold_cases(base: Path, cases: dict[str, tuple]) -> dict[str, tuple[Path, object]]:
    """name -> (project folder, ScaffoldResult) for ``cases`` of name -> (answers source, --pattern, ...)."""
    from advisor.scaffold import scaffold

    return {name: (base / name, scaffold(answers_file(base, name, case[0]), base / name, pattern=case[1]))
            for name, case in cases.items()}


def run_project_tests(generated: dict[str, tuple[Path, object]], workers: int,
                      *pytest_args: str) -> dict[str, subprocess.CompletedProcess]:
    """Each generated project's own pytest, ``workers`` at a time (they mostly wait on brokers and timeouts)."""
    def run(item):
        name, (folder, _) = item
        return name, run_in([*PROJECT_PYTEST, *pytest_args], folder)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(pool.map(run, generated.items()))


def assert_project_tests_passed(proc: subprocess.CompletedProcess, at_least: int) -> None:
    """A generated project's pytest passed, ran at least ``at_least`` tests and skipped none."""
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    ran = re.search(r"(\d+) passed", proc.stdout)
    assert ran and int(ran.group(1)) >= at_least and "skipped" not in proc.stdout, proc.stdout[-2000:]
