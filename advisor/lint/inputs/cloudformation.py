"""CloudFormation and SAM templates (``Resources:``) read into the lint model.

Each resource type the rules know has a handler that maps its properties to the settings of a channel,
component or flow (snake_case, as in an architecture file), keeping the position of the property.
"""

from __future__ import annotations

import re
from typing import Any

from advisor.errors import InvalidInput, Location
from advisor.lint.inputs.common import add_element_suppressions, ignores
from advisor.lint.model import Channel, Component, Flow, FlowGraph, Pos
from advisor.lint.positions import PDict, PList, Tagged, plain

KIND = "cloudformation"


def accepts(data: PDict) -> bool:
    return "Resources" in data and data.get("kind") != "architecture"


def read(data: PDict, name: str, kb) -> FlowGraph:
    """Build the flow graph of a template."""
    return _from_template(data, name, kb)


class _Template:
    def __init__(self, data: PDict, name: str):
        self.data = data
        self.name = name
        res = data.get("Resources")
        if not isinstance(res, PDict):
            raise InvalidInput("Resources must be a mapping of logical ids to resources",
                               location=Location(name, *(data.keypos.get("Resources", (1, 1)))))
        self.resources: PDict = res

    def type_of(self, logical: str | None) -> str | None:
        r = self.resources.get(logical) if logical else None
        return r.get("Type") if isinstance(r, dict) else None

    def ref(self, value: Any) -> str | None:
        """The logical id a Ref/GetAtt/Sub (short or long form) points at, if it is in this template."""
        target = None
        if isinstance(value, Tagged):
            tag, inner = value.tag, value.value
            if tag == "Ref":
                target = inner
            elif tag == "GetAtt":
                target = inner.split(".")[0] if isinstance(inner, str) else (inner[0] if inner else None)
            elif tag == "Sub":
                target = _sub_target(inner if isinstance(inner, str) else (inner[0] if inner else ""))
        elif isinstance(value, dict) and len(value) == 1:
            (k, inner), = value.items()
            if k == "Ref":
                target = inner
            elif k == "Fn::GetAtt":
                target = inner.split(".")[0] if isinstance(inner, str) else (inner[0] if inner else None)
            elif k == "Fn::Sub":
                target = _sub_target(inner if isinstance(inner, str) else (inner[0] if inner else ""))
        elif isinstance(value, str) and value in self.resources:
            target = value
        return target if isinstance(target, str) and target in self.resources else None


