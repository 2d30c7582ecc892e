"""Lambda functions (SAM and plain), their aliases, failure destinations, event source mappings and SAM
events; SAM state machine events too (they are read the same way)."""

from __future__ import annotations

from typing import Any

from advisor.lint.model import Pos
from advisor.lint.positions import PDict

from .builder import FUNCTION_TYPES, Builder, Settings

LAMBDA_TERMS = {"timeout_seconds": ("Timeout", 1), "dead_letter": ("DeadLetterConfig", 0),
                "on_failure": ("EventInvokeConfig.DestinationConfig.OnFailure", 0)}
ESM_TERMS = {"batch_size": ("BatchSize", 1), "batch_window_seconds": ("MaximumBatchingWindowInSeconds", 1),
             "dead_letter": ("DestinationConfig.OnFailure.Destination", 0),
             "bisect_on_error": ("BisectBatchOnFunctionError", 0), "max_retry_attempts": ("MaximumRetryAttempts", 1),
             "max_record_age_seconds": ("MaximumRecordAgeInSeconds", 1),
             "report_batch_item_failures": ("FunctionResponseTypes", 0)}
SUBSCRIPTION_TERMS = {"dead_letter": ("RedrivePolicy", 0)}
TARGET_TERMS = {"dead_letter": ("DeadLetterConfig", 0)}
SCHEDULE_TERMS = {"schedule_expression": ("Schedule", 0)}


def on_failure(b: Builder, container: Any) -> str | None:
    """The failure destination of a DestinationConfig (``OnFailure.Destination``), as a logical id."""
    tpl = b.tpl
    dest = tpl.mapping(container, "DestinationConfig")
    failure = tpl.mapping(dest, "OnFailure") if dest is not None else None
    if failure is None:
        return None
    return tpl.ref(tpl.get(failure, "Destination")) or "configured"


