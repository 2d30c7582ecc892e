"""One error hierarchy; the CLI maps it to exit codes and messages in one place (cli/console.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where in a user's file something went wrong (1-based line and column)."""

    file: str
    line: int | None = None
    column: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where


class MqadviseError(Exception):
    """Base of every error a user can cause. Never shown as a traceback."""

    exit_code = 2

    def __init__(self, message: str, *, location: Location | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def render(self) -> str:
        parts = []
        if self.location is not None:
            parts.append(f"{self.location}: ")
            if self.location.key:
                parts.append(f"{self.location.key}: ")
        parts.append(self.message)
        if self.hint:
            parts.append(f"\n  hint: {self.hint}")
        return "".join(parts)


class InvalidInput(MqadviseError):
    """A file or argument the user gave is malformed or not of the contract.

    One file can have several problems: the first is this error, the rest are in ``more``, and each is
    printed on its own line with its own file:line:key.
    """

    def __init__(self, message: str, *, location: Location | None = None, hint: str | None = None,
                 more: list[InvalidInput] | None = None):
        super().__init__(message, location=location, hint=hint)
        self.more = list(more or [])

    @property
    def problems(self) -> list[InvalidInput]:
        return [self, *self.more]


class UsageError(MqadviseError):
    """The command was called in a way that cannot work (e.g. interview without a terminal)."""


class NoServiceFits(MqadviseError):
    """The requirements conflict: no design satisfies every hard requirement."""

    exit_code = 3

    def __init__(self, message: str, *, conflicts: list[str], result: object | None = None):
        super().__init__(message)
        self.conflicts = conflicts
        self.result = result


class RefusedOverwrite(MqadviseError):
    """Writing would overwrite or lose something the user wrote; needs --force."""


class KnowledgeError(MqadviseError):
    """The bundled (or a user's) knowledge base is broken."""

    exit_code = 1


class NotFound(MqadviseError):
    """An id (service, pattern, ADR, rule) that does not exist."""


class MissingEngine(MqadviseError):
    """A local engine needs something installed first; the hint says exactly what (exit 2)."""

    exit_code = 2
