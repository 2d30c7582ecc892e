"""The words the knowledge and the requirements share.

Enumerations here are *names*, not figures: every number lives in knowledge/ with its source.
"""

from __future__ import annotations

SERVICE_IDS = (
    "sqs", "sns", "mq", "msk", "kinesis-data-streams", "data-firehose", "eventbridge",
    "iot-core", "appflow", "step-functions", "storage-gateway", "backup",
)

VARIANTS = {
    "sqs": ("standard", "fifo"),
    "sns": ("standard", "fifo"),
    "mq": ("activemq", "rabbitmq"),
    "msk": ("provisioned", "serverless"),
    "kinesis-data-streams": ("on-demand", "provisioned"),
    "data-firehose": (),
    "eventbridge": ("bus", "pipes", "scheduler"),
    "iot-core": (),
    "appflow": (),
    "step-functions": ("standard", "express"),
    "storage-gateway": ("s3-file", "fsx-file", "volume-cached", "volume-stored", "tape"),
    "backup": (),
}

MODELS = ("queue", "stream", "topic", "bus", "workflow", "transfer", "storage", "backup")


def concern_of_model(model: str) -> str:
    """The concern a service model belongs to: hybrid storage, backup, or messaging (every other model)."""
    return {"storage": "storage", "backup": "backup"}.get(model, "messaging")


DATA = ("messaging", "streaming")
COMPLETION = ("async", "sync")
DELIVERY = ("push", "pull")
DISTRIBUTION = ("p2p", "pubsub")
SEMANTICS = ("at-most-once", "at-least-once", "exactly-once")
ORDERING = ("none", "per-key", "global")
OPERATIONS = ("serverless", "managed")
MANAGED_PREFERENCE = ("serverless", "managed", "any")
WORKFLOW = ("none", "orchestration")
# What a service's schedule hands on at each run: the records of the source it transfers (a scheduled AppFlow flow),
# or an event of its own (a scheduled rule, a schedule's fixed input) that carries no producer's data.
SCHEDULE_SENDS = ("source-data", "own-event")

PRODUCERS = ("application", "aws-service", "saas", "iot-device", "on-premises", "schedule")
# AWS services that send their own events or data (constraints.source_services): which services each one
# delivers to directly is a relation of type emits-to from its endpoint (source:<name>) in relations.yaml.
SOURCE_SERVICES = ("s3", "dynamodb", "cloudwatch-alarms", "cloudwatch-logs", "cloudwatch-metric-streams", "waf",
                   "guardduty", "ec2")
# Existing resources a design may have to start from (constraints.starts_from): the service whose option must be
# the design's entry ("service", "sqs" or "eventbridge:bus"), or the AWS source outside the design whose emits-to
# relations name the entries that read it ("source", "dynamodb": a table's DynamoDB stream); and how the engine
# names the resource.
STARTS_FROM: dict[str, tuple[str, str, str]] = {
    "sqs-queue": ("service", "sqs", "an existing SQS queue"),
    "sns-topic": ("service", "sns", "an existing SNS topic"),
    "kinesis-stream": ("service", "kinesis-data-streams", "an existing Kinesis data stream"),
    "event-bus": ("service", "eventbridge:bus", "an existing EventBridge event bus"),
    "dynamodb-stream": ("source", "dynamodb", "an existing DynamoDB table's change stream"),
}
CONSUMERS = (
    "application", "lambda", "container", "http", "email", "sms", "mobile-push",
    "s3", "redshift", "opensearch", "analytics", "saas", "workflow",
)
# Consumers that are destinations: data is delivered into them, they never fetch, so push/pull
# describes how the *other* consumers receive.
SINK_CONSUMERS = ("s3", "redshift", "opensearch", "email", "sms", "mobile-push", "saas")
# Consumers that receive data rather than act on each message in turn: ordering, deduplication, delivery
# style, retention and replay are judged on the legs to the other consumers (issue 10).
ARCHIVE_CONSUMERS = SINK_CONSUMERS + ("analytics",)
# Event-routing features a design may need (constraints.routing_features): the capability fact that offers each,
# and how the engine names it.
ROUTING_FEATURES: dict[str, tuple[str, str]] = {
    "regional-failover": ("global_endpoints", "endpoint that fails publishers over to another Region"),
    "api-destinations": ("api_destinations", "delivery to third-party HTTPS APIs with managed authorization and "
                                             "a rate limit"),
    "schema-registry": ("schema_registry", "schema registry"),
}
MIGRATION_SOURCES = (
    "none", "rabbitmq", "activemq", "ibm-mq", "tibco-ems", "kafka", "mosquitto",
    "redis", "msmq", "nfs-server", "smb-server", "iscsi-san", "tape-library",
)
PROTOCOLS = (
    "amqp-0-9-1", "amqp-1.0", "mqtt", "stomp", "openwire", "jms", "kafka", "https",
    "websocket", "nfs", "smb", "iscsi", "iscsi-vtl",
)
CODE_CHANGES = ("none", "minimal", "allowed")
STORAGE_ACCESS = ("file", "block", "tape")
STORAGE_PRIMARY = ("cloud", "on-premises")
BACKUP_RESOURCES = ("ec2", "ebs", "rds", "aurora", "dynamodb", "efs", "fsx", "s3", "storage-gateway", "vmware")

