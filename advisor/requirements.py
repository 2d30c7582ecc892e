"""The requirements file (contract v1): pydantic models, loading with positions, and saving.

Every key below ``name`` is optional, and an omitted answer means "no constraint".
"""

# No `from __future__ import annotations`: pydantic would compile every string annotation at import (cold start).

import difflib
import re
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from advisor.errors import InvalidInput, Location

Data = Literal["messaging", "streaming"]
Completion = Literal["async", "sync"]
Delivery = Literal["push", "pull"]
Distribution = Literal["p2p", "pubsub"]
Ordering = Literal["none", "per-key", "global"]
Producer = Literal["application", "aws-service", "saas", "iot-device", "on-premises", "schedule"]
# AWS services that send the events themselves (optional key added by mqadvise; knowledge/endpoints.yaml, source:*)
SourceService = Literal["s3", "dynamodb", "cloudwatch-alarms", "cloudwatch-logs", "cloudwatch-metric-streams", "waf",
                        "guardduty", "ec2"]
# Existing resources the messages already arrive in, which the design starts from (optional key added by mqadvise;
# knowledge/vocabulary.py STARTS_FROM)
StartsFrom = Literal["sqs-queue", "sns-topic", "kinesis-stream", "event-bus", "dynamodb-stream"]
# Event-routing features a design must offer (optional key added by mqadvise; knowledge/vocabulary.py ROUTING_FEATURES)
RoutingFeature = Literal["regional-failover", "api-destinations", "schema-registry"]
Consumer = Literal["application", "lambda", "container", "http", "email", "sms", "mobile-push",
                   "s3", "redshift", "opensearch", "analytics", "saas", "workflow"]
Managed = Literal["serverless", "managed", "any"]
Workflow = Literal["none", "orchestration"]
MigrationFrom = Literal["none", "rabbitmq", "activemq", "ibm-mq", "tibco-ems", "kafka", "mosquitto",
                        "redis", "msmq", "nfs-server", "smb-server", "iscsi-san", "tape-library"]
Protocol = Literal["amqp-0-9-1", "amqp-1.0", "mqtt", "stomp", "openwire", "jms", "kafka", "https",
                   "websocket", "nfs", "smb", "iscsi", "iscsi-vtl"]
CodeChanges = Literal["none", "minimal", "allowed"]
Access = Literal["file", "block", "tape"]
Primary = Literal["cloud", "on-premises"]
Resource = Literal["ec2", "ebs", "rds", "aurora", "dynamodb", "efs", "fsx", "s3", "storage-gateway", "vmware"]

# A requirements file is a page of answers; the bound keeps the pure-Python YAML parser to about a second.
MAX_BYTES = 64 * 1024
NAME_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")


