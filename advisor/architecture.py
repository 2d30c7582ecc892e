"""The architecture file (contract v1): components, channels and flows of a messaging design."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ComponentType = Literal["application", "lambda", "container", "ec2", "iot-device", "saas", "on-premises",
                        "s3-bucket", "http-endpoint", "email", "sms", "schedule"]
ServiceId = Literal["sqs", "sns", "mq", "msk", "kinesis-data-streams", "data-firehose", "eventbridge",
                    "iot-core", "appflow", "step-functions", "storage-gateway", "backup"]


class LintSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ignore: dict[str, str] = Field(default_factory=dict, description="rule code -> the reason for ignoring it")


class Expectations(BaseModel):
    model_config = ConfigDict(extra="forbid")
    peak_per_second: float | None = Field(default=None, ge=0)
    message_kib: float | None = Field(default=None, gt=0)
    ordering: Literal["none", "per-key", "global"] | None = None
    region: str | None = None
    replay_hours: float | None = Field(default=None, gt=0, description="how far back consumers must re-read (lint)")
    processing_seconds: float | None = Field(default=None, gt=0, description="how long one unit of work runs (lint)")


class Component(BaseModel):
    """Something that sends or receives. Extra settings are allowed (new optional keys)."""

    model_config = ConfigDict(extra="allow")
    type: ComponentType
    timeout_seconds: float | None = Field(default=None, gt=0)
    batch_size: int | None = Field(default=None, ge=1)
    batch_window_seconds: float | None = Field(default=None, ge=0)
    idempotent: bool | None = None
    protocols: list[str] | None = None
    lint: LintSettings | None = None


class Channel(BaseModel):
    """An AWS integration resource; settings are the service's own, in snake_case."""

    model_config = ConfigDict(extra="allow")
    service: ServiceId
    variant: str | None = None
    encryption: Literal["none", "managed", "kms"] | None = None
    dead_letter: str | None = None
    max_receive_count: int | None = Field(default=None, ge=1)
    visibility_timeout_seconds: float | None = Field(default=None, ge=0)
    retention_days: float | None = Field(default=None, gt=0)
    max_message_kib: float | None = Field(default=None, gt=0)
    lint: LintSettings | None = None


class Flow(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    protocol: str | None = None
    raw_delivery: bool | None = None
    filter: dict[str, Any] | None = None
    lint: LintSettings | None = None


class Architecture(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1] = 1
    kind: Literal["architecture"] = "architecture"
    name: str
    data_classification: Literal["public", "internal", "confidential"] | None = None
    environment: str | None = Field(default=None, description="production (default), staging, test, development")
    expectations: Expectations | None = None
    components: dict[str, Component] = Field(default_factory=dict)
    channels: dict[str, Channel] = Field(default_factory=dict)
    flows: list[Flow] = Field(default_factory=list)
    lint: LintSettings | None = None
