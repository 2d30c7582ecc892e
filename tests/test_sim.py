"""The simulator: Lambda event source mapping semantics, the moto fixes, the server lifecycle and the demo."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Work:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 1
      RedrivePolicy: {deadLetterTargetArn: !GetAtt Dead.Arn, maxReceiveCount: 2}
  Dead:
    Type: AWS::SQS::Queue
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: simpkg.handler.handle
      Timeout: 5
      Environment: {Variables: {LABEL: !Sub "${AWS::Region}-label"}}
      Events:
        Q:
          Type: SQS
          Properties: {Queue: !GetAtt Work.Arn, BatchSize: 3, FunctionResponseTypes: [ReportBatchItemFailures]}
Outputs:
  WorkUrl: {Value: !Ref Work}
"""

HANDLER = """
import json, os

def handle(event, context):
    failures, seen = [], []
    for r in event["Records"]:
        body = json.loads(r["body"])
        seen.append(body["id"])
        if body.get("report") == "bad":
            failures.append({"itemIdentifier": r["messageId"]})
        if body.get("report") == "garbage":
            failures.append({"itemIdentifier": "not-a-message-id"})
    return {"batchItemFailures": failures, "seen": seen, "label": os.environ["LABEL"]}
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "template.yaml").write_text(TEMPLATE)
    (tmp_path / "simpkg").mkdir()
    (tmp_path / "simpkg" / "__init__.py").write_text("")
    (tmp_path / "simpkg" / "handler.py").write_text(textwrap.dedent(HANDLER))
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def _send(aws, *bodies):
    for b in bodies:
        aws.client("sqs").send_message(QueueUrl=aws.outputs["WorkUrl"], MessageBody=json.dumps(b))


def test_partial_batch_failure_deletes_only_the_successes(project):
    from advisor.sim import LocalAWS

    with LocalAWS(project / "infra" / "template.yaml") as aws:
        assert os.environ["WORK_URL"] == aws.outputs["WorkUrl"]          # outputs exported for producers
        _send(aws, {"id": "a"}, {"id": "b", "report": "bad"}, {"id": "c"})
        assert aws.runner.run_until(lambda: aws.queue_depth("Dead") == 1, timeout=10)
        seen = [i for inv in aws.runner.invocations("Fn") for i in inv.result["seen"]]
        assert seen.count("a") == 1 and seen.count("c") == 1 and seen.count("b") == 2   # maxReceiveCount 2
        assert aws.runner.invocations("Fn")[0].result["label"] == "us-east-1-label"   # function env resolved


def test_an_invalid_failure_report_fails_the_whole_batch(project):
    from advisor.sim import LocalAWS

    with LocalAWS(project / "infra" / "template.yaml") as aws:
        _send(aws, {"id": "a", "report": "garbage"})
        aws.runner.poll_once()
        assert aws.queue_depth("Work") == 1          # not deleted: in flight, back after the visibility timeout


def test_a_raising_handler_leaves_the_batch_for_retry(project):
    from advisor.sim import LocalAWS

    with LocalAWS(project / "infra" / "template.yaml") as aws:
        aws.runner.fail_next("Fn", times=1)
        _send(aws, {"id": "a"})
        assert aws.runner.drain(timeout=10)
        assert [inv.ok for inv in aws.runner.invocations("Fn")] == [False, True]
        assert aws.runner.stats.retried == 1


def test_a_loaded_machine_does_not_redeliver_a_message_inside_its_own_batch(project):
    """The local visibility timeout is a second; on a loaded machine the poller's next receive of the same batch
    can come later than that. The messages it holds must not reappear in that batch (a duplicate there would
    count one attempt twice and run a message twice), and a failed one comes back a visibility timeout after
    the batch, as often as maxReceiveCount says."""
    import time

    from advisor.sim import LocalAWS

    with LocalAWS(project / "infra" / "template.yaml") as aws:
        real = aws.runner.client

        class SlowSqs:      # every receive after one that got messages waits longer than the visibility timeout
            def __init__(self):
                self.sqs, self.held = real("sqs"), False

            def __getattr__(self, name):
                return getattr(self.sqs, name)

            def receive_message(self, **kw):
                if self.held:
                    time.sleep(1.2)
                got = self.sqs.receive_message(**kw)
                self.held = bool(got.get("Messages"))
                return got

        slow = SlowSqs()
        aws.runner.client = lambda service: slow if service == "sqs" else real(service)
        _send(aws, {"id": "a"}, {"id": "b", "report": "bad"})
        assert aws.runner.run_until(lambda: aws.queue_depth("Dead") == 1, timeout=20)
        for inv in aws.runner.invocations("Fn"):
            ids = [r["messageId"] for r in inv.event["Records"]]
            assert len(ids) == len(set(ids)), inv.event
        seen = [i for inv in aws.runner.invocations("Fn") for i in inv.result["seen"]]
        assert seen.count("a") == 1 and seen.count("b") == 2          # maxReceiveCount 2


def test_fifo_group_is_redelivered_in_order_after_a_timeout(tmp_path):
    """moto 5 redelivers the last message of a timed-out FIFO batch first; the simulator restores AWS order."""
    import time

    import boto3
    from moto import mock_aws

    from advisor.sim.moto_env import fifo_redelivery_fix

    with mock_aws(), fifo_redelivery_fix():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="q.fifo", Attributes={"FifoQueue": "true", "VisibilityTimeout": "1"})["QueueUrl"]
        for i in range(3):
            sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId="g", MessageDeduplicationId=str(i))
        assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]] == \
            ["m0", "m1", "m2"]
        time.sleep(1.2)
        assert [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]] == \
            ["m0", "m1", "m2"]


def test_template_parsing_resolves_short_tags_and_order():
    from advisor.sim.cfn import Resolver, creation_order, parse_template

    tpl = parse_template(TEMPLATE)
    assert tpl["Resources"]["Work"]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["Dead", "Arn"]}
    order = creation_order(tpl["Resources"])
    assert order.index("Dead") < order.index("Work") < order.index("Fn")
    r = Resolver({}, "s")
    r.refs["Work"] = "url"
    assert r.resolve({"Fn::Sub": "${Work}/${AWS::AccountId}/${!Literal}"}) == "url/123456789012/${Literal}"


@pytest.fixture(scope="module")
def worker_project(tmp_path_factory):
    from advisor.scaffold import scaffold

    base = tmp_path_factory.mktemp("simproj")
    answers = base / "req.yaml"
    answers.write_text("version: 1\nname: sim-worker\nconnection: {data: messaging, completion: async, "
                       "delivery: pull, distribution: p2p}\nconstraints: {ordering: none, producers: [application], "
                       "consumers: [lambda], managed: serverless}\n")
    scaffold(answers, base / "proj")
    return base / "proj"


def test_sim_up_serves_on_loopback_runs_handlers_and_down_stops_it(worker_project):
    import boto3

    from advisor.sim import control
    from advisor.sim.server import pid_alive

    st = control.up(worker_project)
    try:
        assert st["endpoint"].startswith("http://127.0.0.1:") and pid_alive(st["pid"])
        assert control.status(worker_project)["alive"]
        env = st["env"]
        sqs = boto3.client("sqs", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        url = env["WORK_QUEUE_URL"]
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"id": "j1", "amount": 1}))
        import time

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            if a["ApproximateNumberOfMessages"] == "0" and a["ApproximateNumberOfMessagesNotVisible"] == "0":
                break
            time.sleep(0.2)
        else:
            pytest.fail("the handler did not consume the message")
    finally:
        control.down(worker_project)
    assert not pid_alive(st["pid"]) and control.status(worker_project) is None


def test_sim_demo_counts_sent_processed_and_retried(worker_project):
    from advisor.sim.demo import run_demo

    stats = run_demo(worker_project, count=12, rate=100, fail_rate=0.3)
    assert stats.sent == 12
    assert stats.processed + stats.in_dlq == 12 and stats.retried > 0 and stats.in_flight == 0
