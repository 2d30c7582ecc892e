"""The command line: every command, every output format, exit codes, and one real subprocess."""

from __future__ import annotations

import datetime
import json

import pytest

from tests.conftest import EXAMPLES, ROOT
from tests.helpers import DATA, run_mqadvise

FANOUT = EXAMPLES / "order-fanout-filtering.yaml"        # recommends sns:standard -> sqs:standard
CLICKSTREAM = EXAMPLES / "clickstream-analytics.yaml"    # SQS is excluded by hard requirements
CONFLICT = DATA / "requirements" / "conflict-sync-replay.yaml"


def _ok(result):
    code, out, err = result
    assert "Traceback" not in err
    assert code == 0, err
    return out


# ---------------------------------------------------------------------------------------- advise

def test_advise_json_contract(cli):
    data = json.loads(_ok(cli("advise", "--answers", FANOUT, "--format", "json")))
    assert set(data) == {"requirements", "recommendation", "candidates", "excluded", "conflicts", "ties", "cost",
                         "knowledge"}
    assert data["requirements"]["name"] == "order-fanout-filtering"
    assert data["requirements"]["version"] == 1
    rec = data["recommendation"]
    assert {"pattern", "name", "services", "summary", "reasons", "watch", "watch_details"} <= set(rec)
    assert rec["pattern"] == "sns-sqs-fanout"
    assert rec["services"] == [{"id": "sns", "variant": "standard"}, {"id": "sqs", "variant": "standard"}]
    assert rec["reasons"] and all(r["source"].startswith("https://") for r in rec["reasons"])
    assert data["conflicts"] == []
    assert data["candidates"] and all({"pattern", "services", "score"} <= set(c) for c in data["candidates"])
    assert all(c["score"] <= data["candidates"][0]["score"] for c in data["candidates"])
    datetime.date.fromisoformat(data["knowledge"]["as_of"])
    assert data["knowledge"]["digest"]
    assert "trace" not in data


def test_advise_yaml_parses_to_the_json_contract(cli):
    from ruamel.yaml import YAML

    text = _ok(cli("advise", "--answers", FANOUT, "--format", "yaml"))
    data = YAML(typ="safe", pure=True).load(text)
    as_json = json.loads(_ok(cli("advise", "--answers", FANOUT, "--format", "json")))
    assert data == as_json


def test_advise_markdown_has_the_sections(cli):
    from markdown_it import MarkdownIt

    text = _ok(cli("advise", "--answers", FANOUT, "--format", "markdown"))
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    headings = {}
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            headings[tokens[i + 1].content] = tok.tag
    assert headings["Recommendation"] == "h2"
    assert headings["Why"] == "h3"
    assert headings["What to watch"] == "h3"
    assert any(t.type == "table_open" for t in tokens)  # the ranked alternatives
    links = [t.attrGet("href") for tok in tokens if tok.type == "inline" for t in tok.children or []
             if t.type == "link_open"]
    assert links and all(h.startswith("https://") for h in links)


def test_advise_explain_includes_the_trace(cli, kb):
    from advisor import api

    trace = api.advise(api.load_requirements(str(FANOUT)), kb).trace
    assert trace
    text = _ok(cli("advise", "--answers", FANOUT, "--explain"))
    assert "Decision trace" in text
    assert trace[-1] in text  # "recommended: ..." (short enough not to wrap)
    assert "Decision trace" not in _ok(cli("advise", "--answers", FANOUT))
    data = json.loads(_ok(cli("advise", "--answers", FANOUT, "--format", "json", "--explain")))
    assert data["trace"] == trace


def test_why_not_a_service_in_the_recommendation(cli):
    lines = _ok(cli("advise", "--answers", FANOUT, "--why-not", "sqs")).splitlines()
    assert lines[0] == "sqs is part of the recommendation (SNS to SQS fan-out)."


