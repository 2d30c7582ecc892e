"""Every invalid requirements file: exit 2 and one clear line per problem (file:line:column, key path, what was expected).

Never a traceback. A "did you mean" hint, when there is one, follows on its own indented line.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from advisor.errors import InvalidInput
from tests.helpers import DATA

REQ = DATA / "requirements"


def _error_lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr
    return [line for line in stderr.splitlines() if line.strip()]


def _advise_fails(cli, path, *extra) -> list[str]:
    code, out, err = cli("advise", "--answers", path, "--format", "json", *extra)
    assert code == 2, (code, out, err)
    assert out == ""
    lines = _error_lines(err)
    assert lines and lines[0].startswith("error: "), err
    return lines


# file, line, column, key path, fragments of the message (what was expected), hint or None
CASES = [
    ("unknown-section.yaml", 3, 1, "conection", ["unknown key 'conection'", "connection, constraints"],
     "did you mean 'connection'?"),
    ("unknown-constraint.yaml", 4, 3, "constraints.orderng", ["unknown key 'orderng'", "ordering, deduplication"],
     "did you mean 'ordering'?"),
    ("bad-delivery.yaml", 5, 3, "connection.delivery", ["'pus' is not valid", "expected one of: push, pull"],
     "did you mean 'push'?"),
    ("bad-producer.yaml", 4, 28, "constraints.producers.1", ["'iot-devise' is not valid", "iot-device"],
     "did you mean 'iot-device'?"),
    ("bad-migration.yaml", 4, 20, "migration.from.1", ["'kafak' is not valid", "rabbitmq", "kafka"],
     "did you mean 'kafka'?"),
    ("bad-version.yaml", 1, 1, "version", ["2 is not valid", "expected one of: 1"], None),
    ("wrong-type.yaml", 4, 3, "constraints.peak_per_second", ["valid number", "'lots'"], None),
    ("negative-number.yaml", 4, 3, "constraints.message_kib", ["greater than 0", "-5"], None),
    ("bad-name.yaml", 2, 1, "name", ["lowercase slug", "'Order_Events'"], None),
    # a missing key has no position of its own: the mapping that lacks it (after the comment line)
    ("missing-name.yaml", 2, 1, "name", ["required key is missing"], None),
]


@pytest.mark.parametrize("name,line,column,key,fragments,hint", CASES, ids=[c[0] for c in CASES])
def test_invalid_value_names_file_line_key_and_expectation(cli, name, line, column, key, fragments, hint):
    path = REQ / name
    lines = _advise_fails(cli, path)
    head = lines[0]
    assert head.startswith(f"error: {path}:{line}:{column}: {key}: "), head
    for fragment in fragments:
        assert fragment in head, (fragment, head)
    if hint is None:
        assert len(lines) == 1, lines
    else:
        assert len(lines) == 2, lines
        assert lines[1].strip() == f"hint: {hint}"


@pytest.mark.parametrize("name", ["not-a-mapping.yaml", "scalar.yaml"])
def test_not_a_mapping(cli, name):
    path = REQ / name
    (head,) = _advise_fails(cli, path)
    assert head == f"error: {path}:1:1: expected a mapping of requirements (version, name, connection, ...)"


def test_empty_file_is_not_a_mapping(cli, tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("")
    (head,) = _advise_fails(cli, path)
    assert head.startswith(f"error: {path}:1:1: expected a mapping")


@pytest.mark.parametrize("name,line,column,problem", [
    ("syntax-indent.yaml", 5, 12, "mapping values are not allowed here"),
    ("syntax-unclosed.yaml", 4, 12, "expected ',' or '}'"),
])
def test_yaml_syntax_error_has_line_and_column(cli, name, line, column, problem):
    path = REQ / name
    (head,) = _advise_fails(cli, path)
    assert head.startswith(f"error: {path}:{line}:{column}: invalid YAML: "), head
    assert problem in head


def test_duplicate_key_is_refused_at_the_second_occurrence(cli):
    path = REQ / "duplicate-key.yaml"
    (head,) = _advise_fails(cli, path)
    assert head.startswith(f"error: {path}:4:1: invalid YAML: "), head
    assert 'duplicate key "name"' in head


def test_non_utf8_bytes_are_located(cli, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("version: 1\nname: café\n".encode("latin-1"))
    (head,) = _advise_fails(cli, path)
    # line 2, byte column 10 is the 0xe9 of "café"
    assert head.startswith(f"error: {path}:2:10: not UTF-8 text"), head
    assert "0xe9" in head


def test_file_not_found(cli, tmp_path):
    path = tmp_path / "nope.yaml"
    (head,) = _advise_fails(cli, path)
    assert head == f"error: {path}: file not found"


@pytest.mark.parametrize("command", ["advise", "graph"])
def test_directory(cli, tmp_path, command):
    code, out, err = cli(command, "--answers", tmp_path)
    assert code == 2 and out == ""
    (head,) = _error_lines(err)
    assert head == f"error: {tmp_path}: is a directory, expected a YAML file"


def test_oversize_file_is_refused_before_reading(cli, tmp_path):
    from advisor.yamlio import MAX_BYTES

    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:  # sparse: the size is refused from stat, nothing is read
        fh.truncate(MAX_BYTES + 1)
    started = time.perf_counter()
    (head,) = _advise_fails(cli, path)
    assert time.perf_counter() - started < 2
    assert head.startswith(f"error: {path}: file is {MAX_BYTES + 1} bytes; the limit is ")


def test_requirements_limit_is_below_the_generic_yaml_limit(cli, tmp_path):
    # a real (not sparse) file just over 64 KiB: valid YAML, but too large for a requirements file
    from advisor.requirements import MAX_BYTES

    path = tmp_path / "long-context.yaml"
    path.write_text("version: 1\nname: long\ncontext: |\n" + ("  " + "x" * 98 + "\n") * 700)
    assert MAX_BYTES == 64 * 1024 < path.stat().st_size
    (head,) = _advise_fails(cli, path)
    assert re.match(rf"error: {re.escape(str(path))}: file is \d+ bytes; the limit is 65536 bytes$", head)


def _billion_laughs(levels: int = 9, fan: int = 9) -> str:
    lines = ["version: 1", "name: laughs", 'lol0: &lol0 ["lol"]']
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * fan) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels,fan", [(9, 9), (40, 2)], ids=["billion-laughs", "binary-tree"])
def test_alias_bomb_is_refused_quickly(cli, tmp_path, levels, fan):
    path = tmp_path / "laughs.yaml"
    path.write_text(_billion_laughs(levels, fan))  # about 1 KB, expanding to 9**9 or 2**40 strings
    assert path.stat().st_size < 2000
    started = time.perf_counter()
    (head,) = _advise_fails(cli, path)
    elapsed = time.perf_counter() - started
    assert elapsed < 2, f"alias bomb took {elapsed:.2f}s"
    assert head.startswith(f"error: {path}: document expands to more than ")
    assert "aliases" in head and "refusing to load" in head


def test_many_aliases_are_refused_before_parsing(cli, tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text("version: 1\nname: aliases\nx: &x 1\nmany: [" + ", ".join(["*x"] * 1500) + "]\n")
    started = time.perf_counter()
    (head,) = _advise_fails(cli, path)
    assert time.perf_counter() - started < 2
    assert head == f"error: {path}:4:4008: more than 1000 YAML aliases; refusing to expand"  # the 1,001st


@pytest.mark.parametrize("name,systems,protocols", [
    ("migration-single.yaml", ["activemq"], ["openwire"]),
    ("migration-list.yaml", ["activemq", "ibm-mq"], ["jms", "openwire"]),
])
def test_migration_from_accepts_one_value_or_a_list(cli, name, systems, protocols):
    code, out, err = cli("advise", "--answers", REQ / name, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["requirements"]["migration"]["from"] == systems
    assert data["requirements"]["migration"]["protocols"] == protocols
    # both forms mean the same to the engine: a broker migration lands on Amazon MQ
    assert "mq" in [s["id"] for s in data["recommendation"]["services"]]


def test_error_output_is_the_same_through_graph(cli):
    """Another command that reads requirements reports the same located error."""
    path = REQ / "bad-delivery.yaml"
    code, out, err = cli("graph", "--answers", path)
    assert code == 2 and out == ""
    lines = _error_lines(err)
    assert lines[0].startswith(f"error: {path}:5:3: connection.delivery: 'pus' is not valid")


def test_every_problem_is_reported_at_once_in_file_order(cli, tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text("version: 1\nname: Many\nconnection: {data: streem}\nconstraints:\n  bogus: 1\n"
                    "  peak_per_second: -1\nmigration: {from: [kafka, rabitmq]}\n")
    lines = [line for line in _advise_fails(cli, path) if not line.startswith("  hint:")]
    assert [line.split(": ")[1] for line in lines] == [
        f"{path}:2:1", f"{path}:3:14", f"{path}:5:3", f"{path}:6:3", f"{path}:7:27"]
    assert [line.split(": ")[2] for line in lines] == [
        "name", "connection.data", "constraints.bogus", "constraints.peak_per_second", "migration.from.1"]
    assert all(line.startswith("error: ") for line in lines)
    assert "more problem" not in "\n".join(lines)


@pytest.mark.parametrize("region, hint", [("eu-west-9", "eu-west-"), ("mars-1", None), ("US-EAST-1", None)])
def test_regions_are_checked_against_the_knowledge_list(cli, tmp_path, kb, region, hint):
    path = tmp_path / "region.yaml"
    path.write_text(f"version: 1\nname: r\nconstraints:\n  region: {region}\n")
    lines = _advise_fails(cli, path)
    assert lines[0] == (f"error: {path}:4:3: constraints.region: '{region}' is not an AWS Region of the "
                        f"knowledge's list ({len(kb.regions)} Regions, such as us-east-1 or eu-west-1)")
    assert lines[0].count(region) == 1  # said once, not again as "(got ...)"
    assert (hint is None) == (len(lines) == 1) and (hint is None or hint in lines[1])


def test_a_listed_region_is_accepted(kb):
    from advisor.requirements import parse_requirements

    assert "ap-southeast-7" in kb.regions
    req = parse_requirements({"version": 1, "name": "r", "constraints": {"region": "ap-southeast-7"}})
    assert req.constraints.region == "ap-southeast-7"
    with pytest.raises(InvalidInput):  # the list passed in is the one checked
        parse_requirements({"version": 1, "name": "r", "constraints": {"region": "us-east-1"}}, regions={"x-y-1"})


def test_source_services_must_be_listed_and_among_the_producers(cli, tmp_path):
    """source_services names AWS services from the knowledge's list, and only when AWS services are producers."""
    path = tmp_path / "sources.yaml"
    path.write_text("version: 1\nname: s\nconstraints:\n  producers: [application]\n  source_services: [s3]\n")
    lines = _advise_fails(cli, path)
    assert lines[0] == (f"error: {path}:5:3: constraints.source_services: source_services names AWS services "
                        "that send the messages, but producers (application) does not list aws-service")
    assert "add aws-service to producers" in lines[1]
    path.write_text("version: 1\nname: s\nconstraints:\n  source_services: [dynamo]\n")
    lines = _advise_fails(cli, path)
    assert lines[0].startswith(f"error: {path}:4:21: constraints.source_services.0: 'dynamo' is not valid; "
                               "expected one of: s3, dynamodb")
    assert "did you mean 'dynamodb'?" in lines[1]


