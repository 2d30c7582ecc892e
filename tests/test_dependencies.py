"""Every third-party import is declared in pyproject.toml, by the distribution that provides it.

A package that only arrives through another one's dependencies (markdown-it-py through rich) works until
that other package drops it; so the code's imports, found by ast, are checked against what is declared:
- the library (advisor/) imports only the base dependencies and the optional extras (never a test-only one);
- a distribution that is only in an extra is imported inside a function, so the library imports without it;
- tests/ and bench/ import only what the base dependencies and the extras (test included) declare.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
FIRST_PARTY = {"advisor", "tests", "bench"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(requirements: list[str]) -> set[str]:
    """The distribution names of PEP 508 requirement strings (`moto[server]>=5` -> `moto`)."""
    return {canonical(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", req.strip()).group()) for req in requirements}


BASE = declared(PROJECT["dependencies"])
EXTRAS = {name: declared(reqs) for name, reqs in PROJECT["optional-dependencies"].items()}
RUNTIME_EXTRAS = set().union(*(reqs for name, reqs in EXTRAS.items() if name != "test"))


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """(top-level module, line, imported when the file is) for every absolute import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    at_module_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(name.split(".")[0], node.lineno, id(node) in at_module_level) for name in names]
    return found


def third_party(root: Path, folder: str) -> list[tuple[str, str, bool]]:
    """(location, distribution, module level) for each third-party import below ``root/folder``."""
    provides = packages_distributions()
    # modules of this repository that a script puts on sys.path itself (bench/fuzz_progress.py: tests/)
    local = {p.stem for name in ("tests", "bench", folder) for p in (root / name).rglob("*.py")}
    found = []
    for path in sorted((root / folder).rglob("*.py")):
        if "_data" in path.parts:                                 # the shipped copy of templates/
            continue
        for module, line, module_level in imports(path):
            if module in sys.stdlib_module_names or module in FIRST_PARTY or module in local:
                continue
            where = f"{path.relative_to(root)}:{line} ({module})"
            dists = provides.get(module)
            if not dists:
                pytest.fail(f"{where}: no installed distribution provides it; declare and install it")
            found += [(where, canonical(dist), module_level) for dist in dists]
    return found


def undeclared(root: Path, folder: str, allowed: set[str]) -> list[str]:
    return [f"{where}: {dist}" for where, dist, _ in third_party(root, folder) if dist not in allowed]


def test_the_library_imports_only_declared_runtime_dependencies():
    missing = undeclared(ROOT, "advisor", BASE | RUNTIME_EXTRAS)
    assert not missing, "add to [project] dependencies (or an extra):\n" + "\n".join(missing)


def test_optional_dependencies_are_imported_only_when_used():
    eager = [f"{where}: {dist}" for where, dist, module_level in third_party(ROOT, "advisor")
             if module_level and dist not in BASE]
    assert not eager, "import these inside the function that needs them:\n" + "\n".join(eager)


@pytest.mark.parametrize("folder", ["tests", "bench"])
def test_tests_and_benches_import_only_declared_dependencies(folder):
    missing = undeclared(ROOT, folder, BASE.union(*EXTRAS.values()))
    assert not missing, "add to the test extra:\n" + "\n".join(missing)


def test_the_check_reports_an_import_that_only_comes_through_another_package(tmp_path):
    (tmp_path / "advisor").mkdir()
    (tmp_path / "advisor" / "site.py").write_text("import rich\n\ndef page():\n    from markdown_it import MarkdownIt\n")
    assert undeclared(tmp_path, "advisor", {"rich"}) == ["advisor/site.py:4 (markdown_it): markdown-it-py"]
