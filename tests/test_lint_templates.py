"""How `mqadvise lint` reads real CloudFormation/SAM templates: parameters, mappings, conditions, JSON
strings, Fn::ForEach, the template's own property names in messages, and input it must refuse cleanly."""

from __future__ import annotations

import textwrap

import pytest

from advisor.errors import InvalidInput


def lint(kb, text: str, *select: str, name: str = "t.yaml"):
    from advisor.lint import lint_text
    from advisor.lint.engine import Options

    return lint_text(textwrap.dedent(text), name, Options(select=list(select)), kb)


def test_a_parameter_default_is_used_and_named_in_the_finding(kb):
    found = lint(kb, """\
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Visibility: {Type: Number, Default: 60}
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties: {VisibilityTimeout: !Ref Visibility}
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Timeout: 30
              Events: {Jobs: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn}}}
        """, "MQA104")
    assert [f.rule for f in found] == ["MQA104"]
    assert "assuming the default of parameter Visibility (60)" in found[0].message
    assert found[0].data["assumed"] == ["assuming the default of parameter Visibility (60)"]


def test_template_users_get_template_property_names(kb):
    found = lint(kb, """\
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              VisibilityTimeout: 30
              MessageRetentionPeriod: 2000000
          Fn:
            Type: AWS::Lambda::Function
            Properties: {Timeout: 30}
          Mapping:
            Type: AWS::Lambda::EventSourceMapping
            Properties: {EventSourceArn: !GetAtt Queue.Arn, FunctionName: !Ref Fn}
        """, "MQA101", "MQA104", "MQA106")
    by_rule = {f.rule: f for f in found}
    assert by_rule["MQA104"].hint == "set VisibilityTimeout: 180"
    assert "MessageRetentionPeriod 2,000,000 is above the SQS maximum" in by_rule["MQA106"].message
    assert "RedrivePolicy" in by_rule["MQA101"].hint and "dead_letter" not in by_rule["MQA101"].hint
    for f in found:
        assert "visibility_timeout_seconds" not in f.message + (f.hint or "")
        assert "retention_days" not in f.message + (f.hint or "")


def test_architecture_users_keep_architecture_keys(kb):
    from advisor.lint import lint_text
    from advisor.lint.engine import Options

    text = textwrap.dedent("""\
        version: 1
        kind: architecture
        name: t
        components:
          fn: {type: lambda, timeout_seconds: 30, idempotent: true}
        channels:
          q: {service: sqs, variant: standard, visibility_timeout_seconds: 30, retention_days: 30}
        flows:
          - {from: q, to: fn}
        """)
    found = {f.rule: f for f in lint_text(text, "a.yaml", Options(select=["MQA104", "MQA106"]), kb)}
    assert found["MQA104"].hint == "set visibility_timeout_seconds: 180"
    assert found["MQA106"].message.startswith("retention_days 30 is above")


def test_for_each_is_expanded(kb):
    found = lint(kb, """\
        Transform: AWS::LanguageExtensions
        Resources:
          Fn::ForEach::Queues:
            - Name
            - [Orders, Payments]
            - "${Name}Queue":
                Type: AWS::SQS::Queue
                Properties: {QueueName: !Sub "${Name}-jobs"}
        """, "MQA101")
    assert sorted(f.message.split()[1] for f in found) == ["OrdersQueue", "PaymentsQueue"]
    assert {f.line for f in found} == {6}


def test_nested_for_each_and_ampersand_names(kb):
    found = lint(kb, """\
        Transform: AWS::LanguageExtensions
        Resources:
          Fn::ForEach::Envs:
            - Env
            - [dev, prod]
            - Fn::ForEach::Kinds:
                - Kind
                - [a-b, c]
                - "Q&{Kind}${Env}": {Type: AWS::SQS::Queue}
        """, "MQA101")
    assert sorted(f.message.split()[1] for f in found) == ["Qabdev", "Qabprod", "Qcdev", "Qcprod"]


@pytest.mark.parametrize(("text", "line", "words"), [
    ("Resources:\n  Q:\n    Type: {Fn::Sub: x}\n", 3, "Type must be a string"),
    ("Resources:\n  Q:\n    Type: [AWS::SQS::Queue]\n", 3, "Type must be a string"),
    ("Resources:\n  Q:\n    Type: !Rain::Module bucket.yml\n", 3, "Type must be a string"),
    ("Resources:\n  ? [a, b]\n  : {Type: AWS::SQS::Queue}\n", 2, "expected a logical id"),
    ("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {VisibilityTimeout: .inf}\n", 4,
     "expected a finite number"),
    ("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {DelaySeconds: " + "9" * 400 + "}\n", 4,
     "expected a finite number"),
    ("Resources:\n  Q:\n    Type: AWS::Kinesis::Stream\n    Properties: {ShardCount: .nan}\n", 4,
     "expected a finite number"),
    ("Metadata:\n  mqadvise:\n    expectations: {region: [a]}\nResources: {}\n", 3, "expectations.region"),
    ("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Metadata: {mqadvise: {shards: many}}\n", 4, "a finite number"),
])
def test_malformed_templates_are_refused_with_a_line(kb, text, line, words):
    from advisor.lint import lint_text

    with pytest.raises(InvalidInput) as info:
        lint_text(text, "t.yaml", kb=kb)
    err = info.value
    assert err.location is not None and err.location.line == line, err.render()
    assert words in err.render()