class _Refusal(ValueError):
    """A validator's message that already names the value, so no "(got ...)" is added to it."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint


class _Section(BaseModel):
    # .inf and .nan are YAML numbers, but no answer is infinite and strict JSON cannot carry them.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def _one_or_many(value: Any) -> Any:
    """A bare value is a list of one; repeated entries count once.

    Deduplicating here bounds the engine's work: ``storage.access: [block, block, ...]`` would otherwise
    multiply the storage designs it combines, one factor per entry.
    """
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    try:
        return list(dict.fromkeys(items))
    except TypeError:  # an unhashable entry (a mapping): left for validation to report at its position
        return items


class Connection(_Section):
    data: Data | None = None
    completion: Completion | None = None
    delivery: Delivery | None = None
    distribution: Distribution | None = None


class Constraints(_Section):
    ordering: Ordering | None = None
    deduplication: bool | None = None
    # Optional key added by mqadvise: processing a message twice has the effect of processing it once (an upsert,
    # a PUT), so at-least-once delivery or execution is enough and nothing need run exactly once.
    idempotent: bool | None = None
    peak_per_second: float | None = Field(default=None, ge=0)
    # Optional key added by mqadvise: the mean rate over a month, for cost estimates (defaults to the peak).
    average_per_second: float | None = Field(default=None, ge=0)
    message_kib: float | None = Field(default=None, gt=0)
    retention_days: float | None = Field(default=None, ge=0)
    replay: bool | None = None
    processing_minutes: float | None = Field(default=None, ge=0)
    delay_seconds: float | None = Field(default=None, ge=0)
    filtering: bool | None = None
    priority: bool | None = None
    # Optional key added by mqadvise: every consumer takes messages from a durable buffer of its own, at its
    # own pace (it may be down for a while, bursts wait, it retries on its own schedule): SNS to a queue per
    # subscriber, where an event bus or topic pushing to the consumer does not.
    consumer_buffer: bool | None = None
    # Optional key added by mqadvise: features of the event router itself (a publishing endpoint that fails over
    # to another Region, calls to third-party HTTPS APIs with managed authorization and a rate limit, a registry
    # of event schemas).
    routing_features: list[RoutingFeature] | None = None
    # Optional key added by mqadvise: many producers (services, teams, accounts) and many consumers meet at one
    # router that sends each event to the consumers whose rules match its content, the producers naming no
    # destination: what AWS builds event buses for ("routing events from many sources to many targets").
    many_to_many: bool | None = None
    producers: list[Producer] | None = None
    # Optional key added by mqadvise: which AWS services send (producers: aws-service alone cannot say that S3
    # notifies SNS directly while GuardDuty findings reach only EventBridge).
    source_services: list[SourceService] | None = None
    # Optional key added by mqadvise: resources that exist already and that the messages arrive in (an SQS queue
    # the storefront writes to, a DynamoDB table's stream): the design starts from them instead of replacing them.
    starts_from: list[StartsFrom] | None = None
    consumers: list[Consumer] | None = None
    saas: list[str] | None = None
    schedule: str | None = None
    workflow: Workflow | None = None
    workflow_minutes: float | None = Field(default=None, gt=0)
    managed: Managed | None = None
    protocols: list[Protocol] | None = None  # what the producers speak today (MQTT devices, AMQP clients ...)
    # Optional key added by mqadvise (the contract allows new optional keys): quotas differ by Region.
    region: str | None = None

    _lists = field_validator("routing_features", "producers", "source_services", "starts_from", "consumers", "saas",
                             "protocols", mode="before")(
        classmethod(lambda cls, v: _one_or_many(v)))

    @field_validator("source_services")
    @classmethod
    def _sources_are_producers(cls, v: list[str] | None, info: ValidationInfo) -> list[str] | None:
        producers = info.data.get("producers")
        if v and producers is not None and "aws-service" not in producers:
            raise _Refusal(f"source_services names AWS services that send the messages, but producers "
                           f"({', '.join(producers) or 'none'}) does not list aws-service",
                           hint="add aws-service to producers, or remove source_services")
        return v

    @field_validator("region")
    @classmethod
    def _region(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None:
            return v
        regions = (info.context or {}).get("regions")
        if regions is None:
            from advisor.knowledge.loader import load_knowledge

            regions = load_knowledge().regions
        if v not in regions:
            near = difflib.get_close_matches(v, list(regions), n=1, cutoff=0.6)
            raise _Refusal(f"{v!r} is not an AWS Region of the knowledge's list ({len(regions)} Regions, "
                           "such as us-east-1 or eu-west-1)", hint=f"did you mean {near[0]!r}?" if near else None)
        return v


class Migration(_Section):
    from_: list[MigrationFrom] | None = Field(default=None, alias="from")
    protocols: list[Protocol] | None = None
    code_changes: CodeChanges | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)
    _lists = field_validator("from_", "protocols", mode="before")(classmethod(lambda cls, v: _one_or_many(v)))

    @property
    def systems(self) -> list[str]:
        return [s for s in (self.from_ or []) if s != "none"]


class Storage(_Section):
    access: list[Access] | None = None
    primary: Primary | None = None
    low_latency_local: bool | None = None
    # Optional key added by mqadvise: how much data the gateway keeps in AWS, for cost estimates.
    data_gib: float | None = Field(default=None, ge=0)

    _lists = field_validator("access", mode="before")(classmethod(lambda cls, v: _one_or_many(v)))


class Backup(_Section):
    rpo_hours: float | None = Field(default=None, gt=0)
    retention_days: float | None = Field(default=None, gt=0)
    cross_region: bool | None = None
    cross_account: bool | None = None
    immutable: bool | None = None
    resources: list[Resource] | None = None
    # Optional key added by mqadvise: how much data is backed up, for cost estimates.
    data_gib: float | None = Field(default=None, ge=0)

    _lists = field_validator("resources", mode="before")(classmethod(lambda cls, v: _one_or_many(v)))


class Requirements(_Section):
    version: Literal[1] = 1
    name: str
    title: str | None = None
    context: str | None = None
    connection: Connection = Field(default_factory=Connection)
    constraints: Constraints = Field(default_factory=Constraints)
    migration: Migration = Field(default_factory=Migration)
    storage: Storage | None = None
    backup: Backup | None = None

    @field_validator("name")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not NAME_RE.match(v):
            raise ValueError("must be a lowercase slug of a-z, 0-9 and '-', at most 48 characters, "
                             "starting and ending with a letter or digit")
        return v

    def answer(self, key: str) -> Any:
        """The answer at a dotted key (``constraints.ordering``); None where the question was not answered."""
        section, _, field = key.partition(".")
        return getattr(getattr(self, section, None), field, None)

    def to_data(self) -> dict[str, Any]:
        """The requirements as the file format writes them (aliases, no empty answers)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True,
                               exclude_defaults=False)

    @property
    def has_messaging(self) -> bool:
        c, k = self.connection, self.constraints
        m = self.migration
        messaging_systems = [s for s in m.systems if s not in STORAGE_SYSTEMS]
        # managed and region apply to every concern: on their own they open no messaging design
        own = k.model_dump(exclude_none=True, exclude={"managed", "region"})
        return bool(c.model_dump(exclude_none=True) or own or messaging_systems
                    or [p for p in (m.protocols or []) if p not in STORAGE_PROTOCOLS])

    @property
    def has_storage(self) -> bool:
        return self.storage is not None or any(s in STORAGE_SYSTEMS for s in self.migration.systems)

    @property
    def has_backup(self) -> bool:
        return self.backup is not None


