"""`mqadvise lint` on real public CloudFormation/SAM templates (tests/data/cfn-corpus, see its NOTICE.md).

Every template is linted on its own (no traceback, exit 2 only for the input the reviewed file marks invalid)
and the whole folder in one call; the findings must be exactly the reviewed ones in
tests/data/cfn-corpus.expected.yaml, each of which carries the reason a reviewer gave it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "cfn-corpus"
EXPECTED = yaml.safe_load((ROOT / "tests" / "data" / "cfn-corpus.expected.yaml").read_text(encoding="utf-8"))
SUFFIXES = (".yaml", ".yml", ".json")
TEMPLATES = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*")
                   if p.suffix in SUFFIXES and not p.name.endswith(".asl.json"))


def expected_findings(rel: str) -> list[tuple[str, int]]:
    entry = EXPECTED[rel]
    return sorted((e["rule"], e["line"]) for e in entry) if isinstance(entry, list) else []


def test_the_corpus_is_big_and_varied_enough():
    assert len(TEMPLATES) >= 60
    assert set(TEMPLATES) == set(EXPECTED), "every vendored template needs a reviewed entry (and no stale one)"
    text = "\n".join((CORPUS / t).read_text(encoding="utf-8") for t in TEMPLATES)
    for resource in ("AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::Events::Rule", "AWS::Pipes::Pipe",
                     "AWS::Scheduler::Schedule", "AWS::Kinesis::Stream", "AWS::KinesisFirehose::DeliveryStream",
                     "AWS::Serverless::StateMachine", "AWS::IoT::TopicRule", "AWS::AmazonMQ::Broker",
                     "AWS::MSK::Cluster"):
        assert resource in text, resource
    assert any(t.endswith(".json") for t in TEMPLATES) and any(t.endswith((".yaml", ".yml")) for t in TEMPLATES)
    notice = (CORPUS / "NOTICE.md").read_text(encoding="utf-8")
    for t in TEMPLATES:
        assert f"`{t}`" in notice, f"{t} has no licence/commit line in NOTICE.md"


def test_every_expected_finding_has_a_reason():
    for rel, entry in EXPECTED.items():
        if isinstance(entry, dict):
            assert entry.get("invalid"), rel
            continue
        for e in entry:
            assert e["rule"].startswith("MQA") and e["line"] >= 1, (rel, e)
            assert len(str(e.get("reason", "")).split()) >= 4, (rel, e)


@pytest.mark.parametrize("rel", TEMPLATES)
def test_each_template(kb, rel):
    from advisor.lint import lint_paths

    result = lint_paths([str(CORPUS / rel)], kb=kb)  # any traceback fails the test
    if isinstance(EXPECTED[rel], dict):
        assert len(result.errors) == 1 and result.errors[0].line, "invalid input is reported with a line"
        return
    assert result.errors == [], [e.message for e in result.errors]
    got = sorted((f.rule, f.line) for f in result.findings)
    assert got == expected_findings(rel), [f"{f.line}: {f.rule} {f.message}" for f in result.findings]


def test_the_whole_folder_in_one_call(cli):
    code, out, _ = cli("lint", CORPUS, "-f", "json", "--fail-on", "never")
    data = json.loads(out)
    assert code == 2  # the one Rain-module template is invalid input; the rest is linted and reported
    invalid = sorted(rel for rel, entry in EXPECTED.items() if isinstance(entry, dict))
    assert sorted(Path(e["file"]).relative_to(CORPUS).as_posix() for e in data["errors"]) == invalid
    got: dict[str, list[tuple[str, int]]] = {}
    for f in data["findings"]:
        got.setdefault(Path(f["file"]).relative_to(CORPUS).as_posix(), []).append((f["rule"], f["line"]))
    want = {rel: expected_findings(rel) for rel in TEMPLATES if expected_findings(rel)}
    assert {k: sorted(v) for k, v in got.items()} == want
