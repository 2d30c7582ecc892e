"""Generated input for the lint surface: architecture files and CloudFormation/SAM templates, as YAML text
(valid documents with a value, line or character mutated) and as parsed trees (random values under the keys
the readers know, dumped to YAML with CloudFormation tags).

Used by tests/test_lint_fuzz.py (a bounded number of examples in CI) and bench/fuzz_lint.py (10,000 per
surface). :func:`problem` says what is wrong with the linter's answer to one input, or None.
"""

from __future__ import annotations

import traceback

import yaml
from hypothesis import strategies as st

from advisor.lint.inputs.common import SETTING_TYPES
from tests.fuzzing import Hang, time_limit

# values that broke, or could break, a reader: malformed numbers, tags with odd arguments, control characters
WEIRD_SCALARS = [
    ".inf", "-.inf", ".nan", ".NaN", "1e400", "-1e400", "9" * 400, "0x", "0b2", "0o9", "1_", "1:2:", "2026-13-45",
    "yes", "No", "~", "''", '""', "!Ref [a]", "!Ref {a: b}", "!GetAtt {}", "!GetAtt [1, 2]", "!GetAtt", "!Sub [[x]]",
    "!If [1, 2]", "!If [C, !Ref AWS::NoValue]", "!FindInMap [M]", "!Join [1]", "!Join ['', !Ref X]",
    "{Ref: {a: b}}", "{Fn::GetAtt: {a: 1}}", "{Fn::If: [x]}", "[1, [2, [3]]]", "{a: {b: {c: {}}}}",
    "'\\x0c'", '"\\ud800"', '"\\x00"', "\x0c", "!!binary aGk=", "!!python/object/apply:os.system [x]",
    "&anchor 5", "*undefined", "!Rain::Module x.yml", "{Type: AWS::SQS::Queue}", "- a", "? [a]\n  : b",
    "rate(5 minute)", "cron(0 2 * * *)", "at(2026-02-30T00:00:00)", "cron(* * * * * * * *)", "-1", "0", "1e-9",
    "!Ref", "!Sub '${A.B}${C}'", "!Sub '{\"deadLetterTargetArn\": \"${Q.Arn}\"}'",
]

ARCHITECTURE = """\
version: 1
kind: architecture
name: fuzz
data_classification: internal
expectations: {peak_per_second: 100, message_kib: 4, region: us-east-1, replay_hours: 24, processing_seconds: 30}
components:
  api: {type: application, protocols: [https]}
  fn: {type: lambda, timeout_seconds: 30, batch_size: 10, batch_window_seconds: 5, idempotent: true}
channels:
  q: {service: sqs, variant: standard, visibility_timeout_seconds: 180, dead_letter: dlq, max_receive_count: 5}
  dlq: {service: sqs, variant: standard, retention_days: 14, max_message_kib: 256}
  t: {service: sns, variant: fifo, encryption: kms}
  s: {service: kinesis-data-streams, variant: provisioned, shards: 2, retention_hours: 48}
  w: {service: step-functions, variant: express, max_duration_seconds: 60}
  b: {service: mq, variant: activemq, deployment_mode: single-instance}
  e: {service: eventbridge, variant: scheduler, schedule_expression: rate(5 minutes)}
flows:
  - {from: api, to: q, protocol: https, message_kib: 4}
  - {from: q, to: fn, batch_size: 10}
  - {from: t, to: q, raw_delivery: true, filter: {k: [v]}}
  - {from: s, to: fn}
lint: {ignore: {MQA105: "a reason"}}
"""

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: [AWS::Serverless-2016-10-31, AWS::LanguageExtensions]
Parameters:
  Vis: {Type: Number, Default: 900}
  Names: {Type: CommaDelimitedList, Default: "a,b"}
Mappings:
  M: {prod: {T: 30}}
Conditions:
  C: !Equals [!Ref Vis, 900]
  D: !Not [Condition: C]
Metadata:
  mqadvise: {expectations: {peak_per_second: 10}, ignore: {MQA105: why}}