@pytest.mark.parametrize("value", ["!Ref [a]", "!GetAtt {}", "!GetAtt [1, 2]", "{Ref: {a: b}}", "!Sub [[x]]",
                                   "{Fn::GetAtt: {a: 1}}", "!If [1, 2]", "!FindInMap [a]", "!Join [1]"])
def test_malformed_references_are_no_reference(kb, value):
    text = ("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n"
            f"      RedrivePolicy: {{deadLetterTargetArn: {value}}}\n"
            f"  S:\n    Type: AWS::SNS::Subscription\n    Properties: {{TopicArn: {value}, Endpoint: {value}}}\n")
    found = lint(kb, text, "MQA1")
    assert [f.rule for f in found] == ["MQA101"]


def test_unhashable_keys_are_kept(kb):
    from advisor.lint.positions import load

    data = load("? !Ref {a: b}\n: x\n? [1, {c: d}]\n: y\n", "k.yaml")
    assert len(data) == 2


def test_reader_errors_carry_a_line():
    from advisor.lint.positions import load

    with pytest.raises(InvalidInput) as info:
        load("a: 1\nb: 2\nc: \x0c\n", "c.yaml")
    assert info.value.location.line == 3 and "#x000c" in info.value.message
    with pytest.raises(InvalidInput) as info:
        load("a: 1\nb: '\ud800'\n", "s.yaml")
    assert info.value.location.line == 2


def test_deep_nesting_is_refused():
    from advisor.lint.positions import MAX_DEPTH, load

    with pytest.raises(InvalidInput) as info:
        load("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", "d.yaml")
    assert "nested deeper" in info.value.message and info.value.location.line == 1


def test_condition_variants_name_the_condition(kb):
    found = lint(kb, """\
        Parameters:
          WithDlq: {Type: String, Default: "true", AllowedValues: ["true", "false"]}
        Conditions:
          UseDlq: !Equals [!Ref WithDlq, "true"]
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              RedrivePolicy: !If [UseDlq, {deadLetterTargetArn: !GetAtt Dlq.Arn}, !Ref AWS::NoValue]
          Dlq: {Type: AWS::SQS::Queue, Condition: UseDlq}
        """, "MQA101")
    assert [(f.line, f.data["conditions"]) for f in found] == [(6, {"UseDlq": False})]
    assert found[0].message.endswith("(only when condition UseDlq is false)")


def test_unused_suppression_counts_across_conditions(kb):
    found = lint(kb, """\
        Conditions:
          UseDlq: !Equals [!Ref "AWS::Region", eu-west-1]
        Resources:
          Queue:  # mqadvise: ignore[MQA101] the test stack has no DLQ on purpose
            Type: AWS::SQS::Queue
            Properties:
              RedrivePolicy: !If [UseDlq, {deadLetterTargetArn: !GetAtt Dlq.Arn}, !Ref AWS::NoValue]
          Dlq: {Type: AWS::SQS::Queue, Condition: UseDlq}
        """, "MQA101", "MQA003")
    assert found == []


@pytest.mark.parametrize(("extra", "line", "key"), [
    ("components:\n  fn: {type: lambda, timeout_seconds: .inf}\n", 5, "components.fn.timeout_seconds"),
    ("channels:\n  s: {service: kinesis-data-streams, variant: provisioned, shards: many}\n", 5,
     "channels.s.shards"),
    ("channels:\n  s: {service: kinesis-data-streams, variant: provisioned, retention_hours: 1e400}\n", 5,
     "channels.s.retention_hours"),
    ("expectations: {peak_per_second: .nan}\n", 4, "expectations.peak_per_second"),
    ("channels:\n  q: {service: sqs, dead_letter: [a]}\n", 5, "channels.q.dead_letter"),
])
def test_architecture_values_a_rule_cannot_compare_are_refused(kb, extra, line, key):
    from advisor.lint import lint_text

    text = "version: 1\nkind: architecture\nname: t\n" + extra
    with pytest.raises(InvalidInput) as info:
        lint_text(text, "a.yaml", kb=kb)
    assert info.value.location.line == line and info.value.location.key == key, info.value.render()