STORAGE_SYSTEMS = ("nfs-server", "smb-server", "iscsi-san", "tape-library")
STORAGE_PROTOCOLS = ("nfs", "smb", "iscsi", "iscsi-vtl")


def known_paths() -> set[str]:
    """Every dotted key of the requirements file (used to check the interview's questions)."""
    out: set[str] = set()

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            key = field.alias or name
            path = f"{prefix}{key}"
            out.add(path)
            ann = field.annotation
            for cand in (ann, *get_args(ann)):
                if isinstance(cand, type) and issubclass(cand, BaseModel):
                    walk(cand, path + ".")
    walk(Requirements, "")
    return out


def allowed_values(path: tuple[str, ...]) -> list[str]:
    """Valid keys or values at a location, for 'did you mean' hints."""
    model: Any = Requirements
    for part in path:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            break
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return [f.alias or n for n, f in model.model_fields.items()]
        model = field.annotation
        inner = [a for a in get_args(model) if a is not type(None)]
        if inner and get_origin(model) in (Union, UnionType):  # X | None -> X; Literal[1] stays as it is
            model = inner[0]
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or n for n, f in model.model_fields.items()]
    return _literals(model)


def _literals(tp: Any) -> list[str]:
    if get_origin(tp) is Literal:
        return [str(a) for a in get_args(tp)]
    out: list[str] = []
    for arg in get_args(tp):
        out += _literals(arg)
    return out


