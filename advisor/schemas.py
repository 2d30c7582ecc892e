"""JSON Schemas of the two public file formats, generated from the pydantic models."""

from __future__ import annotations

from typing import Any


def json_schema(which: str) -> dict[str, Any]:
    if which == "requirements":
        from advisor.requirements import Requirements

        schema = Requirements.model_json_schema(by_alias=True)
        _accept_single_values(schema)
        from advisor.requirements import NAME_RE

        schema["properties"]["name"]["pattern"] = NAME_RE.pattern
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


def _accept_single_values(schema: dict[str, Any]) -> None:
    """Every list key of the requirements file also takes one bare value (``from: rabbitmq``), as the loader does."""
    for model in schema.get("$defs", {}).values():
        for prop in model.get("properties", {}).values():
            options = prop.get("anyOf", [])
            for option in list(options):
                if option.get("type") == "array" and "items" in option and option["items"] not in options:
                    options.insert(options.index(option) + 1, option["items"])
