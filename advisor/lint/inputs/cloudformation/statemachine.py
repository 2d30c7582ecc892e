"""The Task states of a Step Functions definition (Amazon States Language) and their error handling.

The definition may be inline (``Definition``), a JSON string (``DefinitionString``, with
``DefinitionSubstitutions``), or a local file next to the template (SAM ``DefinitionUri``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from advisor.errors import InvalidInput
from advisor.lint.model import Pos
from advisor.lint.positions import PDict, load

from .template import Template, parse_json_text


def definition(tpl: Template, props: Any, base_dir: str | None) -> tuple[dict | None, Pos | None, str | None]:
    """(definition, where its states are reported when they have no position of their own, a note when it
    could not be read). ``where`` is None for an inline definition: each state has its own position."""
    if not isinstance(props, dict):
        return None, None, None
    inline = tpl.get(props, "Definition")
    if isinstance(inline, dict):
        return inline, None, None
    if "DefinitionString" in props:
        pos = tpl.pos(props, "DefinitionString")
        text = tpl.text(props, "DefinitionString")
        if text is None:
            return None, pos, "its DefinitionString is built in a way mqadvise does not read"
        subs = tpl.get(props, "DefinitionSubstitutions")
        if isinstance(subs, dict):
            for key, value in subs.items():
                value = tpl.resolve(value)
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    text = text.replace(f"${{{key}}}", str(value))
        parsed = parse_json_text(text)
        if not isinstance(parsed, dict):
            return None, pos, "its DefinitionString is not JSON"
        return parsed, pos, None
    uri = tpl.get(props, "DefinitionUri")
    if isinstance(uri, str) and not uri.startswith("s3://"):
        pos = tpl.pos(props, "DefinitionUri")
        if base_dir is None:
            return None, pos, f"its DefinitionUri {uri} is a local file and the template came from standard input"
        path = Path(base_dir) / uri
        if not path.is_file():
            return None, pos, f"its DefinitionUri {uri} was not found next to the template"
        from advisor.yamlio import read_text

        try:
            text = read_text(path)
            parsed: Any = json.loads(text) if path.suffix == ".json" else load(text, str(path))
        except (InvalidInput, ValueError, RecursionError):
            return None, pos, f"its DefinitionUri {uri} is not valid JSON or YAML"
        if not isinstance(parsed, dict):
            return None, pos, f"its DefinitionUri {uri} is not a state machine definition"
        return parsed, pos, None
    return None, None, None


def task_states(definition: dict, where: Pos | None, fallback: Pos) -> list[tuple[str, bool, Pos]]:
    """(state path, has error handling, position) of every Task state. A Task inside a Parallel or Map
    state whose own Retry/Catch covers it counts as handled."""
    out: list[tuple[str, bool, Pos]] = []
    stack: list[tuple[Any, str, bool]] = [(definition, "", False)]
    while stack:
        machine, prefix, covered = stack.pop()
        states = machine.get("States") if isinstance(machine, dict) else None
        if not isinstance(states, dict):
            continue
        for name, state in states.items():
            if not isinstance(state, dict) or not isinstance(name, str):
                continue
            handled = covered or bool(state.get("Retry")) or bool(state.get("Catch"))
            kind = state.get("Type")
            path = f"{prefix}{name}"
            if kind == "Task":
                pos = where or (states.keypos.get(name, fallback) if isinstance(states, PDict) else fallback)
                out.append((path, handled, pos))
            elif kind == "Parallel":
                branches = state.get("Branches")
                for i, branch in enumerate(branches if isinstance(branches, list) else []):
                    stack.append((branch, f"{path}[{i}].", handled))
            elif kind == "Map":
                inner = state.get("ItemProcessor", state.get("Iterator"))
                stack.append((inner, f"{path}.", handled))
    out.sort(key=lambda t: (t[2], t[0]))
    return out