def test_why_not_a_variant(cli):
    lines = _ok(cli("advise", "--answers", FANOUT, "--why-not", "sqs:fifo")).splitlines()
    assert lines
    # the FIFO queue fits but is not recommended: each line names a design holding it that scored lower, or says
    # that those designs rank below the candidates shown (which depends on how many better designs there are)
    for line in lines:
        assert "sqs:fifo" in line and ("ranked lower" in line or "ranked below the ones shown" in line), line
        assert "part of the recommendation" not in line and "excluded" not in line, line
    data = json.loads(_ok(cli("advise", "--answers", FANOUT, "--why-not", "sqs:fifo", "--format", "json")))
    assert data == {"service": "sqs:fifo", "explanation": lines}


def test_why_not_an_excluded_service_cites_facts(cli):
    lines = _ok(cli("advise", "--answers", CLICKSTREAM, "--why-not", "sqs")).splitlines()
    excluded = [line for line in lines if " excluded: " in line]
    assert excluded, lines
    for line in excluded:
        assert line.startswith("Amazon SQS")
        assert ", https://" in line  # "— <fact id>, <source URL>"


@pytest.mark.parametrize("wrong,suggestion", [("sqz", "sqs"), ("sqs:fifoo", "sqs:fifo"), ("kinesis", None)])
def test_why_not_unknown_id(cli, wrong, suggestion):
    code, out, err = cli("advise", "--answers", FANOUT, "--why-not", wrong)
    assert code == 2 and out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines[0] == f"error: unknown service {wrong!r}"
    if suggestion:
        assert lines[1].strip() == f"hint: did you mean {suggestion!r}?"
    else:
        assert "hint:" in lines[1]


def test_conflicting_requirements_exit_3_and_name_the_keys(cli):
    code, out, err = cli("advise", "--answers", CONFLICT)
    assert code == 3, err
    assert "Traceback" not in err
    assert "No design satisfies every requirement" in out
    assert "constraints.replay" in out and "connection.completion" in out

    code, out, err = cli("advise", "--answers", CONFLICT, "--format", "json")
    assert code == 3
    data = json.loads(out)
    assert data["recommendation"] is None
    keys = {c.split(" ", 1)[0] for c in data["conflicts"]}
    assert keys == {"constraints.replay", "connection.completion"}


def test_conflict_markdown_lists_the_conflicts(cli):
    code, out, _ = cli("advise", "--answers", CONFLICT, "--format", "markdown")
    assert code == 3
    assert "## No design fits" in out
    assert "- connection.completion" in out and "- constraints.replay" in out


# ---------------------------------------------------------------------------------------- a real process

def test_subprocess_advise_json():
    proc = run_mqadvise("advise", "--answers", FANOUT, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert json.loads(proc.stdout)["recommendation"]["pattern"] == "sns-sqs-fanout"


@pytest.mark.parametrize("args", [(), ("advise",)], ids=["bare", "advise"])
def test_subprocess_without_terminal_asks_for_answers(args):
    proc = run_mqadvise(*args)  # stdin and stdout are pipes: no interview possible
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.startswith("error: no terminal for the interview")
    assert "--answers" in proc.stderr


def test_subprocess_bad_file_exit_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nname: x\nconnection: {delivery: pus}\n")
    proc = run_mqadvise("advise", "--answers", bad)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"error: {bad}:3:")


# ---------------------------------------------------------------------------------------- browsing

def test_services(cli):
    from advisor.knowledge.vocabulary import SERVICE_IDS

    text = _ok(cli("services"))
    for sid in ("sqs", "sns", "msk", "storage-gateway", "backup"):
        assert sid in text
    data = json.loads(_ok(cli("services", "--format", "json")))
    assert [s["id"] for s in data] == list(SERVICE_IDS)
    sqs = next(s for s in data if s["id"] == "sqs")
    assert {v["id"] for v in sqs["variants"]} == {"standard", "fifo"}


def test_explain_text(cli):
    text = _ok(cli("explain", "sqs:fifo"))
    assert "Amazon Simple Queue Service" in text
    assert "Amazon SQS (FIFO queue)" in text
    assert "Amazon SQS (Standard queue)" not in text  # only the variant asked for
    assert "https://" in text


