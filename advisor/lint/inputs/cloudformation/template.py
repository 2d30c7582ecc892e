"""A CloudFormation/SAM template as the reader of advisor.lint.inputs.cloudformation sees it.

It answers "what does this property hold?" the way CloudFormation would at deployment, as far as that can
be known without deploying:

- ``Ref`` to a parameter with a ``Default`` gives the default (and a note that it was assumed);
- ``Fn::FindInMap`` with keys that resolve gives the mapping's value;
- ``Fn::If`` gives the branch of the condition's value in this *variant* (the reader builds one graph per
  combination of the conditions the messaging resources use, see :func:`condition_names`), and
  ``Ref AWS::NoValue`` gives ``None`` (the property is absent);
- JSON written as a string (``RedrivePolicy: !Sub '{"deadLetterTargetArn": "${Dlq.Arn}"}'``) is parsed;
- ``Fn::ForEach`` (``Transform: AWS::LanguageExtensions``) under ``Resources`` is expanded, or skipped with
  a note when its collection cannot be known.

Every value a reader gets from here is one a rule can handle: numbers are finite floats (a non-finite or
overflowing number is refused with its position), references are logical ids of this template.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from advisor.errors import InvalidInput, Location
from advisor.lint.inputs.common import as_number
from advisor.lint.model import Pos
from advisor.lint.positions import PDict, PList, Tagged

# The most resources Fn::ForEach may expand to, and the most conditions whose combinations are read.
MAX_EXPANDED = 2_000
MAX_CONDITIONS = 3
_CHAIN = 16  # Ref -> parameter default -> FindInMap -> ... is followed this many steps at most

_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9_:]+)(?:\.([A-Za-z0-9_.]+))?\}")
_ALNUM = re.compile(r"[^A-Za-z0-9]")


def intrinsic(value: Any) -> tuple[str | None, Any]:
    """``("Ref", arg)``, ``("Fn::If", arg)``... for a short-form tag or a one-key ``Fn::`` mapping."""
    if isinstance(value, Tagged):
        tag = value.tag
        if tag in ("Ref", "Condition"):
            return tag, value.value
        return (tag if tag.startswith("Fn::") else f"Fn::{tag}"), value.value
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref" or key == "Condition" or (isinstance(key, str) and key.startswith("Fn::")):
            return key, arg
    return None, None


def short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


class Template:
    """One template under one assumption about its conditions (``assume``: condition name -> value)."""

    def __init__(self, data: PDict, name: str, assume: dict[str, bool] | None = None,
                 resources: PDict | None = None, skipped: list[tuple[str, Pos]] | None = None):
        self.data = data
        self.name = name
        self.assume = dict(assume or {})
        params = data.get("Parameters")
        self.parameters: dict[str, Any] = params if isinstance(params, dict) else {}
        maps = data.get("Mappings")
        self.mappings: dict[str, Any] = maps if isinstance(maps, dict) else {}
        conds = data.get("Conditions")
        self.conditions: dict[str, Any] = conds if isinstance(conds, dict) else {}
        self.notes: list[str] = []  # grows while values are read; a reader slices it per setting
        self.skipped: list[tuple[str, Pos]] = skipped if skipped is not None else []
        self._evaluating: set[str] = set()
        if resources is None:
            written = data.get("Resources")
            if not isinstance(written, PDict):
                raise InvalidInput("Resources must be a mapping of logical ids to resources",
                                   location=Location(name, *data.keypos.get("Resources", (1, 1)), "Resources"))
            self.all_resources = written  # parameters and resources never share a name
            resources = check_resources(expand_resources(self, check_resources(written, name)), name)
        self.all_resources = resources
        # resources whose own Condition is false in this variant do not exist
        self.resources = PDict()
        self.resources.start = resources.start
        for logical, res in resources.items():
            cond = res.get("Condition") if isinstance(res, dict) else None
            if isinstance(cond, str) and self.condition(cond) is False:
                continue
            self.resources[logical] = res
            self.resources.keypos[logical] = resources.keypos[logical]

    # ----- positions --------------------------------------------------------------------------------
    def pos(self, container: Any, key: Any, fallback: Pos = (1, 1)) -> Pos:
        if isinstance(container, PDict):
            return container.keypos.get(key, container.start)
        return fallback

    def where(self, container: Any, key: Any) -> Location:
        line, col = self.pos(container, key)
        return Location(self.name, line, col, str(key))

    # ----- conditions -------------------------------------------------------------------------------
    def condition(self, name: str) -> bool | None:
        """The value of a named condition: assumed in this variant, else evaluated from parameter defaults."""
        if name in self.assume:
            return self.assume[name]
        if name not in self.conditions or name in self._evaluating:
            return None
        self._evaluating.add(name)
        try:
            return self._evaluate(self.conditions[name])
        finally:
            self._evaluating.discard(name)

    def _evaluate(self, node: Any) -> bool | None:
        fn, arg = intrinsic(node)
        if fn == "Condition" and isinstance(arg, str):
            return self.condition(arg)
        if fn == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
            a, b = (self.resolve(x) for x in arg)
            if isinstance(a, (str, int, float, bool)) and isinstance(b, (str, int, float, bool)):
                return str(a).lower() == str(b).lower() if isinstance(a, bool) or isinstance(b, bool) \
                    else str(a) == str(b)
            return None
        if fn == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
            inner = self._evaluate(arg[0])
            return None if inner is None else not inner
        if fn in ("Fn::And", "Fn::Or") and isinstance(arg, list) and arg:
            values = [self._evaluate(x) for x in arg]
            if fn == "Fn::And":
                return False if False in values else (None if None in values else True)
            return True if True in values else (None if None in values else False)
        if isinstance(node, bool):
            return node
        return None

    # ----- values -----------------------------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        """The value CloudFormation would use, as far as it is known (see the module docstring)."""
        for _ in range(_CHAIN):
            fn, arg = intrinsic(value)
            if fn is None:
                return value
            if fn == "Ref":
                if arg == "AWS::NoValue":
                    return None
                if isinstance(arg, str) and arg not in self.all_resources and isinstance(
                        self.parameters.get(arg), dict) and "Default" in self.parameters[arg]:
                    default = self.parameters[arg]["Default"]
                    self.notes.append(f"assuming the default of parameter {arg} ({short(default)})")
                    value = default
                    continue
                return value
            if fn == "Fn::If":
                if not (isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str)):
                    return None
                chosen = self.condition(arg[0])
                if chosen is None:
                    self.notes.append(f"assuming condition {arg[0]} is true")
                    chosen = True
                value = arg[1] if chosen else arg[2]
                continue
            if fn == "Fn::FindInMap":
                found = self._find_in_map(arg)
                if found is _MISSING:
                    return value
                value = found
                continue
            return value
        return value

    def _find_in_map(self, arg: Any) -> Any:
        if not (isinstance(arg, list) and len(arg) >= 3):
            return _MISSING
        table = self.mappings.get(self.resolve(arg[0])) if isinstance(self.resolve(arg[0]), str) else None
        if not isinstance(table, dict):
            return _MISSING
        top, second = self.resolve(arg[1]), self.resolve(arg[2])
        if not isinstance(second, str):
            return _MISSING
        if isinstance(top, str) and isinstance(table.get(top), dict) and second in table[top]:
            return table[top][second]
        # the top key is not known here (often AWS::Region): usable only when every entry agrees
        values = [entry.get(second) for entry in table.values() if isinstance(entry, dict)]
        if values and all(v == values[0] for v in values) and values[0] is not None:
            self.notes.append(f"every entry of mapping {arg[0]} has {second} {short(values[0])}")
            return values[0]
        return _MISSING

    def get(self, container: Any, key: str) -> Any:
        """``container[key]`` resolved; ``None`` when the container is not a mapping or the key is absent."""
        if not isinstance(container, dict):
            return None
        return self.resolve(container.get(key))

    def mapping(self, container: Any, key: str) -> PDict | None:
        """A property that holds a mapping, written as YAML/JSON or as a JSON string (``!Sub '{...}'``)."""
        value = self.get(container, key)
        if intrinsic(value)[0] is None and isinstance(value, PDict):
            return value
        if intrinsic(value)[0] is None and isinstance(value, dict):  # a plain dict (parsed JSON)
            return _positioned(value, self.pos(container, key))
        text = self.template_text(value)
        if text is None or "{" not in text:
            return None
        parsed = parse_json_text(text)
        return _positioned(parsed, self.pos(container, key)) if isinstance(parsed, dict) else None

    def items(self, container: Any, key: str) -> list[tuple[Any, Pos]]:
        """The items of a list property (``Fn::If`` items resolved, ``AWS::NoValue`` items dropped)."""
        value = self.get(container, key)
        if isinstance(value, PList):
            out = []
            for item, pos in zip(value, value.itempos, strict=False):
                item = self.resolve(item)
                if item is not None:
                    out.append((item, pos))
            return out
        if value is None:
            return []
        if isinstance(value, str) or intrinsic(value)[0] is not None:
            return [(value, self.pos(container, key))]
        return []

    def number(self, container: Any, key: str) -> float | None:
        """A numeric property as a finite float; ``None`` when absent or not a number (an unresolved Ref).

        A number no rule could compare (``.inf``, ``.nan``, an integer beyond float range) is refused."""
        value = self.get(container, key)
        number = as_number(value)
        if number is None:
            return None
        if not math.isfinite(number):
            raise InvalidInput(f"{key}: expected a finite number, got {short(str(value))}",
                               location=self.where(container, key))
        return number

    def boolean(self, container: Any, key: str) -> bool | None:
        value = self.get(container, key)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return None

    def text(self, container: Any, key: str) -> str | None:
        """A string property; for ``!Sub`` its template text (``${AWS::StackName}-jobs.fifo``)."""
        return self.template_text(self.get(container, key))

    def template_text(self, value: Any) -> str | None:
        value = self.resolve(value)
        if isinstance(value, str):
            return value
        fn, arg = intrinsic(value)
        if fn == "Fn::Sub":
            if isinstance(arg, str):
                return arg
            if isinstance(arg, list) and arg and isinstance(arg[0], str):
                return arg[0]
        if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) \
                and isinstance(arg[1], list):
            parts = []
            for part in arg[1]:
                part = self.resolve(part)
                if isinstance(part, (str, int, float)) and not isinstance(part, bool):
                    parts.append(str(part))
                else:
                    target = self.ref(part)
                    parts.append(f"${{{target}}}" if target else "${?}")
            return arg[0].join(parts)
        return None

    # ----- references -------------------------------------------------------------------------------
    def type_of(self, logical: str | None) -> str | None:
        res = self.resources.get(logical) if isinstance(logical, str) else None
        rtype = res.get("Type") if isinstance(res, dict) else None
        return rtype if isinstance(rtype, str) else None

    def ref(self, value: Any) -> str | None:
        """The logical id a Ref/GetAtt/Sub (short or long form) points at, if it is in this template.

        Anything malformed (``!Ref [a]``, ``!GetAtt {}``) is simply no reference."""
        value = self.resolve(value)
        target: Any = None
        fn, arg = intrinsic(value)
        if fn == "Ref":
            target = arg
        elif fn == "Fn::GetAtt":
            if isinstance(arg, str):
                target = arg.split(".")[0]
            elif isinstance(arg, list) and arg:
                target = arg[0]
        elif fn == "Fn::Sub":
            text = arg if isinstance(arg, str) else (arg[0] if isinstance(arg, list) and arg else None)
            target = _sub_target(text) if isinstance(text, str) else None
        elif fn == "Fn::Join":
            text = self.template_text(value)
            target = _sub_target(text) if text else None
        elif isinstance(value, str):
            target = value
        if not isinstance(target, str):
            return None
        # SAM's `!Ref Function.Alias` / `.Version` name the function's alias or version
        base = target.split(".")[0] if "." in target else target
        return base if base in self.resources else None


_MISSING = object()


def _sub_target(text: str) -> str | None:
    names = {m.group(1) for m in _SUB_NAME.finditer(text) if not m.group(1).startswith("AWS::")}
    return next(iter(names)) if len(names) == 1 else None


_MARK = "\u0000ref:"
_MARKED = re.compile("\u0000ref:([A-Za-z0-9_:]+)")


def parse_json_text(text: str) -> Any:
    """JSON written in a template string, with ``${X}`` / ``${X.Arn}`` placeholders kept as references."""
    def mark(m: re.Match) -> str:
        return f"{_MARK}{m.group(1)}"

    marked = _SUB_NAME.sub(mark, text)
    for attempt in (marked, re.sub(f"(?<!\")({re.escape(_MARK)}[A-Za-z0-9_:]+)", r'"\1"', marked)):
        try:
            return _unmark(json.loads(attempt, strict=False))
        except (ValueError, RecursionError):
            continue
    return None


def _unmark(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _unmark(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_unmark(v) for v in node]
    if isinstance(node, str) and _MARK in node:
        whole = _MARKED.fullmatch(node)
        if whole:
            return Tagged("Ref", whole.group(1))
        return Tagged("Sub", _MARKED.sub(r"${\1}", node))
    return node


def _positioned(node: Any, pos: Pos) -> Any:
    """Plain dicts/lists as PDict/PList whose every key is at ``pos`` (where the JSON string was)."""
    if isinstance(node, dict) and not isinstance(node, PDict):
        out = PDict()
        out.start = pos
        for k, v in node.items():
            out[k] = _positioned(v, pos)
            out.keypos[k] = pos
        return out
    if isinstance(node, list) and not isinstance(node, PList):
        seq = PList()
        seq.start = pos
        for v in node:
            seq.append(_positioned(v, pos))
            seq.itempos.append(pos)
        return seq
    return node


# ----- Resources: shape checks and Fn::ForEach ------------------------------------------------------


def check_resources(res: PDict, name: str) -> PDict:
    """Refuse logical ids that are not names, resources that are not mappings and a ``Type`` that is not a
    string (an object, a list, a Rain module tag), each with its position."""
    for logical, body in res.items():
        pos = res.keypos[logical]
        if not isinstance(logical, str):
            raise InvalidInput(f"expected a logical id (a name), got {short(str(logical))}",
                               location=Location(name, pos[0], pos[1], "Resources"))
        if logical.startswith("Fn::ForEach::"):
            continue
        if not isinstance(body, PDict):
            raise InvalidInput(f"resource {logical!r} must be a mapping with a Type",
                               location=Location(name, pos[0], pos[1], f"Resources.{logical}"))
        rtype = body.get("Type")
        if "Type" in body and not isinstance(rtype, str):
            where = body.keypos.get("Type", pos)
            hint = "a Rain module? package the template first (rain pkg)" if isinstance(rtype, Tagged) \
                and str(rtype.tag).startswith("Rain") else None
            raise InvalidInput(f"resource {logical!r}: Type must be a string such as AWS::SQS::Queue, "
                               f"got {_kind(rtype)}", location=Location(name, where[0], where[1],
                                                                       f"Resources.{logical}.Type"),
                               hint=hint)
    return res


def _kind(value: Any) -> str:
    if isinstance(value, Tagged):
        return f"!{value.tag} {short(str(value.value))}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return short(str(value))


def expand_resources(tpl: Template, resources: PDict) -> PDict:
    """``Resources`` with every ``Fn::ForEach::Name`` expanded (or skipped with a note)."""
    if not any(isinstance(k, str) and k.startswith("Fn::ForEach::") for k in resources):
        return resources
    out = PDict()
    out.start = resources.start
    budget = [MAX_EXPANDED]
    for logical, body in resources.items():
        pos = resources.keypos[logical]
        if logical.startswith("Fn::ForEach::"):
            for key, value, kpos in _for_each(tpl, logical, body, pos, {}, budget):
                if key in out:
                    raise InvalidInput(f"Fn::ForEach makes a second resource named {key!r}",
                                       location=Location(tpl.name, kpos[0], kpos[1], logical))
                out[key] = value
                out.keypos[key] = kpos
            continue
        out[logical] = body
        out.keypos[logical] = pos
    return out


def _for_each(tpl: Template, loop: str, body: Any, pos: Pos, bound: dict[str, str], budget: list[int]):
    if not (isinstance(body, PList) and len(body) == 3 and isinstance(body[0], str)
            and isinstance(body[2], PDict)):
        tpl.skipped.append((f"{loop}: expected [Identifier, Collection, {{OutputKey: Body}}]; not read", pos))
        return
    ident, collection, fragment = body[0], body[1], body[2]
    values = _collection(tpl, _substitute(collection, bound))
    if values is None:
        tpl.skipped.append((f"{loop}: its collection is not a list mqadvise can resolve (a parameter without "
                            "a default, or an output of another stack); its resources were not checked", pos))
        return
    for item in values:
        names = {**bound, ident: item}
        for key, value in fragment.items():
            kpos = fragment.keypos.get(key, pos)
            if not isinstance(key, str):
                continue
            if key.startswith("Fn::ForEach::"):
                yield from _for_each(tpl, key, value, kpos, names, budget)
                continue
            budget[0] -= 1
            if budget[0] < 0:
                tpl.skipped.append((f"{loop}: expands to more than {MAX_EXPANDED} resources; the rest were "
                                    "not checked", pos))
                return
            yield _substitute_text(key, names), _substitute(value, names), kpos


def _collection(tpl: Template, value: Any) -> list[str] | None:
    value = tpl.resolve(value)
    if isinstance(value, str):  # a CommaDelimitedList parameter's default
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        out = []
        for item in value:
            item = tpl.resolve(item)
            if not isinstance(item, (str, int, float)) or isinstance(item, bool):
                return None
            out.append(str(item))
        return out
    return None


def _substitute_text(text: str, names: dict[str, str]) -> str:
    for ident, item in names.items():
        text = text.replace(f"${{{ident}}}", item).replace(f"&{{{ident}}}", _ALNUM.sub("", item))
    return text


def _substitute(node: Any, names: dict[str, str]) -> Any:
    """A copy of ``node`` with the loop identifiers replaced (positions kept)."""
    if not names:
        return node
    if isinstance(node, PDict):
        out = PDict()
        out.start = node.start
        for k, v in node.items():
            key = _substitute_text(k, names) if isinstance(k, str) else k
            out[key] = _substitute(v, names)
            out.keypos[key] = node.keypos.get(k, node.start)
        if len(out) == 1 and out.get("Ref") in names:
            return names[out["Ref"]]
        return out
    if isinstance(node, PList):
        seq = PList()
        seq.start = node.start
        seq.extend(_substitute(v, names) for v in node)
        seq.itempos = list(node.itempos)
        return seq
    if isinstance(node, Tagged):
        if node.tag == "Ref" and node.value in names:
            return names[node.value]
        return Tagged(node.tag, _substitute(node.value, names))
    if isinstance(node, str):
        return _substitute_text(node, names)
    return node


# ----- the conditions a template's messaging resources depend on --------------------------------------


def condition_names(data: PDict, resources: PDict, types: set[str]) -> list[str]:
    """Named conditions used by the resources of ``types`` (their ``Condition`` or an ``Fn::If``), in order."""
    conds = data.get("Conditions")
    defined = conds if isinstance(conds, dict) else {}
    found: list[str] = []

    def add(name: Any, seen: frozenset = frozenset()) -> None:
        if not isinstance(name, str) or name not in defined or name in found or name in seen:
            return
        # a condition built from other conditions (Fn::Not [{Condition: Prod}]) is evaluated from them, so
        # that no impossible combination (Prod and not Prod) is read
        inner = _condition_refs(defined[name])
        if inner:
            for other in inner:
                add(other, seen | {name})
            return
        found.append(name)

    for body in resources.values():
        if not isinstance(body, dict) or body.get("Type") not in types:
            continue
        add(body.get("Condition"))
        stack = [body.get("Properties")]
        while stack:
            node = stack.pop()
            fn, arg = intrinsic(node)
            if fn == "Fn::If" and isinstance(arg, list) and arg:
                add(arg[0])
            if isinstance(node, Tagged):
                stack.append(node.value)
            elif isinstance(node, dict):
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return found


def _condition_refs(node: Any) -> list[str]:
    out: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        fn, arg = intrinsic(item)
        if fn == "Condition" and isinstance(arg, str):
            out.append(arg)
            continue
        if isinstance(item, Tagged):
            stack.append(item.value)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out
