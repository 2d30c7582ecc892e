"""Provision a CloudFormation/SAM template into moto and wire the runner to what moto does not execute.

``LocalAWS`` is the in-process simulator the generated tests use::

    with LocalAWS("infra/template.yaml", overrides={"WorkQueue": {"VisibilityTimeout": 1}}) as aws:
        aws.outputs["WorkQueueUrl"]; aws.runner.drain(); aws.runner.invocations("WorkerFunction")

``overrides`` replace resource properties for the local run only (e.g. a short visibility timeout so a
retry takes a second); tests assert the template's own values separately.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from advisor.sim.cfn import ACCOUNT_ID, REGION, Resolver, creation_order, load_template
from advisor.sim.runner import (
    AsyncTarget,
    FirehoseGlue,
    FunctionSpec,
    KinesisMapping,
    PipeGlue,
    Runner,
    Schedule,
    SqsMapping,
)

FAKE_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
            "AWS_SECURITY_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION}
_ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/mqadvise-sim"


def env_name(output_key: str) -> str:
    """``WorkQueueUrl`` -> ``WORK_QUEUE_URL``: the environment variable a stack output is exported as."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", output_key).upper()


@contextmanager
def lambda_bridge(runner: Runner) -> Iterator[None]:
    """Make moto's Lambda ``Invoke`` (and Step Functions Lambda tasks) run the Python handler in-process."""
    from unittest import mock

    from moto.awslambda.models import LambdaFunction

    def _invoke(self: Any, event: Any = None) -> tuple[str, bool, str]:
        payload = json.loads(event) if isinstance(event, str) else event
        inv = runner.invoke(self.function_name, payload, source="lambda:Invoke")
        if inv.ok:
            return json.dumps(inv.result), False, ""
        return json.dumps({"errorType": inv.error_type, "errorMessage": inv.error}), True, inv.error or ""

    with mock.patch.object(LambdaFunction, "_invoke_lambda", _invoke), fifo_redelivery_fix():
        yield