def test_explain_json_every_fact_has_source_and_as_of(cli, kb):
    data = json.loads(_ok(cli("explain", "sqs:fifo", "--format", "json")))
    assert data["id"] == "sqs"
    assert [o["id"] for o in data["options"]] == ["sqs:fifo"]
    facts = data["options"][0]["facts"]
    assert len(facts) >= 20
    for name, fact in facts.items():
        assert fact["source"].startswith("https://"), name
        assert datetime.date.fromisoformat(fact["as_of"]) <= datetime.date.fromisoformat(str(kb.as_of)), name
        if isinstance(fact["value"], (int, float)) and not isinstance(fact["value"], bool):
            assert fact.get("unit"), name
    assert facts["ordering"]["value"] == "per-key"
    for note in data["limitations"] + data["exam_traps"]:
        assert note["source"].startswith("https://") and note["as_of"]


def test_explain_unknown_variant(cli):
    code, out, err = cli("explain", "sqs:fifoo")
    assert code == 2 and out == ""
    assert err.splitlines() == ["error: unknown service 'sqs:fifoo'", "  hint: did you mean 'sqs:fifo'?"]


def test_compare(cli):
    text = _ok(cli("compare", "kinesis-data-streams", "msk"))
    assert "Amazon Kinesis Data" in text and "Amazon MSK" in text
    data = json.loads(_ok(cli("compare", "kinesis-data-streams", "msk", "--format", "json")))
    assert data["options"] == ["kinesis-data-streams", "msk"]
    rows = {r["fact"]: r for r in data["rows"]}
    assert rows["data"]["kinesis-data-streams"]["value"] == rows["data"]["msk"]["value"] == "streaming"
    for row in data["rows"]:
        for opt in data["options"]:
            if row[opt] is not None:
                assert row[opt]["source"].startswith("https://")


def test_compare_needs_two_ids(cli):
    code, out, err = cli("compare", "msk")
    assert code == 2 and out == ""
    assert err.strip() == "error: compare needs at least two ids"


@pytest.mark.parametrize("answers", [None, FANOUT], ids=["knowledge", "design"])
def test_graph_formats(cli, answers, kb):
    extra = ("--answers", answers) if answers else ()
    data = json.loads(_ok(cli("graph", "--format", "json", *extra)))
    nodes = {n["id"] for n in data["nodes"]}
    edges = {(e["from"], e["to"]) for e in data["edges"]}
    assert all(a in nodes and b in nodes for a, b in edges)
    if answers:
        assert nodes == {"producer:application", "sns:standard", "sqs:standard", "consumer:lambda",
                         "consumer:container"}
        assert ("sns:standard", "sqs:standard") in edges
    else:
        assert set(kb.services) <= nodes
        assert len(edges) >= len(kb.services)

    mermaid = _ok(cli("graph", "--format", "mermaid", *extra)).splitlines()
    assert mermaid[0] == "flowchart LR"
    assert sum("-->|" in line for line in mermaid) == len(data["edges"])

    dot = _ok(cli("graph", "--format", "dot", *extra)).strip().splitlines()
    assert dot[0] == "digraph mqadvise {" and dot[-1] == "}"
    assert sum(" -> " in line for line in dot) == len(data["edges"])
    if answers:
        assert '  "sns:standard" -> "sqs:standard" [label="subscription"];' in dot


def test_graph_unknown_format_is_a_usage_error(cli):
    code, out, err = cli("graph", "--format", "svg")
    assert code == 2 and out == ""
    assert "Traceback" not in err and "svg" in err


# ---------------------------------------------------------------------------------------- schemas

def _schema(cli, which):
    from jsonschema import Draft202012Validator

    schema = json.loads(_ok(cli("schema", which)))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    return Draft202012Validator(schema)


def _yaml(path):
    from ruamel.yaml import YAML

    return json.loads(json.dumps(YAML(typ="safe", pure=True).load(path.read_text()), default=str))


def test_requirements_schema_accepts_every_example(cli):
    validator = _schema(cli, "requirements")
    examples = sorted(EXAMPLES.glob("*.yaml"))
    assert len(examples) >= 10
    for path in examples:
        errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(_yaml(path))]
        assert not errors, (path.name, errors)
    for name in ("migration-single.yaml", "migration-list.yaml"):  # one value or a list, as the loader
        assert validator.is_valid(_yaml(DATA / "requirements" / name)), name


