"""`mqadvise adr new`: templates, golden files, folder discovery, numbering, safety, rendered Markdown."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.adr_helpers import GOLDEN, ROOT, headings, md_tokens, tables

# (example, template): the golden files; refresh with MQADVISE_UPDATE_GOLDEN=1 pytest tests/test_adr_new.py
GOLDENS = [
    ("order-fanout-filtering", "madr-full"),
    ("kafka-migration", "nygard"),
    ("backup-hourly-compliance", "madr-minimal"),
]
DATE = "2026-01-15"
UPDATE = os.environ.get("MQADVISE_UPDATE_GOLDEN") == "1"


def _new(cli, tmp_path, example, *extra, template="madr-full", date=DATE):
    code, out, err = cli("adr", "new", "--answers", f"examples/{example}.yaml", "--dir", tmp_path / "adr",
                         "--template", template, "--date", date, *extra)
    return code, out, err


@pytest.fixture
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize(("example", "template"), GOLDENS)
def test_golden(cli, tmp_path, at_root, example, template):
    code, _, err = _new(cli, tmp_path, example, template=template)
    assert code == 0, err
    written = sorted((tmp_path / "adr").glob("0001-*.md"))
    assert len(written) == 1
    text = written[0].read_bytes()
    golden = GOLDEN / f"{example}.{template}.md"
    if UPDATE or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(text)
        if not UPDATE:
            pytest.fail(f"golden file {golden} was missing and has been written; re-run")
    expected = golden.read_bytes()
    if text != expected:
        import re

        digest = re.compile(rb"digest `([0-9a-f]+)`")
        now, then = digest.search(text), digest.search(expected)
        why = ("the knowledge changed since the golden file was written (digest "
               f"{then.group(1).decode() if then else '?'} -> {now.group(1).decode() if now else '?'}); review the diff and "
               if (now and then and now.group(1) != then.group(1)) else "")
        pytest.fail(f"{written[0].name} differs from {golden}: {why}refresh with MQADVISE_UPDATE_GOLDEN=1")


def test_byte_identical_twice(kb, tmp_path):
    from advisor import api
    from advisor.adr.render import build_context, render

    result = api.advise(api.load_requirements(str(ROOT / "examples" / "clickstream-analytics.yaml")), kb)
    texts = {render(build_context(result, kb, number=3, date=DATE, requirements_file="x.yaml"), t)
             for t in ("madr-full",) * 2}
    assert len(texts) == 1
    other = render(build_context(result, kb, number=3, date="2026-01-16", requirements_file="x.yaml"))
    assert other != next(iter(texts))


@pytest.mark.parametrize("template", ["madr-full", "madr-minimal", "nygard"])
def test_markdown_renders(cli, tmp_path, at_root, template):
    code, _, err = _new(cli, tmp_path, "order-fanout-filtering", template=template)
    assert code == 0, err
    path = next((tmp_path / "adr").glob("0001-*.md"))
    text = path.read_text(encoding="utf-8")
    heads = headings(text)
    assert [h for h in heads if h[0] == 1] and len([h for h in heads if h[0] == 1]) == 1
    names = {t for _, t in heads}
    if template == "nygard":
        assert heads[0] == (1, "1. Use SNS to SQS fan-out for order-fanout-filtering")
        assert {"Status", "Context", "Decision", "Consequences"} <= names
    else:
        assert {"Context and Problem Statement", "Considered Options", "Decision Outcome", "Consequences"} <= names
        assert text.startswith("---\nstatus: \"proposed\"\ndate: \"2026-01-15\"\n")
    if template == "madr-full":
        assert {"Decision Drivers", "Confirmation", "Pros and Cons of the Options", "More Information"} <= names
        ranking = tables(text)[-1]
        assert ranking[0] == ["rank", "design", "tiers", "why it ranked lower"]
        assert all(len(r) == 4 for r in ranking)
        assert ranking[1][3] == "chosen"
        assert "examples/order-fanout-filtering.yaml" in text
        from advisor.api import knowledge

        assert f"Knowledge as of {knowledge().as_of.isoformat()}" in text  # the newest as_of of any fact
        assert "* <https://docs.aws.amazon.com/sns/latest/dg/message-filtering.html>: sns.filtering" in text
    # the four answers as a two-column table
    answers = tables(text)[0]
    assert answers[0] == ["question", "answer"] and len(answers) == 5
    # a mermaid diagram of the chosen design
    fences = [t for t in md_tokens(text) if t.type == "fence"]
    assert fences and fences[0].info == "mermaid"
    assert fences[0].content.startswith("flowchart LR")
    assert "sns_standard -->|subscription| sqs_standard" in fences[0].content


def test_content_from_the_decision(kb):
    from advisor import api
    from advisor.adr.render import build_context

    result = api.advise(api.load_requirements(str(ROOT / "examples" / "order-fanout-filtering.yaml")), kb)
    ctx = build_context(result, kb, number=1, date=DATE)
    assert ctx["title"] == "Use SNS to SQS fan-out for order-fanout-filtering"
    assert "Peak load of 1,200 messages per second" in ctx["drivers"]
    assert "Each consumer receives only the messages it needs (filtering)" in ctx["drivers"]
    kinds = [o["kind"] for o in ctx["options"]]
    assert kinds[0] == "chosen" and "alternative" in kinds and "excluded" in kinds
    excluded = {o["title"]: o for o in ctx["options"] if o["kind"] == "excluded"}
    assert "mq.operations" in excluded["Amazon MQ (Amazon MQ for RabbitMQ)"]["cons"][0]
    bad = " ".join(ctx["consequences"]["bad"])
    assert "at least once" in bad and "idempotent" in bad
    assert "throughput ceiling" in bad
    assert any("pricing basis" in n for n in ctx["consequences"]["neutral"])
    assert any("serverless" in g for g in ctx["consequences"]["good"])
    assert any("mqadvise lint" in c for c in ctx["confirmation"])


def test_no_fit_exits_3(cli, tmp_path):
    req = tmp_path / "conflict.yaml"
    req.write_text((ROOT / "tests/data/requirements/conflict-sync-replay.yaml").read_text())
    code, _, err = cli("adr", "new", "--answers", req, "--dir", tmp_path / "adr")
    assert code == 3, err
    assert not (tmp_path / "adr").exists() or not list((tmp_path / "adr").iterdir())


# ----- folder discovery and numbering ----------------------------------------------------------------------


@pytest.mark.parametrize(("existing", "expected"), [
    (None, "docs/decisions"), ("docs/decisions", "docs/decisions"), ("docs/adr", "docs/adr"),
    ("doc/adr", "doc/adr"),
])
def test_dir_discovery(cli, tmp_path, monkeypatch, existing, expected):
    monkeypatch.chdir(tmp_path)
    if existing:
        (tmp_path / existing).mkdir(parents=True)
    code, out, err = cli("adr", "new", "-a", ROOT / "examples/nightly-schedule.yaml", "--date", DATE)
    assert code == 0, err
    assert out.strip() == f"wrote {expected}/0001-use-eventbridge-scheduler-for-nightly-report-job.md"


def test_adr_dir_file_wins(cli, tmp_path, monkeypatch):
    (tmp_path / "docs/decisions").mkdir(parents=True)
    (tmp_path / "architecture/decisions").mkdir(parents=True)
    (tmp_path / ".adr-dir").write_text("architecture/decisions\n")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")   # adr-tools searches upwards
    from advisor.adr.folder import find_adr_dir

    assert find_adr_dir(Path(".")).resolve() == (tmp_path / "architecture/decisions").resolve()
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("adr", "new", "-a", ROOT / "examples/nightly-schedule.yaml", "--date", DATE)
    assert code == 0, err
    assert out.startswith("wrote architecture/decisions/0001-")
    # --dir overrides everything
    code, out, err = cli("adr", "new", "-a", ROOT / "examples/nightly-schedule.yaml", "--dir", "elsewhere")
    assert code == 0 and out.startswith("wrote elsewhere/0001-")


def test_bad_adr_dir_marker(cli, tmp_path, monkeypatch):
    (tmp_path / ".adr-dir").write_text("")
    monkeypatch.chdir(tmp_path)
    code, _, err = cli("adr", "list")
    assert code == 2 and ".adr-dir" in err


def test_numbering_after_highest(cli, tmp_path):
    folder = tmp_path / "adr"
    folder.mkdir()
    for name in ("0001-a.md", "0007-b.md", "20240101-log4brains-dated.md", "README.md", "0003-c.txt"):
        (folder / name).write_text("# x\n")
    code, _, err = cli("adr", "new", "-a", ROOT / "examples/nightly-schedule.yaml", "--dir", folder,
                       "--title", "Use SNS → SQS (v2)! Über-fast")
    assert code == 0, err
    assert (folder / "0008-use-sns-sqs-v2-uber-fast.md").exists()
    text = (folder / "0008-use-sns-sqs-v2-uber-fast.md").read_text()
    assert "\n# Use SNS → SQS (v2)! Über-fast\n" in text


def test_kebab():
    from advisor.adr.folder import file_name, kebab

    assert kebab("Use SNS to SQS fan-out for order-fanout-filtering") == \
        "use-sns-to-sqs-fan-out-for-order-fanout-filtering"
    assert kebab("  ---  ") == "decision"
    assert len(kebab("word " * 40)) <= 60 and not kebab("word " * 40).endswith("-")
    assert file_name(12, "Hello, World") == "0012-hello-world.md"


def test_never_overwrites(kb, tmp_path, monkeypatch):
    from advisor import api
    from advisor.adr import folder as F
    from advisor.adr.log import new_adr
    from advisor.errors import RefusedOverwrite

    folder = tmp_path / "adr"
    folder.mkdir()
    target = folder / "0001-mine.md"
    target.write_text("my own words\n")
    monkeypatch.setattr(F, "next_number", lambda _folder: 1)
    result = api.advise(api.load_requirements(str(ROOT / "examples/nightly-schedule.yaml")), kb)
    with pytest.raises(RefusedOverwrite):
        new_adr(result, kb, adr_dir=folder, title="mine", date=DATE)
    assert target.read_text() == "my own words\n"
    assert sorted(p.name for p in folder.iterdir()) == ["0001-mine.md"]   # no temporary file left behind


def test_people_and_status_in_front_matter(cli, tmp_path):
    code, _, err = cli("adr", "new", "-a", ROOT / "examples/nightly-schedule.yaml", "--dir", tmp_path,
                       "--status", "accepted", "--decision-makers", "Ana, Bo", "--consulted", "Cy",
                       "--informed", "Ops team", "--date", DATE)
    assert code == 0, err
    from advisor.adr.records import read_folder

    rec = read_folder(tmp_path)[0]
    assert (rec.status, rec.date, rec.decision_makers, rec.consulted, rec.informed) == \
        ("accepted", DATE, ["Ana", "Bo"], ["Cy"], ["Ops team"])


def test_bad_date_and_unknown_template(cli, tmp_path):
    code, _, err = cli("adr", "new", "-a", ROOT / "examples/nightly-schedule.yaml", "--dir", tmp_path,
                       "--date", "15/01/2026")
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = cli("adr", "new", "-a", ROOT / "examples/nightly-schedule.yaml", "--dir", tmp_path,
                       "--template", "y-statement")
    assert code == 2 and "madr-full" in err
    assert not list(tmp_path.glob("*.md"))


def test_user_template_dir(cli, tmp_path):
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "madr-full.md.j2").write_text(
        "# {{ title }}\n\nStatus: {{ status }}\n\n| a | b |\n|---|---|\n| {{ requirements.context|cell }} | x |\n")
    (tpl / "short.md.j2").write_text("{% import '_macros.md.j2' as m with context %}{{ m.front_matter() }}\n"
                                     "# {{ title }}\n")
    code, _, err = cli("adr", "new", "-a", ROOT / "examples/order-fanout-filtering.yaml", "--dir", tmp_path / "adr",
                       "--template-dir", tpl)
    assert code == 0, err
    text = next((tmp_path / "adr").glob("0001-*.md")).read_text()
    assert text.startswith("# Use SNS to SQS fan-out for order-fanout-filtering\n\nStatus: proposed\n")
    table = tables(text)[0]
    assert len(table[1]) == 2 and "<br>" in table[1][0]   # the multi-line context stays in one cell
    # a user's template may reuse the bundled macros
    code, _, err = cli("adr", "new", "-a", ROOT / "examples/order-fanout-filtering.yaml", "--dir", tmp_path / "adr",
                       "--template-dir", tpl, "--template", "short")
    assert code == 0, err
    assert next((tmp_path / "adr").glob("0002-*.md")).read_text().startswith("---\nstatus: \"proposed\"")


def test_user_template_is_sandboxed(cli, tmp_path):
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "madr-full.md.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    code, _, err = cli("adr", "new", "-a", ROOT / "examples/order-fanout-filtering.yaml", "--dir", tmp_path / "adr",
                       "--template-dir", tpl)
    assert code == 2 and "unsafe" in err.lower()
    assert not (tmp_path / "adr").exists() or not list((tmp_path / "adr").glob("*.md"))


def test_cell_and_line_filters():
    from advisor.adr.render import md_cell, md_line, yaml_value

    assert md_cell("a | b\nc") == "a \\| b<br>c"
    assert md_cell("already \\| escaped") == "already \\| escaped"
    assert md_line("two\n  lines") == "two lines"
    assert yaml_value(['A "B"', "c"]) == '["A \\"B\\"", "c"]'


def test_interview_offer_writes_an_adr(kb, tmp_path, monkeypatch):
    from advisor import api
    from advisor.cli import adr as adr_cli

    answers = iter([True])
    prompts = iter([str(tmp_path / "decisions"), "nygard"])
    import rich.prompt

    monkeypatch.setattr(rich.prompt.Confirm, "ask", classmethod(lambda cls, *a, **k: next(answers)))
    monkeypatch.setattr(rich.prompt.Prompt, "ask", classmethod(lambda cls, *a, **k: next(prompts)))
    result = api.advise(api.load_requirements(str(ROOT / "examples/nightly-schedule.yaml")), kb)
    path = adr_cli.offer_adr(result, kb)
    assert path is not None and path.parent == tmp_path / "decisions"
    assert path.read_text().startswith("# 1. Use EventBridge Scheduler")
    monkeypatch.setattr(rich.prompt.Confirm, "ask", classmethod(lambda cls, *a, **k: False))
    assert adr_cli.offer_adr(result, kb) is None
    assert len(list((tmp_path / "decisions").iterdir())) == 1
