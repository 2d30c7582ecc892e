"""Which template set scaffolds which design: pattern ids first, then the set of services on the path.

A template set is a folder ``templates/scaffold/<name>/`` layered over ``templates/scaffold/common/``, plus a
blueprint that adds the set's settings and architecture to the render context. The built-in sets are the
modules of ``advisor/scaffold/blueprints/`` (one per set); another set is added with a module there, or at run
time with ``register(TemplateSet(...))``. Nothing else in the scaffolder needs to change.
"""

from __future__ import annotations

from advisor.scaffold.shared import Blueprint, TemplateSet

__all__ = ["Blueprint", "TemplateSet", "lookup", "register", "supported_patterns", "template_sets"]

_REGISTRY: dict[str, TemplateSet] = {}


def register(ts: TemplateSet) -> TemplateSet:
    """Add a template set; a pattern id or a service set another set already scaffolds is refused."""
    _load_builtin()
    return _add(ts)


def _add(ts: TemplateSet) -> TemplateSet:
    for other in _REGISTRY.values():
        if other.name == ts.name:
            continue
        clash = set(other.patterns) & set(ts.patterns)
        if clash:
            raise ValueError(f"patterns {sorted(clash)} are already scaffolded by {other.name!r}")
        shared = set(other.services) & set(ts.services)
        if shared:
            raise ValueError(f"service sets {sorted(sorted(s) for s in shared)} are already scaffolded by "
                             f"{other.name!r}")
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
        from advisor.scaffold.blueprints import builtin_sets

        for ts in builtin_sets():
            _add(ts)
