"""Architecture files (contract v1, ``kind: architecture``) read into the lint model."""

from __future__ import annotations

from typing import Any

from advisor.errors import InvalidInput, Location
from advisor.lint.inputs.common import add_element_suppressions, ignores
from advisor.lint.model import Channel, Component, Flow, FlowGraph
from advisor.lint.positions import PDict, PList, position

KIND = "architecture"

# The variant AWS creates when a file does not name one (names, not figures).
DEFAULT_VARIANT = {
    "sqs": "standard", "sns": "standard", "step-functions": "standard",
    "kinesis-data-streams": "provisioned", "eventbridge": "bus", "msk": "provisioned",
}


def accepts(data: PDict) -> bool:
    return data.get("kind") == "architecture" or "components" in data or "channels" in data


def read(data: PDict, name: str, kb) -> list[FlowGraph]:
    """Validate an architecture file against the contract and build its flow graph."""
    return [_from_architecture(data, name, kb)]


def _locate(data: Any, loc: tuple[Any, ...]) -> tuple[int, int] | None:
    node, best = data, None
    for part in loc:
        if isinstance(node, dict) and part not in node and isinstance(part, str):
            # pydantic reports aliases ('from') and field names; try both spellings
            part = {"source": "from", "target": "to"}.get(part, part)
        pos = position(node, part)
        if pos is None:
            break
        best = pos
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return best


def _from_architecture(data: PDict, name: str, kb) -> FlowGraph:
    from pydantic import ValidationError

    from advisor.architecture import Architecture

    try:
        arch = Architecture.model_validate(data)  # PDict/PList are dict/list: no copy needed
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        pos = _locate(data, loc) or (1, 1)
        key = ".".join(str(p) for p in loc) or None
        raise InvalidInput(f"{first['msg']}", location=Location(name, pos[0], pos[1], key),
                           hint="see `mqadvise schema architecture`") from None
    del arch  # validated; the rules read the positioned data below

    graph = FlowGraph(file=name, input_kind="architecture", name=str(data.get("name", "")),
                      top_pos=(1, 1))
    exp = data.get("expectations")
    if isinstance(exp, PDict):
        graph.expectations = dict(exp)
        graph.expectations_pos = dict(exp.keypos)
    if "data_classification" in data:
        graph.data_classification = data["data_classification"]
        graph.data_classification_pos = data.keypos["data_classification"]
    if "environment" in data:
        graph.environment = data["environment"]
    graph.file_ignores = ignores(data, name, "the file")

    comps = data.get("components") or {}
    for cname, body in comps.items():
        body = body if isinstance(body, PDict) else PDict()
        graph.components[cname] = Component(
            "component", cname, dict(body), comps.keypos[cname], dict(body.keypos),
            ignores(body, name, f"component {cname}"))
    chans = data.get("channels") or {}
    for cname, body in chans.items():
        body = body if isinstance(body, PDict) else PDict()
        settings = dict(body)
        service = settings["service"]
        variants = kb.services[service].variants
        if settings.get("variant") is None and variants:
            if service not in DEFAULT_VARIANT:
                pos = chans.keypos[cname]
                raise InvalidInput(f"channel {cname!r}: {service} needs a variant ({', '.join(variants)})",
                                   location=Location(name, pos[0], pos[1], f"channels.{cname}"))
            settings["variant"] = DEFAULT_VARIANT[service]
        elif settings.get("variant") is not None and settings["variant"] not in variants:
            pos = body.keypos.get("variant", chans.keypos[cname])
            choices = ", ".join(variants) if variants else "none (this service has no variants)"
            raise InvalidInput(f"unknown variant {settings['variant']!r} for {service}; expected {choices}",
                               location=Location(name, pos[0], pos[1], f"channels.{cname}.variant"))
        graph.channels[cname] = Channel(
            "channel", cname, settings, chans.keypos[cname], dict(body.keypos),
            ignores(body, name, f"channel {cname}"))
    flows = data.get("flows") or PList()
    for i, body in enumerate(flows):
        graph.flows.append(Flow("flow", f"flows[{i}]", dict(body), flows.itempos[i], dict(body.keypos),
                                ignores(body, name, f"flow {i}")))
    add_element_suppressions(graph)
    return graph

