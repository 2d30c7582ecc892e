"""ADR files from anyone's repository: crafted lines, front matter bombs, odd hrefs, mangled records."""

from __future__ import annotations

import json

import pytest

HEAD = "---\nstatus: accepted\n---\n\n# A\n\n## Context and Problem Statement\n\n"
TAIL = "\n\n## Considered Options\n\n* A\n* B\n\n## Decision Outcome\n\nChosen option: A.\n"


def _lint(cli, folder):
    code, out, err = cli("adr", "lint", folder, "--format", "json")
    return code, (json.loads(out)["findings"] if out.strip() else []), err


@pytest.mark.parametrize("line", [
    "[" * 60_000,                                   # once >10 s in the link and placeholder patterns
    "{" * 120_000 + "title",
    "x" * 360_000,                                  # once 24 s
    "](" * 100_000,
    "[a](" * 50_000,
    "<!--" * 50_000,
])
def test_crafted_long_lines_finish(cli, tmp_path, line):
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "0001-a.md").write_text(HEAD + line + TAIL)
    code, findings, err = _lint(cli, folder)
    assert code in (0, 1), err


def test_front_matter_alias_bomb_is_refused(cli, tmp_path):
    folder = tmp_path / "adr"
    folder.mkdir()
    bomb = "---\na: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    (folder / "0001-a.md").write_text(bomb + "status: accepted\n---\n# A\n")
    assert len(bomb) < 600
    code, _, err = cli("adr", "list", "--dir", folder)
    assert code == 2 and "0001-a.md" in err and "front matter" in err


@pytest.mark.parametrize("value", ["0x", "2026-13-45", "1_", ".inf", "!!binary x", "[[[[[[[[[[", "*unknown"])
def test_malformed_front_matter_values_exit_2_or_read(cli, tmp_path, value):
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "0001-a.md").write_text(f"---\nstatus: accepted\ndate: {value}\n---\n# A\n")
    code, _, err = cli("adr", "list", "--dir", folder, "--format", "json")
    assert code in (0, 2) and "Traceback" not in err


def test_long_href_is_a_broken_link_not_an_error(cli, tmp_path):
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "0001-a.md").write_text(HEAD + f"See [x]({'a' * 300}.md) and [y]({'b/' * 300}c.md)." + TAIL)
    code, findings, err = _lint(cli, folder)
    assert code == 1, err
    assert [f["rule"] for f in findings] == ["ADR006", "ADR006"]


def test_mangled_records_never_raise(tmp_path):
    """A bounded run of the bench/fuzz_adr.py mutations: every record reads, lints or is refused cleanly."""
    import random

    from bench.fuzz_adr import mutate, run_one
    from tests.adr_helpers import ROOT

    seeds = sorted((ROOT / "tests" / "data" / "adr-logs").rglob("*.md"))[:40]
    rng = random.Random(7)
    for i in range(300):
        text = mutate(seeds[i % len(seeds)].read_text(encoding="utf-8"), rng)
        outcome = run_one(text, tmp_path / f"f{i}")
        assert outcome in ("ok", "refused"), (i, outcome)
