"""Read a CloudFormation/SAM template (short-form tags included) and resolve its intrinsic functions.

Only what the simulator needs: ``Ref``, ``Fn::GetAtt``, ``Fn::Sub``, ``Fn::Join``, ``Fn::Select``,
``Fn::If`` is not supported (the scaffolds do not use conditions). Pseudo parameters resolve to the local
account and Region.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor.yamlbounds import MAX_BYTES, event_parsers, expansion_problem, shape_problem

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
NO_VALUE = object()

_SHORT = {"Ref": "Ref", "GetAtt": "Fn::GetAtt", "Sub": "Fn::Sub", "Join": "Fn::Join", "Select": "Fn::Select",
          "GetAZs": "Fn::GetAZs", "Split": "Fn::Split", "ImportValue": "Fn::ImportValue",
          "Base64": "Fn::Base64", "If": "Fn::If", "Equals": "Fn::Equals", "Not": "Fn::Not"}


def load_template(path: str | Path) -> dict[str, Any]:
    """Parse a template file into plain data; short tags (``!Ref``) become their long form."""
    size = Path(path).stat().st_size
    if size > MAX_BYTES:
        raise ValueError(f"the template is {size} bytes; the limit is {MAX_BYTES} bytes")
    text = Path(path).read_text(encoding="utf-8")
    return parse_template(text)


def parse_template(text: str) -> dict[str, Any]:
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    yaml = YAML(typ="safe", pure=True)

    def construct(loader, tag_suffix, node):
        name = _SHORT.get(tag_suffix, f"Fn::{tag_suffix}")
        if isinstance(node, ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "Fn::GetAtt":
                value = str(value).split(".", 1)
        elif isinstance(node, SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        elif isinstance(node, MappingNode):
            value = loader.construct_mapping(node, deep=True)
        else:  # pragma: no cover
            value = None
        return {name: value}

    yaml.constructor.add_multi_constructor("!", construct)
    problem = shape_problem(text, event_parsers())     # the bounds every YAML reader of mqadvise applies
    if problem is not None:
        raise ValueError(f"line {problem.line}: {problem.message}" if problem.line else problem.message)
    data = yaml.load(text)       # aliases are shared objects here; expanding them is what could explode
    why = expansion_problem(data)   # the same bound as every other YAML mqadvise reads (a crafted repository)
    if why:
        raise ValueError(f"the template {why} (nested aliases?); refusing to load it")
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise TypeError("not a CloudFormation template: no Resources mapping")
    return json.loads(json.dumps(data, default=str))


def references(value: Any) -> set[str]:
    """Logical ids a value refers to (Ref, GetAtt, ${Name} in Sub)."""
    out: set[str] = set()
    if isinstance(value, dict):
        if "Ref" in value and isinstance(value["Ref"], str):
            out.add(value["Ref"])
        if "Fn::GetAtt" in value:
            att = value["Fn::GetAtt"]
            out.add(att[0] if isinstance(att, list) else str(att).split(".")[0])
        if "Fn::Sub" in value:
            sub = value["Fn::Sub"]
            text, local = (sub[0], sub[1]) if isinstance(sub, list) else (sub, {})
            for name in re.findall(r"\$\{([^}!]+)\}", text):
                head = name.split(".")[0]
                if head not in local:
                    out.add(head)
            out |= references(local)
        for v in value.values():
            out |= references(v)
    elif isinstance(value, list):
        for v in value:
            out |= references(v)
    return {r for r in out if not r.startswith("AWS::")}


def creation_order(resources: dict[str, Any]) -> list[str]:
    """Logical ids ordered so that every resource comes after the ones it refers to."""
    deps: dict[str, set[str]] = {}
    for lid, res in resources.items():
        d = references(res.get("Properties", {})) | references(res.get("Metadata", {}) and {})
        depends = res.get("DependsOn", [])
        d |= set([depends] if isinstance(depends, str) else depends)
        deps[lid] = {x for x in d if x in resources and x != lid}
    order: list[str] = []
    seen: set[str] = set()

    def visit(lid: str, stack: tuple[str, ...]) -> None:
        if lid in seen:
            return
        if lid in stack:
            raise ValueError(f"circular reference through {' -> '.join(stack + (lid,))}")
        for dep in sorted(deps[lid]):
            visit(dep, stack + (lid,))
        seen.add(lid)
        order.append(lid)

    for lid in resources:
        visit(lid, ())
    return order


class Resolver:
    """Resolves intrinsic functions against physical ids and attributes recorded so far."""

    def __init__(self, parameters: dict[str, Any], stack_name: str, region: str = REGION,
                 account: str = ACCOUNT_ID):
        self.parameters = parameters
        self.stack_name = stack_name
        self.region = region
        self.account = account
        self.refs: dict[str, Any] = {}
        self.attrs: dict[str, dict[str, Any]] = {}
        self.lazy_attr: Callable[[str, str], Any] | None = None

    def pseudo(self, name: str) -> Any:
        return {"AWS::Region": self.region, "AWS::AccountId": self.account, "AWS::StackName": self.stack_name,
                "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": NO_VALUE,
                "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{self.account}:stack/{self.stack_name}/local"
                }[name]

    def ref(self, name: str) -> Any:
        if name.startswith("AWS::"):
            return self.pseudo(name)
        if name in self.parameters:
            return self.parameters[name]
        if name in self.refs:
            return self.refs[name]
        raise KeyError(f"Ref to unknown or not yet created resource {name!r}")

    def get_att(self, lid: str, attr: str) -> Any:
        if attr in self.attrs.get(lid, {}):
            return self.attrs[lid][attr]
        if self.lazy_attr is not None:
            return self.lazy_attr(lid, attr)
        raise KeyError(f"Fn::GetAtt {lid}.{attr} is not known to the simulator")

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                (key, arg), = value.items()
                if key == "Ref":
                    return self.ref(arg)
                if key == "Fn::GetAtt":
                    lid, attr = (arg if isinstance(arg, list) else str(arg).split(".", 1))
                    return self.get_att(lid, attr)
                if key == "Fn::Sub":
                    return self._sub(arg)
                if key == "Fn::Join":
                    sep, items = arg
                    return sep.join(str(self.resolve(i)) for i in self.resolve(items))
                if key == "Fn::Base64":
                    import base64

                    return base64.b64encode(str(self.resolve(arg)).encode("utf-8")).decode("ascii")
                if key == "Fn::Select":
                    idx, items = arg
                    return self.resolve(items)[int(self.resolve(idx))]
                if key.startswith("Fn::"):
                    raise ValueError(f"{key} is not supported by the simulator")
            out = {}
            for k, v in value.items():
                r = self.resolve(v)
                if r is not NO_VALUE:
                    out[k] = r
            return out
        if isinstance(value, list):
            return [r for r in (self.resolve(v) for v in value) if r is not NO_VALUE]
        return value

    def _sub(self, arg: Any) -> str:
        text, local = (arg[0], arg[1]) if isinstance(arg, list) else (arg, {})
        local = {k: self.resolve(v) for k, v in local.items()}

        def repl(m: re.Match[str]) -> str:
            name = m.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in local:
                return str(local[name])
            if "." in name:
                lid, attr = name.split(".", 1)
                return str(self.get_att(lid, attr))
            return str(self.ref(name))

        return re.sub(r"\$\{([^}]+)\}", repl, text)