def parse_requirements(data: Any, doc: Any | None = None, name: str = "<requirements>",
                       regions: Any | None = None) -> Requirements:
    """Validate plain data as requirements; errors name file, line, key and the nearest valid value."""
    from advisor.yamlio import Document

    doc = doc or Document(data, name)
    if not isinstance(data, dict):
        where = doc.locate(())
        raise InvalidInput("expected a mapping of requirements (version, name, connection, ...)",
                           location=where if where.line else Location(doc.name, 1, 1))
    try:
        return Requirements.model_validate(data, context={"regions": regions} if regions is not None else None)
    except ValidationError as exc:
        raise _explain(exc, doc) from None


def _explain(exc: ValidationError, doc: Any) -> InvalidInput:
    """Every problem pydantic found, in file order, each with its own file:line:key."""
    problems: list[InvalidInput] = []
    seen: set[tuple] = set()
    for err in exc.errors():
        problem = _problem(err, doc)
        where = problem.location
        key = (where.line, where.column, where.key, problem.message)
        if key not in seen:
            seen.add(key)
            problems.append(problem)
    problems.sort(key=lambda p: (p.location.line or 0, p.location.column or 0))
    first, *more = problems
    return InvalidInput(first.message, location=first.location, hint=first.hint, more=more)


def _problem(err: Any, doc: Any) -> InvalidInput:
    from advisor.yamlio import to_plain

    loc = tuple(p for p in err["loc"])
    if err["type"] == "literal_error" and loc and isinstance(loc[-1], int):
        loc_key = loc[:-1]
    else:
        loc_key = loc
    key_path = tuple(p for p in loc_key if isinstance(p, str))
    location = doc.locate(loc)
    got = err.get("input")
    hint = None
    if err["type"] == "extra_forbidden":
        options = allowed_values(key_path[:-1])
        near = difflib.get_close_matches(str(key_path[-1]), options, n=1, cutoff=0.5)
        message = f"unknown key {key_path[-1]!r}; expected one of: {', '.join(options)}"
        if near:
            hint = f"did you mean {near[0]!r}?"
    elif err["type"] in ("literal_error", "enum"):
        options = allowed_values(key_path)
        near = difflib.get_close_matches(str(got), options, n=1, cutoff=0.4)
        message = f"{to_plain(got)!r} is not valid; expected one of: {', '.join(options)}"
        if near:
            hint = f"did you mean {near[0]!r}?"
    elif err["type"] == "missing":
        message = "required key is missing"
    elif err["type"] == "value_error" and isinstance(err.get("ctx", {}).get("error"), _Refusal):
        refusal = err["ctx"]["error"]  # our own validators' words already name the value
        message, hint = refusal.message, refusal.hint
    else:
        message = f"{err['msg'].removeprefix('Value error, ')} (got {to_plain(got)!r})"
    return InvalidInput(message, location=location, hint=hint)


def load_requirements(path: str) -> Requirements:
    from advisor.yamlio import load_file

    doc = load_file(path, max_bytes=MAX_BYTES)
    from advisor.yamlio import to_plain

    return parse_requirements(to_plain(doc.data), doc, doc.name)


def dump_requirements(req: Requirements) -> str:
    """YAML text of the requirements, in the contract's key order."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    buf = io.StringIO()
    yaml.dump(_tidy(req.to_data()), buf)
    return buf.getvalue()


def _tidy(node: Any) -> Any:
    """What a person would write: 300 rather than 300.0, and no empty ``connection: {}`` sections."""
    if isinstance(node, dict):
        tidy = {k: _tidy(v) for k, v in node.items()}
        return {k: v for k, v in tidy.items() if v != {}}
    if isinstance(node, list):
        return [_tidy(v) for v in node]
    if isinstance(node, float) and node.is_integer():
        return int(node)
    return node
