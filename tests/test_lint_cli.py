"""`mqadvise lint` and `mqadvise rules` end to end: formats, exit codes, selection, configuration,
suppressions, baselines, standard input, globs, invalid input, examples and generated docs."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CLEAN = """\
version: 1
kind: architecture
name: clean
components:
  api: {type: application}
  fn: {type: lambda, timeout_seconds: 10, idempotent: true}
channels:
  q: {service: sqs, variant: standard, visibility_timeout_seconds: 60, dead_letter: dlq, max_receive_count: 5}
  dlq: {service: sqs, variant: standard, retention_days: 14}
flows:
  - {from: api, to: q}
  - {from: q, to: fn}
"""

# one finding: MQA104 (error) on line 8, column 40 (the visibility timeout key)
BROKEN = """\
version: 1
kind: architecture
name: broken
components:
  api: {type: application}
  fn: {type: lambda, timeout_seconds: 60, idempotent: true}
channels:
  q: {service: sqs, variant: standard, visibility_timeout_seconds: 60, dead_letter: dlq, max_receive_count: 5}
  dlq: {service: sqs, variant: standard, retention_days: 14}
flows:
  - {from: api, to: q}
  - {from: q, to: fn}
"""

WARN_ONLY = """\
version: 1
kind: architecture
name: warn
components:
  api: {type: application}
  fn: {type: lambda, timeout_seconds: 10, idempotent: true}
channels:
  q: {service: sqs, variant: standard, visibility_timeout_seconds: 60}