def _sub_target(text: str) -> str | None:
    names = re.findall(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}", str(text))
    return names[0] if len(set(names)) == 1 else None


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _num(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


class _Builder:
    def __init__(self, tpl: _Template, kb):
        self.tpl = tpl
        self.kb = kb
        self.graph = FlowGraph(file=tpl.name, input_kind="cloudformation",
                               name=str(tpl.data.get("Description", "") or "template")[:80])

    # element helpers ------------------------------------------------------------------------
    def _meta(self, logical: str) -> tuple[dict[str, Any], dict[str, Pos], dict[str, tuple[str, Pos]]]:
        """Resource ``Metadata: {mqadvise: {ignore: {...}, <settings>}}``."""
        res = self.tpl.resources[logical]
        meta = res.get("Metadata") if isinstance(res, dict) else None
        mq = meta.get("mqadvise") if isinstance(meta, PDict) else None
        if not isinstance(mq, PDict):
            return {}, {}, {}
        settings = {k: plain(v) for k, v in mq.items() if k != "ignore"}
        ignores = {}
        ign = mq.get("ignore")
        if isinstance(ign, PDict):
            ignores = {str(k).upper(): (str(v or "").strip(), ign.keypos[k]) for k, v in ign.items()}
        return settings, dict(mq.keypos), ignores

    def channel(self, logical: str, service: str, variant: str | None, settings: dict[str, Any],
                keypos: dict[str, Pos]) -> Channel:
        extra, extra_pos, ignores = self._meta(logical)
        settings = {"service": service, "variant": variant, **settings, **extra}
        rtype = self.tpl.type_of(logical)
        ch = Channel("channel", logical, settings, self.tpl.resources.keypos[logical],
                     {**keypos, **extra_pos}, ignores, label=f"{logical} ({rtype})")
        self.graph.channels[logical] = ch
        return ch

    def component(self, logical: str, ctype: str, settings: dict[str, Any] | None = None,
                  keypos: dict[str, Pos] | None = None, pos: Pos | None = None) -> Component:
        if logical in self.graph.components:
            comp = self.graph.components[logical]
            for k, v in (settings or {}).items():
                comp.settings.setdefault(k, v)
            return comp
        extra, extra_pos, ignores = ({}, {}, {})
        if logical in self.tpl.resources:
            extra, extra_pos, ignores = self._meta(logical)
            pos = pos or self.tpl.resources.keypos[logical]
        comp = Component("component", logical, {"type": ctype, **(settings or {}), **extra},
                         pos or (1, 1), {**(keypos or {}), **extra_pos}, ignores,
                         label=f"{logical} ({self.tpl.type_of(logical) or ctype})")
        self.graph.components[logical] = comp
        return comp

    def flow(self, source: str, target: str, pos: Pos, settings: dict[str, Any] | None = None,
             keypos: dict[str, Pos] | None = None, ignores=None) -> Flow:
        i = len(self.graph.flows)
        f = Flow("flow", f"flows[{i}]", {"from": source, "to": target, **(settings or {})}, pos,
                 keypos or {}, ignores or {})
        self.graph.flows.append(f)
        return f

    def endpoint(self, value: Any, pos: Pos, hint: str = "application") -> str:
        """A flow end: a resource's logical id, or a component standing for something outside."""
        logical = self.tpl.ref(value)
        if logical:
            rtype = self.tpl.type_of(logical)
            if rtype in ("AWS::Lambda::Function", "AWS::Serverless::Function"):
                self.component(logical, "lambda")
            elif rtype == "AWS::S3::Bucket":
                self.component(logical, "s3-bucket")
            return logical
        label = value if isinstance(value, str) else "external"
        name = f"external:{label}"[:120]
        self.component(name, hint, pos=pos)
        return name

    # resources --------------------------------------------------------------------------------
    def build(self) -> FlowGraph:
        tpl = self.tpl
        meta = tpl.data.get("Metadata")
        mq = meta.get("mqadvise") if isinstance(meta, PDict) else None
        if isinstance(mq, PDict):
            exp = mq.get("expectations")
            if isinstance(exp, PDict):
                self.graph.expectations = plain(exp)
                self.graph.expectations_pos = dict(exp.keypos)
            if "data_classification" in mq:
                self.graph.data_classification = mq["data_classification"]
                self.graph.data_classification_pos = mq.keypos["data_classification"]
            self.graph.environment = mq.get("environment")
            self.graph.file_ignores = ignores({"lint": mq}, tpl.name, "the template")
        globals_timeout = None
        glob = tpl.data.get("Globals")
        if isinstance(glob, dict) and isinstance(glob.get("Function"), dict):
            globals_timeout = _num(glob["Function"].get("Timeout"))

        handlers = {
            "AWS::SQS::Queue": self._sqs, "AWS::SNS::Topic": self._sns,
            "AWS::Serverless::Function": self._function, "AWS::Lambda::Function": self._function,
            "AWS::Kinesis::Stream": self._kinesis, "AWS::KinesisFirehose::DeliveryStream": self._firehose,
            "AWS::StepFunctions::StateMachine": self._states, "AWS::Serverless::StateMachine": self._states,
            "AWS::AmazonMQ::Broker": self._mq, "AWS::Events::EventBus": self._bus,
            "AWS::Events::Rule": self._rule, "AWS::IoT::TopicRule": self._iot_rule,
            "AWS::Pipes::Pipe": self._pipe, "AWS::S3::Bucket": self._bucket,
            "AWS::Scheduler::Schedule": self._schedule,
        }
        later = {
            "AWS::SNS::Subscription": self._subscription, "AWS::Lambda::EventSourceMapping": self._esm,
            "AWS::SQS::QueuePolicy": self._queue_policy, "AWS::Lambda::EventInvokeConfig": self._invoke_config,
        }
        self.globals_timeout = globals_timeout
        for phase in (handlers, later):
            for logical, res in tpl.resources.items():
                if not isinstance(res, PDict):
                    pos = tpl.resources.keypos[logical]
                    raise InvalidInput(f"resource {logical!r} must be a mapping",
                                       location=Location(tpl.name, pos[0], pos[1]))
                rtype = res.get("Type")
                if rtype in phase:
                    props = res.get("Properties")
                    props = props if isinstance(props, PDict) else PDict()
                    phase[rtype](logical, props, res)
        # SAM events and inline subscriptions refer to resources created above
        for job in self._deferred:
            job()
        add_element_suppressions(self.graph)
        return self.graph

    _deferred: list

    def _sqs(self, logical: str, p: PDict, res: PDict) -> None:
        fifo = _bool(p.get("FifoQueue")) or str(p.get("QueueName", "")).endswith(".fifo")
        s: dict[str, Any] = {}
        kp: dict[str, Pos] = {"variant": p.keypos.get("FifoQueue", self.tpl.resources.keypos[logical])}

        def put(key: str, prop: str, value: Any) -> None:
            if value is not None:
                s[key] = value
                kp[key] = p.keypos[prop]

        if "VisibilityTimeout" in p:
            put("visibility_timeout_seconds", "VisibilityTimeout", _num(p["VisibilityTimeout"]))
        if "MessageRetentionPeriod" in p:
            v = _num(p["MessageRetentionPeriod"])
            put("retention_days", "MessageRetentionPeriod", v / 86400 if v is not None else None)
        if "MaximumMessageSize" in p:
            v = _num(p["MaximumMessageSize"])
            put("max_message_kib", "MaximumMessageSize", v / 1024 if v is not None else None)
        if "ReceiveMessageWaitTimeSeconds" in p:
            put("receive_message_wait_time_seconds", "ReceiveMessageWaitTimeSeconds",
                _num(p["ReceiveMessageWaitTimeSeconds"]))
        if "DelaySeconds" in p:
            put("delay_seconds", "DelaySeconds", _num(p["DelaySeconds"]))
        if "ContentBasedDeduplication" in p:
            put("content_based_deduplication", "ContentBasedDeduplication",
                _bool(p["ContentBasedDeduplication"]))
        if p.get("FifoThroughputLimit") == "perMessageGroupId" and p.get("DeduplicationScope") == "messageGroup":
            put("high_throughput", "FifoThroughputLimit", True)
        if "KmsMasterKeyId" in p:
            put("encryption", "KmsMasterKeyId", "kms")
        elif "SqsManagedSseEnabled" in p:
            put("encryption", "SqsManagedSseEnabled",
                "managed" if _bool(p["SqsManagedSseEnabled"]) else "none")
        rp = p.get("RedrivePolicy")
        if isinstance(rp, PDict):
            target = self.tpl.ref(rp.get("deadLetterTargetArn"))
            if target:
                put("dead_letter", "RedrivePolicy", target)
                if "deadLetterTargetArn" in rp.keypos:
                    kp["dead_letter"] = rp.keypos["deadLetterTargetArn"]
            if "maxReceiveCount" in rp:
                s["max_receive_count"] = _num(rp["maxReceiveCount"])
                kp["max_receive_count"] = rp.keypos["maxReceiveCount"]
        rap = p.get("RedriveAllowPolicy")
        if isinstance(rap, PDict):
            sources = [self.tpl.ref(a) for a in (rap.get("sourceQueueArns") or [])]
            put("redrive_allow_policy", "RedriveAllowPolicy",
                {"redrive_permission": rap.get("redrivePermission"),
                 "source_queues": [x for x in sources if x]})
        self.channel(logical, "sqs", "fifo" if fifo else "standard", s, kp)

    def _sns(self, logical: str, p: PDict, res: PDict) -> None:
        fifo = _bool(p.get("FifoTopic")) or str(p.get("TopicName", "")).endswith(".fifo")
        s: dict[str, Any] = {}
        kp: dict[str, Pos] = {"variant": p.keypos.get("FifoTopic", self.tpl.resources.keypos[logical])}
        if "KmsMasterKeyId" in p:
            s["encryption"], kp["encryption"] = "kms", p.keypos["KmsMasterKeyId"]
        if "ContentBasedDeduplication" in p:
            s["content_based_deduplication"] = _bool(p["ContentBasedDeduplication"])
        self.channel(logical, "sns", "fifo" if fifo else "standard", s, kp)
        subs = p.get("Subscription")
        if isinstance(subs, PList):
            for i, sub in enumerate(subs):
                if isinstance(sub, PDict):
                    pos = subs.itempos[i]
                    self._deferred.append(lambda sub=sub, pos=pos: self._add_subscription(
                        logical, sub, pos, {}))

    def _add_subscription(self, topic: str, sub: PDict, pos: Pos, ignores) -> None:
        protocol = str(sub.get("Protocol", "")).lower()
        hint = {"email": "email", "email-json": "email", "sms": "sms", "http": "http-endpoint",
                "https": "http-endpoint", "lambda": "lambda", "sqs": "application"}.get(protocol, "application")
        target = self.endpoint(sub.get("Endpoint"), pos, hint)
        settings: dict[str, Any] = {"subscription_protocol": protocol or None}
        kp: dict[str, Pos] = {}
        if "RawMessageDelivery" in sub:
            settings["raw_delivery"] = _bool(sub["RawMessageDelivery"])
        if "FilterPolicy" in sub:
            settings["filter"] = plain(sub["FilterPolicy"])
        rp = sub.get("RedrivePolicy")
        if isinstance(rp, PDict):
            dlq = self.tpl.ref(rp.get("deadLetterTargetArn"))
            if dlq:
                settings["dead_letter"] = dlq
                kp["dead_letter"] = sub.keypos["RedrivePolicy"]
        self.flow(topic, target, pos, settings, kp, ignores)

    def _subscription(self, logical: str, p: PDict, res: PDict) -> None:
        topic = self.tpl.ref(p.get("TopicArn"))
        if not topic:
            return
        _, _, ignores = self._meta(logical)
        self._add_subscription(topic, p, self.tpl.resources.keypos[logical], ignores)

    def _queue_policy(self, logical: str, p: PDict, res: PDict) -> None:
        for q in p.get("Queues") or []:
            target = self.tpl.ref(q)
            if target in self.graph.channels:
                self.graph.channels[target].settings["queue_policy"] = True

    def _function(self, logical: str, p: PDict, res: PDict) -> None:
        s: dict[str, Any] = {}
        kp: dict[str, Pos] = {}
        timeout = _num(p.get("Timeout")) if "Timeout" in p else self.globals_timeout
        if timeout is not None:
            s["timeout_seconds"] = timeout
            if "Timeout" in p:
                kp["timeout_seconds"] = p.keypos["Timeout"]
        eic = p.get("EventInvokeConfig")
        failure = _on_failure(self.tpl, eic.get("DestinationConfig")) if isinstance(eic, PDict) else None
        if failure:
            s["on_failure"], kp["on_failure"] = failure, p.keypos["EventInvokeConfig"]
        self.component(logical, "lambda", s, kp)
        events = p.get("Events")
        if isinstance(events, PDict):
            for ename, ev in events.items():
                if isinstance(ev, PDict):
                    self._deferred.append(lambda ename=ename, ev=ev, pos=events.keypos[ename]:
                                          self._sam_event(logical, ename, ev, pos))

    def _sam_event(self, fn: str, ename: str, ev: PDict, pos: Pos) -> None:
        etype = ev.get("Type")
        props = ev.get("Properties") if isinstance(ev.get("Properties"), PDict) else PDict()
        settings: dict[str, Any] = {}
        kp: dict[str, Pos] = {}
        if "BatchSize" in props:
            settings["batch_size"], kp["batch_size"] = _num(props["BatchSize"]), props.keypos["BatchSize"]
        if "MaximumBatchingWindowInSeconds" in props:
            settings["batch_window_seconds"] = _num(props["MaximumBatchingWindowInSeconds"])
            kp["batch_window_seconds"] = props.keypos["MaximumBatchingWindowInSeconds"]
        failure = _on_failure(self.tpl, props.get("DestinationConfig"))
        if failure:
            settings["dead_letter"], kp["dead_letter"] = failure, props.keypos["DestinationConfig"]
        if etype in ("SQS", "Kinesis", "MQ", "MSK", "DynamoDB"):
            key = {"SQS": "Queue", "Kinesis": "Stream", "MQ": "Broker", "MSK": "Stream"}.get(etype, "Stream")
            source = self.tpl.ref(props.get(key))
            if source:
                self.flow(source, fn, pos, settings, kp)
        elif etype == "SNS":
            topic = self.tpl.ref(props.get("Topic"))
            if topic:
                self.flow(topic, fn, pos, {"subscription_protocol": "lambda"}, kp)
        elif etype in ("EventBridgeRule", "CloudWatchEvent", "Schedule", "ScheduleV2"):
            rule = f"{fn}.{ename}"
            variant = "scheduler" if etype == "ScheduleV2" else "bus"
            dl = props.get("DeadLetterConfig")
            bus = self.tpl.ref(props.get("EventBusName"))
            s: dict[str, Any] = {"rule": True} if bus else {"rule": True, "external_producers": True}
            ch = self.channel_synthetic(rule, "eventbridge", variant, s, pos)
            if bus:
                self.flow(bus, rule, props.keypos["EventBusName"])
            fs: dict[str, Any] = {}
            fk: dict[str, Pos] = {}
            if isinstance(dl, PDict):
                fs["dead_letter"] = self.tpl.ref(dl.get("Arn")) or "configured"
                fk["dead_letter"] = props.keypos["DeadLetterConfig"]
            self.flow(ch.id, fn, pos, fs, fk)
        elif etype == "S3":
            bucket = self.tpl.ref(props.get("Bucket"))
            if bucket:
                self.component(bucket, "s3-bucket")
                self.flow(bucket, fn, pos)

    def channel_synthetic(self, name: str, service: str, variant: str, settings: dict[str, Any],
                          pos: Pos) -> Channel:
        ch = Channel("channel", name, {"service": service, "variant": variant, **settings}, pos, {}, {},
                     label=name)
        self.graph.channels[name] = ch
        return ch

    def _esm(self, logical: str, p: PDict, res: PDict) -> None:
        source = self.tpl.ref(p.get("EventSourceArn"))
        fn = self.tpl.ref(p.get("FunctionName"))
        if not source or not fn:
            return
        self.component(fn, "lambda")
        settings: dict[str, Any] = {}
        kp: dict[str, Pos] = {}
        if "BatchSize" in p:
            settings["batch_size"], kp["batch_size"] = _num(p["BatchSize"]), p.keypos["BatchSize"]
        if "MaximumBatchingWindowInSeconds" in p:
            settings["batch_window_seconds"] = _num(p["MaximumBatchingWindowInSeconds"])
            kp["batch_window_seconds"] = p.keypos["MaximumBatchingWindowInSeconds"]
        failure = _on_failure(self.tpl, p.get("DestinationConfig"))
        if failure:
            settings["dead_letter"], kp["dead_letter"] = failure, p.keypos["DestinationConfig"]
        _, _, ignores = self._meta(logical)
        self.flow(source, fn, self.tpl.resources.keypos[logical], settings, kp, ignores)

    def _invoke_config(self, logical: str, p: PDict, res: PDict) -> None:
        fn = self.tpl.ref(p.get("FunctionName"))
        failure = _on_failure(self.tpl, p.get("DestinationConfig"))
        if fn and failure:
            comp = self.component(fn, "lambda")
            comp.settings.setdefault("on_failure", failure)
            comp.keypos.setdefault("on_failure", self.tpl.resources.keypos[logical])

    def _schedule(self, logical: str, p: PDict, res: PDict) -> None:
        self.channel(logical, "eventbridge", "scheduler", {"external_producers": True}, {})
        target = p.get("Target")
        if not isinstance(target, PDict):
            return
        pos = p.keypos["Target"]
        settings: dict[str, Any] = {}
        kp: dict[str, Pos] = {}
        dl = target.get("DeadLetterConfig")
        if isinstance(dl, PDict):
            settings["dead_letter"] = self.tpl.ref(dl.get("Arn")) or "configured"
            kp["dead_letter"] = target.keypos["DeadLetterConfig"]
        self._deferred.append(lambda: self.flow(logical, self.endpoint(target.get("Arn"), pos), pos, settings, kp))

    def _kinesis(self, logical: str, p: PDict, res: PDict) -> None:
        mode = p.get("StreamModeDetails")
        on_demand = isinstance(mode, PDict) and str(mode.get("StreamMode", "")).upper() == "ON_DEMAND"
        s: dict[str, Any] = {}
        kp: dict[str, Pos] = {}
        if "ShardCount" in p:
            s["shards"], kp["shards"] = _num(p["ShardCount"]), p.keypos["ShardCount"]
        if "RetentionPeriodHours" in p:
            s["retention_hours"] = _num(p["RetentionPeriodHours"])
            kp["retention_hours"] = p.keypos["RetentionPeriodHours"]
        if isinstance(p.get("StreamEncryption"), PDict):
            s["encryption"], kp["encryption"] = "kms", p.keypos["StreamEncryption"]
        self.channel(logical, "kinesis-data-streams", "on-demand" if on_demand else "provisioned", s, kp)

    def _firehose(self, logical: str, p: PDict, res: PDict) -> None:
        self.channel(logical, "data-firehose", None, {"external_consumers": True}, {})
        src = p.get("KinesisStreamSourceConfiguration")
        if isinstance(src, PDict):
            stream = self.tpl.ref(src.get("KinesisStreamARN"))
            if stream:
                self._deferred.append(lambda: self.flow(stream, logical, p.keypos["KinesisStreamSourceConfiguration"]))

    def _states(self, logical: str, p: PDict, res: PDict) -> None:
        kind = p.get("StateMachineType", p.get("Type"))
        express = str(kind or "").upper() == "EXPRESS"
        s: dict[str, Any] = {}
        kp: dict[str, Pos] = {"variant": p.keypos.get("StateMachineType", p.keypos.get(
            "Type", self.tpl.resources.keypos[logical]))}
        definition = p.get("Definition")
        if isinstance(definition, PDict) and "TimeoutSeconds" in definition:
            s["max_duration_seconds"] = _num(definition["TimeoutSeconds"])
            kp["max_duration_seconds"] = definition.keypos["TimeoutSeconds"]
        self.channel(logical, "step-functions", "express" if express else "standard", s, kp)

    def _mq(self, logical: str, p: PDict, res: PDict) -> None:
        engine = str(p.get("EngineType", "")).lower()
        variant = "rabbitmq" if engine == "rabbitmq" else "activemq"
        s: dict[str, Any] = {"engine": engine or None}
        kp: dict[str, Pos] = {}
        if "DeploymentMode" in p:
            s["deployment_mode"] = str(p["DeploymentMode"]).lower().replace("_", "-")
            kp["deployment_mode"] = p.keypos["DeploymentMode"]
        enc = p.get("EncryptionOptions")
        if isinstance(enc, PDict) and _bool(enc.get("UseAwsOwnedKey")) is False:
            s["encryption"], kp["encryption"] = "kms", p.keypos["EncryptionOptions"]
        self.channel(logical, "mq", variant, s, kp)

    def _bus(self, logical: str, p: PDict, res: PDict) -> None:
        s: dict[str, Any] = {"external_producers": True, "event_bus": True}
        kp: dict[str, Pos] = {}
        if "KmsKeyIdentifier" in p:
            s["encryption"], kp["encryption"] = "kms", p.keypos["KmsKeyIdentifier"]
        self.channel(logical, "eventbridge", "bus", s, kp)

    def _rule(self, logical: str, p: PDict, res: PDict) -> None:
        bus = self.tpl.ref(p.get("EventBusName"))
        s: dict[str, Any] = {"rule": True}
        if not bus:
            s["external_producers"] = True  # the default bus, or a schedule
        ch = self.channel(logical, "eventbridge", "bus", s, {})
        if bus:
            self._deferred.append(lambda: self.flow(bus, logical, p.keypos.get("EventBusName", ch.pos)))
        targets = p.get("Targets")
        if isinstance(targets, PList):
            for i, t in enumerate(targets):
                if not isinstance(t, PDict):
                    continue
                pos = targets.itempos[i]
                settings: dict[str, Any] = {"target_id": t.get("Id")}
                kp: dict[str, Pos] = {}
                dl = t.get("DeadLetterConfig")
                if isinstance(dl, PDict):
                    settings["dead_letter"] = self.tpl.ref(dl.get("Arn")) or "configured"
                    kp["dead_letter"] = t.keypos["DeadLetterConfig"]
                self._deferred.append(lambda t=t, pos=pos, settings=settings, kp=kp: self.flow(
                    logical, self.endpoint(t.get("Arn"), pos), pos, settings, kp))

    def _iot_rule(self, logical: str, p: PDict, res: PDict) -> None:
        self.channel(logical, "iot-core", None, {"external_producers": True}, {})
        payload = p.get("TopicRulePayload")
        if not isinstance(payload, PDict):
            return
        actions = payload.get("Actions")
        if isinstance(actions, PList):
            for i, action in enumerate(actions):
                if not isinstance(action, PDict):
                    continue
                for kind, body in action.items():
                    if not isinstance(body, PDict):
                        continue
                    ref = None
                    for key in ("QueueUrl", "TargetArn", "FunctionArn", "StreamName", "StateMachineName",
                                "DeliveryStreamName", "RoleArn"):
                        ref = self.tpl.ref(body.get(key)) if key in body else None
                        if ref:
                            break
                    settings: dict[str, Any] = {"rule_action": kind}
                    if isinstance(payload.get("ErrorAction"), PDict):
                        settings["dead_letter"] = "error-action"
                    pos = actions.itempos[i]
                    if ref:
                        self._deferred.append(lambda ref=ref, pos=pos, settings=settings:
                                              self.flow(logical, self.endpoint(ref, pos), pos, settings))

    def _pipe(self, logical: str, p: PDict, res: PDict) -> None:
        self.channel(logical, "eventbridge", "pipes", {}, {})
        src = self.tpl.ref(p.get("Source"))
        dst = self.tpl.ref(p.get("Target"))
        if src:
            self._deferred.append(lambda: self.flow(self.endpoint(src, p.keypos["Source"]), logical,
                                                    p.keypos["Source"]))
        if dst:
            self._deferred.append(lambda: self.flow(logical, self.endpoint(dst, p.keypos["Target"]),
                                                    p.keypos["Target"]))

    def _bucket(self, logical: str, p: PDict, res: PDict) -> None:
        self.component(logical, "s3-bucket")
        nc = p.get("NotificationConfiguration")
        if not isinstance(nc, PDict):
            return
        for key, field in (("QueueConfigurations", "Queue"), ("TopicConfigurations", "Topic"),
                           ("LambdaConfigurations", "Function")):
            items = nc.get(key)
            if isinstance(items, PList):
                for i, item in enumerate(items):
                    if isinstance(item, PDict):
                        pos = items.itempos[i]
                        self._deferred.append(lambda item=item, pos=pos, field=field: self.flow(
                            logical, self.endpoint(item.get(field), pos), pos, {"s3_notification": True}))


def _on_failure(tpl: _Template, dest: Any) -> str | None:
    """The failure destination of a DestinationConfig (``OnFailure.Destination``), as a logical id."""
    if not isinstance(dest, PDict) or not isinstance(dest.get("OnFailure"), PDict):
        return None
    return tpl.ref(dest["OnFailure"].get("Destination")) or "configured"


def _from_template(data: PDict, name: str, kb) -> FlowGraph:
    tpl = _Template(data, name)
    builder = _Builder(tpl, kb)
    builder._deferred = []
    return builder.build()
