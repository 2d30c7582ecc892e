"""SQS queues, SNS topics and subscriptions, their resource policies, and Amazon MQ brokers."""

from __future__ import annotations

from advisor.lint.model import Pos
from advisor.lint.positions import PDict

from .builder import Builder, Settings
from .policies import read_policy

# setting -> (template property, how many of the property's units make one of the setting's)
SQS_TERMS = {
    "variant": ("FifoQueue", 0), "visibility_timeout_seconds": ("VisibilityTimeout", 1),
    "retention_days": ("MessageRetentionPeriod", 86400), "max_message_kib": ("MaximumMessageSize", 1024),
    "receive_message_wait_time_seconds": ("ReceiveMessageWaitTimeSeconds", 1), "delay_seconds": ("DelaySeconds", 1),
    "dead_letter": ("RedrivePolicy", 0), "max_receive_count": ("RedrivePolicy.maxReceiveCount", 1),
    "encryption": ("KmsMasterKeyId", 0), "high_throughput": ("FifoThroughputLimit", 0),
    "content_based_deduplication": ("ContentBasedDeduplication", 0),
    "redrive_allow_policy": ("RedriveAllowPolicy", 0), "tls_only": ("AWS::SQS::QueuePolicy", 0),
}
SNS_TERMS = {"variant": ("FifoTopic", 0), "encryption": ("KmsMasterKeyId", 0),
             "content_based_deduplication": ("ContentBasedDeduplication", 0),
             "tls_only": ("AWS::SNS::TopicPolicy", 0)}
SUBSCRIPTION_TERMS = {"dead_letter": ("RedrivePolicy", 0), "raw_delivery": ("RawMessageDelivery", 0),
                      "filter": ("FilterPolicy", 0), "to": ("Endpoint", 0)}
MQ_TERMS = {"deployment_mode": ("DeploymentMode", 0), "encryption": ("EncryptionOptions", 0),
            "publicly_accessible": ("PubliclyAccessible", 0)}

SQS_SEND = ("sqs:sendmessage",)
SNS_SEND = ("sns:publish",)


