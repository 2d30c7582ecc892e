"""The wheel ships the knowledge and the templates inside the package (advisor/_data/...)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory):
    """Build a wheel from a clean copy of the source (so build/ and *.egg-info in the checkout play no part)."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    anywhere = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache")
    top = {".git", "build", "dist", ".venv", "tests", "mqadvise.egg-info"}

    def ignore(folder, names):
        skip = set(anywhere(folder, names))
        return skip | (top & set(names)) if folder == str(ROOT) else skip

    shutil.copytree(ROOT, src, symlinks=True, ignore=ignore)  # advisor/_data/* are symlinks to top-level folders
    out = base / "dist"
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(src)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wheels = list(out.glob("mqadvise-*.whl"))
    assert len(wheels) == 1, wheels
    with zipfile.ZipFile(wheels[0]) as zf:
        return set(zf.namelist()), zf.read(next(n for n in zf.namelist() if n.endswith("entry_points.txt"))).decode()


def test_wheel_contains_the_knowledge(wheel_names):
    names, _ = wheel_names
    assert "advisor/_data/knowledge/services/sqs.yaml" in names
    assert "advisor/_data/knowledge/questions.yaml" in names
    for path in sorted((ROOT / "knowledge").rglob("*.yaml")):
        rel = path.relative_to(ROOT).as_posix()
        assert f"advisor/_data/{rel}" in names, rel


def test_wheel_contains_the_templates(wheel_names):
    names, _ = wheel_names
    files = [p for p in (ROOT / "templates").rglob("*") if p.is_file()]
    if not files:
        pytest.skip("templates/ has no files yet")
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        assert f"advisor/_data/{rel}" in names, rel


def test_wheel_has_the_command_and_no_stray_files(wheel_names):
    names, entry_points = wheel_names
    assert "mqadvise = advisor.cli.app:main" in entry_points
    assert "advisor/cli/app.py" in names and "advisor/__main__.py" in names
    assert not [n for n in names if n.startswith(("tests/", "build/", "examples/")) or "probe" in n]