EDGE_TYPES = (
    "subscription",           # SNS topic -> subscriber
    "rule-target",            # EventBridge rule/subscriber -> target
    "event-source-mapping",   # a stream or queue polled by Lambda (or a pipe) on the consumer's behalf
    "iot-rule-action",        # IoT Core rule -> action target
    "pipe-source",            # service -> EventBridge Pipes (the pipe reads from it)
    "pipe-target",            # EventBridge Pipes -> service
    "delivery-destination",   # Firehose / AppFlow -> where data lands
    "orchestrates",           # Step Functions -> a service it calls
    "source",                 # a service that reads from another (Firehose reading Kinesis, AppFlow reading SaaS)
    "emits-to",               # an AWS service outside the design (S3, DynamoDB ...) -> a service it sends events to
    "status-events",          # a service -> the bus its status events reach (a notice that a run ended, not its data)
    "migrates-from",          # AWS service <- existing on-premises system it replaces
    "alternative-to",         # two services that answer the same need
)

# Units a figure may carry, by dimension. Conversions are unit arithmetic, not AWS figures.
TIME_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "years": 31_536_000}
SIZE_UNITS = {"bytes": 1 / 1024, "KB": 1000 / 1024, "KiB": 1, "MB": 1_000_000 / 1024, "MiB": 1024,
              "GB": 1_000_000_000 / 1024, "GiB": 1024 * 1024}
RATE_UNITS = ("messages/second", "records/second", "events/second", "transactions/second",
              "requests/second", "invocations/second", "publishes/second")
COUNT_UNITS = ("messages", "records", "events", "targets", "subscribers", "subscriptions", "attempts",
               "shards", "brokers", "consumers", "entries", "attributes", "connections", "items",
               "queues", "topics", "rules", "buses", "pipes", "flows", "statements", "groups",
               "count")

# Capability facts the engine reads, with their value kind. Other fact names are allowed
# (they are shown in service cards and can be checked by lint) but must still carry a source.
CAPABILITIES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "model": ("enum", MODELS),
    "data": ("list", DATA),
    "completion": ("list", COMPLETION),
    "delivery": ("list", DELIVERY),
    "distribution": ("list", DISTRIBUTION),
    "semantics": ("enum", SEMANTICS),
    "ordering": ("enum", ORDERING),
    "deduplication": ("bool", None),
    "persistence": ("bool", None),
    "replay": ("bool", None),
    "filtering": ("bool", None),
    "priority": ("bool", None),
    "dead_letter": ("bool", None),
    "fan_out": ("bool", None),
    "long_polling": ("bool", None),
    "schema_registry": ("bool", None),
    "global_endpoints": ("bool", None),
    "api_destinations": ("bool", None),
    "calls_any_https_api": ("bool", None),  # reaches any SaaS product's HTTPS API, no connector list needed
    "many_to_many_routing": ("bool", None),
    "transformation": ("bool", None),
    "encryption_at_rest": ("bool", None),
    "orchestration": ("bool", None),
    "schedule": ("bool", None),
    "schedule_sends": ("enum", SCHEDULE_SENDS),
    "analysed_in_place": ("bool", None),  # a consumer store the analysis reads in place (consumer endpoints)
    "operations": ("enum", OPERATIONS),
    "producers": ("list", PRODUCERS),
    "consumers": ("list", CONSUMERS),
    "direct_publish": ("list", CONSUMERS),  # consumers a publish can address one at a time, with no subscription
    "protocols": ("list", PROTOCOLS),
    "saas": ("list", None),
    "saas_webhooks": ("list", None),  # SaaS products that reach the service through an inbound-webhook function
    "on_premises_connectors": ("list", None),  # SaaS connectors that also reach the product installed on premises
    "primary_producers": ("list", PRODUCERS),
    "scaling": ("text", None),
    "pricing": ("text", None),
    "available_to_new_customers": ("bool", None),
    "retention.min": ("time", None),
    "retention.default": ("time", None),
    "retention.max": ("time", None),
    "message_size.default": ("size", None),
    "message_size.max": ("size", None),
    "throughput.default": ("rate", None),
    "throughput.max": ("rate", None),
    "processing_time.max": ("time", None),
    "delay.max": ("time", None),
    "workflow.max_duration": ("time", None),
    "storage.access": ("list", STORAGE_ACCESS),
    "storage.primary": ("list", STORAGE_PRIMARY),
    "storage.low_latency_local": ("bool", None),
    "backup.min_frequency": ("time", None),
    "backup.continuous": ("bool", None),
    "backup.continuous_retention.max": ("time", None),
    "backup.continuous_resources": ("list", BACKUP_RESOURCES),
    "backup.retention.max": ("time", None),
    "backup.cross_region": ("bool", None),
    "backup.cross_account": ("bool", None),
    "backup.immutable": ("bool", None),
    "backup.resources": ("list", BACKUP_RESOURCES),
}