@pytest.mark.parametrize("name", ["unknown-section.yaml", "unknown-constraint.yaml", "bad-delivery.yaml",
                                  "bad-producer.yaml", "bad-migration.yaml", "bad-version.yaml", "wrong-type.yaml",
                                  "negative-number.yaml", "bad-name.yaml", "missing-name.yaml",
                                  "not-a-mapping.yaml"])
def test_requirements_schema_rejects_what_the_loader_rejects(cli, name):
    validator = _schema(cli, "requirements")
    assert not validator.is_valid(_yaml(DATA / "requirements" / name))


def test_architecture_schema(cli):
    validator = _schema(cli, "architecture")
    good = {"version": 1, "kind": "architecture", "name": "orders",
            "components": {"shop": {"type": "application"}, "billing": {"type": "lambda"}},
            "channels": {"orders": {"service": "sqs", "variant": "standard", "max_receive_count": 5}},
            "flows": [{"from": "shop", "to": "orders"}, {"from": "orders", "to": "billing"}]}
    assert validator.is_valid(good), list(validator.iter_errors(good))
    assert not validator.is_valid({**good, "colour": "blue"})
    assert not validator.is_valid({**good, "channels": {"q": {"service": "rabbitmq"}}})
    assert not validator.is_valid({k: v for k, v in good.items() if k != "name"})


def test_schema_unknown_which(cli):
    code, out, err = cli("schema", "adr")
    assert code == 2 and out == ""
    assert "Traceback" not in err


# ---------------------------------------------------------------------------------------- knowledge, meta

def test_knowledge_check_bundled(cli):
    text = _ok(cli("knowledge", "check"))
    assert text.startswith("knowledge ok: 12 services")
    data = json.loads(_ok(cli("knowledge", "check", "--format", "json")))
    assert not [f for f in data["findings"] if f["severity"] == "error"]
    assert data["summary"]["services"] == 12


def test_knowledge_docs_are_fresh(cli):
    code, out, err = cli("knowledge", "docs", "--check", "--out", ROOT / "docs")
    assert code == 0, out + err
    assert out == ""


def test_knowledge_docs_write_then_check_then_stale(cli, tmp_path):
    docs = tmp_path / "docs"
    written = _ok(cli("knowledge", "docs", "--out", docs)).splitlines()
    assert f"wrote {docs / 'services' / 'sqs.md'}" in written
    assert _ok(cli("knowledge", "docs", "--check", "--out", docs)) == ""
    page = docs / "services" / "sqs.md"
    page.write_text(page.read_text() + "\nhand edit\n")
    code, out, _ = cli("knowledge", "docs", "--check", "--out", docs)
    assert code == 1
    assert out.strip() == f"stale: {page}"


def test_version(cli):
    from advisor import __version__

    assert _ok(cli("--version")).strip() == f"mqadvise {__version__}"


def _command_paths():
    import typer

    from advisor.cli.app import app

    paths = []

    def walk(cmd, prefix):  # typer ships its own click: look for groups by their commands
        paths.append(prefix)
        if isinstance(getattr(cmd, "commands", None), dict):
            for name, sub in cmd.commands.items():
                walk(sub, prefix + (name,))
    walk(typer.main.get_command(app), ())
    return paths


COMMANDS = _command_paths()


def test_every_documented_command_exists():
    for expected in [(), ("advise",), ("services",), ("explain",), ("compare",), ("graph",), ("schema",),
                     ("knowledge",), ("knowledge", "check"), ("knowledge", "docs")]:
        assert expected in COMMANDS, expected


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) or "mqadvise" for p in COMMANDS])
def test_help(cli, path):
    code, out, err = cli(*path, "--help")
    assert code == 0, err
    assert "Traceback" not in err
    assert "Usage:" in out
    assert " ".join(path) in out.splitlines()[0] + out  # the usage line names the command
    code_short, out_short, _ = cli(*path, "-h")
    assert code_short == 0 and out_short == out