def sqs_queue(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    tpl = b.tpl
    name = tpl.text(p, "QueueName") or ""
    fifo = tpl.boolean(p, "FifoQueue") or name.endswith(".fifo")
    s = b.settings()
    s.keypos["variant"] = tpl.pos(p, "FifoQueue", tpl.resources.keypos[logical]) if "FifoQueue" in p \
        else tpl.resources.keypos[logical]
    s.read("visibility_timeout_seconds", tpl.number, p, "VisibilityTimeout")
    s.read("retention_days", tpl.number, p, "MessageRetentionPeriod", lambda v: v / 86400)
    s.read("max_message_kib", tpl.number, p, "MaximumMessageSize", lambda v: v / 1024)
    s.read("receive_message_wait_time_seconds", tpl.number, p, "ReceiveMessageWaitTimeSeconds")
    s.read("delay_seconds", tpl.number, p, "DelaySeconds")
    s.read("content_based_deduplication", tpl.boolean, p, "ContentBasedDeduplication")
    if tpl.get(p, "FifoThroughputLimit") == "perMessageGroupId" and tpl.get(p, "DeduplicationScope") == "messageGroup":
        s.put("high_throughput", True, tpl.pos(p, "FifoThroughputLimit"))
    if tpl.get(p, "KmsMasterKeyId") is not None:
        s.put("encryption", "kms", tpl.pos(p, "KmsMasterKeyId"))
    elif "SqsManagedSseEnabled" in p and tpl.boolean(p, "SqsManagedSseEnabled") is not None:
        s.put("encryption", "managed" if tpl.boolean(p, "SqsManagedSseEnabled") else "none",
              tpl.pos(p, "SqsManagedSseEnabled"))
    mark = len(tpl.notes)
    rp = tpl.mapping(p, "RedrivePolicy")
    if rp is not None:
        target = tpl.ref(tpl.get(rp, "deadLetterTargetArn"))
        if target:
            s.put("dead_letter", target, tpl.pos(rp, "deadLetterTargetArn", tpl.pos(p, "RedrivePolicy")), mark)
        s.read("max_receive_count", tpl.number, rp, "maxReceiveCount")
    rap = tpl.mapping(p, "RedriveAllowPolicy")
    if rap is not None:
        sources = [tpl.ref(a) for a, _ in tpl.items(rap, "sourceQueueArns")]
        s.put("redrive_allow_policy", {"redrive_permission": tpl.get(rap, "redrivePermission"),
                                       "source_queues": [x for x in sources if x]}, tpl.pos(p, "RedriveAllowPolicy"))
    b.channel(logical, "sqs", "fifo" if fifo else "standard", s, SQS_TERMS)


def sns_topic(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    tpl = b.tpl
    name = tpl.text(p, "TopicName") or ""
    fifo = tpl.boolean(p, "FifoTopic") or name.endswith(".fifo")
    s = b.settings()
    s.keypos["variant"] = tpl.pos(p, "FifoTopic") if "FifoTopic" in p else tpl.resources.keypos[logical]
    if tpl.get(p, "KmsMasterKeyId") is not None:
        s.put("encryption", "kms", tpl.pos(p, "KmsMasterKeyId"))
    s.read("content_based_deduplication", tpl.boolean, p, "ContentBasedDeduplication")
    b.channel(logical, "sns", "fifo" if fifo else "standard", s, SNS_TERMS)
    for sub, pos in tpl.items(p, "Subscription"):
        if isinstance(sub, PDict):
            b.later(lambda sub=sub, pos=pos: add_subscription(b, logical, sub, pos, {}))


def add_subscription(b: Builder, topic: str, sub: PDict, pos: Pos, ignores) -> None:
    tpl = b.tpl
    protocol = str(tpl.get(sub, "Protocol") or "").lower()
    hint = {"email": "email", "email-json": "email", "sms": "sms", "http": "http-endpoint",
            "https": "http-endpoint", "lambda": "lambda", "sqs": "application"}.get(protocol, "application")
    target = b.endpoint(tpl.get(sub, "Endpoint"), pos, hint)
    s = b.settings()
    s.values["subscription_protocol"] = protocol or None
    s.read("raw_delivery", tpl.boolean, sub, "RawMessageDelivery")
    if tpl.get(sub, "FilterPolicy") is not None:
        s.put("filter", tpl.mapping(sub, "FilterPolicy") or {}, tpl.pos(sub, "FilterPolicy"))
    mark = len(tpl.notes)
    rp = tpl.mapping(sub, "RedrivePolicy")
    if rp is not None:
        dlq = tpl.ref(tpl.get(rp, "deadLetterTargetArn"))
        if dlq:
            s.put("dead_letter", dlq, tpl.pos(sub, "RedrivePolicy"), mark)
    b.flow(topic, target, pos, s, ignores, SUBSCRIPTION_TERMS)


def sns_subscription(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    topic = b.tpl.ref(b.tpl.get(p, "TopicArn"))
    if not topic:
        return
    _, _, ignores = b._meta(logical)
    add_subscription(b, topic, p, b.tpl.resources.keypos[logical], ignores)


def _apply_policy(b: Builder, targets: list[str], p: PDict, send: tuple[str, ...], flag: str) -> None:
    facts = read_policy(b.tpl, p, "PolicyDocument", send)
    for target in targets:
        ch = b.graph.channels.get(target)
        if ch is None:
            continue
        ch.settings[flag] = True
        if facts.tls_only:
            ch.settings["tls_only"] = True
            ch.keypos.setdefault("tls_only", facts.tls_pos or b.tpl.pos(p, "PolicyDocument"))
        for services, pos in facts.open_services:
            opened = ch.settings.setdefault("open_service_principals", [])
            opened.append(", ".join(services))
            ch.keypos[f"open_service_principals.{len(opened) - 1}"] = pos


def _policy_targets(b: Builder, p: PDict, key: str) -> list[str]:
    return [t for t in (b.tpl.ref(v) for v, _ in b.tpl.items(p, key)) if t]


def queue_policy(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    _apply_policy(b, _policy_targets(b, p, "Queues"), p, SQS_SEND, "queue_policy")


def queue_inline_policy(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    target = b.tpl.ref(b.tpl.get(p, "Queue"))
    _apply_policy(b, [target] if target else [], p, SQS_SEND, "queue_policy")


def topic_policy(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    _apply_policy(b, _policy_targets(b, p, "Topics"), p, SNS_SEND, "topic_policy")


def topic_inline_policy(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    target = b.tpl.ref(b.tpl.get(p, "TopicArn"))
    _apply_policy(b, [target] if target else [], p, SNS_SEND, "topic_policy")


def mq_broker(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    tpl = b.tpl
    engine = str(tpl.get(p, "EngineType") or "").lower()
    variant = "rabbitmq" if engine == "rabbitmq" else "activemq"
    s: Settings = b.settings()
    s.values["engine"] = engine or None
    s.read("deployment_mode", tpl.text, p, "DeploymentMode", lambda v: v.lower().replace("_", "-"))
    enc = tpl.mapping(p, "EncryptionOptions")
    if enc is not None and tpl.boolean(enc, "UseAwsOwnedKey") is False:
        s.put("encryption", "kms", tpl.pos(p, "EncryptionOptions"))
    s.read("publicly_accessible", tpl.boolean, p, "PubliclyAccessible")
    b.channel(logical, "mq", variant, s, MQ_TERMS)


HANDLERS = {
    "AWS::SQS::Queue": sqs_queue, "AWS::SNS::Topic": sns_topic, "AWS::AmazonMQ::Broker": mq_broker,
}
# run once every queue and topic exists
LATER = {
    "AWS::SNS::Subscription": sns_subscription, "AWS::SQS::QueuePolicy": queue_policy,
    "AWS::SQS::QueueInlinePolicy": queue_inline_policy, "AWS::SNS::TopicPolicy": topic_policy,
    "AWS::SNS::TopicInlinePolicy": topic_inline_policy,
}
