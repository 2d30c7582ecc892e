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


class _CountingList(list):
    """A record's links that count how many times any of them is looked at."""

    visits = 0

    def __iter__(self):
        for item in super().__iter__():
            _CountingList.visits += 1
            yield item


def test_lint_work_grows_linearly_with_the_links_of_a_record(tmp_path, monkeypatch):
    """2,100 supersede links in one status section (the fuzzer's ~1 MiB records had 35,000): asking the other
    record's links back for every link, and resolving both paths each time, took seconds per thousand links.
    Counted, not timed: every link is looked at a few times and every path resolved once."""
    import pathlib

    from advisor.adr import lint

    folder = tmp_path / "adr"
    folder.mkdir()
    rows = "".join("Supersedes [1. X](0001-x.md)" * 700 + "\n" for _ in range(3))
    (folder / "0001-a.md").write_text(f"# 1. A\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n\n{rows}\n"
                                      "## Context\n\nc\n\n## Decision\n\nd\n\n## Consequences\n\nq\n")
    (folder / "0002-b.md").write_text("# 2. B\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n")
    read = lint.read_folder

    def counted(where):
        records = read(where)
        for rec in records:
            rec.links = _CountingList(rec.links)
        return records

    resolved = []
    real_resolve = pathlib.Path.resolve
    monkeypatch.setattr(lint, "read_folder", counted)
    monkeypatch.setattr(pathlib.Path, "resolve", lambda self, *a, **k: resolved.append(self) or real_resolve(self, *a, **k))
    _CountingList.visits = 0
    findings = lint.check_folder(folder)
    links = 2100
    assert sum(f.rule == "ADR007" for f in findings) == links     # each "supersedes itself" has no link back
    assert _CountingList.visits <= 5 * links
    assert len(resolved) <= 4                     # the two records and the one target they name, once each
