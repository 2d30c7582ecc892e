"""Sentences assembled from parts read as sentences: no empty "( )" asides and no "events's" possessives,
checked on the rendered text (the advise report of every example, lint messages), not only on the helpers."""

from __future__ import annotations

import pytest

from advisor.phrases import aside, possessive
from tests.helpers import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def test_aside_leaves_out_empty_parts():
    assert aside("sqs.fifo", "https://x") == " (sqs.fifo https://x)"
    assert aside(None, "") == "" and aside() == "" and aside(" ", None) == ""


@pytest.mark.parametrize("name, said", [("queue", "queue's"), ("events", "events'"), ("orders-dlq", "orders-dlq's")])
def test_possessive(name, said):
    assert possessive(name) == said


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_advise_report_has_no_empty_asides(cli, path):
    code, out, _ = cli("advise", "--answers", path)
    assert code in (0, 3)
    assert "( )" not in out and "()" not in out


def test_a_watch_item_without_a_fact_has_no_empty_parentheses(kb):
    import io

    from rich.console import Console

    from advisor import api, report
    from advisor.engine.result import Reason

    result = api.advise(api.load_requirements(str(ROOT / "examples" / "kafka-migration.yaml")), kb)
    result.recommendation.watch.append(Reason("a figure with no source", None, None, "constraints.peak_per_second"))
    buf = io.StringIO()
    report.print_text(result, kb, Console(file=buf, width=100))
    (line,) = [ln for ln in buf.getvalue().splitlines() if "a figure with no source" in ln]
    assert line.rstrip().endswith("a figure with no source")


def test_lint_message_size_findings_read_as_sentences(kb):
    from advisor.lint import lint_text

    text = ("version: 1\nkind: architecture\nname: t\nexpectations: {message_kib: 300}\n"
            "channels:\n  events: {service: sns}\n  jobs: {service: sqs, max_message_kib: 128}\n")
    findings = lint_text(text, "a.yaml", kb=kb)
    messages = [f.message for f in getattr(findings, "findings", findings) if f.rule == "MQA301"]
    assert messages and not any("s's " in m or "'s default" in m for m in messages), messages
    assert any("exceed the default limit of events (sns)" in m or "exceed the limit of events (sns)" in m
               for m in messages), messages