Globals:
  Function: {Timeout: 30}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: !Ref Vis
      MessageRetentionPeriod: 345600
      RedrivePolicy: !If [C, {deadLetterTargetArn: !GetAtt Dlq.Arn, maxReceiveCount: 5}, !Ref AWS::NoValue]
  Dlq: {Type: AWS::SQS::Queue, Condition: C, Properties: {FifoQueue: false}}
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Subscription: [{Protocol: sqs, Endpoint: !GetAtt Queue.Arn}]
  Policy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument: '{"Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}}]}'
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: !FindInMap [M, prod, T]
      AutoPublishAlias: live
      Events:
        Q: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn, BatchSize: 10}}
        S: {Type: Kinesis, Properties: {Stream: !GetAtt Stream.Arn, StartingPosition: LATEST}}
        E: {Type: Schedule, Properties: {Schedule: rate(1 hour)}}
  Stream: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 2, RetentionPeriodHours: 48}}
  Esm:
    Type: AWS::Lambda::EventSourceMapping
    Properties: {EventSourceArn: !GetAtt Queue.Arn, FunctionName: !Ref Fn.Alias, BatchSize: 5}
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionString: !Sub '{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${Fn.Arn}", "End": true}}}'
  Rule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: cron(0 2 * * ? *)
      Targets: [{Id: t, Arn: !GetAtt Queue.Arn, DeadLetterConfig: {Arn: !GetAtt Dlq.Arn}}]
  Pipe:
    Type: AWS::Pipes::Pipe
    Properties:
      Source: !GetAtt Stream.Arn
      Target: !GetAtt Stream.Arn
      SourceParameters: {KinesisStreamParameters: {StartingPosition: LATEST, MaximumRetryAttempts: 3}}
      TargetParameters: {KinesisStreamParameters: {PartitionKey: "1"}}
  IoT:
    Type: AWS::IoT::TopicRule
    Properties:
      TopicRulePayload: {Sql: "SELECT *", Actions: [{Kinesis: {StreamName: !Ref Stream, PartitionKey: k}}]}
  Msk:
    Type: AWS::MSK::Cluster
    Properties:
      ClientAuthentication: {Unauthenticated: {Enabled: true}}
      EncryptionInfo: {EncryptionInTransit: {ClientBroker: TLS_PLAINTEXT}}
  Broker: {Type: AWS::AmazonMQ::Broker, Properties: {EngineType: RABBITMQ, DeploymentMode: SINGLE_INSTANCE, PubliclyAccessible: true}}
  Fn::ForEach::Queues:
    - N
    - !Ref Names
    - "Q${N}": {Type: AWS::SQS::Queue}
