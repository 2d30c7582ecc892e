"""Lint rules: one module per rule (``mqa101_queue_without_dlq.py``), discovered by :func:`all_rules`.

A rule is a small class deriving from :class:`advisor.lint.rules.base.LintRule` with ``code``
(``MQA###``), ``name`` (``sqs.dead-letter-missing``), ``default_severity`` and a docstring whose headings
are exactly *What it checks*, *Why*, *Example*, *Fix* and *References*. Limits come from the knowledge
graph (``ctx.fact(...)``), never from the code.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from advisor.lint.rules.base import LintRule


@cache
def all_rules() -> tuple[LintRule, ...]:
    """Every rule, sorted by code. Each module ``mqa###_*.py`` must define exactly one LintRule subclass."""
    found: list[LintRule] = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("mqa"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        classes = [obj for obj in vars(module).values()
                   if isinstance(obj, type) and issubclass(obj, LintRule) and obj is not LintRule
                   and obj.__module__ == module.__name__]
        if len(classes) != 1:
            raise RuntimeError(f"{module.__name__} must define exactly one rule class, found {len(classes)}")
        found.append(classes[0]())
    found.sort(key=lambda r: r.code)
    codes = [r.code for r in found]
    if len(set(codes)) != len(codes):
        raise RuntimeError("duplicate rule codes")
    return tuple(found)


def by_code() -> dict[str, LintRule]:
    return {r.code: r for r in all_rules()}


def find(text: str) -> LintRule | None:
    """A rule by code (case-insensitive) or by name."""
    text = text.strip()
    for r in all_rules():
        if r.code.lower() == text.lower() or r.name == text:
            return r
    return None
