"""A new record joins the log in the log's own style: layout, file name, site keys, the log's template;
supersede writes both files or nothing; the same decision is not recorded twice; rendered sentences."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.adr_helpers import ROOT

LOGS = ROOT / "tests" / "data" / "adr-logs"
REQ = ROOT / "examples" / "rabbitmq-migration.yaml"
DATE = "2024-05-05"


def _copy(tmp_path, name):
    dst = tmp_path / name
    shutil.copytree(LOGS / name, dst)
    return dst


def _new(cli, folder, *extra, req=REQ):
    code, out, err = cli("adr", "new", "-a", req, "--dir", folder, "--date", DATE, *extra)
    assert code == 0, err
    return Path(out.strip().removeprefix("wrote ")) if Path(out.strip().removeprefix("wrote ")).is_absolute() \
        else Path.cwd() / out.strip().removeprefix("wrote ")


def _newest(folder, pattern="*.md"):
    return max(folder.glob(pattern), key=lambda p: p.stat().st_mtime_ns)


def test_adr_tools_log_gets_an_adr_tools_record(cli, tmp_path):
    folder = _copy(tmp_path, "adr-tools") / "doc" / "adr"
    _new(cli, folder, "--supersedes", "9")
    path, = folder.glob("0010-*.md")
    lines = path.read_text().splitlines()
    # adr-tools' layout, line by line (what its `generate toc` and `generate graph` read)
    assert lines[0].startswith("# 10. ") and lines[1] == "" and lines[2] == f"Date: {DATE}" and lines[3] == ""
    assert lines[4:9] == ["## Status", "", "Proposed", "", "Supersedes [9. Help scripts](0009-help-scripts.md)"]
    assert lines[9:11] == ["", "## Context"]
    assert not path.read_text().startswith("---")
    old = (folder / "0009-help-scripts.md").read_text()
    assert "Superseded by [10. " in old and f"({path.name})" in old


def test_adr_tools_template_in_the_log_is_used(cli, tmp_path):
    folder = _copy(tmp_path, "adr-tools") / "doc" / "adr"
    (folder / "templates").mkdir()
    (folder / "templates" / "template.md").write_text(
        "# NUMBER. TITLE\n\nDate: DATE\n\n## Status\n\nSTATUS\n\n## Context\n\nThe issue.\n\n## Decision\n\n"
        "The change.\n\n## Consequences\n\nWhat becomes easier.\n\n## Review\n\nWho reviews.\n")
    _new(cli, folder)
    text = _newest(folder).read_text()
    heads = [line for line in text.splitlines() if line.startswith("## ")]
    assert heads == ["## Status", "## Context", "## Decision", "## Consequences"]   # Review: nothing to say
    assert "The issue." not in text and "We will use" in text
    code, out, _ = cli("adr", "new", "--title", "Use a blank record", "--dir", folder, "--date", DATE, "--no-edit")
    assert code == 0
    blank = (folder / "0011-use-a-blank-record.md").read_text()
    assert blank.startswith(f"# 11. Use a blank record\n\nDate: {DATE}\n\n## Status\n\nProposed\n")


def test_log4brains_log_gets_a_dated_file(cli, tmp_path):
    root = _copy(tmp_path, "log4brains")
    folder = root / "docs" / "adr"
    _new(cli, folder)
    written = sorted(p.name for p in folder.glob("20240505-*.md"))
    assert len(written) == 1 and written[0].startswith("20240505-use-amazon-mq-for-rabbitmq-migration")
    text = (folder / written[0]).read_text()
    assert "\n- Status: proposed\n- Date: 2024-05-05\n" in text
    from advisor.adr.records import read_record

    assert read_record(folder / written[0]).style == "madr2"
    code, _, err = cli("adr", "supersede", "20201103-use-lunr-for-search", written[0][:-3], "--dir", folder)
    assert code == 0, err
    old = (folder / "20201103-use-lunr-for-search.md").read_text()
    assert f"- Status: superseded by [{written[0][:-3]}]({written[0]})" in old


def test_madr_log_keeps_its_site_keys(cli, tmp_path):
    folder = _copy(tmp_path, "madr") / "docs" / "decisions"
    _new(cli, folder)
    path, = folder.glob("0019-*.md")
    text = path.read_text()
    assert text.startswith('---\nparent: "Decisions"\nnav_order: 19\nstatus: "proposed"\n'), text[:120]
    code, out, _ = cli("adr", "lint", folder)
    assert code == 0, out


def test_hugo_log_keeps_the_title_in_front_matter(cli, tmp_path):
    folder = _copy(tmp_path, "ocis") / "docs" / "ocis" / "adr"
    _new(cli, folder)
    path, = folder.glob("0013-*.md")
    text = path.read_text()
    title = "Use Amazon MQ for RabbitMQ migration in rabbitmq-lift-and-shift"
    assert text.startswith(f'---\ntitle: "13. {title}"\nweight: 13\n'), text[:200]
    assert f'geekdocFilePath: "{path.name}"' in text
    assert "\n# " not in text and "\n* Status: proposed\n" in text
    from advisor.adr.records import read_record

    rec = read_record(path)
    assert (rec.title, rec.status, rec.date) == (title, "proposed", DATE)


def test_hugo_log_supersede_is_two_sided(cli, tmp_path):
    folder = _copy(tmp_path, "ocis") / "docs" / "ocis" / "adr"
    _new(cli, folder, "--supersedes", "12")
    code, out, _ = cli("adr", "lint", folder)
    assert code == 0, out


def test_template_option_still_wins(cli, tmp_path):
    folder = _copy(tmp_path, "adr-tools") / "doc" / "adr"
    _new(cli, folder, "--template", "madr")
    assert _newest(folder).read_text().startswith("---\nstatus:")


def test_failed_supersede_writes_nothing(cli, tmp_path, monkeypatch):
    import advisor.adr.log as L

    folder = _copy(tmp_path, "adr-tools") / "doc" / "adr"
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    real = L.atomic_write_text

    def failing(path, text):
        if Path(path).name.startswith("0009"):
            raise OSError(28, "No space left on device")
        return real(path, text)

    monkeypatch.setattr(L, "atomic_write_text", failing)
    from advisor import api

    kb = api.knowledge()
    result = api.advise(api.load_requirements(str(REQ)), kb)
    with pytest.raises(OSError):
        L.new_adr(result, kb, adr_dir=folder, date=DATE, supersedes=9)
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before


def test_supersede_of_a_read_only_record_is_refused_before_writing(cli, tmp_path):
    folder = _copy(tmp_path, "adr-tools") / "doc" / "adr"
    old = folder / "0009-help-scripts.md"
    os.chmod(old, 0o444)
    before = sorted(p.name for p in folder.iterdir())
    code, _, err = cli("adr", "new", "-a", REQ, "--dir", folder, "--supersedes", "9")
    assert code == 2 and "read-only" in err
    assert sorted(p.name for p in folder.iterdir()) == before
    code, _, err = cli("adr", "supersede", "8", "9", "--dir", folder)
    assert code == 2 and "read-only" in err
    assert "Superseded" not in (folder / "0008-use-iso-8601-format-for-dates.md").read_text()


def test_supersede_through_a_symlink_writes_the_target(cli, tmp_path):
    folder = _copy(tmp_path, "adr-tools") / "doc" / "adr"
    real = tmp_path / "kept-elsewhere.md"
    shutil.move(folder / "0009-help-scripts.md", real)
    (folder / "0009-help-scripts.md").symlink_to(real)
    code, _, err = cli("adr", "supersede", "9", "8", "--dir", folder)
    assert code == 0, err
    assert (folder / "0009-help-scripts.md").is_symlink() and "Superseded by" in real.read_text()


def test_same_decision_twice_is_refused_and_linted(cli, tmp_path):
    folder = tmp_path / "adr"
    _new(cli, folder)
    code, _, err = cli("adr", "new", "-a", REQ, "--dir", folder, "--date", DATE)
    assert code == 2 and "same decision" in err and "--supersedes 1" in err
    assert len(list(folder.glob("*.md"))) == 1
    _new(cli, folder, "--allow-duplicate")
    code, out, _ = cli("adr", "lint", folder, "--format", "json")
    import json

    rules = [f["rule"] for f in json.loads(out)["findings"]]
    assert rules == ["ADR009"]
    _new(cli, folder, "--supersedes", "1", "--allow-duplicate")     # replacing it is fine


@pytest.mark.parametrize(("example", "title"), [
    ("jms-activemq-migration", "Use Amazon MQ for ActiveMQ migration in jms-order-bus-migration"),
    ("order-fanout-filtering", "Use SNS to SQS fan-out for order-fanout-filtering"),
])
def test_titles_read_as_one_sentence(kb, example, title):
    from advisor import api
    from advisor.adr.render import build_context

    path = ROOT / "examples" / f"{example}.yaml"
    if not path.exists():
        pytest.skip(f"no example {example}")
    result = api.advise(api.load_requirements(str(path)), kb)
    assert build_context(result, kb, number=1, date=DATE)["title"] == title


@pytest.mark.parametrize("template", ["madr-full", "madr-minimal", "nygard", "madr2", "log4brains"])
def test_no_doubled_full_stops(kb, template):
    import re

    from advisor import api
    from advisor.adr.render import build_context, render

    for example in sorted((ROOT / "examples").glob("*.yaml")):
        result = api.advise(api.load_requirements(str(example)), kb)
        if not result.ok:
            continue
        text = render(build_context(result, kb, number=1, date=DATE), template)
        prose = re.sub(r"`[^`]*`|<[^>]*>|\([^)]*\)", "", text)
        assert not re.search(r"(?<!\.)\.\.(?!\.)", prose), (example.name, re.search(r".{40}\.\..{0,10}", prose))


def test_sentence_filter():
    from advisor.adr.render import default_title, sentence

    assert sentence("Orders.") == "Orders." and sentence("Orders") == "Orders." and sentence("Why?") == "Why?"
    assert default_title("SNS to SQS fan-out", "x") == "Use SNS to SQS fan-out for x"
    assert default_title("Amazon MQ for ActiveMQ migration", "x") == "Use Amazon MQ for ActiveMQ migration in x"


def test_blank_record_opens_the_editor(cli, tmp_path, monkeypatch):
    folder = tmp_path / "adr"
    editor = tmp_path / "ed.sh"
    editor.write_text("#!/bin/sh\necho 'Written in the editor.' >> \"$1\"\n")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    code, _, err = cli("adr", "new", "--title", "Keep audit logs", "--dir", folder, "--edit")
    assert code == 0, err
    text = (folder / "0001-keep-audit-logs.md").read_text()
    assert text.startswith("---\nstatus: \"proposed\"") and "# Keep audit logs" in text
    assert text.endswith("Written in the editor.\n")
    code, _, err = cli("adr", "new", "--dir", folder)
    assert code == 2 and "--title" in err
