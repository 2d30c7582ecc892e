"""The graph builder the resource handlers share: elements, flows, endpoints and the settings they read.

A handler (``handlers_*.py``) is ``handler(b, logical, props, resource)``: it reads the resource's
properties through ``b.tpl`` (advisor.lint.inputs.cloudformation.template) and adds channels, components
and flows. Work that needs every resource first (an SAM event names a queue defined further down) is
queued with :meth:`Builder.later`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from advisor.lint.model import Channel, Component, Flow, FlowGraph, Pos
from advisor.lint.positions import PDict, plain

from .template import Template

FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")


class Settings:
    """The settings of one element being read: values, the position of the property each came from,
    and what was assumed to read it (a parameter's default, a condition)."""

    __slots__ = ("values", "keypos", "notes", "tpl")

    def __init__(self, tpl: Template):
        self.tpl = tpl
        self.values: dict[str, Any] = {}
        self.keypos: dict[str, Pos] = {}
        self.notes: dict[str, str] = {}

    def put(self, key: str, value: Any, pos: Pos, notes_from: int | None = None) -> None:
        if value is None:
            return
        self.values[key] = value
        self.keypos[key] = pos
        if notes_from is not None and len(self.tpl.notes) > notes_from:
            self.notes[key] = "; ".join(dict.fromkeys(self.tpl.notes[notes_from:]))

    def read(self, key: str, reader: Callable[[Any, str], Any], container: Any, prop: str,
             convert: Callable[[Any], Any] | None = None) -> Any:
        """``put(key, reader(container, prop))`` with the property's position and the notes of reading it."""
        if not isinstance(container, dict) or prop not in container:
            return None
        mark = len(self.tpl.notes)
        value = reader(container, prop)
        if value is not None and convert is not None:
            value = convert(value)
        self.put(key, value, self.tpl.pos(container, prop), mark)
        return value


class Builder:
    def __init__(self, tpl: Template, kb, base_dir: str | None):
        self.tpl = tpl
        self.kb = kb
        self.base_dir = base_dir  # the template's folder, for local DefinitionUri files (None: stdin)
        self.graph = FlowGraph(file=tpl.name, input_kind="cloudformation",
                               name=str(tpl.data.get("Description", "") or "template")[:80])
        self._later: list[Callable[[], None]] = []
        self.aliases: dict[str, str] = {}  # AWS::Lambda::Alias / Version logical id -> function logical id
        self.function_names: dict[str, str] = {}  # FunctionName text -> function logical id
        self.globals_function: dict | None = None  # SAM Globals.Function

    def later(self, job: Callable[[], None]) -> None:
        self._later.append(job)

    def run_later(self) -> None:
        while self._later:
            jobs, self._later = self._later, []
            for job in jobs:
                job()

    def settings(self) -> Settings:
        return Settings(self.tpl)

    # ----- elements ---------------------------------------------------------------------------------
    def _meta(self, logical: str) -> tuple[dict[str, Any], dict[str, Pos], dict[str, tuple[str, Pos]]]:
        """Resource ``Metadata: {mqadvise: {ignore: {...}, <settings>}}``."""
        res = self.tpl.resources.get(logical)
        meta = res.get("Metadata") if isinstance(res, dict) else None
        mq = meta.get("mqadvise") if isinstance(meta, PDict) else None
        if not isinstance(mq, PDict):
            return {}, {}, {}
        settings = {k: plain(v) for k, v in mq.items() if k != "ignore" and isinstance(k, str)}
        ignores = {}
        ign = mq.get("ignore")
        if isinstance(ign, PDict):
            ignores = {str(k).upper(): (str(v or "").strip(), ign.keypos[k]) for k, v in ign.items()}
        return settings, {k: v for k, v in mq.keypos.items() if isinstance(k, str)}, ignores

    def channel(self, logical: str, service: str, variant: str | None, s: Settings | None = None,
                terms: dict[str, tuple[str, float]] | None = None) -> Channel:
        s = s or self.settings()
        extra, extra_pos, ignores = self._meta(logical)
        settings = {"service": service, "variant": variant, **s.values, **extra}
        rtype = self.tpl.type_of(logical)
        ch = Channel("channel", logical, settings, self.tpl.resources.keypos[logical],
                     {**s.keypos, **extra_pos}, ignores, label=f"{logical} ({rtype})", terms=terms or {},
                     notes=s.notes)
        self.graph.channels[logical] = ch
        return ch

    def synthetic_channel(self, name: str, service: str, variant: str, settings: dict[str, Any], pos: Pos,
                          s: Settings | None = None, terms: dict[str, tuple[str, float]] | None = None) -> Channel:
        """A channel SAM creates from an event (``Fn.Events.Nightly`` is a rule or a schedule)."""
        values = {**settings, **(s.values if s else {})}
        ch = Channel("channel", name, {"service": service, "variant": variant, **values}, pos,
                     dict(s.keypos) if s else {}, {}, label=name, terms=terms or {},
                     notes=dict(s.notes) if s else {})
        self.graph.channels[name] = ch
        return ch

    def component(self, logical: str, ctype: str, s: Settings | None = None, pos: Pos | None = None,
                  terms: dict[str, tuple[str, float]] | None = None) -> Component:
        if logical in self.graph.components:
            comp = self.graph.components[logical]
            if s is not None:
                for k, v in s.values.items():
                    if k not in comp.settings:
                        comp.settings[k] = v
                        if k in s.keypos:
                            comp.keypos.setdefault(k, s.keypos[k])
                        if k in s.notes:
                            comp.notes.setdefault(k, s.notes[k])
            if terms and not comp.terms:
                comp.terms = terms
            return comp
        extra, extra_pos, ignores = ({}, {}, {})
        if logical in self.tpl.resources:
            extra, extra_pos, ignores = self._meta(logical)
            pos = pos or self.tpl.resources.keypos[logical]
        values = s.values if s else {}
        comp = Component("component", logical, {"type": ctype, **values, **extra}, pos or (1, 1),
                         {**(s.keypos if s else {}), **extra_pos}, ignores,
                         label=f"{logical} ({self.tpl.type_of(logical) or ctype})", terms=terms or {},
                         notes=dict(s.notes) if s else {})
        self.graph.components[logical] = comp
        return comp

    def flow(self, source: str, target: str, pos: Pos, s: Settings | None = None,
             ignores: dict[str, tuple[str, Pos]] | None = None,
             terms: dict[str, tuple[str, float]] | None = None) -> Flow:
        i = len(self.graph.flows)
        values = s.values if s else {}
        f = Flow("flow", f"flows[{i}]", {"from": source, "to": target, **values}, pos,
                 dict(s.keypos) if s else {}, ignores or {}, terms=terms or {},
                 notes=dict(s.notes) if s else {})
        self.graph.flows.append(f)
        return f

    def endpoint(self, value: Any, pos: Pos, hint: str = "application") -> str:
        """A flow end: a resource's logical id, or a component standing for something outside."""
        logical = self.function_of(value) or self.tpl.ref(value)
        if logical:
            rtype = self.tpl.type_of(logical)
            if rtype in FUNCTION_TYPES:
                self.component(logical, "lambda")
            elif rtype == "AWS::S3::Bucket":
                self.component(logical, "s3-bucket")
            elif rtype in ("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"):
                self.component(logical, "dynamodb-table")
            return logical
        text = self.tpl.template_text(value)
        label = text if text else "external"
        name = f"external:{label}"[:120]
        self.component(name, hint, pos=pos)
        return name

    def function_of(self, value: Any) -> str | None:
        """The function a FunctionName/Arn names: directly, through an alias or version, or by its name."""
        logical = self.tpl.ref(value)
        if logical in self.aliases:
            return self.aliases[logical]
        if logical and self.tpl.type_of(logical) in FUNCTION_TYPES:
            return logical
        text = self.tpl.template_text(value)
        if text:
            name = text.split(":function:")[-1].split(":")[0] if ":function:" in text else text.split(":")[0]
            return self.function_names.get(name)
        return None