def test_added_lists_use_the_knowledge_vocabulary():
    from typing import get_args

    from advisor.knowledge.vocabulary import ROUTING_FEATURES, SOURCE_SERVICES, STARTS_FROM
    from advisor.requirements import RoutingFeature, SourceService, StartsFrom

    assert get_args(SourceService) == SOURCE_SERVICES
    assert get_args(RoutingFeature) == tuple(ROUTING_FEATURES)
    assert get_args(StartsFrom) == tuple(STARTS_FROM)


SURROGATE_BASE = ("version: 1\nname: sur\nconnection: {data: messaging, completion: async, delivery: pull, "
                  "distribution: p2p}\nconstraints: {producers: [application], consumers: [lambda], managed: serverless}\n")


@pytest.mark.parametrize("line,where,column,key", [
    ('title: "bad \\ud800 title"', 5, 8, "title"),
    ("context: |\n  fine\ncontext_note: x", None, None, None),          # no escape at all: not refused for this
    ('constraints_extra: ["ok", "\\udfff"]', 5, 27, "constraints_extra.1"),
    ('title: "a pair \\ud83d\\ude00 is two escapes"', 5, 8, "title"),   # YAML does not join \u pairs
], ids=["title", "plain", "list-item", "escaped-pair"])
def test_lone_surrogates_are_refused_at_load_with_their_line(cli, tmp_path, line, where, column, key):
    """A surrogate escape would crash `advise --format json` when it prints, or be written into a scaffold or
    an ADR as a replacement character: the loader refuses it, with file, line, column and key (issue 15)."""
    from advisor.errors import InvalidInput
    from advisor.yamlio import load_text

    text = SURROGATE_BASE + line + "\n"
    if where is None:
        load_text(text, "r.yaml")            # a file without surrogate escapes loads as before
        return
    with pytest.raises(InvalidInput) as exc:
        load_text(text, "r.yaml")
    loc = exc.value.location
    assert (loc.file, loc.line, loc.column, loc.key) == ("r.yaml", where, column, key)
    assert "surrogate" in exc.value.message and exc.value.exit_code == 2


