"""Blueprints: one module per template set, named after its folder (``sqs_worker.py`` for
``templates/scaffold/sqs-worker/``), discovered by :func:`builtin_sets`, the way lint rules are.

A blueprint module defines ``blueprint(ctx, plan)``, which adds the set's settings and its architecture file to
the render context, and ``TEMPLATE_SET``, the :class:`advisor.scaffold.shared.TemplateSet` that names the
patterns it scaffolds. The modules import only ``advisor.scaffold.shared`` (and the plan, names and knowledge),
never each other.
"""

from __future__ import annotations

import importlib
import pkgutil

from advisor.scaffold.shared import TemplateSet


def builtin_sets() -> tuple[TemplateSet, ...]:
    """Every built-in template set, in module-name order; each module must be named after its set."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        ts = getattr(module, "TEMPLATE_SET", None)
        if not isinstance(ts, TemplateSet):
            raise RuntimeError(f"{module.__name__} must define TEMPLATE_SET, a TemplateSet")
        if ts.name.replace("-", "_") != info.name:
            raise RuntimeError(f"{module.__name__} defines the set {ts.name!r}; name the module after its set")
        found.append(ts)
    return tuple(found)