@contextmanager
def fifo_redelivery_fix() -> Iterator[None]:
    """Fix a moto infidelity: when several in-flight messages of one FIFO group time out together, moto 5.x
    redelivers the *last* one first (each expired message still counts its group as pending until it is
    itself looked at). AWS redelivers the group in order. Releasing every expired message before a receive
    restores AWS's order."""
    from unittest import mock

    from moto.sqs.models import SQSBackend

    original = SQSBackend.receive_message

    def receive_message(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        queue = self.get_queue(queue_name)
        for message in list(queue.pending_messages):
            if message.visible:
                queue.pending_messages.discard(message)
        return original(self, queue_name, *args, **kwargs)

    with mock.patch.object(SQSBackend, "receive_message", receive_message):
        yield


class Provisioner:
    """Creates a template's resources with boto3 clients (in-process moto or a moto server)."""

    def __init__(self, client: Callable[[str], Any], runner: Runner, stack_name: str,
                 overrides: dict[str, dict[str, Any]] | None = None, parameters: dict[str, Any] | None = None):
        self.client = client
        self.runner = runner
        self.stack = re.sub(r"[^A-Za-z0-9-]", "-", stack_name)[:24].strip("-") or "stack"
        self.overrides = overrides or {}
        self.parameters = parameters or {}
        self.physical: dict[str, str] = {}
        self.types: dict[str, str] = {}
        self.outputs: dict[str, Any] = {}
        self.skipped: dict[str, str] = {}

    # ----- driver ------------------------------------------------------------------------
    def provision(self, template: dict[str, Any]) -> dict[str, Any]:
        params = {k: v.get("Default") for k, v in (template.get("Parameters") or {}).items()}
        params.update(self.parameters)
        self.r = Resolver(params, self.stack)
        self.r.lazy_attr = self._fallback_attr
        resources = copy.deepcopy(template["Resources"])
        for lid, props in self.overrides.items():
            if lid not in resources:
                raise KeyError(f"override for unknown resource {lid!r}")
            resources[lid].setdefault("Properties", {}).update(props)
        self.template = resources
        # implicit SAM roles
        for lid, res in resources.items():
            self.types[lid] = res["Type"]
        for lid in creation_order(resources):
            res = resources[lid]
            handler = getattr(self, "_" + res["Type"].replace("::", "_").replace("AWS_", "", 1), None)
            props = self.r.resolve(res.get("Properties", {}))
            if handler is None:
                self.skipped[lid] = res["Type"]
                self._placeholder(lid, res["Type"], props)
            else:
                handler(lid, props)
        for key, out in (template.get("Outputs") or {}).items():
            self.outputs[key] = self.r.resolve(out.get("Value"))
        return self.outputs

    def name(self, lid: str, limit: int = 64, suffix: str = "") -> str:
        base = f"{self.stack}-{lid}"[: limit - len(suffix)]
        return base + suffix

    def _placeholder(self, lid: str, rtype: str, props: dict[str, Any]) -> None:
        service = rtype.split("::")[1].lower() if "::" in rtype else "x"
        name = self.name(lid)
        self.r.refs[lid] = name
        self.r.attrs[lid] = {"Arn": f"arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{name}", "RoleId": name}

    def _fallback_attr(self, lid: str, attr: str) -> Any:
        if lid.endswith("Role") and lid[:-4] in self.types:     # SAM's implicit function role
            return f"arn:aws:iam::{ACCOUNT_ID}:role/{self.name(lid)}"
        raise KeyError(f"Fn::GetAtt {lid}.{attr} is not known to the simulator")

    # ----- SQS -----------------------------------------------------------------------------
    _SQS_ATTRS = ("VisibilityTimeout", "MessageRetentionPeriod", "MaximumMessageSize", "DelaySeconds",
                  "ReceiveMessageWaitTimeSeconds", "FifoQueue", "ContentBasedDeduplication", "RedrivePolicy",
                  "KmsMasterKeyId", "SqsManagedSseEnabled", "DeduplicationScope", "FifoThroughputLimit",
                  "RedriveAllowPolicy")

    def _SQS_Queue(self, lid: str, p: dict[str, Any]) -> None:
        fifo = str(p.get("FifoQueue", "")).lower() == "true"
        name = p.get("QueueName") or self.name(lid, 80, ".fifo" if fifo else "")
        attrs = {}
        for k in self._SQS_ATTRS:
            if k in p:
                v = p[k]
                attrs[k] = json.dumps(v) if isinstance(v, dict) else (str(v).lower() if isinstance(v, bool) else str(v))
        attrs.pop("RedriveAllowPolicy", None)  # moto rejects it (see local-simulators.md); AWS honours it
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
        arn = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"
        self.r.refs[lid] = url
        self.r.attrs[lid] = {"Arn": arn, "QueueName": name, "QueueUrl": url}

    def _SQS_QueuePolicy(self, lid: str, p: dict[str, Any]) -> None:
        for url in p.get("Queues", []):
            self.client("sqs").set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(p["PolicyDocument"])})
        self.r.refs[lid] = self.name(lid)

    # ----- SNS -----------------------------------------------------------------------------
    def _SNS_Topic(self, lid: str, p: dict[str, Any]) -> None:
        fifo = str(p.get("FifoTopic", "")).lower() == "true"
        name = p.get("TopicName") or self.name(lid, 256, ".fifo" if fifo else "")
        attrs = {k: str(p[k]).lower() for k in ("FifoTopic", "ContentBasedDeduplication") if k in p}
        arn = self.client("sns").create_topic(Name=name, Attributes=attrs)["TopicArn"]
        self.r.refs[lid] = arn
        self.r.attrs[lid] = {"TopicArn": arn, "TopicName": name}
        for sub in p.get("Subscription", []) or []:
            self._subscribe(lid, arn, sub["Protocol"], sub["Endpoint"], {})

    def _SNS_Subscription(self, lid: str, p: dict[str, Any]) -> None:
        attrs = {}
        for k in ("FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy"):
            if k in p:
                v = p[k]
                attrs[k] = json.dumps(v) if isinstance(v, dict) else str(v).lower() if isinstance(v, bool) else str(v)
        self.r.refs[lid] = self._subscribe(lid, p["TopicArn"], p["Protocol"], p["Endpoint"], attrs)

    def _subscribe(self, lid: str, topic: str, protocol: str, endpoint: str, attrs: dict[str, str]) -> str:
        sns = self.client("sns")
        if protocol == "lambda":
            shadow = self._shadow_queue(f"{lid}-sns")
            attrs = {k: v for k, v in attrs.items() if k != "RawMessageDelivery"}
            sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=shadow[1], Attributes=attrs,
                                ReturnSubscriptionArn=True)["SubscriptionArn"]
            dl = json.loads(attrs.get("RedrivePolicy", "{}")).get("deadLetterTargetArn")
            self.runner.async_targets.append(AsyncTarget("sns", shadow[0], endpoint, dl, sub))
            return sub
        return sns.subscribe(TopicArn=topic, Protocol=protocol, Endpoint=endpoint, Attributes=attrs,
                             ReturnSubscriptionArn=True)["SubscriptionArn"]

    def _shadow_queue(self, label: str) -> tuple[str, str]:
        name = ("sim-" + re.sub(r"[^A-Za-z0-9-]", "-", label))[:80]
        url = self.client("sqs").create_queue(QueueName=name)["QueueUrl"]
        return url, f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"

    # ----- EventBridge ---------------------------------------------------------------------
    def _Events_EventBus(self, lid: str, p: dict[str, Any]) -> None:
        name = p.get("Name") or self.name(lid)
        arn = self.client("events").create_event_bus(Name=name)["EventBusArn"]
        self.r.refs[lid] = name
        self.r.attrs[lid] = {"Arn": arn, "Name": name}

    def _Events_Rule(self, lid: str, p: dict[str, Any]) -> None:
        events = self.client("events")
        name = p.get("Name") or self.name(lid)
        bus = p.get("EventBusName", "default")
        if isinstance(bus, str) and bus.startswith("arn:"):
            bus = bus.split("/")[-1]
        kw: dict[str, Any] = {"Name": name, "EventBusName": bus, "State": p.get("State", "ENABLED")}
        if "EventPattern" in p:
            kw["EventPattern"] = json.dumps(p["EventPattern"]) if isinstance(p["EventPattern"], dict) else p["EventPattern"]
        if "ScheduleExpression" in p:
            kw["ScheduleExpression"] = p["ScheduleExpression"]
        arn = events.put_rule(**kw)["RuleArn"]
        self.r.refs[lid] = name
        self.r.attrs[lid] = {"Arn": arn}
        targets = []
        for t in p.get("Targets", []):
            t = dict(t)
            service = t["Arn"].split(":")[2]
            if service not in ("sqs", "sns", "logs", "events"):
                shadow = self._shadow_queue(f"{lid}-{t['Id']}")
                dl = (t.get("DeadLetterConfig") or {}).get("Arn")
                attempts = (t.get("RetryPolicy") or {}).get("MaximumRetryAttempts")
                self.runner.async_targets.append(AsyncTarget("eventbridge", shadow[0], t["Arn"], dl, None, attempts))
                t["Arn"] = shadow[1]
                t.pop("RoleArn", None)
            targets.append(t)
        if targets:
            events.put_targets(Rule=name, EventBusName=bus, Targets=targets)

    # ----- Scheduler -----------------------------------------------------------------------
    def _Scheduler_Schedule(self, lid: str, p: dict[str, Any]) -> None:
        name = p.get("Name") or self.name(lid)
        target = p["Target"]
        kw: dict[str, Any] = {"Name": name, "ScheduleExpression": p["ScheduleExpression"],
                              "FlexibleTimeWindow": p.get("FlexibleTimeWindow", {"Mode": "OFF"}),
                              "Target": {k: v for k, v in target.items() if k in ("Arn", "RoleArn", "Input")}}
        for k in ("ScheduleExpressionTimezone", "State", "Description"):
            if k in p:
                kw[k] = p[k]
        arn = self.client("scheduler").create_schedule(**kw)["ScheduleArn"]
        self.r.refs[lid] = name
        self.r.attrs[lid] = {"Arn": arn}
        self.runner.schedules[lid] = Schedule(name, target, (target.get("DeadLetterConfig") or {}).get("Arn"),
                                              int((target.get("RetryPolicy") or {}).get("MaximumRetryAttempts", 0)))

    # ----- Kinesis, Firehose, S3 ------------------------------------------------------------
    def _Kinesis_Stream(self, lid: str, p: dict[str, Any]) -> None:
        name = p.get("Name") or self.name(lid, 128)
        kin = self.client("kinesis")
        mode = (p.get("StreamModeDetails") or {}).get("StreamMode", "PROVISIONED")
        if mode == "ON_DEMAND":
            kin.create_stream(StreamName=name, StreamModeDetails={"StreamMode": "ON_DEMAND"})
        else:
            kin.create_stream(StreamName=name, ShardCount=int(p.get("ShardCount", 1)))
        if "RetentionPeriodHours" in p and int(p["RetentionPeriodHours"]) > 24:
            kin.increase_stream_retention_period(StreamName=name, RetentionPeriodHours=int(p["RetentionPeriodHours"]))
        arn = kin.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
        self.r.refs[lid] = name
        self.r.attrs[lid] = {"Arn": arn}

    def _S3_Bucket(self, lid: str, p: dict[str, Any]) -> None:
        name = p.get("BucketName") or self.name(lid).lower()
        self.client("s3").create_bucket(Bucket=name)
        self.r.refs[lid] = name
        self.r.attrs[lid] = {"Arn": f"arn:aws:s3:::{name}", "BucketName": name,
                             "DomainName": f"{name}.s3.amazonaws.com"}

    def _KinesisFirehose_DeliveryStream(self, lid: str, p: dict[str, Any]) -> None:
        name = p.get("DeliveryStreamName") or self.name(lid)
        s3 = p.get("ExtendedS3DestinationConfiguration") or p.get("S3DestinationConfiguration") or {}
        dest = {k: s3[k] for k in ("RoleARN", "BucketARN", "Prefix", "ErrorOutputPrefix", "BufferingHints",
                                   "CompressionFormat") if k in s3}
        fh = self.client("firehose")
        arn = fh.create_delivery_stream(DeliveryStreamName=name, DeliveryStreamType="DirectPut",
                                        ExtendedS3DestinationConfiguration=dest)["DeliveryStreamARN"]
        self.r.refs[lid] = name
        self.r.attrs[lid] = {"Arn": arn}
        source = (p.get("KinesisStreamSourceConfiguration") or {}).get("KinesisStreamARN")
        if source:   # moto does not wire a Kinesis source: the runner reads the stream for it
            self.runner.firehoses.append(FirehoseGlue(name, source.split("/")[-1]))

    # ----- Step Functions ------------------------------------------------------------------
    def _StepFunctions_StateMachine(self, lid: str, p: dict[str, Any]) -> None:
        name = p.get("StateMachineName") or self.name(lid, 80)
        definition = p.get("Definition") or json.loads(p.get("DefinitionString", "{}"))
        text = json.dumps(definition)
        for key, value in (p.get("DefinitionSubstitutions") or {}).items():
            text = text.replace("${" + key + "}", str(value))
        arn = self.client("stepfunctions").create_state_machine(
            name=name, definition=text, roleArn=p.get("RoleArn", _ROLE),
            type=p.get("StateMachineType", "STANDARD"),
            **({"loggingConfiguration": _camel(p["LoggingConfiguration"])} if "LoggingConfiguration" in p else {})
        )["stateMachineArn"]
        self.r.refs[lid] = arn
        self.r.attrs[lid] = {"Arn": arn, "Name": name}

    # ----- Pipes ---------------------------------------------------------------------------
    def _Pipes_Pipe(self, lid: str, p: dict[str, Any]) -> None:
        name = p.get("Name") or self.name(lid)
        arn = f"arn:aws:pipes:{REGION}:{ACCOUNT_ID}:pipe/{name}"
        self.r.refs[lid] = name
        self.r.attrs[lid] = {"Arn": arn}
        source = p["Source"]
        if ":sqs:" not in source or ":states:" not in p["Target"]:
            raise ValueError(f"{lid}: the simulator runs SQS -> Step Functions pipes only")
        sp = p.get("SourceParameters") or {}
        batch = int((sp.get("SqsQueueParameters") or {}).get("BatchSize", 10))
        filters = [f["Pattern"] for f in (sp.get("FilterCriteria") or {}).get("Filters", [])]
        tp = (p.get("TargetParameters") or {}).get("StepFunctionStateMachineParameters") or {}
        url = _queue_url_from_arn(self.client("sqs"), source)
        self.runner.pipes.append(PipeGlue(name, url, source, p["Target"], batch, filters,
                                          tp.get("InvocationType", "FIRE_AND_FORGET")))

    # ----- control planes of the broker designs (the data planes are local engines) -------------
    def _IoT_TopicRule(self, lid: str, p: dict[str, Any]) -> None:
        """Stored in moto's IoT control plane; ``advisor.sim.engines.iot.RulesEngine`` runs it."""
        name = p.get("RuleName") or re.sub(r"[^A-Za-z0-9_]", "_", self.name(lid, 128))
        self.client("iot").create_topic_rule(ruleName=name, topicRulePayload=_camel(p["TopicRulePayload"]))
        self.r.refs[lid] = name
        self.r.attrs[lid] = {"Arn": f"arn:aws:iot:{REGION}:{ACCOUNT_ID}:rule/{name}"}

    def _AmazonMQ_Configuration(self, lid: str, p: dict[str, Any]) -> None:
        resp = self.client("mq").create_configuration(
            Name=p.get("Name") or self.name(lid, 150), EngineType=p["EngineType"], EngineVersion=p["EngineVersion"])
        self.r.refs[lid] = resp["Id"]
        self.r.attrs[lid] = {"Arn": resp["Arn"], "Id": resp["Id"],
                             "Revision": resp["LatestRevision"]["Revision"]}

    def _AmazonMQ_Broker(self, lid: str, p: dict[str, Any]) -> None:
        kwargs: dict[str, Any] = {
            "BrokerName": p.get("BrokerName") or self.name(lid, 50), "EngineType": p["EngineType"],
            "EngineVersion": p["EngineVersion"], "HostInstanceType": p["HostInstanceType"],
            "DeploymentMode": p["DeploymentMode"], "PubliclyAccessible": bool(p.get("PubliclyAccessible", False)),
            "AutoMinorVersionUpgrade": bool(p.get("AutoMinorVersionUpgrade", True)),
            "Users": [{k: v for k, v in u.items() if k in ("Username", "Password", "ConsoleAccess", "Groups")}
                      for u in p.get("Users", [])]}
        for key in ("SubnetIds", "SecurityGroups"):
            if p.get(key) and all(isinstance(v, str) for v in p[key]):
                kwargs[key] = p[key]
        if p.get("Configuration"):
            kwargs["Configuration"] = {"Id": p["Configuration"]["Id"],
                                       "Revision": int(p["Configuration"]["Revision"])}
        resp = self.client("mq").create_broker(**kwargs)
        endpoints = [e for inst in self.client("mq").describe_broker(BrokerId=resp["BrokerId"]).get(
            "BrokerInstances", []) for e in inst.get("Endpoints", [])]
        self.r.refs[lid] = resp["BrokerId"]
        self.r.attrs[lid] = {"Arn": resp["BrokerArn"], "Id": resp["BrokerId"], **{
            f"{kind}Endpoints": [e for e in endpoints if e.startswith(prefix)] or [f"{prefix}://localhost"]
            for kind, prefix in (("Amqp", "amqp"), ("Stomp", "stomp"), ("OpenWire", "ssl"), ("Mqtt", "mqtt"),
                                 ("Wss", "wss"))}}

    def _MSK_ServerlessCluster(self, lid: str, p: dict[str, Any]) -> None:
        vpc = [{"SubnetIds": [s for s in c.get("SubnetIds") or [] if isinstance(s, str)],
                "SecurityGroupIds": [s for s in c.get("SecurityGroups") or [] if isinstance(s, str)]}
               for c in p.get("VpcConfigs", [])]
        arn = self.client("kafka").create_cluster_v2(
            ClusterName=p["ClusterName"], Serverless={"VpcConfigs": vpc, "ClientAuthentication":
                                                      p.get("ClientAuthentication", {})})["ClusterArn"]
        self.r.refs[lid] = arn
        self.r.attrs[lid] = {"Arn": arn}

    def _MSK_Cluster(self, lid: str, p: dict[str, Any]) -> None:
        group = dict(p["BrokerNodeGroupInfo"])
        group["ClientSubnets"] = [s for s in group.get("ClientSubnets") or [] if isinstance(s, str)]
        group["SecurityGroups"] = [s for s in group.get("SecurityGroups") or [] if isinstance(s, str)]
        arn = self.client("kafka").create_cluster(
            ClusterName=p["ClusterName"], KafkaVersion=p["KafkaVersion"], BrokerNodeGroupInfo=group,
            NumberOfBrokerNodes=int(p["NumberOfBrokerNodes"]))["ClusterArn"]
        self.r.refs[lid] = arn
        self.r.attrs[lid] = {"Arn": arn}

    # ----- IAM (recorded; moto does not enforce permissions) ---------------------------------
    def _IAM_Role(self, lid: str, p: dict[str, Any]) -> None:
        name = p.get("RoleName") or self.name(lid)
        self.r.refs[lid] = name
        self.r.attrs[lid] = {"Arn": f"arn:aws:iam::{ACCOUNT_ID}:role/{name}", "RoleId": name}
        self.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(
            p.get("AssumeRolePolicyDocument", {})))

    def _Logs_LogGroup(self, lid: str, p: dict[str, Any]) -> None:
        name = p.get("LogGroupName") or f"/mqadvise/{self.name(lid)}"
        self.client("logs").create_log_group(logGroupName=name)
        self.r.refs[lid] = name
        self.r.attrs[lid] = {"Arn": f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{name}:*"}

    # ----- Lambda ------------------------------------------------------------------------------
    def _Serverless_Function(self, lid: str, p: dict[str, Any]) -> None:
        self._Lambda_Function(lid, p)
        for ev_name, ev in (p.get("Events") or {}).items():
            props = ev.get("Properties", {})
            if ev["Type"] == "SQS":
                self._esm(lid, {**props, "EventSourceArn": props["Queue"]})
            elif ev["Type"] == "Kinesis":
                self._esm(lid, {**props, "EventSourceArn": props["Stream"]})
            elif ev["Type"] == "SNS":
                attrs = {"FilterPolicy": json.dumps(props["FilterPolicy"])} if "FilterPolicy" in props else {}
                self._subscribe(f"{lid}-{ev_name}", props["Topic"], "lambda", self.r.attrs[lid]["Arn"], attrs)
            else:
                raise ValueError(f"{lid}: SAM event type {ev['Type']} is not supported by the simulator")
        cfg = p.get("EventInvokeConfig") or {}
        self._invoke_config(lid, cfg)

    def _invoke_config(self, lid: str, cfg: dict[str, Any]) -> None:
        spec = self.runner.function(lid)
        if "MaximumRetryAttempts" in cfg:
            spec.async_retries = int(cfg["MaximumRetryAttempts"])
        dest = ((cfg.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        if dest:
            spec.on_failure = dest

    def _Lambda_EventInvokeConfig(self, lid: str, p: dict[str, Any]) -> None:
        fn = next(s.logical_id for s in self.runner.functions.values() if s.name == p["FunctionName"])
        self._invoke_config(fn, p)
        self.r.refs[lid] = self.name(lid)

    def _Lambda_Function(self, lid: str, p: dict[str, Any]) -> None:
        name = p.get("FunctionName") or self.name(lid)
        env = ((p.get("Environment") or {}).get("Variables")) or {}
        spec = FunctionSpec(lid, name, p["Handler"], float(p.get("Timeout", 3)), {k: str(v) for k, v in env.items()})
        self.runner.functions[lid] = spec
        self._ensure_role()
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("placeholder.py", "# the simulator runs the handler from the project folder\n")
        self.client("lambda").create_function(
            FunctionName=name, Runtime=p.get("Runtime", "python3.12"), Role=_ROLE, Handler=p["Handler"],
            Code={"ZipFile": buf.getvalue()}, Timeout=int(spec.timeout))
        self.r.refs[lid] = name
        self.r.attrs[lid] = {"Arn": spec.arn}

    def _ensure_role(self) -> None:
        if getattr(self, "_role_done", False):
            return
        iam = self.client("iam")
        try:
            iam.create_role(RoleName="mqadvise-sim", AssumeRolePolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                        "Principal": {"Service": "lambda.amazonaws.com"}}]}))
        except iam.exceptions.EntityAlreadyExistsException:
            pass  # one shared role for every function
        self._role_done = True

    def _Lambda_EventSourceMapping(self, lid: str, p: dict[str, Any]) -> None:
        fn = next(s.logical_id for s in self.runner.functions.values()
                  if p["FunctionName"] in (s.name, s.arn))
        self._esm(fn, p)
        self.r.refs[lid] = self.name(lid)

    def _esm(self, fn_lid: str, p: dict[str, Any]) -> None:
        arn = p["EventSourceArn"]
        fn = self.runner.functions[fn_lid].name
        report = "ReportBatchItemFailures" in (p.get("FunctionResponseTypes") or [])
        enabled = str(p.get("Enabled", True)).lower() != "false"
        window = float(p.get("MaximumBatchingWindowInSeconds", 0))
        if ":sqs:" in arn:
            url = _queue_url_from_arn(self.client("sqs"), arn)
            self.runner.sqs_mappings.append(SqsMapping(fn, url, arn, int(p.get("BatchSize", 10)), window, report,
                                                       enabled))
        elif ":kinesis:" in arn:
            dest = ((p.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
            self.runner.kinesis_mappings.append(KinesisMapping(
                fn, arn.split("/")[-1], arn, int(p.get("BatchSize", 100)), p.get("StartingPosition", "TRIM_HORIZON"),
                int(p.get("MaximumRetryAttempts", -1)), str(p.get("BisectBatchOnFunctionError", False)).lower() == "true",
                dest, report, enabled))
        else:
            raise ValueError(f"event source {arn} is not supported by the simulator")


def _camel(value: Any) -> Any:
    """CloudFormation's PascalCase keys as the Step Functions API's camelCase."""
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _queue_url_from_arn(sqs: Any, arn: str) -> str:
    parts = arn.split(":")
    return sqs.get_queue_url(QueueName=parts[5])["QueueUrl"]


def _sync_execution(params: dict[str, Any], **_: Any) -> Any:
    """StartSyncExecution, which moto does not implement: start the execution in moto (parser mode runs it)
    and wait for it, then answer as the API does."""
    import time

    import boto3

    body = json.loads(params["body"]) if isinstance(params.get("body"), (str, bytes)) else params["body"]
    sfn = boto3.client("stepfunctions", region_name=REGION)
    kw = {"stateMachineArn": body["stateMachineArn"], "input": body.get("input", "{}")}
    if body.get("name"):
        kw["name"] = body["name"]
    arn = sfn.start_execution(**kw)["executionArn"]
    deadline = time.monotonic() + 300
    while True:
        desc = sfn.describe_execution(executionArn=arn)
        if desc["status"] != "RUNNING" or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    parsed = {k: desc[k] for k in ("executionArn", "stateMachineArn", "name", "startDate", "stopDate", "status",
                                  "input", "output", "error", "cause") if k in desc}
    from types import SimpleNamespace

    return SimpleNamespace(status_code=200, headers={}, content=b"", raw=None), parsed


def _route_sync_executions() -> None:
    import boto3

    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    boto3.DEFAULT_SESSION.events.register("before-call.sfn.StartSyncExecution", _sync_execution,
                                          unique_id="mqadvise-sim-sync-execution")


class LocalAWS:
    """In-process AWS for tests: moto with Step Functions execution on, the template provisioned, a runner."""

    def __init__(self, template: str | Path, *, project: str | Path | None = None,
                 overrides: dict[str, dict[str, Any]] | None = None, parameters: dict[str, Any] | None = None,
                 stack_name: str | None = None, export_env: bool = True):
        self.template_path = Path(template)
        self.project = Path(project) if project else self.template_path.resolve().parent.parent
        self.overrides = overrides
        self.parameters = parameters
        self.stack_name = stack_name or self.project.name
        self.export_env = export_env
        self.outputs: dict[str, Any] = {}
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            import boto3

            self._clients[service] = boto3.client(service, region_name=REGION)
        return self._clients[service]

    def __enter__(self) -> LocalAWS:  # noqa: PYI034 - the class is not subclassed
        from moto import mock_aws

        self._saved_env = {k: os.environ.get(k) for k in [*FAKE_ENV, "AWS_ENDPOINT_URL"]}
        os.environ.update(FAKE_ENV)
        os.environ.pop("AWS_ENDPOINT_URL", None)   # in-process: boto3 is intercepted, no endpoint
        self._mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._mock.start()
        _route_sync_executions()
        if str(self.project) not in sys.path:
            sys.path.insert(0, str(self.project))
        self.runner = Runner(self.client)
        self._bridge = lambda_bridge(self.runner)
        self._bridge.__enter__()
        try:
            prov = Provisioner(self.client, self.runner, self.stack_name, self.overrides, self.parameters)
            self.outputs = prov.provision(load_template(self.template_path))
            self.provisioner = prov
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        if self.export_env:
            self._exported = {env_name(k): os.environ.get(env_name(k)) for k in self.outputs}
            os.environ.update({env_name(k): str(v) for k, v in self.outputs.items()})
        return self

    def __exit__(self, *exc: object) -> None:
        self._bridge.__exit__(*exc)
        self._mock.stop()
        for k, v in {**self._saved_env, **getattr(self, "_exported", {})}.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    # ----- conveniences for tests ----------------------------------------------------------
    def physical(self, logical_id: str) -> Any:
        return self.provisioner.r.refs[logical_id]

    def attr(self, logical_id: str, name: str) -> Any:
        return self.provisioner.r.get_att(logical_id, name)

    def queue_messages(self, logical_id: str, max_messages: int = 10) -> list[dict[str, Any]]:
        """Receive (and delete) what a queue holds now, up to ``max_messages``."""
        sqs = self.client("sqs")
        url = self.physical(logical_id)
        out: list[dict[str, Any]] = []
        while len(out) < max_messages:
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=min(10, max_messages - len(out)),
                                      MessageAttributeNames=["All"], AttributeNames=["All"]).get("Messages", [])
            if not got:
                break
            for m in got:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            out += got
        return out

    def queue_depth(self, logical_id: str) -> int:
        a = self.client("sqs").get_queue_attributes(QueueUrl=self.physical(logical_id),
                                                    AttributeNames=["All"])["Attributes"]
        return sum(int(a.get(k, 0)) for k in ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))

    def wait_execution(self, execution_arn: str, timeout: float = 20.0) -> dict[str, Any]:
        """Wait for a Step Functions execution to leave RUNNING (polling the runner meanwhile)."""
        sfn = self.client("stepfunctions")
        state: dict[str, Any] = {}

        def done() -> bool:
            state.update(sfn.describe_execution(executionArn=execution_arn))
            return state["status"] != "RUNNING"

        self.runner.run_until(done, timeout=timeout, interval=0.1)
        return state

    def executions(self, logical_id: str) -> list[dict[str, Any]]:
        return self.client("stepfunctions").list_executions(stateMachineArn=self.physical(logical_id))["executions"]
