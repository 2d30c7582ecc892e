"""`mqadvise schema requirements|architecture`: the JSON Schemas of the public file formats."""

from __future__ import annotations

from enum import Enum

import typer


class Which(str, Enum):
    requirements = "requirements"
    architecture = "architecture"


def schema(which: Which = typer.Argument(..., help="Which file format.")) -> None:
    """Print the JSON Schema of a public file format."""
    from advisor.cli.console import print_json
    from advisor.schemas import json_schema

    print_json(json_schema(which.value))


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)
