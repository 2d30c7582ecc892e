"""`mqadvise adr lint`: every check, every output format, exit codes; and advisor.findings itself."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tests.adr_helpers import ROOT, copy_foreign

GOOD_MADR = """---
status: accepted
date: 2024-01-01
---

# {title}

## Context and Problem Statement

Why.

## Considered Options

* A
* B

## Decision Outcome

Chosen option: "A", because it is simpler.
"""

# A minimal JSON Schema of the SARIF 2.1.0 properties a consumer (GitHub code scanning) requires.
# The official schema is not available offline; this checks the structure and required keys it names.
LEVEL = {"enum": ["none", "note", "warning", "error"]}
_REGION = {"type": "object", "properties": {"startLine": {"type": "integer", "minimum": 1},
                                            "startColumn": {"type": "integer", "minimum": 1}}}
_PHYSICAL = {"type": "object", "required": ["artifactLocation"], "properties": {
    "artifactLocation": {"type": "object", "required": ["uri"], "properties": {"uri": {"type": "string"}}},
    "region": _REGION}}
_RESULT = {"type": "object", "required": ["message"], "properties": {
    "ruleId": {"type": "string"}, "ruleIndex": {"type": "integer", "minimum": 0}, "level": LEVEL,
    "message": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
    "locations": {"type": "array", "items": {"type": "object", "properties": {"physicalLocation": _PHYSICAL}}}}}
_RULE = {"type": "object", "required": ["id"], "properties": {
    "id": {"type": "string"}, "shortDescription": {"type": "object", "required": ["text"]},
    "defaultConfiguration": {"type": "object", "properties": {"level": LEVEL}}}}
_DRIVER = {"type": "object", "required": ["name"], "properties": {
    "name": {"type": "string"}, "version": {"type": "string"}, "rules": {"type": "array", "items": _RULE}}}
_RUN = {"type": "object", "required": ["tool", "results"], "properties": {
    "tool": {"type": "object", "required": ["driver"], "properties": {"driver": _DRIVER}},
    "results": {"type": "array", "items": _RESULT}}}
SARIF_SUBSET = {"type": "object", "required": ["version", "runs"], "properties": {
    "version": {"const": "2.1.0"}, "$schema": {"type": "string", "pattern": "sarif"},
    "runs": {"type": "array", "minItems": 1, "items": _RUN}}}


def write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


def lint_json(cli, folder):
    code, out, err = cli("adr", "lint", folder, "--format", "json")
    return code, json.loads(out)["findings"] if out.strip() else [], err


def rules_of(findings):
    return sorted({f["rule"] for f in findings})


def test_clean_folders_exit_0(cli, tmp_path):
    folder = tmp_path / "adr"
    write(folder, "0001-a.md", GOOD_MADR.format(title="A"))
    code, out, err = cli("adr", "lint", folder)
    assert (code, out.strip()) == (0, "mqadvise adr lint: no problems found"), err
    # the foreign fixtures are clean too (the code block's {placeholder}, TODO and status are ignored)
    code, findings, _ = lint_json(cli, copy_foreign(tmp_path))
    assert (code, findings) == (0, [])


def test_generated_adrs_are_clean(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    folder = tmp_path / "adr"
    for template, example in (("madr-full", "order-fanout-filtering"), ("madr-minimal", "kafka-migration"),
                              ("nygard", "nightly-schedule")):
        assert cli("adr", "new", "-a", f"examples/{example}.yaml", "--dir", folder, "-t", template)[0] == 0
    assert cli("adr", "supersede", 1, 3, "--dir", folder)[0] == 0
    code, findings, _ = lint_json(cli, folder)
    assert (code, findings) == (0, [])


@pytest.mark.parametrize(("files", "rule", "fragment"), [
    ({"0001-a.md": GOOD_MADR.format(title="A").replace("## Decision Outcome", "## Outcome")},
     "ADR001", "Decision Outcome"),
    ({"0001-a.md": "# 1. A\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n\n## Context\n\nc\n"},
     "ADR001", "Decision"),
    ({"0001-a.md": GOOD_MADR.format(title="A").replace("status: accepted", "status: approved")},
     "ADR002", "status 'approved' is not one of the usual words"),
    ({"0001-a.md": GOOD_MADR.format(title="A").replace("status: accepted", "status:")}, "ADR002", "empty"),
    ({"0001-a.md": "# A\n\nNo metadata at all.\n"}, "ADR002", "no status"),
    ({"0001-a.md": GOOD_MADR.format(title="A").replace("* B\n", "")}, "ADR003", "1 considered option"),
    ({"0001-a.md": GOOD_MADR.format(title="{short title, representative of solved problem and found solution}")},
     "ADR004", "placeholder"),
    ({"0001-a.md": GOOD_MADR.format(title="A").replace("Why.", "Why. TODO: ask ops")}, "ADR004", "TODO"),
    ({"0001-a.md": GOOD_MADR.format(title="A").replace("* B", "* [option 2]")}, "ADR004", "[option 2]"),
    ({"0001-a.md": GOOD_MADR.format(title="A"), "0001-b.md": GOOD_MADR.format(title="B")},
     "ADR005", "number 0001 is used by 2 records"),
    ({"0001-a.md": GOOD_MADR.format(title="A").replace("Why.", "See [the old one](0009-gone.md).")},
     "ADR006", "0009-gone.md"),
    ({"0001-a.md": GOOD_MADR.format(title="A"),
      "0002-b.md": GOOD_MADR.format(title="B").replace("# B\n", "# B\n\nSupersedes [ADR-0001](0001-a.md)\n")},
     "ADR007", "has no 'Superseded by' link back"),
    ({"0001-a.md": GOOD_MADR.format(title="A").replace("status: accepted", "status: superseded by ADR-0002"),
      "0002-b.md": GOOD_MADR.format(title="B")},
     "ADR007", "has no 'Supersedes' link back"),
    ({"0001-a.md": GOOD_MADR.format(title="A").replace("status: accepted", "status: superseded")},
     "ADR007", "no record is named as its successor"),
])
def test_each_check(cli, tmp_path, files, rule, fragment):
    folder = tmp_path / "adr"
    for name, text in files.items():
        write(folder, name, text)
    code, findings, err = lint_json(cli, folder)
    assert code == 1, err
    assert rules_of(findings) == [rule], findings
    assert any(fragment in f["message"] for f in findings), findings
    assert all(f["file"].endswith(".md") and f["line"] >= 1 for f in findings)


def test_fixing_the_one_sided_link_clears_it(cli, tmp_path):
    folder = tmp_path / "adr"
    write(folder, "0001-a.md", GOOD_MADR.format(title="A"))
    write(folder, "0002-b.md", GOOD_MADR.format(title="B").replace("# B\n", "# B\n\nSupersedes [ADR-0001](0001-a.md)\n"))
    code, findings, _ = lint_json(cli, folder)
    assert code == 1 and "mqadvise adr supersede 1 2" in findings[0]["hint"]
    assert cli("adr", "supersede", 1, 2, "--dir", folder)[0] == 0
    assert lint_json(cli, folder)[:2] == (0, [])


@pytest.fixture
def broken(tmp_path):
    folder = tmp_path / "adr"
    write(folder, "0001-a.md", GOOD_MADR.format(title="A").replace("* B\n", ""))
    write(folder, "0002-b.md", GOOD_MADR.format(title="B").replace("status: accepted", "status: maybe")
          .replace("Why.", "See [x](0042-x.md), TBD."))
    return folder


def test_format_text(cli, broken):
    code, out, _ = cli("adr", "lint", broken)
    assert code == 1
    lines = out.strip().splitlines()
    assert any(line.endswith("error ADR003 1 considered option; a decision needs at least two") for line in lines)
    assert any(":2:" in line and "ADR002" in line for line in lines)
    assert lines[-1] == "mqadvise adr lint: 2 error(s), 2 warning(s), 0 note(s)"   # an unknown status warns


def test_format_sarif(cli, broken):
    import jsonschema

    code, out, _ = cli("adr", "lint", broken, "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    jsonschema.validate(log, SARIF_SUBSET)
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "mqadvise adr lint"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids == sorted(rule_ids) and {"ADR001", "ADR007"} <= set(rule_ids)
    for res in run["results"]:
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]
        uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.endswith(".md") and "\\" not in uri
    assert {r["ruleId"] for r in run["results"]} == {"ADR002", "ADR003", "ADR004", "ADR006"}
    assert {r["level"] for r in run["results"]} == {"error", "warning"}


def test_format_github(cli, broken):
    code, out, _ = cli("adr", "lint", broken, "--format", "github")
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 4
    assert all(line.startswith(("::error file=", "::warning file=")) for line in lines)
    assert any(",line=" in line and "title=mqadvise adr lint ADR006::" in line for line in lines)


def test_format_junit(cli, broken):
    code, out, _ = cli("adr", "lint", broken, "--format", "junit")
    assert code == 1
    suite = ET.fromstring(out).find("testsuite")
    assert suite.get("tests") == "4" and suite.get("failures") == "4"   # warnings fail too; notes do not


def test_clean_in_every_format(cli, tmp_path):
    import jsonschema

    folder = tmp_path / "adr"
    write(folder, "0001-a.md", GOOD_MADR.format(title="A"))
    for fmt in ("json", "sarif", "github", "junit"):
        code, out, err = cli("adr", "lint", folder, "--format", fmt)
        assert code == 0, (fmt, err)
        if fmt == "sarif":
            jsonschema.validate(json.loads(out), SARIF_SUBSET)
            assert json.loads(out)["runs"][0]["results"] == []
        if fmt == "github":
            assert out.strip() == ""


def test_lint_default_folder(cli, tmp_path, monkeypatch):
    folder = tmp_path / "docs" / "adr"
    write(folder, "0001-a.md", GOOD_MADR.format(title="A").replace("status: accepted", "status: nope"))
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("adr", "lint")
    assert code == 1 and "docs/adr/0001-a.md:2: warning ADR002" in out


# ----- advisor.findings (shared with mqadvise lint) ---------------------------------------------------------


def test_findings_module():
    from advisor.findings import Finding, exit_code, render, sort_findings, to_github

    a = Finding("R2", "b, c: 100%\nnext", file="x/y.md", line=3, column=2, severity="warning")
    b = Finding("R1", "no file", severity="note")
    assert sort_findings([a, b]) == [b, a]
    assert exit_code([]) == 0 and exit_code([b]) == 0 and exit_code([a]) == 1
    assert exit_code([a], fail_on="error") == 0
    gh = to_github([a, b], tool="t")
    assert gh.splitlines()[0] == "::notice title=t R1::no file"
    assert gh.splitlines()[1] == "::warning file=x/y.md,line=3,col=2,title=t R2::b, c: 100%25%0Anext"
    with pytest.raises(ValueError):
        Finding("R", "m", severity="fatal")
    with pytest.raises(ValueError):
        render([a], "xml")
    assert json.loads(render([a], "json"))["summary"] == {"error": 0, "warning": 1, "note": 0}
