"""The part of AWS that moto does not execute: Lambda handlers and the pollers and glue in front of them.

Semantics follow the AWS documentation:

- SQS event source mapping (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html): receive up to
  ``BatchSize`` messages, waiting up to ``MaximumBatchingWindowInSeconds`` to fill the batch; a handler error
  leaves the whole batch in the queue (it reappears after the visibility timeout and SQS moves it to the DLQ
  after ``maxReceiveCount``); with ``ReportBatchItemFailures`` only the ids in ``batchItemFailures`` stay.
- Kinesis event source mapping (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html): batches in
  order per shard; an error retries the same batch (halved with ``BisectBatchOnFunctionError``) up to
  ``MaximumRetryAttempts``, then sends a failure record to the on-failure destination and moves on; with
  ``ReportBatchItemFailures`` processing resumes from the first failed sequence number.
- Asynchronous invocation (EventBridge rules, SNS, Scheduler): the function is retried
  ``MaximumRetryAttempts`` times (AWS default 2), then the event goes to the on-failure destination.
  A delivery that cannot reach its target at all goes to the rule's or schedule's dead-letter queue.
- EventBridge Pipes (SQS source): filter criteria drop non-matching messages (they are deleted), the rest go
  to the target as a batch; a failed target invocation leaves the messages for a retry.
- Firehose with a Kinesis source: records read from the stream are put to the delivery stream.

A received SQS message returns when the runner says so, not when a wall clock does: the runner receives with
the longest visibility timeout and, once the batch is done, gives each message it does not delete the queue's
own visibility timeout. Tests shorten that timeout to a second, below the function's timeout (which a correct
template never does, MQA104); on a loaded machine the clock would otherwise let a message reappear while its
batch is still being gathered or run, and be delivered twice in it.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import json
import os
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

ASYNC_RETRIES_DEFAULT = 2  # https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html


@contextlib.contextmanager
def environ(values: dict[str, Any]) -> Iterator[None]:
    """``os.environ`` with ``values`` set (as strings) for the block, then as it was."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update({k: str(v) for k, v in values.items()})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class SimulatedFailure(Exception):
    """Raised instead of running a handler when failure injection picks an invocation."""


@dataclass
class FunctionSpec:
    logical_id: str
    name: str
    handler: str
    timeout: float = 3.0
    environment: dict[str, str] = field(default_factory=dict)
    async_retries: int = ASYNC_RETRIES_DEFAULT
    on_failure: str | None = None          # queue URL or ARN of the async on-failure destination

    @property
    def arn(self) -> str:
        from advisor.sim.cfn import ACCOUNT_ID, REGION

        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.name}"


@dataclass
class Invocation:
    function: str
    event: Any
    result: Any = None
    error: str | None = None
    error_type: str | None = None
    source: str = "direct"
    at: float = field(default_factory=time.time)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class SqsMapping:
    function: str
    queue_url: str
    queue_arn: str
    batch_size: int = 10
    batch_window: float = 0.0
    report_failures: bool = False
    enabled: bool = True


@dataclass
class KinesisMapping:
    function: str
    stream_name: str
    stream_arn: str
    batch_size: int = 100
    starting_position: str = "TRIM_HORIZON"
    max_retries: int = -1
    bisect: bool = False
    on_failure: str | None = None
    report_failures: bool = False
    enabled: bool = True
    shards: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class AsyncTarget:
    """A delivery moto cannot make (EventBridge/SNS/Scheduler to Lambda or Step Functions)."""

    kind: str                       # "eventbridge" | "sns"
    shadow_url: str                 # the queue moto delivers to on the target's behalf
    target_arn: str
    dead_letter: str | None = None  # queue ARN for deliveries that cannot be made
    subscription_arn: str | None = None
    retry_attempts: int | None = None


@dataclass
class PipeGlue:
    name: str
    source_url: str
    source_arn: str
    target_arn: str
    batch_size: int = 10
    filters: list[str] = field(default_factory=list)
    invocation_type: str = "FIRE_AND_FORGET"
    input_template: str | None = None


@dataclass
class FirehoseGlue:
    delivery_stream: str
    stream_name: str
    shards: dict[str, str] = field(default_factory=dict)


