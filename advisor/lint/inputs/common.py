"""What both input kinds share: ``lint: {ignore: ...}`` tables, the suppressions of a built graph, and the
type check of every setting a rule reads (:func:`normalise`)."""

from __future__ import annotations

import math
from typing import Any

from advisor.errors import InvalidInput, Location
from advisor.lint.model import Element, FlowGraph, Pos, Suppression
from advisor.lint.positions import PDict, plain


def ignores(body: Any, name: str, what: str) -> dict[str, tuple[str, Pos]]:
    """``lint: {ignore: {CODE: reason}}`` of an element (or of the file)."""
    if not isinstance(body, dict):
        return {}
    lint = body.get("lint")
    if not isinstance(lint, PDict):
        return {}
    ignore = lint.get("ignore")
    if not isinstance(ignore, PDict):
        return {}
    out = {}
    for code, reason in ignore.items():
        out[str(code).upper()] = (str(reason or "").strip(), ignore.keypos[code])
    return out


def add_element_suppressions(graph: FlowGraph) -> None:
    """Turn the ``ignore`` tables of the elements and of the file into suppressions of the graph."""
    for el in graph.elements():
        for code, (reason, pos) in el.ignores.items():
            graph.suppressions.append(Suppression(code, reason, graph.file, pos[0], pos[1], "element", el.path))
    for code, (reason, pos) in graph.file_ignores.items():
        graph.suppressions.append(Suppression(code, reason, graph.file, pos[0], pos[1], "file"))


# The type of every setting a rule reads; the loader refuses anything else with its position, so a rule
# never meets a value it cannot compare (a string for a number, infinity, a mapping for a name).
NUMBER, BOOL, TEXT, TEXTS, MAPPING = "a number", "true or false", "a name or text", "a list of names", "a mapping"
SETTING_TYPES: dict[str, str] = {
    **dict.fromkeys(("timeout_seconds", "batch_size", "batch_window_seconds", "max_receive_count",
                     "visibility_timeout_seconds", "retention_days", "max_message_kib",
                     "receive_message_wait_time_seconds", "delay_seconds", "shards", "retention_hours",
                     "max_duration_seconds", "peak_per_second", "message_kib", "max_retry_attempts",
                     "max_record_age_seconds"), NUMBER),
    **dict.fromkeys(("idempotent", "raw_delivery", "event_bus", "external_producers", "external_consumers",
                     "queue_policy", "topic_policy", "high_throughput", "content_based_deduplication", "tls_only",
                     "bisect_on_error", "report_batch_item_failures", "event_source_mapping",
                     "publicly_accessible", "public_access", "unauthenticated", "in_cluster_encryption",
                     "error_action", "managed_instances", "s3_notification", "stream_source",
                     "partition_key_constant"), BOOL),
    **dict.fromkeys(("service", "variant", "type", "dead_letter", "on_failure", "targets_dead_letter",
                     "encryption", "deployment_mode", "protocol", "subscription_protocol", "engine",
                     "schedule_expression", "client_broker", "ordering", "partition_key", "from", "to"), TEXT),
    "protocols": TEXTS,
    **dict.fromkeys(("redrive_allow_policy", "filter"), MAPPING),
}


def as_number(value: Any) -> float | None:
    """A number, or a string holding one, as a float (``inf`` for an integer beyond float range); None for
    anything else (a boolean, an unresolved reference, text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, (int, float)):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf


def _finite(value: Any) -> float | None:
    number = as_number(value)
    return number if number is not None and math.isfinite(number) else None


def normalise(graph: FlowGraph) -> None:
    """Check the type of every setting a rule reads (see SETTING_TYPES); numbers become finite floats.

    Raises InvalidInput at the setting's position (the key in an architecture file, the property in a
    template) for anything else."""
    for el in graph.elements():
        for key, value in list(el.settings.items()):
            kind = SETTING_TYPES.get(key)
            if kind is None or value is None:
                continue
            if kind == NUMBER:
                number = _finite(value)
                if number is not None:
                    el.settings[key] = number
                    continue
            elif kind == BOOL and isinstance(value, bool):
                continue
            elif kind == TEXT and isinstance(value, str):
                continue
            elif kind == TEXTS and isinstance(value, list) and all(isinstance(v, str) for v in value):
                continue
            elif kind == MAPPING and isinstance(value, dict):
                continue
            _refuse(graph, el, key, kind, value)
    for key in ("peak_per_second", "message_kib", "replay_hours", "processing_seconds"):
        value = graph.expectations.get(key)
        if value is not None:
            number = _finite(value)
            if number is None:
                pos = graph.expectations_pos.get(key, graph.top_pos)
                raise InvalidInput(f"expected a finite number, got {_shown(value)}",
                                   location=Location(graph.file, pos[0], pos[1], f"expectations.{key}"))
            graph.expectations[key] = number


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _refuse(graph: FlowGraph, el: Element, key: str, kind: str, value: Any) -> None:
    pos = el.keypos.get(key, el.pos)
    if graph.input_kind == "architecture":
        where = f"{el.kind}s.{el.id}.{key}" if el.kind != "flow" else f"{el.id}.{key}"
    else:
        prop = el.terms.get(key, (key, 0))[0]
        where = f"{el.label or el.id}: {prop}"
    finite = "a finite number" if kind == NUMBER else kind
    raise InvalidInput(f"expected {finite}, got {_shown(value)}",
                       location=Location(graph.file, pos[0], pos[1], where))


def check_expectations(exp: Any, name: str, path: str) -> tuple[dict[str, Any], dict[str, Pos]]:
    """A template's ``Metadata.mqadvise.expectations``, validated like an architecture file's."""
    from pydantic import ValidationError

    from advisor.architecture import Expectations

    if not isinstance(exp, PDict):
        raise InvalidInput("expected a mapping of expectations", location=Location(name, 1, 1, path))
    try:
        Expectations.model_validate(plain(exp))
    except ValidationError as exc:
        first = exc.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else ""
        pos = exp.keypos.get(key, exp.start)
        raise InvalidInput(first["msg"], location=Location(name, pos[0], pos[1], f"{path}.{key}".rstrip("."))) \
            from None
    return plain(exp), {k: v for k, v in exp.keypos.items() if isinstance(k, str)}
