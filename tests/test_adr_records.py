"""Reading ADRs of other tools without damage; status, supersede, list, show and index."""

from __future__ import annotations

import difflib
import json

import pytest

from tests.adr_helpers import FOREIGN, ROOT, copy_foreign, tables

EXPECTED = {
    1: ("Record architecture decisions", "accepted", "2023-04-01", "nygard", []),
    2: ("Use RabbitMQ for orders", "accepted", "2023-05-10", "nygard", []),
    3: ("Use Markdown Architectural Decision Records", "accepted", "2023-06-01", "madr2", ["Oliver", "Anna"]),
    4: ("Queue per consumer", "accepted", "2023-07-15", "madr3", ["Anna", "Bob"]),
    5: ("Event bus for integration", "proposed", "2024-02-01", "madr4", ["Anna"]),
    6: ("Keep logs for 30 days", "draft", "2024-03-03", "log4brains", ["Anna"]),
}


def test_reads_foreign_records():
    from advisor.adr.records import read_folder

    records = read_folder(FOREIGN)
    assert [r.number for r in records] == [1, 2, 3, 4, 5, 6]
    for r in records:
        assert (r.title, r.status, r.date, r.style, r.decision_makers) == EXPECTED[r.number], r.name
    madr3 = records[3]
    assert (madr3.consulted, madr3.informed) == (["Carol"], ["Dave"])


def _changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


@pytest.mark.parametrize("number", [1, 3, 4, 5, 6])
def test_status_change_touches_only_the_status_line(cli, tmp_path, number):
    folder = copy_foreign(tmp_path)
    path = next(folder.glob(f"{number:04d}-*.md"))
    before = path.read_text()
    code, _, err = cli("adr", "status", number, "deprecated", "--dir", folder)
    assert code == 0, err
    after = path.read_text()
    changed = _changed_lines(before, after)
    assert len(changed) == 2, changed          # one line out, one line in
    assert "eprecated" in changed[1]
    from advisor.adr.records import read_record

    assert read_record(path).status == "deprecated"
    # the YAML comment after the status survives
    if number == 5:
        assert changed[1] == '+status: "deprecated"  # review on Friday'


def test_status_keeps_crlf_and_missing_final_newline(tmp_path):
    from advisor.adr.log import set_status

    folder = tmp_path / "adr"
    folder.mkdir()
    p = folder / "0001-x.md"
    p.write_bytes(b"# 1. X\r\n\r\nDate: 2024-01-01\r\n\r\n## Status\r\n\r\nProposed\r\n\r\n## Context\r\n\r\nc")
    set_status(folder, 1, "accepted")
    assert p.read_bytes() == (b"# 1. X\r\n\r\nDate: 2024-01-01\r\n\r\n## Status\r\n\r\nAccepted\r\n\r\n"
                              b"## Context\r\n\r\nc")


def test_status_rejects_bad_values(cli, tmp_path):
    folder = copy_foreign(tmp_path)
    code, _, err = cli("adr", "status", 1, "superseded", "--dir", folder)
    assert code == 2
    code, _, err = cli("adr", "status", 99, "accepted", "--dir", folder)
    assert code == 2 and "no ADR numbered 99" in err


def _links(folder, number):
    from advisor.adr.records import find, read_folder

    rec = find(read_folder(folder), number)
    return rec, {(lk.relation, lk.number) for lk in rec.links}


@pytest.mark.parametrize(("old", "new"), [(2, 1), (1, 3), (3, 4), (4, 5), (5, 6), (6, 2)])
def test_supersede_existing_records(cli, tmp_path, old, new):
    folder = copy_foreign(tmp_path)
    untouched = {p.name: p.read_text() for p in folder.iterdir() if not p.name.startswith((f"{old:04d}", f"{new:04d}"))}
    code, out, err = cli("adr", "supersede", old, new, "--dir", folder)
    assert code == 0, err
    old_rec, old_links = _links(folder, old)
    new_rec, new_links = _links(folder, new)
    assert old_rec.status == "superseded"
    assert ("superseded-by", new) in old_links
    assert ("supersedes", old) in new_links
    assert new_rec.status == EXPECTED[new][1]
    for name, text in untouched.items():
        assert (folder / name).read_text() == text
    # links resolve, and the log is consistent
    code, out, _ = cli("adr", "lint", folder, "--format", "json")
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert not rules & {"ADR006", "ADR007", "ADR002"}, out
    # idempotent: doing it again changes nothing
    snapshot = {p.name: p.read_text() for p in folder.iterdir()}
    assert cli("adr", "supersede", old, new, "--dir", folder)[0] == 0
    assert {p.name: p.read_text() for p in folder.iterdir()} == snapshot


def test_adr_tools_supersede_format(cli, tmp_path):
    folder = copy_foreign(tmp_path)
    assert cli("adr", "supersede", 1, 2, "--dir", folder)[0] == 0
    old = next(folder.glob("0001-*.md")).read_text()
    new = next(folder.glob("0002-*.md")).read_text()
    assert "## Status\n\nSuperseded by [2. Use RabbitMQ for orders](0002-use-rabbitmq-for-orders.md)\n\n## Context" \
        in old
    assert ("## Status\n\nAccepted\n\nSupersedes [1. Record architecture decisions]"
            "(0001-record-architecture-decisions.md)\n\n## Context") in new