@pytest.mark.parametrize("command", [["advise", "--format", "json"], ["scaffold", "--out", "OUT"],
                                     ["adr", "new", "--dir", "OUT"]])
def test_a_surrogate_in_the_title_stops_every_command_before_it_writes(cli, tmp_path, command):
    path = tmp_path / "sur.yaml"
    path.write_text(SURROGATE_BASE + 'title: "bad \\ud800 title"\n', encoding="utf-8")
    out_dir = tmp_path / "out"
    code, out, err = cli(*[str(out_dir) if a == "OUT" else a for a in command], "--answers", path)
    assert code == 2, (out, err)
    assert f"{path}:5:8: title: invalid text" in err and "Traceback" not in err
    assert not out_dir.exists()                        # nothing written, not even .gitignore


@pytest.mark.parametrize("nested,line", [
    ("title: " + "[" * 100_000 + "]" * 100_000, 3),                          # flow: one 200 KB line
    ("".join(" " * i + f"k{i}:\n" for i in range(300)) + " " * 300 + "v", 103),  # block: indentation
    ("extra:\n  " + "- " * 500 + "x", 4),                                     # compact nested sequences
], ids=["flow", "block", "compact"])
def test_deep_nesting_is_refused_with_its_line(nested, line):
    """Deep nesting made ruamel's composer recurse (RecursionError) after a look-ahead that takes time
    quadratic in the depth (1,000 levels: 1.8 s, 100,000: hours): refused before that, with the line."""
    from advisor.errors import InvalidInput
    from advisor.yamlio import MAX_DEPTH, load_text

    with pytest.raises(InvalidInput) as exc:
        load_text("version: 1\nname: deep\n" + nested + "\n", "r.yaml")
    assert f"more than {MAX_DEPTH} levels" in exc.value.message
    assert exc.value.location.line == line


def test_brackets_in_strings_and_comments_are_not_nesting():
    from advisor.yamlio import load_text

    text = "version: 1\nname: ok\ntitle: '" + "[" * 500 + "'\ncontext: \"" + "{" * 500 + "\"  # " + "[" * 500 + "\n"
    assert load_text(text, "r.yaml").data["title"] == "[" * 500