"""

SEEDS = {"architecture": ARCHITECTURE, "template": TEMPLATE}


@st.composite
def mutated_text(draw, seed: str) -> str:
    """A seed document with a few lines, values or characters changed."""
    lines = seed.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(("value", "value", "value", "delete", "duplicate", "indent", "char", "key")))
        line = lines[i]
        if action == "value" and ":" in line:
            head = line[: line.index(":") + 1]
            lines[i] = f"{head} {draw(st.sampled_from(WEIRD_SCALARS))}"
        elif action == "delete" and len(lines) > 1:
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, line)
        elif action == "indent":
            lines[i] = " " * draw(st.integers(0, 8)) + line.lstrip()
        elif action == "char":
            pos = draw(st.integers(0, len(line)))
            ch = draw(st.sampled_from(list("{}[]:,&*!|>'\"#%@`\t\x0c\x00\u2028-?") + ["\ud800"]))
            lines[i] = line[:pos] + ch + line[pos:]
        elif action == "key":
            indent = len(line) - len(line.lstrip())
            lines.insert(i, " " * indent + draw(st.sampled_from(["? [a, b]", "!Ref {a: b}", "1", "null", "<<"]))
                         + ": " + draw(st.sampled_from(WEIRD_SCALARS[:20])))
    if draw(st.booleans()) and len(lines) > 3:  # sometimes cut the end off
        lines = lines[: draw(st.integers(1, len(lines)))]
    return "\n".join(lines) + "\n"


class Tag:
    """A CloudFormation short form in a generated tree (dumped as ``!Ref x``)."""

    def __init__(self, tag: str, value):
        self.tag, self.value = tag, value


class _Dumper(yaml.SafeDumper):
    pass


def _represent_tag(dumper: yaml.SafeDumper, data: Tag):
    if isinstance(data.value, dict):
        return dumper.represent_mapping(f"!{data.tag}", data.value)
    if isinstance(data.value, list):
        return dumper.represent_sequence(f"!{data.tag}", data.value)
    return dumper.represent_scalar(f"!{data.tag}", str(data.value))


_Dumper.add_representer(Tag, _represent_tag)


def dump(tree) -> str:
    return yaml.dump(tree, Dumper=_Dumper, allow_unicode=True, sort_keys=False)


NAMES = st.sampled_from(["Queue", "Dlq", "Topic", "Fn", "Stream", "Bus", "Rule", "Pipe", "q", "dlq", "fn", "t",
                         "AWS::NoValue", "AWS::Region", "Vis", "C", "missing"])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), NAMES, st.sampled_from(["rate(1 minutes)", "cron(0 1 * * ? *)", "TLS_PLAINTEXT",
                                                  "SINGLE_INSTANCE", "ON_DEMAND", "fifo", "kms", "none"]),
)
TAGS = ("Ref", "GetAtt", "Sub", "If", "FindInMap", "Join", "Equals", "Not", "Select", "ImportValue")


_BASE = st.one_of(SCALARS, st.builds(Tag, st.sampled_from(TAGS), st.one_of(SCALARS, st.lists(SCALARS, max_size=3))))
VALUES = st.recursive(_BASE, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.one_of(NAMES, st.text(max_size=8)), inner, max_size=3),
    st.builds(Tag, st.sampled_from(TAGS), st.lists(inner, max_size=3))), max_leaves=6)


def values():
    return VALUES


RESOURCE_TYPES = [
    "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::SNS::Subscription", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy",
    "AWS::Serverless::Function", "AWS::Lambda::Function", "AWS::Lambda::EventSourceMapping", "AWS::Lambda::Alias",
    "AWS::Lambda::EventInvokeConfig", "AWS::Kinesis::Stream", "AWS::KinesisFirehose::DeliveryStream",
    "AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine", "AWS::AmazonMQ::Broker", "AWS::MSK::Cluster",
    "AWS::Events::EventBus", "AWS::Events::Rule", "AWS::Scheduler::Schedule", "AWS::Pipes::Pipe",
    "AWS::IoT::TopicRule", "AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::Kinesis::StreamConsumer",
]
PROPERTIES = [
    "VisibilityTimeout", "MessageRetentionPeriod", "MaximumMessageSize", "DelaySeconds", "ReceiveMessageWaitTimeSeconds",
    "FifoQueue", "QueueName", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "SqsManagedSseEnabled",
    "Subscription", "TopicArn", "Endpoint", "Protocol", "Queues", "Topics", "PolicyDocument", "Timeout", "Events",
    "DeadLetterConfig", "DeadLetterQueue", "EventInvokeConfig", "CapacityProviderConfig", "FunctionName",
    "AutoPublishAlias", "EventSourceArn", "BatchSize", "FunctionResponseTypes", "MaximumRetryAttempts",
    "MaximumRecordAgeInSeconds", "BisectBatchOnFunctionError", "DestinationConfig", "ShardCount",
    "RetentionPeriodHours", "StreamModeDetails", "StreamEncryption", "DeliveryStreamType",
    "KinesisStreamSourceConfiguration", "Definition", "DefinitionString", "DefinitionSubstitutions",
    "DefinitionUri", "StateMachineType", "Type", "EngineType", "DeploymentMode", "PubliclyAccessible",
    "EncryptionInfo", "ClientAuthentication", "BrokerNodeGroupInfo", "EventBusName", "Targets",
    "ScheduleExpression", "Target", "Source", "SourceParameters", "TargetParameters", "TopicRulePayload",
    "NotificationConfiguration", "StreamARN",
]


from advisor.lint.inputs.common import BOOL, NUMBER, TEXT, TEXTS  # noqa: E402


def _typed(key: str):
    """Mostly a value of the setting's own type, sometimes anything."""
    kind = SETTING_TYPES.get(key)
    good = {NUMBER: st.one_of(st.integers(0, 10**6), st.floats(0, 1e6)), BOOL: st.booleans(),
            TEXT: st.one_of(NAMES, st.text(max_size=10)), TEXTS: st.lists(st.text(max_size=6), max_size=3)}.get(kind)
    return st.one_of(good, good, good, VALUES) if good is not None else VALUES


