"""One ``--format`` option for every command that prints data: the same spelling (``--format``/``-f``),
the same check (an unknown value is a usage error, exit 2, naming the choices) and the same help."""

from __future__ import annotations

from typing import Any

import typer

# Every value any command accepts, in the order help lists them.
VOCABULARY = ("text", "json", "yaml", "markdown", "csv", "anki", "apkg", "sarif", "github", "junit", "mermaid", "dot")


def format_option(*choices: str, default: str = "text", what: str = "") -> Any:
    """``--format/-f`` limited to ``choices`` (a subset of VOCABULARY); ``what`` says what is formatted."""
    unknown = [c for c in choices if c not in VOCABULARY]
    if unknown or default not in choices:
        raise ValueError(f"format choices {unknown or default!r} are not in the shared vocabulary")
    ordered = [c for c in VOCABULARY if c in choices]

    def check(value: str | None) -> str | None:
        if value is not None and value not in ordered:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(ordered)}")
        return value

    return typer.Option(default, "--format", "-f", callback=check,
                        help=f"Output format{' of ' + what if what else ''}: {', '.join(ordered)}.",
                        metavar="<" + "|".join(ordered) + ">")
