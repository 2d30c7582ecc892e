"""EventBridge buses, rules, schedules and pipes; IoT topic rules; S3 notifications; Step Functions."""

from __future__ import annotations

from typing import Any

from advisor.lint.positions import PDict

from . import statemachine
from .builder import Builder, Settings

RULE_TERMS = {"schedule_expression": ("ScheduleExpression", 0)}
TARGET_TERMS = {"dead_letter": ("DeadLetterConfig", 0), "partition_key": ("KinesisParameters.PartitionKeyPath", 0)}
PIPE_SOURCE_TERMS = {"dead_letter": ("SourceParameters.*StreamParameters.DeadLetterConfig", 0),
                     "max_retry_attempts": ("SourceParameters.*StreamParameters.MaximumRetryAttempts", 1),
                     "max_record_age_seconds": ("SourceParameters.*StreamParameters.MaximumRecordAgeInSeconds", 1),
                     "batch_size": ("SourceParameters.*Parameters.BatchSize", 1)}
PIPE_TARGET_TERMS = {"partition_key": ("TargetParameters.KinesisStreamParameters.PartitionKey", 0)}
IOT_TERMS = {"error_action": ("TopicRulePayload.ErrorAction", 0)}
IOT_ACTION_TERMS = {"partition_key": ("Kinesis.PartitionKey", 0)}
STATES_TERMS = {"max_duration_seconds": ("Definition.TimeoutSeconds", 1), "variant": ("StateMachineType", 0)}