@st.composite
def _settings(draw, max_size: int = 4) -> dict:
    keys = draw(st.lists(st.sampled_from(sorted(SETTING_TYPES)), max_size=max_size, unique=True))
    return {k: draw(_typed(k)) for k in keys}


@st.composite
def template_trees(draw) -> dict:
    resources = {}
    for _ in range(draw(st.integers(1, 6))):
        name = draw(st.one_of(NAMES, st.text(min_size=1, max_size=8)))
        rtype = draw(st.sampled_from(RESOURCE_TYPES)) if draw(st.integers(0, 9)) else draw(VALUES)
        props = draw(st.dictionaries(st.sampled_from(PROPERTIES), values(), max_size=6))
        body: dict = {"Type": rtype, "Properties": props}
        if draw(st.booleans()):
            body["Condition"] = draw(st.sampled_from(["C", "D", "missing"]))
        if draw(st.integers(0, 7)) == 0:
            body["Metadata"] = {"mqadvise": draw(_settings(3))}
        resources[name] = body
    tree: dict = {"Resources": resources}
    if draw(st.booleans()):
        tree["Parameters"] = {"Vis": {"Type": "Number", "Default": draw(values())}}
        tree["Conditions"] = {"C": Tag("Equals", [Tag("Ref", "Vis"), 900]), "D": Tag("Not", [{"Condition": "C"}])}
    if draw(st.integers(0, 3)) == 0:
        tree["Globals"] = {"Function": draw(st.dictionaries(st.sampled_from(["Timeout", "CapacityProviderConfig"]),
                                                            values(), max_size=2))}
    if draw(st.integers(0, 7)) == 0:
        tree["Metadata"] = {"mqadvise": {"expectations": draw(st.one_of(
            st.fixed_dictionaries({"peak_per_second": _typed("peak_per_second")}), VALUES)),
            "data_classification": draw(st.sampled_from(["public", "internal", "confidential", "secret"]))}}
    return tree


SERVICES = ["sqs", "sns", "mq", "msk", "kinesis-data-streams", "data-firehose", "eventbridge", "iot-core", "appflow",
            "step-functions", "storage-gateway", "backup"]


@st.composite
def architecture_trees(draw) -> dict:
    names = st.sampled_from(["api", "fn", "q", "dlq", "t", "s", "w", "b", "e", "missing"])
    plain_keys = ("service", "variant", "type", "from", "to", "encryption", "ordering")

    def settings() -> dict:
        return {k: v for k, v in draw(_settings(5)).items() if k not in plain_keys}

    components = {draw(names): {"type": draw(st.sampled_from(["application", "lambda", "container", "iot-device"])),
                                **settings()} for _ in range(draw(st.integers(0, 3)))}
    channels = {draw(names): {"service": draw(st.sampled_from(SERVICES)), **settings()}
                for _ in range(draw(st.integers(0, 4)))}
    flows = [{"from": draw(names), "to": draw(names), **settings()} for _ in range(draw(st.integers(0, 4)))]
    tree = {"version": 1, "kind": "architecture", "name": "fuzz", "components": components, "channels": channels,
            "flows": flows}
    if draw(st.booleans()):
        tree["expectations"] = draw(st.dictionaries(st.sampled_from(
            ["peak_per_second", "message_kib", "ordering", "region", "replay_hours", "processing_seconds"]),
            values(), max_size=3))
    return tree


SURFACES = {
    "architecture text": mutated_text(ARCHITECTURE),
    "template text": mutated_text(TEMPLATE),
    "architecture tree": architecture_trees().map(dump),
    "template tree": template_trees().map(dump),
}


def problem(text: str, kb, seconds: int = 10) -> tuple[str, str] | None:
    """("traceback", details) / ("hang", ...) / ("no line", message) for a wrong answer, else None."""
    from advisor.errors import InvalidInput
    from advisor.lint import lint_text

    try:
        with time_limit(seconds):
            lint_text(text, "fuzz.yaml", kb=kb)
    except Hang as exc:
        return "hang", str(exc)
    except InvalidInput as exc:
        if exc.location is None or exc.location.line is None:
            return "no line", exc.render()
    except Exception:  # the point of the fuzzer: anything else is a bug
        return "traceback", traceback.format_exc(limit=6)
    return None
