"""The base class of lint rules, the context they run in, and what they report."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from advisor.knowledge.base import FactRef, KnowledgeBase
    from advisor.lint.model import Channel, Element, FlowGraph

HEADINGS = ("What it checks", "Why", "Example", "Fix", "References")
OTHER_TOOLS = ("cfn-lint", "cdk-nag", "serverless-rules", "checkov")
_HEADING = re.compile(r"^(What it checks|Why|Example|Fix|References):\s*$")
_SECTIONS: dict[type, dict[str, str]] = {}


@dataclass
class Hit:
    """What a rule reports: the element, the key whose position the finding carries, a message."""

    element: Element | None
    message: str
    key: str | tuple[str, ...] | None = None
    hint: str | None = None
    facts: list[FactRef] = field(default_factory=list)
    discriminator: str = ""  # keeps fingerprints of two findings on the same key apart
    # other (element, setting) pairs the finding rests on, whose assumptions the message should name
    related: list[tuple[Element, str]] = field(default_factory=list)
    pos: tuple[int, int] | None = None  # where to report a finding that belongs to no element


class Context:
    """What a rule sees: the flow graph, the knowledge base and convenience look-ups."""

    def __init__(self, graph: FlowGraph, kb: KnowledgeBase, region: str | None = None):
        self.graph = graph
        self.kb = kb
        self.region = graph.expectations.get("region") or region
        self._facts: dict[tuple[str, str | None, str], FactRef | None] = {}

    def fact(self, channel: Channel | Any, name: str) -> FactRef | None:
        """A knowledge fact for a channel (its service and variant), or for an Option (memoised per run)."""
        key = (channel.service, channel.variant, name)
        try:
            return self._facts[key]
        except KeyError:
            pass
        from advisor.knowledge.base import Option

        ref = None
        svc = self.kb.services.get(key[0])
        if svc is not None and (key[1] is None or key[1] in svc.variants):
            ref = self.kb.fact(Option(key[0], key[1]), name)
        self._facts[key] = ref
        return ref

    def value(self, channel: Channel | Any, name: str, default: Any = None) -> Any:
        ref = self.fact(channel, name)
        return ref.fact.value if ref else default

    def seconds(self, ref: FactRef | None) -> float | None:
        from advisor.engine.units import seconds

        return seconds(ref.fact, self.region) if ref else None

    def kib(self, ref: FactRef | None) -> float | None:
        from advisor.engine.units import kib

        return kib(ref.fact, self.region) if ref else None

    def figure(self, ref: FactRef) -> str:
        from advisor.engine.units import figure

        return figure(ref.fact, self.region)

    def number(self, ref: FactRef | None) -> float | None:
        return ref.fact.numeric(self.region) if ref else None

    # ----- the input's own words ---------------------------------------------------------------
    @property
    def template(self) -> bool:
        return self.graph.input_kind == "cloudformation"

    def key(self, el: Element, key: str) -> str:
        """How the input names a setting: ``visibility_timeout_seconds``, or ``VisibilityTimeout``."""
        term = el.terms.get(key) if self.template else None
        return term[0] if term else key

    def amount(self, el: Element, key: str, value: float) -> str:
        """A value in the unit the input writes it in (MessageRetentionPeriod is in seconds, retention_days
        in days)."""
        term = el.terms.get(key) if self.template else None
        return fmt(value * term[1]) if term and term[1] else fmt(value)

    def setting(self, el: Element, key: str, value: float) -> str:
        """``retention_days 23.15`` / ``MessageRetentionPeriod 2000000``."""
        return f"{self.key(el, key)} {self.amount(el, key, value)}"

    def assign(self, el: Element, key: str, value: float) -> str:
        """``set visibility_timeout_seconds: 180`` / ``set VisibilityTimeout: 180`` (a value to paste)."""
        term = el.terms.get(key) if self.template else None
        value = value * term[1] if term and term[1] else value
        shown = str(int(value)) if float(value).is_integer() else f"{value:g}"
        return f"set {self.key(el, key)}: {shown}"

    def pick(self, architecture: str, cloudformation: str) -> str:
        return cloudformation if self.template else architecture


class LintRule:
    """Base class. Subclasses set the class attributes and implement :meth:`check`."""

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    default_severity: ClassVar[str] = "warning"  # error | warning | info
    inputs: ClassVar[tuple[str, ...]] = ("architecture", "cloudformation")
    # the same check in other tools, looked up in their rule lists (a tool left out: none found there)
    equivalents: ClassVar[dict[str, str]] = {}

    def check(self, ctx: Context) -> Iterable[Hit]:  # pragma: no cover - abstract
        raise NotImplementedError

    # ----- documentation, from the docstring ---------------------------------------------------
    @classmethod
    def sections(cls) -> dict[str, str]:
        """The docstring's sections (parsed once per rule: every finding asks for its help URI)."""
        cached = _SECTIONS.get(cls)
        if cached is None:
            cached = _SECTIONS[cls] = cls._parse_sections()
        return dict(cached)

    @classmethod
    def _parse_sections(cls) -> dict[str, str]:
        doc = inspect.cleandoc(cls.__doc__ or "")
        out: dict[str, str] = {}
        current = None
        summary: list[str] = []
        for line in doc.splitlines():
            m = _HEADING.match(line)
            if m:
                current = m.group(1)
                out[current] = ""
                continue
            if current is None:
                summary.append(line)
            else:
                out[current] += line + "\n"
        out = {k: inspect.cleandoc(v) for k, v in out.items()}
        out["summary"] = " ".join(s.strip() for s in summary if s.strip())
        return out

    @classmethod
    def headings(cls) -> list[str]:
        doc = inspect.cleandoc(cls.__doc__ or "")
        return [m.group(1) for line in doc.splitlines() if (m := _HEADING.match(line))]

    @classmethod
    def summary(cls) -> str:
        return cls.sections()["summary"]

    @classmethod
    def references(cls) -> list[str]:
        return re.findall(r"https://\S+", cls.sections().get("References", ""))

    @classmethod
    def help_uri(cls) -> str | None:
        refs = cls.references()
        return refs[0] if refs else None


def channels_of(ctx: Context, service: str, variant: str | None = None) -> Iterator[Channel]:
    for ch in ctx.graph.channels.values():
        if ch.service == service and (variant is None or ch.variant == variant):
            yield ch


POLLING_CONSUMERS = ("application", "container", "ec2", "on-premises")


def fmt(value: float) -> str:
    from advisor.engine.units import number

    return number(value)
