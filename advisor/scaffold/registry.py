"""Which template set scaffolds which design: pattern ids first, then the set of services on the path.

A template set is a folder ``templates/scaffold/<name>/`` layered over ``templates/scaffold/common/``, plus a
blueprint function that adds the set's settings and architecture to the render context. Another set is
registered with ``register(TemplateSet(...))``; nothing else in the scaffolder needs to change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Blueprint = Callable[[dict[str, Any], Any], None]   # (context, Plan inputs) -> adds keys to context


@dataclass(frozen=True)
class TemplateSet:
    name: str                                   # folder under templates/scaffold/
    patterns: tuple[str, ...]                   # pattern ids it scaffolds
    blueprint: Blueprint
    services: tuple[frozenset[str], ...] = ()   # service sets it scaffolds when no pattern id matches
    layers: tuple[str, ...] = ("common",)       # folders rendered underneath, in order
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


_REGISTRY: dict[str, TemplateSet] = {}


def register(ts: TemplateSet) -> TemplateSet:
    for other in _REGISTRY.values():
        clash = set(other.patterns) & set(ts.patterns)
        if clash and other.name != ts.name:
            raise ValueError(f"patterns {sorted(clash)} are already scaffolded by {other.name!r}")
    _REGISTRY[ts.name] = ts
    return ts


def template_sets() -> dict[str, TemplateSet]:
    _load_builtin()
    return dict(_REGISTRY)


def supported_patterns() -> list[str]:
    return sorted(p for ts in template_sets().values() for p in ts.patterns)


def lookup(pattern_id: str, services: set[str]) -> TemplateSet | None:
    sets = template_sets()
    for ts in sets.values():
        if pattern_id in ts.patterns:
            return ts
    for ts in sets.values():
        if any(s == frozenset(services) for s in ts.services):
            return ts
    return None


def _load_builtin() -> None:
    if not _REGISTRY:
        from advisor.scaffold import (
            blueprints,  # noqa: F401 - registers the built-in sets
            brokers,  # noqa: F401 - the broker, IoT and Kafka sets (issue 5)
        )
