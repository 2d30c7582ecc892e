"""Real decision logs (tests/data/adr-logs): every record read right, lint findings as reviewed, edits in the
log's own style. Expected values and their reasons: tests/data/adr-logs/expected.yaml."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.adr_helpers import ROOT

LOGS = ROOT / "tests" / "data" / "adr-logs"


def _expected() -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load((LOGS / "expected.yaml").read_text(encoding="utf-8"))


EXPECTED = _expected()


def _folder(name: str, root=None):
    from advisor.adr.folder import find_adr_dir

    root = root or LOGS / name
    spec = EXPECTED[name]
    if spec.get("discover"):
        found = find_adr_dir(root, None)
        assert found.resolve() == (root / spec["folder"]).resolve()
        return found
    return root / spec["folder"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_record_read(name):
    from advisor.adr.records import read_folder

    records = read_folder(_folder(name))
    got = {r.slug: [r.title, r.status, r.date] for r in records}
    assert got == EXPECTED[name]["records"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_lint_findings_as_reviewed(name):
    from advisor.adr.lint import check_folder

    folder = _folder(name)
    got = sorted([f.rule, (folder / f.file).resolve().relative_to(folder.resolve()).as_posix()
                  if not f.file.startswith("/") else
                  __import__("pathlib").Path(f.file).resolve().relative_to(folder.resolve()).as_posix(), f.line]
                 for f in check_folder(folder))
    assert got == sorted(EXPECTED[name]["findings"] or [])


def test_madr_own_log_is_clean(cli):
    code, out, err = cli("adr", "lint", LOGS / "madr" / "docs" / "decisions")
    assert (code, out.strip()) == (0, "mqadvise adr lint: no problems found"), err


def test_log4brains_records_by_slug(cli, tmp_path, monkeypatch):
    shutil.copytree(LOGS / "log4brains", tmp_path / "l4b")
    monkeypatch.chdir(tmp_path / "l4b")
    code, out, err = cli("adr", "show", "20201016-use-the-adr-slug-as-its-unique-id", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["title"] == "Use the ADR slug as its unique ID"
    code, out, err = cli("adr", "show", "core/20201002-use-explicit-architecture-and-ddd-for-the-core-api")
    assert code == 0, err
    assert out.startswith("# Use Explicit Architecture and DDD for the core API")
    code, _, err = cli("adr", "show", "20990101-nothing")
    assert code == 2 and "no ADR named '20990101-nothing'" in err


def test_adr_nnn_files_are_seen(cli):
    code, out, err = cli("adr", "list", "--dir", LOGS / "arachne", "--format", "json")
    assert code == 0, err
    assert [r["number"] for r in json.loads(out)["records"]] == [1, 2, 3, 4, 5, 6]


def test_context_prose_is_not_a_link(tmp_path):
    from advisor.adr.records import parse

    rec = parse("# 1. A\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n\n## Context\n\n"
                "Superseded by [ADR-0007](0007-other.md) was discussed.\n", tmp_path / "0001-a.md")
    assert rec.links == [] and rec.status == "accepted"


def test_folder_without_records_warns(cli, tmp_path):
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "use-kafka.md").write_text("# Use Kafka\n")
    code, out, _ = cli("adr", "lint", folder, "--format", "json")
    findings = json.loads(out)["findings"]
    assert code == 1 and [f["rule"] for f in findings] == ["ADR008"] and findings[0]["severity"] == "warning"