@dataclass
class Schedule:
    name: str
    target: dict[str, Any]
    dead_letter: str | None = None
    retry_attempts: int = 0


@dataclass
class Stats:
    invocations: int = 0
    processed: int = 0
    failed: int = 0
    retried: int = 0
    records_in: int = 0
    # processed per source queue (by queue name): a fan-out delivers one message to several queues, so the
    # total alone ("processed 75 for 50 sent") does not say where they went
    processed_by_queue: dict[str, int] = field(default_factory=dict)


HOLD_SECONDS = 43_200    # SQS's longest visibility timeout: a message being handled stays hidden until released


class Runner:
    """Runs handlers for the resources a template declared. Thread-safe enough for one poller thread."""

    def __init__(self, client_factory: Callable[[str], Any]):
        self.client = client_factory
        self.functions: dict[str, FunctionSpec] = {}
        self.sqs_mappings: list[SqsMapping] = []
        self.kinesis_mappings: list[KinesisMapping] = []
        self.async_targets: list[AsyncTarget] = []
        self.pipes: list[PipeGlue] = []
        self.firehoses: list[FirehoseGlue] = []
        self.schedules: dict[str, Schedule] = {}
        self.log: list[Invocation] = []
        self.stats = Stats()
        self.fail_rate = 0.0
        self._fail_next: dict[str, list[type[BaseException] | BaseException]] = {}
        self._rng = random.Random(7)
        self._lock = threading.RLock()
        self._env_lock = threading.Lock()

    # ----- functions -----------------------------------------------------------------------
    def function(self, name_or_id: str) -> FunctionSpec:
        for spec in self.functions.values():
            if name_or_id in (spec.logical_id, spec.name, spec.arn):
                return spec
        raise KeyError(f"no function {name_or_id!r} in the template")

    def fail_next(self, function: str, times: int = 1, error: type[BaseException] | BaseException = SimulatedFailure
                  ) -> None:
        """Make the next ``times`` invocations of a function raise ``error`` (failure injection)."""
        name = self.function(function).name
        self._fail_next.setdefault(name, []).extend([error] * times)

    def invocations(self, function: str | None = None) -> list[Invocation]:
        if function is None:
            return list(self.log)
        name = self.function(function).name
        return [i for i in self.log if i.function == name]

    def _load(self, handler: str) -> Callable[..., Any]:
        module, _, attr = handler.rpartition(".")
        return getattr(importlib.import_module(module), attr)

    def invoke(self, function: str, event: Any, source: str = "direct") -> Invocation:
        """Run a handler once, as Lambda would: its environment set, a context object, errors caught."""
        spec = self.function(function)
        inv = Invocation(spec.name, event, source=source)
        context = _Context(spec)
        self.stats.invocations += 1
        with self._env_lock, environ(spec.environment):
            try:
                planned = self._fail_next.get(spec.name)
                if planned:
                    err = planned.pop(0)
                    raise err if isinstance(err, BaseException) else err(f"injected failure in {spec.name}")
                if self.fail_rate and self._rng.random() < self.fail_rate:
                    raise SimulatedFailure(f"injected failure ({self.fail_rate:.0%} rate)")
                inv.result = json.loads(json.dumps(self._load(spec.handler)(event, context), default=str))
            except Exception as exc:  # noqa: BLE001 - a handler's error is data here
                inv.error = str(exc) or type(exc).__name__
                inv.error_type = type(exc).__name__
        with self._lock:
            self.log.append(inv)
        return inv

    def invoke_async(self, function: str, event: Any, source: str) -> bool:
        """Asynchronous invocation: retries, then the on-failure destination. True if it succeeded."""
        spec = self.function(function)
        for attempt in range(1 + spec.async_retries):
            inv = self.invoke(function, event, source=source)
            if attempt:
                self.stats.retried += 1
            if inv.ok:
                self.stats.processed += 1
                return True
        self.stats.failed += 1
        if spec.on_failure:
            record = {
                "version": "1.0", "timestamp": _now_iso(),
                "requestContext": {"requestId": str(uuid.uuid4()), "functionArn": f"{spec.arn}:$LATEST",
                                   "condition": "RetriesExhausted", "approximateInvokeCount": 1 + spec.async_retries},
                "requestPayload": event,
                "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
                "responsePayload": {"errorMessage": inv.error, "errorType": inv.error_type},
            }
            self._send_to(spec.on_failure, json.dumps(record))
        return False

    # ----- polling -------------------------------------------------------------------------
    def poll_once(self) -> int:
        """One round over every source; returns how many records were handled."""
        with self._lock:
            n = 0
            for m in self.sqs_mappings:
                n += self._poll_sqs(m) if m.enabled else 0
            for k in self.kinesis_mappings:
                n += self._poll_kinesis(k) if k.enabled else 0
            for t in self.async_targets:
                n += self._poll_async(t)
            for p in self.pipes:
                n += self._poll_pipe(p)
            for f in self.firehoses:
                n += self._poll_firehose(f)
            return n

    def run_until(self, predicate: Callable[[], bool], timeout: float = 15.0, interval: float = 0.05) -> bool:
        """Poll until ``predicate()`` is true; False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.poll_once()
            if predicate():
                return True
            time.sleep(interval)
        return predicate()

    def drain(self, timeout: float = 15.0) -> bool:
        """Poll until every source queue is empty (nothing visible, in flight or delayed) and no work is left."""
        def idle() -> bool:
            if self.poll_once():
                return False
            sqs = self.client("sqs")
            urls = [m.queue_url for m in self.sqs_mappings] + [t.shadow_url for t in self.async_targets]
            urls += [p.source_url for p in self.pipes]
            for url in urls:
                a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
                if any(int(a.get(k, 0)) for k in ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                                                  "ApproximateNumberOfMessagesDelayed")):
                    return False
            return True

        return self.run_until(idle, timeout=timeout, interval=0.1)

    def _send_to(self, destination: str, body: str) -> None:
        """Send to an SQS queue (URL or ARN) or an SNS topic ARN."""
        if destination.startswith("arn:aws:sns:"):
            self.client("sns").publish(TopicArn=destination, Message=body)
            return
        sqs = self.client("sqs")
        url = destination if destination.startswith("http") else _queue_url(sqs, destination)
        kwargs: dict[str, Any] = {}
        if url.endswith(".fifo"):
            kwargs = {"MessageGroupId": "failures", "MessageDeduplicationId": str(uuid.uuid4())}
        sqs.send_message(QueueUrl=url, MessageBody=body, **kwargs)

    # ----- SQS -----------------------------------------------------------------------------
    def _poll_sqs(self, m: SqsMapping) -> int:
        sqs = self.client("sqs")
        messages: list[dict[str, Any]] = []
        deadline = time.monotonic() + m.batch_window
        while len(messages) < m.batch_size:
            got = sqs.receive_message(QueueUrl=m.queue_url, MaxNumberOfMessages=min(10, m.batch_size - len(messages)),
                                      AttributeNames=["All"], MessageAttributeNames=["All"],
                                      VisibilityTimeout=HOLD_SECONDS, WaitTimeSeconds=0).get("Messages", [])
            messages += got
            if not got and time.monotonic() >= deadline:
                break
            if not got:
                time.sleep(0.05)
        if not messages:
            return 0
        self.stats.records_in += len(messages)
        self.stats.retried += sum(1 for msg in messages if int(msg.get("Attributes", {}).get("ApproximateReceiveCount", 1)) > 1)
        event = {"Records": [_sqs_record(msg, m.queue_arn) for msg in messages]}
        inv = self.invoke(m.function, event, source=f"sqs:{m.queue_arn}")
        if not inv.ok:
            self.stats.failed += len(messages)
            self._release(m.queue_url, messages)
            return len(messages)
        failed: set[str] = set()
        if m.report_failures and isinstance(inv.result, dict) and inv.result.get("batchItemFailures"):
            ids = {msg["MessageId"] for msg in messages}
            for item in inv.result["batchItemFailures"]:
                ident = item.get("itemIdentifier") if isinstance(item, dict) else None
                if ident not in ids:          # an invalid report fails the whole batch
                    failed = ids
                    break
                failed.add(ident)
        done = [msg for msg in messages if msg["MessageId"] not in failed]
        for i in range(0, len(done), 10):
            sqs.delete_message_batch(QueueUrl=m.queue_url, Entries=[
                {"Id": str(j), "ReceiptHandle": msg["ReceiptHandle"]} for j, msg in enumerate(done[i:i + 10])])
        self._release(m.queue_url, [msg for msg in messages if msg["MessageId"] in failed])
        self.stats.processed += len(done)
        queue = m.queue_arn.rsplit(":", 1)[-1]
        self.stats.processed_by_queue[queue] = self.stats.processed_by_queue.get(queue, 0) + len(done)
        self.stats.failed += len(failed)
        return len(messages)

    def _release(self, queue_url: str, messages: list[dict[str, Any]]) -> None:
        """Messages received with HOLD_SECONDS and not deleted come back after the queue's visibility timeout."""
        if not messages:
            return
        sqs = self.client("sqs")
        attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["VisibilityTimeout"])["Attributes"]
        timeout = int(attrs.get("VisibilityTimeout", 30))
        for i in range(0, len(messages), 10):
            sqs.change_message_visibility_batch(QueueUrl=queue_url, Entries=[
                {"Id": str(j), "ReceiptHandle": msg["ReceiptHandle"], "VisibilityTimeout": timeout}
                for j, msg in enumerate(messages[i:i + 10])])

    # ----- Kinesis -------------------------------------------------------------------------
    def _poll_kinesis(self, k: KinesisMapping) -> int:
        kin = self.client("kinesis")
        if not k.shards:
            for shard in kin.list_shards(StreamName=k.stream_name)["Shards"]:
                it = kin.get_shard_iterator(StreamName=k.stream_name, ShardId=shard["ShardId"],
                                            ShardIteratorType=k.starting_position)["ShardIterator"]
                k.shards[shard["ShardId"]] = {"iterator": it, "buffer": [], "attempts": 0, "size": k.batch_size}
        n = 0
        for shard_id, st in sorted(k.shards.items()):
            if not st["buffer"]:
                resp = kin.get_records(ShardIterator=st["iterator"], Limit=k.batch_size)
                st["iterator"] = resp["NextShardIterator"]
                st["buffer"] = resp["Records"]
                st["attempts"], st["size"] = 0, k.batch_size
            if not st["buffer"]:
                continue
            batch = st["buffer"][:st["size"]]
            n += len(batch)
            self.stats.records_in += len(batch)
            if st["attempts"]:
                self.stats.retried += len(batch)
            event = {"Records": [_kinesis_record(r, shard_id, k.stream_arn) for r in batch]}
            inv = self.invoke(k.function, event, source=f"kinesis:{k.stream_arn}")
            failed_seq: str | None = None
            if inv.ok and k.report_failures and isinstance(inv.result, dict) and inv.result.get("batchItemFailures"):
                seqs = [i.get("itemIdentifier") for i in inv.result["batchItemFailures"] if isinstance(i, dict)]
                known = [r["SequenceNumber"] for r in batch]
                valid = [s for s in seqs if s in known]
                failed_seq = min(valid, key=known.index) if valid and len(valid) == len(seqs) else known[0]
            if inv.ok and failed_seq is None:
                st["buffer"] = st["buffer"][len(batch):]
                st["attempts"], st["size"] = 0, k.batch_size
                self.stats.processed += len(batch)
                continue
            # failure: retry from the failed record (or the whole batch)
            start = [r["SequenceNumber"] for r in batch].index(failed_seq) if failed_seq else 0
            self.stats.processed += start
            st["buffer"] = st["buffer"][start:]
            st["attempts"] += 1
            if k.bisect and not failed_seq and st["size"] > 1:
                st["size"] = max(1, st["size"] // 2)
            if k.max_retries >= 0 and st["attempts"] > k.max_retries:
                dropped = st["buffer"][:len(batch) - start]
                self.stats.failed += len(dropped)
                if k.on_failure and dropped:
                    self._send_to(k.on_failure, json.dumps({
                        "requestContext": {"condition": "RetryAttemptsExhausted",
                                           "approximateInvokeCount": st["attempts"]},
                        "KinesisBatchInfo": {"shardId": shard_id, "streamArn": k.stream_arn,
                                             "startSequenceNumber": dropped[0]["SequenceNumber"],
                                             "endSequenceNumber": dropped[-1]["SequenceNumber"],
                                             "batchSize": len(dropped)}}))
                st["buffer"] = st["buffer"][len(dropped):]
                st["attempts"], st["size"] = 0, k.batch_size
        return n

    # ----- EventBridge / SNS / Scheduler to Lambda or Step Functions ---------------------
    def _poll_async(self, t: AsyncTarget) -> int:
        sqs = self.client("sqs")
        msgs = sqs.receive_message(QueueUrl=t.shadow_url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                   MessageAttributeNames=["All"]).get("Messages", [])
        for msg in msgs:
            if t.kind == "sns":
                envelope = json.loads(msg["Body"])
                event: Any = {"Records": [_sns_record(envelope, t.subscription_arn)]}
            else:
                event = json.loads(msg["Body"])
            self.deliver(t.target_arn, event, source=t.kind, dead_letter=t.dead_letter, raw=msg["Body"])
            sqs.delete_message(QueueUrl=t.shadow_url, ReceiptHandle=msg["ReceiptHandle"])
        return len(msgs)

    def deliver(self, target_arn: str, event: Any, source: str, dead_letter: str | None = None,
                raw: str | None = None, group_id: str | None = None) -> bool:
        """Deliver an event to a target ARN the way EventBridge, SNS or Scheduler would."""
        try:
            if ":lambda:" in target_arn:
                return self.invoke_async(target_arn, event, source=source)
            if ":states:" in target_arn:
                self.client("stepfunctions").start_execution(stateMachineArn=target_arn, input=json.dumps(event))
                self.stats.processed += 1
                return True
            if ":sqs:" in target_arn:
                body = raw if raw is not None else (event if isinstance(event, str) else json.dumps(event))
                sqs = self.client("sqs")
                url = _queue_url(sqs, target_arn)
                kw = {"MessageGroupId": group_id or "default"} if url.endswith(".fifo") else {}
                sqs.send_message(QueueUrl=url, MessageBody=body, **kw)
                return True
            if ":sns:" in target_arn:
                self.client("sns").publish(TopicArn=target_arn, Message=raw or json.dumps(event))
                return True
            raise ValueError(f"target {target_arn} is not supported by the simulator")
        except KeyError as exc:  # the target does not exist: a delivery failure
            error = f"target not found: {exc}"
        except Exception as exc:  # noqa: BLE001
            error = f"{type(exc).__name__}: {exc}"
        self.stats.failed += 1
        if dead_letter:
            self._send_to(dead_letter, raw if raw is not None else json.dumps(event))
        self.log.append(Invocation(target_arn, event, error=error, error_type="DeliveryFailed", source=source))
        return False

    def fire_schedule(self, name: str) -> bool:
        """Run one occurrence of a schedule now (moto stores schedules but never fires them)."""
        sch = next((s for s in self.schedules.values() if name in (s.name,) or s.name.endswith(name)), None)
        if sch is None:
            sch = self.schedules.get(name)
        if sch is None:
            raise KeyError(f"no schedule {name!r}")
        target = sch.target
        raw = target.get("Input", "{}")
        try:
            event = json.loads(raw)
        except ValueError:
            event = raw
        group = (target.get("SqsParameters") or {}).get("MessageGroupId")
        return self.deliver(target["Arn"], event, source="scheduler", dead_letter=sch.dead_letter, raw=raw,
                            group_id=group)

    # ----- Pipes ---------------------------------------------------------------------------
    def _poll_pipe(self, p: PipeGlue) -> int:
        from moto.events.models import EventPattern

        sqs = self.client("sqs")
        msgs = sqs.receive_message(QueueUrl=p.source_url, MaxNumberOfMessages=min(10, p.batch_size),
                                   AttributeNames=["All"], MessageAttributeNames=["All"],
                                   VisibilityTimeout=HOLD_SECONDS, WaitTimeSeconds=0).get("Messages", [])
        if not msgs:
            return 0
        keep, drop = [], []
        for msg in msgs:
            record = _sqs_record(msg, p.source_arn)
            view = dict(record)
            try:
                view["body"] = json.loads(record["body"])
            except ValueError:
                pass
            if not p.filters or any(EventPattern.load(f).matches_event(view) for f in p.filters):
                keep.append((msg, view))
            else:
                drop.append(msg)
        for msg in drop:      # filtered out: Pipes deletes them from the source
            sqs.delete_message(QueueUrl=p.source_url, ReceiptHandle=msg["ReceiptHandle"])
        if keep:
            payload = [v for _, v in keep]
            try:
                sfn = self.client("stepfunctions")
                if p.invocation_type == "REQUEST_RESPONSE":
                    sfn.start_sync_execution(stateMachineArn=p.target_arn, input=json.dumps(payload))
                else:
                    sfn.start_execution(stateMachineArn=p.target_arn, input=json.dumps(payload))
            except Exception as exc:  # noqa: BLE001 - leave the messages for a retry
                self.stats.failed += len(keep)
                self.log.append(Invocation(p.name, payload, error=str(exc), error_type=type(exc).__name__,
                                           source="pipes"))
                self._release(p.source_url, [msg for msg, _ in keep])
                return len(msgs)
            for msg, _ in keep:
                sqs.delete_message(QueueUrl=p.source_url, ReceiptHandle=msg["ReceiptHandle"])
            self.stats.processed += len(keep)
        return len(msgs)

    # ----- Firehose from Kinesis ----------------------------------------------------------
    def _poll_firehose(self, f: FirehoseGlue) -> int:
        kin = self.client("kinesis")
        if not f.shards:
            for shard in kin.list_shards(StreamName=f.stream_name)["Shards"]:
                f.shards[shard["ShardId"]] = kin.get_shard_iterator(
                    StreamName=f.stream_name, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        n = 0
        for shard_id, it in list(f.shards.items()):
            resp = kin.get_records(ShardIterator=it, Limit=500)
            f.shards[shard_id] = resp["NextShardIterator"]
            if resp["Records"]:
                self.client("firehose").put_record_batch(
                    DeliveryStreamName=f.delivery_stream, Records=[{"Data": r["Data"]} for r in resp["Records"]])
                n += len(resp["Records"])
        return n


# ----- event shapes ------------------------------------------------------------------------
def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def _queue_url(sqs: Any, arn: str) -> str:
    parts = arn.split(":")
    return sqs.get_queue_url(QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])["QueueUrl"]


def _sqs_record(msg: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    attrs = {}
    for k, v in (msg.get("MessageAttributes") or {}).items():
        attrs[k] = {"stringValue": v.get("StringValue"), "binaryValue": v.get("BinaryValue"),
                    "stringListValues": [], "binaryListValues": [], "dataType": v.get("DataType")}
        attrs[k] = {a: b for a, b in attrs[k].items() if b is not None}
    return {"messageId": msg["MessageId"], "receiptHandle": msg["ReceiptHandle"], "body": msg["Body"],
            "attributes": msg.get("Attributes", {}), "messageAttributes": attrs, "md5OfBody": msg.get("MD5OfBody"),
            "eventSource": "aws:sqs", "eventSourceARN": queue_arn, "awsRegion": queue_arn.split(":")[3]}


def _kinesis_record(r: dict[str, Any], shard_id: str, stream_arn: str) -> dict[str, Any]:
    ts = r.get("ApproximateArrivalTimestamp")
    return {"kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": r["PartitionKey"],
                        "sequenceNumber": r["SequenceNumber"], "data": base64.b64encode(r["Data"]).decode(),
                        "approximateArrivalTimestamp": ts.timestamp() if hasattr(ts, "timestamp") else ts},
            "eventSource": "aws:kinesis", "eventVersion": "1.0", "eventID": f"{shard_id}:{r['SequenceNumber']}",
            "eventName": "aws:kinesis:record", "eventSourceARN": stream_arn, "awsRegion": stream_arn.split(":")[3]}


def _sns_record(envelope: dict[str, Any], subscription_arn: str | None) -> dict[str, Any]:
    return {"EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": subscription_arn,
            "Sns": {k: envelope.get(k) for k in ("Type", "MessageId", "TopicArn", "Subject", "Message", "Timestamp",
                                                   "MessageAttributes")}}


class _Context:
    def __init__(self, spec: FunctionSpec):
        self.function_name = spec.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = spec.arn
        self.memory_limit_in_mb = 128
        self.aws_request_id = str(uuid.uuid4())
        self._deadline = time.monotonic() + spec.timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))
