"""The scaffold's layout (issue 14): one blueprint module per template set, named after its templates' folder,
discovered without import cycles (the import-linter contracts in pyproject.toml check the direction)."""

from __future__ import annotations

import pkgutil

from advisor.resources import templates_root

LAYERS = {"common", "brokers", "ops-common"}      # rendered underneath a set; no blueprint of their own


def test_every_template_folder_has_its_blueprint_module_and_back():
    import advisor.scaffold.blueprints as pkg

    folders = {node.name for node in (templates_root() / "scaffold").iterdir() if node.is_dir()} - LAYERS
    modules = {info.name for info in pkgutil.iter_modules(pkg.__path__)}
    assert {f.replace("-", "_") for f in folders} == modules


def test_discovered_sets_are_the_registry_and_use_only_known_layers():
    from advisor.scaffold.blueprints import builtin_sets
    from advisor.scaffold.registry import template_sets

    sets = builtin_sets()
    assert {ts.name for ts in sets} == set(template_sets())
    assert all(set(ts.layers) <= LAYERS for ts in sets)


def test_no_two_sets_claim_the_same_service_set():
    from advisor.scaffold.registry import template_sets

    seen: dict[frozenset[str], str] = {}
    for ts in template_sets().values():
        for services in ts.services:
            assert services not in seen, f"{sorted(services)}: {seen.get(services)} and {ts.name}"
            seen[services] = ts.name