flows:
  - {from: api, to: q}
  - {from: q, to: fn}
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Lint from an empty folder so that no configuration file of the repository applies."""
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def codes(stdout: str) -> list[tuple[str, int]]:
    data = json.loads(stdout)
    return sorted((f["rule"], f["line"]) for f in data["findings"])


# ----- exit codes and --fail-on ------------------------------------------------------------------


def test_clean_file_exits_0(cli, tmp_path):
    code, out, err = cli("lint", write(tmp_path, "a.yaml", CLEAN))
    assert code == 0, out + err
    assert "no problems found" in out


def test_error_exits_1_with_file_line_column(cli, tmp_path):
    path = write(tmp_path, "a.yaml", BROKEN)
    code, out, _ = cli("lint", path)
    assert code == 1
    assert f"{path}:8:40: error MQA104" in out


def test_fail_on(cli, tmp_path):
    path = write(tmp_path, "w.yaml", WARN_ONLY)
    assert cli("lint", path)[0] == 0  # warnings do not fail by default
    assert cli("lint", path, "--fail-on", "warning")[0] == 1
    assert cli("lint", write(tmp_path, "b.yaml", BROKEN), "--fail-on", "never")[0] == 0
    assert cli("lint", path, "--fail-on", "bogus")[0] == 2


@pytest.mark.parametrize(("text", "where", "words"), [
    ("version: 1\nkind: architecture\nname: x\ncomponents:\n  a: {type: [\n", ":6:", "invalid YAML"),
    ("version: 1\nkind: architecture\nname: x\nchannels:\n  q: {service: sqs, colour: 1}\n  q: {service: sqs}\n",
     ":6:", "duplicate key"),
    ("version: 1\nkind: architecture\nname: x\nchannels:\n  q: {service: sqss}\n", ":5:", "channels.q.service"),
    ("version: 1\nkind: architecture\nname: x\nchannels:\n  q:\n    service: sqs\n    variant: lifo\n",
     ":7:", "unknown variant"),
    ("version: 1\nkind: architecture\nname: x\nexpectations:\n  peak: 5\n", ":5:", "expectations.peak"),
    ("just text\n", ":1:", "expected a mapping"),
    ("version: 1\nname: x\n", ":1:", "neither an architecture"),
])
def test_invalid_input_exits_2_with_position(cli, tmp_path, text, where, words):
    path = write(tmp_path, "bad.yaml", text)
    code, out, err = cli("lint", path)
    assert code == 2, out + err
    report = (out + err).replace("\n", "")  # the report names the file it could not read (text: an error line)
    assert f"{path.name}{where}" in report and words in report


def test_one_invalid_file_does_not_hide_the_batch(cli, tmp_path):
    import jsonschema

    good = write(tmp_path, "a.yaml", BROKEN)
    bad = write(tmp_path, "b.yaml", "version: 1\nkind: architecture\nname: x\ncomponents:\n  a: {type: [\n")
    other = write(tmp_path, "c.yaml", WARN_ONLY)
    code, out, _ = cli("lint", good, bad, other, "-f", "json")
    data = json.loads(out)
    assert code == 2
    assert {Path(f["file"]).name for f in data["findings"]} == {"a.yaml", "c.yaml"}
    assert [(Path(e["file"]).name, e["line"]) for e in data["errors"]] == [("b.yaml", 6)]
    assert "invalid YAML" in data["errors"][0]["message"]
    code, out, _ = cli("lint", good, bad, other, "-f", "sarif")
    log = json.loads(out)
    schema = json.loads((ROOT / "tests" / "lint_data" / "sarif-2.1.0-subset.schema.json").read_text())
    jsonschema.Draft7Validator(schema).validate(log)
    invocation = log["runs"][0]["invocations"][0]
    assert code == 2 and invocation["executionSuccessful"] is False
    note = invocation["toolExecutionNotifications"][0]
    assert note["level"] == "error" and note["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"MQA104"}
    code, out, _ = cli("lint", good, bad, other)
    assert code == 2 and f"{bad}:6:" in out and "error MQA104" in out and "1 file(s) could not be read" in out
    code, out, _ = cli("lint", good, bad, "-f", "github")
    assert code == 2 and f"::error file={bad.as_posix()},line=6" in out
    code, out, _ = cli("lint", good, bad, "-f", "junit")
    assert code == 2 and 'errors="1"' in out and "<error " in out
    # a clean batch still exits 0 and its JSON has an empty error list
    code, out, _ = cli("lint", write(tmp_path, "d.yaml", CLEAN), "-f", "json")
    assert code == 0 and json.loads(out)["errors"] == []


def test_missing_file_and_usage_errors_exit_2(cli, tmp_path):
    assert cli("lint", tmp_path / "nope.yaml")[0] == 2
    assert cli("lint")[0] == 2
    assert cli("lint", write(tmp_path, "a.yaml", CLEAN), "--format", "xml")[0] == 2
    code, _, err = cli("lint", write(tmp_path, "b.yaml", CLEAN), "--select", "MQA9")
    assert code == 2 and "matches no rule" in err
    assert cli("lint", tmp_path / "nothing-*.yaml")[0] == 2


def test_alias_bomb_is_refused(cli, tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    text = "version: 1\nkind: architecture\nname: bomb\n" + "\n".join(lines) + "\n"
    code, out, err = cli("lint", write(tmp_path, "bomb.yaml", text))
    assert code == 2 and "refusing" in out + err


# ----- selection and configuration ---------------------------------------------------------------


def test_select_and_ignore(cli, tmp_path):
    path = write(tmp_path, "a.yaml", BROKEN.replace(", dead_letter: dlq, max_receive_count: 5", ""))
    _, out, _ = cli("lint", path, "-f", "json")
    assert {c for c, _ in codes(out)} >= {"MQA101", "MQA104"}
    _, out, _ = cli("lint", path, "-f", "json", "--select", "MQA104")
    assert {c for c, _ in codes(out)} == {"MQA104"}
    _, out, _ = cli("lint", path, "-f", "json", "--ignore", "MQA1")
    assert not [c for c, _ in codes(out) if c.startswith("MQA1")]
    _, out, _ = cli("lint", path, "-f", "json", "--select", "sqs.dead-letter-missing,MQA104")
    assert {c for c, _ in codes(out)} == {"MQA101", "MQA104"}


def test_pyproject_configuration(cli, tmp_path):
    write(tmp_path, "pyproject.toml", textwrap.dedent("""\
        [project]
        name = "x"
        [tool.mqadvise.lint]
        ignore = ["MQA104"]
        fail-on = "warning"
        [tool.mqadvise.lint.severity]
        MQA101 = "error"
        """))
    path = write(tmp_path, "a.yaml", BROKEN.replace(", dead_letter: dlq, max_receive_count: 5", ""))
    code, out, _ = cli("lint", path, "-f", "json")
    data = json.loads(out)
    assert code == 1
    assert {f["rule"] for f in data["findings"]} >= {"MQA101"} and "MQA104" not in {f["rule"] for f in data["findings"]}
    assert next(f for f in data["findings"] if f["rule"] == "MQA101")["severity"] == "error"
    # the command line wins over the file
    assert cli("lint", path, "--fail-on", "never")[0] == 0


def test_mqadvise_toml_found_upward_and_bad_config(cli, tmp_path, monkeypatch):
    write(tmp_path, ".mqadvise.toml", '[lint]\nselect = ["MQA104"]\nformat = "json"\n')
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    path = write(tmp_path, "a.yaml", BROKEN.replace(", dead_letter: dlq, max_receive_count: 5", ""))
    code, out, _ = cli("lint", path)
    assert code == 1 and {c for c, _ in codes(out)} == {"MQA104"}
    write(tmp_path, ".mqadvise.toml", '[lint]\nselct = ["MQA104"]\n')
    code, _, err = cli("lint", path)
    assert code == 2 and "selct" in err


# ----- suppressions --------------------------------------------------------------------------------


def test_inline_suppressions_same_line_and_line_above(cli, tmp_path):
    text = BROKEN.replace(
        "  q: {service: sqs, variant: standard, visibility_timeout_seconds: 60,",
        "  # mqadvise: ignore[MQA104] the function finishes in 2 s, timeout is a ceiling\n"
        "  q: {service: sqs, variant: standard, visibility_timeout_seconds: 60,")
    assert cli("lint", write(tmp_path, "a.yaml", text))[0] == 0
    text = BROKEN.replace("max_receive_count: 5}\n  dlq", "max_receive_count: 5}  # mqadvise: ignore[MQA104] ok\n  dlq")
    assert cli("lint", write(tmp_path, "b.yaml", text))[0] == 0


def test_element_and_file_suppressions_and_unused(cli, tmp_path):
    text = BROKEN.replace("visibility_timeout_seconds: 60,",
                          "visibility_timeout_seconds: 60, lint: {ignore: {MQA104: \"measured\"}},")
    assert cli("lint", write(tmp_path, "a.yaml", text))[0] == 0
    text = BROKEN + "lint: {ignore: {MQA104: \"prototype\", MQA101: \"stale\"}}\n"
    code, out, _ = cli("lint", write(tmp_path, "b.yaml", text), "-f", "json")
    assert code == 0  # MQA003 is a warning
    assert codes(out) == [("MQA003", 13)]
    # a suppression of a rule that is not run is not reported as unused
    code, out, _ = cli("lint", write(tmp_path, "c.yaml", text), "-f", "json", "--ignore", "MQA101")
    assert codes(out) == []


def test_suppression_without_reason_does_not_suppress(cli, tmp_path):
    text = BROKEN.replace("max_receive_count: 5}\n  dlq", "max_receive_count: 5}  # mqadvise: ignore[MQA104]\n  dlq")
    code, out, _ = cli("lint", write(tmp_path, "a.yaml", text), "-f", "json")
    assert code == 1 and codes(out) == [("MQA002", 8), ("MQA104", 8)]


# ----- baseline ------------------------------------------------------------------------------------


def test_baseline_hides_known_findings_even_when_lines_move(cli, tmp_path):
    path = write(tmp_path, "a.yaml", BROKEN)
    base = tmp_path / "baseline.json"
    code, _, err = cli("lint", path, "--baseline", base, "--write-baseline")
    assert code == 0 and base.is_file()
    recorded = json.loads(base.read_text())["findings"]
    assert [e["rule"] for e in recorded] == ["MQA104"]
    # move every line down and add unrelated content: the old finding stays known
    path.write_text("# a comment\n# another\n" + BROKEN.replace("name: broken\n", "name: broken\nenvironment: production\n"))
    code, out, err = cli("lint", path, "--baseline", base)
    assert code == 0, out
    assert "hidden by the baseline" in err
    # a new problem still fails
    path.write_text(BROKEN.replace("  dlq: {service: sqs", "  other: {service: sqs, variant: fifo, dead_letter: dlq}\n  dlq: {service: sqs"))
    code, out, _ = cli("lint", path, "--baseline", base, "-f", "json")
    assert code == 1 and {c for c, _ in codes(out)} == {"MQA102", "MQA405", "MQA406"}


def test_fingerprints_stable_across_line_moves(kb):
    from advisor.lint import lint_text

    first = lint_text(BROKEN, "a.yaml", kb=kb)
    moved = lint_text("\n\n# moved\n" + BROKEN, "a.yaml", kb=kb)
    assert [f.line for f in first] != [f.line for f in moved]
    assert [f.data["fingerprint"] for f in first] == [f.data["fingerprint"] for f in moved]
    other_file = lint_text(BROKEN, "b.yaml", kb=kb)
    assert first[0].data["fingerprint"] != other_file[0].data["fingerprint"]


def test_bad_baseline_file(cli, tmp_path):
    path = write(tmp_path, "a.yaml", BROKEN)
    assert cli("lint", path, "--baseline", tmp_path / "none.json")[0] == 2
    assert cli("lint", path, "--baseline", write(tmp_path, "x.json", "{not json"))[0] == 2
    assert cli("lint", path, "--write-baseline")[0] == 2


# ----- inputs: stdin, globs, folders, templates ----------------------------------------------------


def test_stdin(cli):
    code, out, _ = cli("lint", "-", "--stdin-filename", "arch.yaml", stdin=BROKEN)
    assert code == 1 and "arch.yaml:8:40: error MQA104" in out
    assert cli("lint", "-", stdin=CLEAN)[0] == 0


def test_several_files_globs_and_folders(cli, tmp_path):
    write(tmp_path, "arch/a.yaml", CLEAN)
    write(tmp_path, "arch/deep/b.yaml", BROKEN)
    write(tmp_path, "c.yaml", WARN_ONLY)
    code, out, _ = cli("lint", str(tmp_path / "arch" / "**" / "*.yaml"), str(tmp_path / "c.yaml"), "-f", "json")
    files = {Path(f["file"]).name for f in json.loads(out)["findings"]}
    assert code == 1 and files == {"b.yaml", "c.yaml"}
    code, out, _ = cli("lint", tmp_path / "arch", "-f", "json")
    assert {Path(f["file"]).name for f in json.loads(out)["findings"]} == {"b.yaml"}


def test_cloudformation_tags_load_safely(cli, tmp_path):
    text = textwrap.dedent("""\
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !Sub "${AWS::StackName}-jobs"
              Tags: !!python/object/apply:os.system ["touch pwned"]
          Other:
            Type: AWS::SQS::Queue
            Properties:
              RedrivePolicy:
                deadLetterTargetArn: !Join ["", [!GetAtt Queue.Arn]]
        """)
    code, out, err = cli("lint", write(tmp_path, "t.yaml", text), "-f", "json", "--select", "MQA1")
    assert code == 0, err
    assert not (tmp_path / "pwned").exists()
    # the !Join of one GetAtt names Queue: Queue is Other's DLQ, with the same (default) retention (MQA103)
    assert [(f["rule"], f["line"]) for f in json.loads(out)["findings"]] == [("MQA103", 11)]


def test_template_findings_point_at_property(cli, tmp_path):
    text = textwrap.dedent("""\
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              FifoQueue: true
              RedrivePolicy:
                deadLetterTargetArn: !GetAtt Dlq.Arn
                maxReceiveCount: 3
          Dlq:
            Type: AWS::SQS::Queue
        """)
    _, out, _ = cli("lint", write(tmp_path, "t.yaml", text), "-f", "json", "--select", "MQA102")
    f = json.loads(out)["findings"][0]
    assert (f["line"], f["column"]) == (7, 9)


# ----- formats -------------------------------------------------------------------------------------


def test_sarif_is_valid_2_1_0(cli, tmp_path):
    import jsonschema

    schema = json.loads((ROOT / "tests" / "lint_data" / "sarif-2.1.0-subset.schema.json").read_text())
    code, out, _ = cli("lint", write(tmp_path, "a.yaml", BROKEN), "-f", "sarif")
    assert code == 1
    log = json.loads(out)
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert all(r["helpUri"].startswith("https://") for r in rules)
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    res = next(r for r in run["results"] if r["ruleId"] == "MQA104")
    assert res["locations"][0]["physicalLocation"]["region"] == {"startLine": 8, "startColumn": 40}
    assert res["level"] == "error"
    assert res["partialFingerprints"]["mqadvise/v1"] == res["properties"]["fingerprint"]


def test_sarif_schema_subset_rejects_broken_logs():
    import jsonschema

    schema = json.loads((ROOT / "tests" / "lint_data" / "sarif-2.1.0-subset.schema.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                                                             "results": [{"message": {"text": "m"},
                                                                          "level": "fatal"}]}]}, schema)
    with pytest.raises(jsonschema.ValidationError):  # a tool execution notification needs its message
        jsonschema.validate({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "invocations": [
            {"executionSuccessful": False, "toolExecutionNotifications": [{"level": "error"}]}]}]}, schema)


def test_github_json_junit_text(cli, tmp_path):
    import xml.etree.ElementTree as ET

    path = write(tmp_path, "a.yaml", BROKEN)
    _, out, _ = cli("lint", path, "-f", "github")
    assert out.startswith(f"::error file={path.as_posix()},line=8,col=40,title=mqadvise lint MQA104::")
    _, out, _ = cli("lint", path, "-f", "json")
    data = json.loads(out)
    f = data["findings"][0]
    assert f["data"]["name"] == "sqs.visibility-timeout-lambda" and f["data"]["fingerprint"]
    assert f["data"]["facts"][0]["id"] == "sqs.lambda_visibility_multiplier"
    _, out, _ = cli("lint", path, "-f", "junit")
    suite = ET.fromstring(out).find("testsuite")
    assert suite.get("failures") == "1" and len(suite.findall("testcase")) == 1
    _, out, _ = cli("lint", path)
    assert "1 error(s)" in out


# ----- rules, docs, schema, examples, scale --------------------------------------------------------


def test_rules_command(cli):
    from advisor.lint.rules import all_rules

    code, out, _ = cli("rules")
    assert code == 0 and all(r.code in out for r in all_rules())
    code, out, _ = cli("rules", "MQA104")
    assert code == 0 and "## What it checks" in out and "## References" in out
    code, out, _ = cli("rules", "sqs.dead-letter-missing", "-f", "json")
    assert json.loads(out)["code"] == "MQA101"
    assert cli("rules", "MQA999")[0] == 2
    code, out, _ = cli("rules", "--format", "markdown")
    assert code == 0 and "| [MQA101](MQA101.md) |" in out
    code, out, _ = cli("rules", "MQA104", "-f", "markdown")
    assert code == 0 and out.startswith("# MQA104")
    assert cli("rules", "--format", "yaml")[0] == 2


def test_docs_rules_are_up_to_date():
    from advisor.lint.docs import expected_files

    folder = ROOT / "docs" / "rules"
    expected = expected_files()
    stale = [name for name, text in expected.items()
             if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text]
    extra = sorted(p.name for p in folder.glob("*.md") if p.name not in expected)
    assert not stale and not extra, (f"docs/rules is stale ({stale or extra}); "
                                     "run: python -m advisor.lint.docs docs/rules")


def test_schema_architecture_still_works(cli):
    code, out, _ = cli("schema", "architecture")
    schema = json.loads(out)
    assert code == 0 and "environment" in schema["properties"]
    assert "replay_hours" in schema["$defs"]["Expectations"]["properties"]


EXAMPLES = sorted((ROOT / "examples" / "architectures").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_examples_lint_clean(cli, path):
    code, out, err = cli("lint", path, "-f", "json", "--fail-on", "info")
    assert code == 0, out + err
    assert json.loads(out)["findings"] == []


def test_examples_include_a_template():
    assert any("Resources:" in p.read_text() for p in EXAMPLES)


def test_large_architecture_lints(kb):
    """The scale path runs end to end (timings are printed by bench/lint_bench.py, not asserted)."""
    from advisor.lint import lint_text
    from advisor.lint.synthetic import big_architecture

    text = big_architecture(2000)
    assert lint_text(text, "big.yaml", kb=kb) == []
    broken = text.replace("visibility_timeout_seconds: 180", "visibility_timeout_seconds: 60", 1)
    found = lint_text(broken, "big.yaml", kb=kb)
    assert [f.rule for f in found] == ["MQA104"]


def test_pure_python_parser_gives_the_same_positions(monkeypatch):
    from advisor.lint import positions

    text = CLEAN + "extra: !Ref Queue\n"
    fast = positions.load(text, "x")
    import builtins

    real_import = builtins.__import__

    def no_yaml(name, *args, **kwargs):
        if name == "yaml":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_yaml)
    slow = positions.load(text, "x")
    assert slow == fast
    assert slow["channels"].keypos == fast["channels"].keypos
    assert slow["flows"].itempos == fast["flows"].itempos
    assert slow["extra"] == positions.Tagged("Ref", "Queue")


def _scaffolds():
    """(example, file name, text) for every generated scaffold file the linter reads."""
    from advisor import api
    from advisor.errors import MqadviseError
    from advisor.scaffold import plan_files

    kb = api.knowledge()
    out = []
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        try:
            _, _, files, _ = plan_files(api.load_requirements(str(example)), kb=kb)
        except MqadviseError:
            continue  # no scaffold for this design yet
        for name, text in sorted(files.items()):
            if name.endswith((".yaml", ".yml")) and ("kind: architecture" in text or "\nResources:" in text):
                out.append((example.stem, name, text))
    return out


def test_generated_scaffolds_lint_without_errors(kb):
    """Every scaffold mqadvise generates passes `mqadvise lint` (default --fail-on error), and its
    CloudFormation template has no finding at all, of any rule and severity."""
    from advisor.lint import lint_text
    from advisor.lint.engine import reaches

    scaffolds = _scaffolds()
    assert any(name == "architecture.yaml" for _, name, _ in scaffolds)
    assert any(name.endswith("template.yaml") for _, name, _ in scaffolds)
    for example, name, text in scaffolds:
        found = lint_text(text, f"{example}/{name}", kb=kb)
        assert not [f for f in found if reaches(f, "error")], [f"{f.where} {f.rule} {f.message}" for f in found]
        if "\nResources:" in text:
            assert found == [], [f"{f.where} {f.rule} {f.message}" for f in found]


def test_template_suppressions_in_metadata_and_comments(cli, tmp_path):
    text = textwrap.dedent("""\
        Metadata:
          mqadvise:
            ignore: {MQA105: "no pollers in this stack"}
        Resources:
          Audit:
            Type: AWS::SQS::Queue
            Metadata:
              mqadvise: {ignore: {MQA101: "audit messages are replayed from S3"}}
          Jobs:   # mqadvise: ignore[MQA101] jobs are idempotent and re-created nightly
            Type: AWS::SQS::Queue
          Other:
            Type: AWS::SQS::Queue
        """)
    code, out, _ = cli("lint", write(tmp_path, "t.yaml", text), "-f", "json", "--fail-on", "warning",
                       "--select", "MQA0,MQA1")
    # Other is reported; the file-level MQA105 suppression matched nothing and is reported as unused
    assert codes(out) == [("MQA003", 3), ("MQA101", 11)]
    assert code == 1
