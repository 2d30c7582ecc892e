"""JSON Schemas of the two public file formats, generated from the pydantic models."""

from __future__ import annotations

from typing import Any


def json_schema(which: str) -> dict[str, Any]:
    if which == "requirements":
        from advisor.requirements import Requirements

        schema = Requirements.model_json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = "https://mqadvise.dev/schemas/requirements-v1.json"
        schema["title"] = "mqadvise requirements file, version 1"
        return schema
    if which == "architecture":
        from advisor.architecture import Architecture

        schema = Architecture.model_json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = "https://mqadvise.dev/schemas/architecture-v1.json"
        schema["title"] = "mqadvise architecture file, version 1"
        return schema
    raise ValueError(which)
