"""`mqadvise knowledge check --root DIR` on a copy of the bundled knowledge, broken one way at a time.

Each break must exit 1 with a finding that names the file and the line of the mistake.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.knowledge_helpers import assert_refused_at, break_copy, check_copy, finding, key_line


def test_the_copy_itself_is_clean(cli, knowledge_copy):
    code, lines = check_copy(cli, knowledge_copy)
    assert code == 0, lines
    assert lines[-1].startswith("knowledge ok:")


def _fact_block(root, rel, name):
    """The text of one fact (its key line and the indented lines below it) in a service file."""
    text = (root / rel).read_text(encoding="utf-8")
    m = re.search(rf"(?m)^  {re.escape(name)}:\n(?:    .*\n)+", text)
    assert m, f"{rel}: no fact {name!r}"
    return m.group(0)


def test_fact_without_source(cli, knowledge_copy):
    rel = "services/sqs.yaml"
    block = _fact_block(knowledge_copy, rel, "model")
    src = key_line(block, "source")
    assert_refused_at(cli, knowledge_copy, rel, block, block.replace(src, ""), "  model:\n",
                      "required key 'source' is missing")


def test_figure_without_unit(cli, knowledge_copy):
    rel = "services/sqs.yaml"
    block = _fact_block(knowledge_copy, rel, "message_size.max")
    unit = key_line(block, "unit")
    assert_refused_at(cli, knowledge_copy, rel, block, block.replace(unit, ""), "  message_size.max:\n",
                      "a figure needs a unit")


def test_source_that_is_not_https(cli, knowledge_copy):
    rel = "services/sns.yaml"
    block = _fact_block(knowledge_copy, rel, "delivery")
    src = key_line(block, "source")
    plain = src.replace("https://", "http://")
    assert_refused_at(cli, knowledge_copy, rel, block, block.replace(src, plain), plain,
                      "expected an https:// URL, got 'http://")


def test_dangling_relation_target(cli, knowledge_copy):
    rel = "relations.yaml"
    old = "{type: subscription, from: sns, to: sqs, from_variants: [standard], to_variants: [standard],"
    new = "{type: subscription, from: sns, to: sqss, from_variants: [standard],"
    lines = assert_refused_at(cli, knowledge_copy, rel, old, new, new,
                              "dangling reference 'sqss': not a service or endpoint")
    assert len(lines) == 1, lines  # only this relation is wrong


def test_emits_to_starts_at_an_aws_source(cli, knowledge_copy):
    """An AWS source's edge must leave its source endpoint; a source with no edge at all is a finding too."""
    rel = "relations.yaml"
    old = '{type: emits-to, from: "source:guardduty", to: eventbridge,'
    new = '{type: emits-to, from: "producer:aws-service", to: eventbridge,'
    lines = assert_refused_at(cli, knowledge_copy, rel, old, new, new,
                              r"emits-to goes from an AWS source endpoint \(source:\.\.\.\) to a service")
    assert any("no emits-to relation from 'source:guardduty'" in x for x in lines), lines


def test_relation_with_unknown_variant(cli, knowledge_copy):
    rel = "relations.yaml"
    old = "{type: subscription, from: sns, to: sqs, from_variants: [standard], to_variants: [standard],"
    new = "{type: subscription, from: sns, to: sqs, from_variants: [standard], to_variants: [standrad],"
    assert_refused_at(cli, knowledge_copy, rel, old, new, new, r"sqs has no variant\(s\) \['standrad'\]")


def test_pattern_with_unknown_variant(cli, knowledge_copy):
    rel = "patterns.yaml"
    old = "path: [sns:standard, sqs:standard]"
    new = "path: [sns:standard, sqs:standart]"
    assert_refused_at(cli, knowledge_copy, rel, old, new, new,
                      "dangling reference 'sqs:standart' in pattern sns-sqs-fanout")


def test_pattern_step_that_is_not_a_relation(cli, knowledge_copy):
    rel = "patterns.yaml"
    old = "path: [sns:standard, sqs:standard]"
    new = "path: [sqs:standard, msk:serverless]"  # a queue does not feed a Kafka cluster
    assert_refused_at(cli, knowledge_copy, rel, old, new, new,
                      "pattern sns-sqs-fanout: no relation from sqs:standard to msk:serverless")


