"""Shared fixtures: the bundled knowledge (and a copy to break), example requirements, and a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def kb():
    from advisor.api import knowledge

    return knowledge()


@pytest.fixture
def knowledge_copy(tmp_path):
    """A copy of the bundled knowledge to break (tests/knowledge_helpers.py)."""
    import shutil

    root = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", root)
    return root


@pytest.fixture
def term_env(tmp_path):
    """The environment of a child on a pseudo-terminal (tests/pty_helpers.py), its data in tmp_path."""
    from tests.pty_helpers import terminal_env

    return terminal_env(tmp_path / "data")


@pytest.fixture
def make_req():
    """Build validated requirements from keyword sections: make_req(connection={...}, constraints={...})."""
    from advisor.requirements import parse_requirements

    def build(**sections):
        data = {"version": 1, "name": sections.pop("name", "test-case")}
        data.update(sections)
        return parse_requirements(data)

    return build


@pytest.fixture
def advise(kb):
    from advisor.engine.walk import recommend

    return lambda req: recommend(req, kb)


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run the CLI in-process; returns (exit_code, stdout, stderr)."""
    import io
    import sys

    def run(*args, stdin: str = ""):
        from advisor.cli.app import main

        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "argv", ["mqadvise", *map(str, args)])
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr(sys, "stderr", err)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        from advisor.cli import console

        console.out.cache_clear()
        console.err.cache_clear()
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            console.out.cache_clear()
            console.err.cache_clear()
        return code, out.getvalue(), err.getvalue()

    return run