def function(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    tpl = b.tpl
    s = b.settings()
    if "Timeout" in p:
        s.read("timeout_seconds", tpl.number, p, "Timeout")
    elif b.globals_function is not None and "Timeout" in b.globals_function:
        mark = len(tpl.notes)
        s.put("timeout_seconds", tpl.number(b.globals_function, "Timeout"), tpl.resources.keypos[logical], mark)
    mark = len(tpl.notes)
    for prop, key in (("DeadLetterConfig", "TargetArn"), ("DeadLetterQueue", "TargetArn")):
        dl = tpl.mapping(p, prop)
        if dl is not None:
            s.put("dead_letter", tpl.ref(tpl.get(dl, key)) or "configured", tpl.pos(p, prop), mark)
    eic = tpl.mapping(p, "EventInvokeConfig")
    failure = on_failure(b, eic) if eic is not None else None
    if failure:
        s.put("on_failure", failure, tpl.pos(p, "EventInvokeConfig"))
    if tpl.get(p, "CapacityProviderConfig") is not None or (
            b.globals_function is not None and tpl.get(b.globals_function, "CapacityProviderConfig") is not None):
        s.put("managed_instances", True, tpl.pos(p, "CapacityProviderConfig", tpl.resources.keypos[logical]))
    b.component(logical, "lambda", s, terms=LAMBDA_TERMS)
    name = tpl.text(p, "FunctionName")
    if name:
        b.function_names.setdefault(name, logical)
    alias = tpl.text(p, "AutoPublishAlias")
    if alias:  # SAM names the alias it creates <Function>Alias<alias>
        b.aliases[f"{logical}Alias{alias}"] = logical
    sam_events(b, logical, p)


def sam_events(b: Builder, logical: str, p: PDict) -> None:
    """A SAM function's or state machine's ``Events``, read once every resource is known."""
    events = b.tpl.get(p, "Events")
    if isinstance(events, PDict):
        for ename, ev in events.items():
            if isinstance(ev, PDict) and isinstance(ename, str):
                b.later(lambda ename=ename, ev=ev, pos=events.keypos[ename]:
                        sam_event(b, logical, ename, ev, pos))


def alias(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    fn = b.tpl.ref(b.tpl.get(p, "FunctionName"))
    if fn and b.tpl.type_of(fn) in FUNCTION_TYPES:
        b.aliases[logical] = fn


def read_esm(b: Builder, s: Settings, p: Any) -> None:
    """The settings of an event source mapping (or of a SAM event that creates one)."""
    tpl = b.tpl
    s.values["event_source_mapping"] = True
    s.read("batch_size", tpl.number, p, "BatchSize")
    s.read("batch_window_seconds", tpl.number, p, "MaximumBatchingWindowInSeconds")
    mark = len(tpl.notes)
    failure = on_failure(b, p)
    if failure:
        s.put("dead_letter", failure, tpl.pos(p, "DestinationConfig"), mark)
    s.read("bisect_on_error", tpl.boolean, p, "BisectBatchOnFunctionError")
    s.read("max_retry_attempts", tpl.number, p, "MaximumRetryAttempts")
    s.read("max_record_age_seconds", tpl.number, p, "MaximumRecordAgeInSeconds")
    types = [t for t, _ in tpl.items(p, "FunctionResponseTypes")]
    s.values["report_batch_item_failures"] = "ReportBatchItemFailures" in types
    if "FunctionResponseTypes" in p:
        s.keypos["report_batch_item_failures"] = tpl.pos(p, "FunctionResponseTypes")


def esm_source(b: Builder, value: Any, pos: Pos) -> str | None:
    """The element an event source ARN names: a queue, stream (or its EFO consumer), table, cluster, broker."""
    tpl = b.tpl
    logical = tpl.ref(value)
    if logical and tpl.type_of(logical) == "AWS::Kinesis::StreamConsumer":
        logical = tpl.ref(tpl.get(tpl.get(tpl.resources[logical], "Properties"), "StreamARN"))
    if not logical:
        return None
    if logical in b.graph.channels:
        return logical
    return b.endpoint(value if logical == tpl.ref(value) else {"Ref": logical}, pos)


def event_source_mapping(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    tpl = b.tpl
    pos = tpl.resources.keypos[logical]
    source = esm_source(b, tpl.get(p, "EventSourceArn"), pos)
    fn = b.function_of(tpl.get(p, "FunctionName"))
    if not source or not fn:
        return
    b.component(fn, "lambda")
    s = b.settings()
    read_esm(b, s, p)
    _, _, ignores = b._meta(logical)
    b.flow(source, fn, pos, s, ignores, ESM_TERMS)


def invoke_config(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    fn = b.function_of(b.tpl.get(p, "FunctionName"))
    failure = on_failure(b, p)
    if fn and failure:
        comp = b.component(fn, "lambda")
        comp.settings.setdefault("on_failure", failure)
        comp.keypos.setdefault("on_failure", b.tpl.resources.keypos[logical])


def sam_event(b: Builder, target: str, ename: str, ev: PDict, pos: Pos) -> None:
    """One entry of a SAM function's or state machine's ``Events``."""
    tpl = b.tpl
    etype = tpl.get(ev, "Type")
    props = tpl.get(ev, "Properties")
    props = props if isinstance(props, PDict) else PDict()
    if etype in ("SQS", "Kinesis", "DynamoDB", "MQ", "MSK"):
        key = {"SQS": "Queue", "MQ": "Broker"}.get(etype, "Stream")
        source = esm_source(b, tpl.get(props, key), pos)
        if source:
            s = b.settings()
            read_esm(b, s, props)
            b.flow(source, target, pos, s, terms=ESM_TERMS)
    elif etype == "SNS":
        topic = tpl.ref(tpl.get(props, "Topic"))
        if topic:
            s = b.settings()
            s.values["subscription_protocol"] = "sqs" if tpl.get(props, "SqsSubscription") else "lambda"
            mark = len(tpl.notes)
            rp = tpl.mapping(props, "RedrivePolicy")
            if rp is not None:
                s.put("dead_letter", tpl.ref(tpl.get(rp, "deadLetterTargetArn")) or "configured",
                      tpl.pos(props, "RedrivePolicy"), mark)
            b.flow(topic, target, pos, s, terms=SUBSCRIPTION_TERMS)
    elif etype in ("EventBridgeRule", "CloudWatchEvent", "Schedule", "ScheduleV2"):
        rule = f"{target}.{ename}"
        variant = "scheduler" if etype == "ScheduleV2" else "bus"
        bus = tpl.ref(tpl.get(props, "EventBusName"))
        settings: dict[str, Any] = {"rule": True} if bus else {"rule": True, "external_producers": True}
        rs = b.settings()
        expression_key = "ScheduleExpression" if etype == "ScheduleV2" else "Schedule"
        if etype in ("Schedule", "ScheduleV2"):
            rs.read("schedule_expression", tpl.text, props, expression_key)
            rs.values.setdefault("schedule_kind", "scheduler" if etype == "ScheduleV2" else "rule")
        ch = b.synthetic_channel(rule, "eventbridge", variant, settings, pos, rs,
                                 {"schedule_expression": (expression_key, 0)})
        if bus:
            b.flow(bus, rule, tpl.pos(props, "EventBusName"))
        fs = b.settings()
        mark = len(tpl.notes)
        dl = tpl.mapping(props, "DeadLetterConfig")
        if dl is not None:
            fs.put("dead_letter", tpl.ref(tpl.get(dl, "Arn")) or "configured", tpl.pos(props, "DeadLetterConfig"),
                   mark)
        b.flow(ch.id, target, pos, fs, terms=TARGET_TERMS)
    elif etype == "S3":
        bucket = tpl.ref(tpl.get(props, "Bucket"))
        if bucket:
            b.component(bucket, "s3-bucket")
            b.flow(bucket, target, pos)
    elif etype == "IoTRule":  # SAM's IoT rule event has no ErrorAction
        rule = f"{target}.{ename}"
        s = b.settings()
        s.put("error_action", False, pos)
        ch = b.synthetic_channel(rule, "iot-core", None, {"external_producers": True}, pos, s,
                                 {"error_action": ("ErrorAction (an AWS::IoT::TopicRule)", 0)})
        b.flow(ch.id, target, pos, terms={})


HANDLERS = {"AWS::Serverless::Function": function, "AWS::Lambda::Function": function,
            "AWS::Lambda::Alias": alias, "AWS::Lambda::Version": alias}
LATER = {"AWS::Lambda::EventSourceMapping": event_source_mapping,
         "AWS::Lambda::EventInvokeConfig": invoke_config}