def test_new_supersedes(cli, tmp_path):
    folder = copy_foreign(tmp_path)
    code, _, err = cli("adr", "new", "-a", ROOT / "examples/rabbitmq-migration.yaml", "--dir", folder,
                       "--supersedes", 2, "--date", "2024-05-05")
    assert code == 0, err
    new_rec, new_links = _links(folder, 7)
    old_rec, old_links = _links(folder, 2)
    assert ("supersedes", 2) in new_links and ("superseded-by", 7) in old_links
    assert old_rec.status == "superseded" and new_rec.status == "proposed"
    assert "Supersedes [2. Use RabbitMQ for orders](0002-use-rabbitmq-for-orders.md)" in new_rec.text
    code, _, err = cli("adr", "new", "-a", ROOT / "examples/rabbitmq-migration.yaml", "--dir", folder,
                       "--supersedes", 42)
    assert code == 2 and "no ADR numbered 42" in err
    assert not list(folder.glob("0008-*.md"))


def test_list_and_show(cli, tmp_path):
    folder = copy_foreign(tmp_path)
    code, out, err = cli("adr", "list", "--dir", folder, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [(r["number"], r["status"], r["date"]) for r in data["records"]] == \
        [(n, e[1], e[2]) for n, e in EXPECTED.items()]
    code, out, _ = cli("adr", "list", "--dir", folder)
    assert code == 0 and "Queue per consumer" in out and "draft" in out
    code, out, _ = cli("adr", "show", 4, "--dir", folder)
    assert code == 0 and out == (FOREIGN / "0004-queue-per-consumer.md").read_text()
    code, out, _ = cli("adr", "show", 4, "--dir", folder, "--format", "json")
    shown = json.loads(out)
    assert shown["title"] == "Queue per consumer" and shown["content"].startswith("---\nstatus: accepted")
    code, _, err = cli("adr", "show", 9, "--dir", folder)
    assert code == 2 and "no ADR numbered 9" in err


def test_index(cli, tmp_path):
    folder = copy_foreign(tmp_path)
    (folder / "0003-use-markdown-architectural-decision-records.md").write_text(
        (FOREIGN / "0003-use-markdown-architectural-decision-records.md").read_text()
        .replace("# Use Markdown Architectural Decision Records", "# Pipes | in a title"))
    assert cli("adr", "supersede", 2, 4, "--dir", folder)[0] == 0
    code, out, err = cli("adr", "index", "--dir", folder)
    assert code == 0, err
    text = (folder / "index.md").read_text()
    table = tables(text)[0]
    assert table[0] == ["number", "title", "status", "date", "links"]
    assert len(table) == 7 and all(len(r) == 5 for r in table)
    assert table[3][1] == "[Pipes | in a title](0003-use-markdown-architectural-decision-records.md)"
    assert "[Pipes \\| in a title]" in text
    assert table[2][2] == "superseded" and "0004-queue-per-consumer.md" in table[2][4]
    # regenerating our own page is fine; an index page someone wrote is not replaced
    assert cli("adr", "index", "--dir", folder)[0] == 0
    (folder / "index.md").write_text("# My index\n")
    code, _, err = cli("adr", "index", "--dir", folder)
    assert code == 2 and "refusing" in err
    assert (folder / "index.md").read_text() == "# My index\n"
    code, _, _ = cli("adr", "index", "--dir", folder, "--output", tmp_path / "docs" / "decisions.md")
    assert code == 0
    other = (tmp_path / "docs" / "decisions.md").read_text()
    assert "(adr/0001-record-architecture-decisions.md)" in other
    # the index page is not an ADR: lint and list ignore it
    code, out, _ = cli("adr", "list", "--dir", folder, "--format", "json")
    assert len(json.loads(out)["records"]) == 6


@pytest.mark.parametrize(("content", "message"), [
    (b"---\nstatus: [unclosed\n---\n# T\n", "malformed YAML front matter"),
    (b"---\nstatus: accepted\n# T\n", "not closed"),
    (b"---\n- a list\n---\n# T\n", "not a mapping"),
    (b"# T\n\n\xff\xfe binary\n", "not UTF-8"),
])
def test_malformed_records_exit_2(cli, tmp_path, content, message):
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "0001-t.md").write_bytes(content)
    for args in (("adr", "list"), ("adr", "lint", folder), ("adr", "index")):
        code, _, err = cli(*args, *(("--dir", folder) if args[1] != "lint" else ()))
        assert code == 2, (args, err)
        assert message in err and "0001-t.md" in err


def test_folder_that_is_a_file(cli, tmp_path):
    (tmp_path / "notadir").write_text("x")
    code, _, err = cli("adr", "list", "--dir", tmp_path / "notadir")
    assert code == 2 and "not a directory" in err
    code, _, err = cli("adr", "lint", tmp_path / "missing")
    assert code == 2 and "no ADR folder" in err