def test_duplicate_pattern_id(cli, knowledge_copy):
    rel = "patterns.yaml"
    break_copy(knowledge_copy, rel, "  - id: sns-fifo-sqs-fifo-fanout\n", "  - id: sns-sqs-fanout\n", "sns-sqs-fanout")
    text = (knowledge_copy / rel).read_text()
    first, second = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"(?m)^  - id: sns-sqs-fanout$", text)]
    code, lines = check_copy(cli, knowledge_copy)
    assert code == 1
    finding(lines, rel, second, "duplicate pattern id 'sns-sqs-fanout'")
    assert not [x for x in lines if x.startswith(f"{rel}:{first}:")]  # the first one is not the duplicate


def test_question_key_that_is_not_a_requirements_key(cli, knowledge_copy):
    rel = "questions.yaml"
    old = "key: connection.delivery\n"
    new = "key: connection.delivry\n"
    assert_refused_at(cli, knowledge_copy, rel, old, new, new,
                      "question connection-delivery: 'connection.delivry' is not a requirements key")


def test_capability_value_outside_its_vocabulary(cli, knowledge_copy):
    rel = "services/sns.yaml"
    block = _fact_block(knowledge_copy, rel, "delivery")
    value = key_line(block, "value")
    assert_refused_at(cli, knowledge_copy, rel, block, block.replace(value, "    value: [shove]\n"), "    value: [shove]",
                      r"delivery: \['shove'\] not in push, pull")


def test_yaml_syntax_error_in_a_knowledge_file(cli, knowledge_copy):
    rel = "patterns.yaml"
    old = "path: [sns:standard, sqs:standard]"
    new = "path: [sns:standard, sqs:standard"
    line = break_copy(knowledge_copy, rel, old, new, new)
    code, lines = check_copy(cli, knowledge_copy)
    assert code == 1
    hit = next((x for x in lines if x.startswith(f"{rel}:")), None)
    assert hit and "invalid YAML" in hit, lines
    assert int(hit.split(":")[1]) in (line, line + 1)  # where the parser notices the missing bracket


def test_json_findings_name_file_and_line(cli, knowledge_copy):
    rel = "questions.yaml"
    line = break_copy(knowledge_copy, rel, "key: connection.delivery\n", "key: connection.delivry\n",
                  "key: connection.delivry\n")
    code, out, err = cli("knowledge", "check", "--root", knowledge_copy, "--format", "json")
    assert code == 1
    findings = json.loads(out)["findings"]
    assert {"file": rel, "line": line, "severity": "error",
            "message": "question connection-delivery: 'connection.delivry' is not a requirements key"} in findings


def test_advise_refuses_a_broken_knowledge_base_without_traceback(knowledge_copy):
    """The loader (not only the checker) reports broken knowledge as an error, with file:line."""
    from advisor.errors import KnowledgeError
    from advisor.knowledge.loader import load_knowledge

    rel = "questions.yaml"
    line = break_copy(knowledge_copy, rel, "key: connection.delivery\n", "key: connection.delivry\n",
                  "key: connection.delivry\n")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(knowledge_copy)
    assert info.value.exit_code == 1
    assert f"{rel}:{line}:" in info.value.message


def test_a_variant_name_with_brackets_would_nest_in_the_display_name(cli, knowledge_copy):
    rel = "services/msk.yaml"
    old = "    name: MSK Provisioned, Standard or Express brokers\n"
    new = "    name: MSK Provisioned (Standard or Express brokers)\n"
    assert_refused_at(cli, knowledge_copy, rel, old, new, new, r"msk:provisioned: the variant name .* write it without brackets")


def test_no_display_name_nests_brackets(kb):
    for opt in kb.options:
        name, depth = kb.display_name(opt), 0
        for c in name:
            depth += (c == "(") - (c == ")")
            assert depth <= 1, name


def test_edition_instead_of_an_unknown_edition(cli, knowledge_copy):
    rel = "services/eventbridge.yaml"
    break_copy(knowledge_copy, rel, "instead: classic", "instead: clasic", "instead: clasic")
    code, lines = check_copy(cli, knowledge_copy)
    assert code == 1, lines
    assert any(x.startswith(f"{rel}:") and "'clasic' is not an edition of this variant" in x for x in lines), lines
