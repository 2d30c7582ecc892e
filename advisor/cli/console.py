"""All terminal output goes through here: data to stdout, messages to stderr, errors to exit codes.

rich is imported only when something is drawn, so `--format json` and `--help` stay fast.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import Any, NoReturn

from advisor.errors import MqadviseError

# Rich help panels for people; plain help when piped (scripts, CI), which also skips ~50 ms of imports.
HELP_MARKUP = "rich" if sys.stdout.isatty() else None


@cache
def out():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, emoji=False)


@cache
def err():
    from rich.console import Console

    return Console(stderr=True, highlight=False, emoji=False, soft_wrap=True)


def print_data(text: str) -> None:
    """Machine-readable output: plain, unstyled, to stdout."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def print_json(data: Any) -> None:
    print_data(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def info(message: str) -> None:
    err().print(message)


def abort(error: MqadviseError) -> NoReturn:
    """Print a user's error without a traceback and exit with its code."""
    from rich.markup import escape

    label = {2: "error", 3: "no fit", 1: "error"}.get(error.exit_code, "error")
    for problem in getattr(error, "problems", [error]):
        err().print(f"[bold red]{label}:[/] {escape(problem.render())}")
    raise SystemExit(error.exit_code)


def spinner(message: str):
    """A live line on a terminal's stderr while work of a second or more runs; nothing when stderr is piped."""
    import contextlib

    console = err()
    return console.status(message) if console.is_terminal else contextlib.nullcontext()


def wants_color() -> bool:
    return sys.stdout.isatty()
