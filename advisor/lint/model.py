"""The flow graph a lint run checks: components, channels and flows, each with the position of every key.

Both input kinds (architecture files, CloudFormation/SAM templates) are mapped to this model, so every
rule is written once. Positions are 1-based (line, column) in the file the element came from; for a
template, a channel's key positions point at the resource property that set it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from advisor.knowledge.base import Option

Pos = tuple[int, int]


@dataclass
class Element:
    """A component, channel or flow. ``settings`` are its keys (snake_case, as in the contract)."""

    kind: str  # "component" | "channel" | "flow"
    id: str  # component/channel name, or "flows[3]" for a flow
    settings: dict[str, Any]
    pos: Pos  # where the element is declared (its key, or its list item)
    keypos: dict[str, Pos] = field(default_factory=dict)
    ignores: dict[str, tuple[str, Pos]] = field(default_factory=dict)  # code -> (reason, position)
    label: str | None = None  # how a person names it (a template's logical id and type)
    # template input: the property a setting came from and how many of its units make one of ours
    # ("retention_days" -> ("MessageRetentionPeriod", 86400)); shared tables, never copied per element
    terms: dict[str, tuple[str, float]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # setting -> what was assumed to read it

    def get(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)

    def at(self, *keys: str) -> Pos:
        """Position of the first of ``keys`` that is present, else of the element itself."""
        for key in keys:
            if key in self.keypos:
                return self.keypos[key]
        return self.pos

    @property
    def path(self) -> str:
        """Stable path for fingerprints: 'channels.orders-queue', 'components.billing-fn', 'flows.a->b'."""
        return f"{self.kind}s.{self.id}"


@dataclass
class Component(Element):
    def __post_init__(self) -> None:
        self.type: str = str(self.settings.get("type", ""))


@dataclass
class Channel(Element):
    def __post_init__(self) -> None:
        self.service: str = str(self.settings.get("service", ""))
        v = self.settings.get("variant")
        self.variant: str | None = str(v) if v is not None else None

    @property
    def option(self) -> Option:
        return Option(self.service, self.variant)


@dataclass
class Flow(Element):
    def __post_init__(self) -> None:
        self.source: str = str(self.settings.get("from", ""))
        self.target: str = str(self.settings.get("to", ""))

    @property
    def path(self) -> str:
        return f"flows.{self.source}->{self.target}"


@dataclass
class Suppression:
    """An inline ``# mqadvise: ignore[CODE] reason`` comment or a ``lint: ignore`` entry."""

    code: str
    reason: str
    file: str
    line: int
    column: int
    scope: str  # "line" | "element" | "file"
    element: str | None = None  # element path for "element" scope
    used: bool = False


@dataclass
class FlowGraph:
    """One input file as the rules see it."""

    file: str
    input_kind: str  # "architecture" | "cloudformation"
    name: str
    components: dict[str, Component] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    flows: list[Flow] = field(default_factory=list)
    expectations: dict[str, Any] = field(default_factory=dict)
    expectations_pos: dict[str, Pos] = field(default_factory=dict)
    data_classification: str | None = None
    data_classification_pos: Pos | None = None
    environment: str | None = None
    top_pos: Pos = (1, 1)
    file_ignores: dict[str, tuple[str, Pos]] = field(default_factory=dict)
    suppressions: list[Suppression] = field(default_factory=list)
    conditions: dict[str, bool] = field(default_factory=dict)  # template conditions assumed for this graph
    skipped: list[tuple[str, Pos]] = field(default_factory=list)  # parts of the input that were not read

    # ----- lookups (built once; rules run in linear time over these) -------------------------
    def element(self, name: str) -> Component | Channel | None:
        return self.channels.get(name) or self.components.get(name)

    @cached_property
    def outgoing(self) -> dict[str, list[Flow]]:
        out: dict[str, list[Flow]] = {}
        for f in self.flows:
            out.setdefault(f.source, []).append(f)
        return out

    @cached_property
    def incoming(self) -> dict[str, list[Flow]]:
        inc: dict[str, list[Flow]] = {}
        for f in self.flows:
            inc.setdefault(f.target, []).append(f)
        return inc

    @cached_property
    def dead_letter_of(self) -> dict[str, list[Channel]]:
        """DLQ name -> the channels that redrive into it."""
        out: dict[str, list[Channel]] = {}
        for ch in self.channels.values():
            dlq = ch.get("dead_letter")
            if isinstance(dlq, str):
                out.setdefault(dlq, []).append(ch)
            targets = ch.get("targets_dead_letter")  # one DLQ for every target of a bus, rule or schedule
            if isinstance(targets, str):
                out.setdefault(targets, [])
        for el in (*self.flows, *self.components.values()):
            for key in ("dead_letter", "on_failure"):  # on_failure: Lambda/event source failure destinations
                dlq = el.get(key)
                if isinstance(dlq, str):
                    out.setdefault(dlq, [])
        return out

    def flow_dead_letter(self, flow: Flow) -> str | None:
        """The DLQ of a flow: its own, or the ``targets_dead_letter`` of the channel it leaves."""
        own = flow.get("dead_letter")
        if own:
            return str(own)
        src = self.channels.get(flow.source)
        shared = src.get("targets_dead_letter") if src is not None else None
        return str(shared) if shared else None

    def is_dead_letter(self, name: str) -> bool:
        return name in self.dead_letter_of

    def consumers(self, channel: str) -> list[tuple[Flow, Component | Channel]]:
        out = []
        for f in self.outgoing.get(channel, []):
            el = self.element(f.target)
            if el is not None:
                out.append((f, el))
        return out

    def producers(self, channel: str) -> list[tuple[Flow, Component | Channel]]:
        out = []
        for f in self.incoming.get(channel, []):
            el = self.element(f.source)
            if el is not None:
                out.append((f, el))
        return out

    def elements(self) -> Iterator[Element]:
        yield from self.components.values()
        yield from self.channels.values()
        yield from self.flows

    def to_networkx(self):
        """The flow graph as a networkx DiGraph (nodes: components and channels; edges: flows)."""
        import networkx as nx

        g = nx.DiGraph()
        g.add_nodes_from(self.components, kind="component")
        g.add_nodes_from(self.channels, kind="channel")
        known = g.nodes
        g.add_edges_from((f.source, f.target, {"flow": f}) for f in self.flows
                         if f.source in known and f.target in known)
        return g