def event_bus(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    s = b.settings()
    s.values.update({"external_producers": True, "event_bus": True})
    if b.tpl.get(p, "KmsKeyIdentifier") is not None:
        s.put("encryption", "kms", b.tpl.pos(p, "KmsKeyIdentifier"))
    b.channel(logical, "eventbridge", "bus", s)


def _dead_letter(b: Builder, s: Settings, container: Any) -> None:
    tpl = b.tpl
    mark = len(tpl.notes)
    dl = tpl.mapping(container, "DeadLetterConfig")
    if dl is not None:
        s.put("dead_letter", tpl.ref(tpl.get(dl, "Arn")) or "configured", tpl.pos(container, "DeadLetterConfig"),
              mark)


def rule(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    tpl = b.tpl
    bus = tpl.ref(tpl.get(p, "EventBusName"))
    s = b.settings()
    s.values["rule"] = True
    if not bus:
        s.values["external_producers"] = True  # the default bus, or a schedule
    if "ScheduleExpression" in p:
        s.read("schedule_expression", tpl.text, p, "ScheduleExpression")
        s.values["schedule_kind"] = "rule"
    ch = b.channel(logical, "eventbridge", "bus", s, RULE_TERMS)
    if bus:
        b.later(lambda: b.flow(bus, logical, tpl.pos(p, "EventBusName", ch.pos)))
    for target, pos in tpl.items(p, "Targets"):
        if not isinstance(target, PDict):
            continue
        ts = b.settings()
        ts.values["target_id"] = tpl.get(target, "Id")
        _dead_letter(b, ts, target)
        b.later(lambda target=target, pos=pos, ts=ts: b.flow(
            logical, b.endpoint(tpl.get(target, "Arn"), pos), pos, ts, terms=TARGET_TERMS))


def schedule(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    tpl = b.tpl
    s = b.settings()
    s.values["external_producers"] = True
    s.read("schedule_expression", tpl.text, p, "ScheduleExpression")
    s.values["schedule_kind"] = "scheduler"
    b.channel(logical, "eventbridge", "scheduler", s, RULE_TERMS)
    target = tpl.mapping(p, "Target")
    if target is None:
        return
    pos = tpl.pos(p, "Target")
    ts = b.settings()
    _dead_letter(b, ts, target)
    b.later(lambda: b.flow(logical, b.endpoint(tpl.get(target, "Arn"), pos), pos, ts, terms=TARGET_TERMS))


def _constant_partition_key(value: Any) -> bool | None:
    """Whether a partition key is a constant string (one shard takes every record)."""
    if not isinstance(value, str):
        return None
    return not (value.startswith("$") or "${" in value or "<$" in value)


def pipe(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    tpl = b.tpl
    b.channel(logical, "eventbridge", "pipes", b.settings())
    src_pos, dst_pos = tpl.pos(p, "Source"), tpl.pos(p, "Target")
    source, target = tpl.get(p, "Source"), tpl.get(p, "Target")
    params = tpl.mapping(p, "SourceParameters")
    ss = b.settings()
    if params is not None:
        for kind in ("KinesisStreamParameters", "DynamoDBStreamParameters"):
            stream = tpl.mapping(params, kind)
            if stream is None:
                continue
            ss.values["stream_source"] = True
            _dead_letter(b, ss, stream)
            ss.read("max_retry_attempts", tpl.number, stream, "MaximumRetryAttempts")
            ss.read("max_record_age_seconds", tpl.number, stream, "MaximumRecordAgeInSeconds")
            ss.read("batch_size", tpl.number, stream, "BatchSize")
        sqs = tpl.mapping(params, "SqsQueueParameters")
        if sqs is not None:
            ss.read("batch_size", tpl.number, sqs, "BatchSize")
    tparams = tpl.mapping(p, "TargetParameters")
    ts = b.settings()
    kinesis = tpl.mapping(tparams, "KinesisStreamParameters") if tparams is not None else None
    if kinesis is not None:
        ts.read("partition_key_constant", tpl.get, kinesis, "PartitionKey", _constant_partition_key)
        ts.read("partition_key", tpl.text, kinesis, "PartitionKey")

    def wire() -> None:
        src = b.endpoint(source, src_pos)
        if src not in b.graph.channels and b.tpl.type_of(src) in ("AWS::DynamoDB::Table",
                                                                    "AWS::DynamoDB::GlobalTable"):
            ss.values["stream_source"] = True
        if src in b.graph.channels and b.graph.channels[src].service == "kinesis-data-streams":
            ss.values["stream_source"] = True
        b.flow(src, logical, src_pos, ss, terms=PIPE_SOURCE_TERMS)
        b.flow(logical, b.endpoint(target, dst_pos), dst_pos, ts, terms=PIPE_TARGET_TERMS)

    if source is not None and target is not None:
        b.later(wire)


def iot_rule(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    tpl = b.tpl
    payload = tpl.mapping(p, "TopicRulePayload")
    s = b.settings()
    s.values["external_producers"] = True
    error = tpl.mapping(payload, "ErrorAction") if payload is not None else None
    where = tpl.pos(payload, "ErrorAction") if error is not None else (
        tpl.pos(p, "TopicRulePayload") if payload is not None else tpl.resources.keypos[logical])
    s.put("error_action", error is not None, where)
    b.channel(logical, "iot-core", None, s, IOT_TERMS)
    if payload is None:
        return
    for action, pos in tpl.items(payload, "Actions"):
        if not isinstance(action, PDict):
            continue
        for kind, body in action.items():
            body = tpl.resolve(body)
            if not isinstance(body, PDict):
                continue
            ref = None
            for key in ("QueueUrl", "TargetArn", "FunctionArn", "StreamName", "StateMachineName",
                        "DeliveryStreamName", "RoleArn"):
                ref = tpl.ref(tpl.get(body, key)) if key in body else None
                if ref:
                    break
            fs = b.settings()
            fs.values["rule_action"] = kind
            if error is not None:
                fs.values["dead_letter"] = "error-action"
            if kind == "Kinesis":
                fs.read("partition_key_constant", tpl.get, body, "PartitionKey", _constant_partition_key)
                fs.read("partition_key", tpl.text, body, "PartitionKey")
            if ref:
                b.later(lambda ref=ref, pos=pos, fs=fs: b.flow(logical, b.endpoint({"Ref": ref}, pos), pos, fs,
                                                               terms=IOT_ACTION_TERMS))


def bucket(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    tpl = b.tpl
    b.component(logical, "s3-bucket")
    nc = tpl.mapping(p, "NotificationConfiguration")
    if nc is None:
        return
    for key, field in (("QueueConfigurations", "Queue"), ("TopicConfigurations", "Topic"),
                       ("LambdaConfigurations", "Function")):
        for item, pos in tpl.items(nc, key):
            if isinstance(item, PDict):
                b.later(lambda item=item, pos=pos, field=field: b.flow(
                    logical, b.endpoint(tpl.get(item, field), pos), pos, _flag(b, "s3_notification")))


def _flag(b: Builder, name: str) -> Settings:
    s = b.settings()
    s.values[name] = True
    return s


def state_machine(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    tpl = b.tpl
    sam = tpl.type_of(logical) == "AWS::Serverless::StateMachine"
    type_key = "Type" if sam else "StateMachineType"
    kind = tpl.get(p, type_key)
    express = str(kind or "").upper() == "EXPRESS"
    s = b.settings()
    s.keypos["variant"] = tpl.pos(p, type_key, tpl.resources.keypos[logical]) if type_key in p \
        else tpl.resources.keypos[logical]
    definition, where, note = statemachine.definition(tpl, p, b.base_dir)
    if note:
        b.graph.skipped.append((f"state machine {logical}: {note}; its states were not checked",
                                where or tpl.resources.keypos[logical]))
    if isinstance(definition, dict):
        if "TimeoutSeconds" in definition:
            mark = len(tpl.notes)
            s.put("max_duration_seconds", tpl.number(definition, "TimeoutSeconds"),
                  where or tpl.pos(definition, "TimeoutSeconds"), mark)
        tasks = statemachine.task_states(definition, where, tpl.resources.keypos[logical])
        s.values["task_states"] = [{"name": name, "handled": handled} for name, handled, _ in tasks]
        for name, _, pos in tasks:
            s.keypos[f"task_states.{name}"] = pos
    terms = dict(STATES_TERMS)
    if sam:
        terms["variant"] = ("Type", 0)
    b.channel(logical, "step-functions", "express" if express else "standard", s, terms)
    if sam:
        from .functions import sam_events

        sam_events(b, logical, p)


HANDLERS = {
    "AWS::Events::EventBus": event_bus, "AWS::Events::Rule": rule, "AWS::Scheduler::Schedule": schedule,
    "AWS::Pipes::Pipe": pipe, "AWS::IoT::TopicRule": iot_rule, "AWS::S3::Bucket": bucket,
    "AWS::StepFunctions::StateMachine": state_machine, "AWS::Serverless::StateMachine": state_machine,
}
LATER: dict = {}
