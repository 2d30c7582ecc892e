"""Pydantic models of the knowledge files. `mqadvise knowledge check` and the loader validate with them."""

# No `from __future__ import annotations`: pydantic would compile every string annotation at import (cold start).

import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from advisor.knowledge import vocabulary as V

Url = str


def _check_url(url: str) -> str:
    if not (url.startswith("https://") and "." in url[8:] and " " not in url):
        raise ValueError(f"expected an https:// URL, got {url!r}")
    return url


class _Strict(BaseModel):
    # defer_build: a cold `advise` reads the compiled knowledge from its pickle cache and never validates,
    # so the validators are built only when YAML is compiled (knowledge check, a cache miss).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Fact(_Strict):
    """A value with its unit, the URL it was read from and the date it was read."""

    value: Any
    unit: str | None = None
    source: Url
    as_of: datetime.date
    status: Literal["confirmed", "unconfirmed", "inferred"] = "confirmed"  # inferred: an absence no page states
    note: str | None = None
    scope: str | None = None
    adjustable: bool | None = None
    entry_only: bool | None = None  # a quota on what producers write directly (Firehose Direct PUT), not on a source

    _check_source = field_validator("source")(classmethod(lambda cls, v: _check_url(v)))

    @model_validator(mode="after")
    def _figures_have_units(self) -> "Fact":
        value = self.value
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        table = isinstance(value, dict)
        if (numeric or table or value == "unlimited") and not self.unit:
            raise ValueError("a figure needs a unit")
        if table:
            if "other" not in value:
                raise ValueError("a per-Region table needs an 'other' entry for the remaining Regions")
            for region, number in value.items():
                if not isinstance(number, (int, float)) or isinstance(number, bool):
                    raise ValueError(f"per-Region value for {region!r} must be a number")
        return self

    def numeric(self, region: str | None = None) -> float | None:
        """The figure as a number; per-Region tables answer for ``region`` (best group if None)."""
        value = self.value
        if value == "unlimited":
            return float("inf")
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, dict):
            if region is None:
                return float(max(value.values()))
            return float(value.get(region, value["other"]))
        return None


def check_capability(name: str, fact: Fact) -> None:
    """Raise ValueError when a capability fact's value is not of its kind."""
    spec = V.CAPABILITIES.get(name)
    if spec is None:
        return
    kind, allowed = spec
    value = fact.value
    if kind == "enum":
        if value not in allowed:
            raise ValueError(f"{name}: {value!r} is not one of {', '.join(allowed)}")
    elif kind == "list":
        if not isinstance(value, list):
            raise ValueError(f"{name}: expected a list")
        if allowed is not None:
            bad = [v for v in value if v not in allowed]
            if bad:
                raise ValueError(f"{name}: {bad!r} not in {', '.join(allowed)}")
    elif kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{name}: expected true or false")
    elif kind == "text":
        if not isinstance(value, str):
            raise ValueError(f"{name}: expected text")
    elif kind == "time":
        if fact.unit not in V.TIME_UNITS:
            raise ValueError(f"{name}: unit must be one of {', '.join(V.TIME_UNITS)}")
        if fact.numeric() is None:
            raise ValueError(f"{name}: expected a number")
    elif kind == "size":
        if fact.unit not in V.SIZE_UNITS:
            raise ValueError(f"{name}: unit must be one of {', '.join(V.SIZE_UNITS)}")
        if fact.numeric() is None:
            raise ValueError(f"{name}: expected a number")
    elif kind == "rate":
        if fact.unit not in V.RATE_UNITS:
            raise ValueError(f"{name}: unit must be one of {', '.join(V.RATE_UNITS)}")
        if fact.numeric() is None:
            raise ValueError(f"{name}: expected a number, 'unlimited' or a per-Region table")


class Note(_Strict):
    """A sourced sentence: a limitation, an exam trap, a thing to watch."""

    text: str
    source: Url
    as_of: datetime.date

    _check_source = field_validator("source")(classmethod(lambda cls, v: _check_url(v)))


def _check_facts(facts: dict[str, Fact]) -> dict[str, Fact]:
    for name, fact in facts.items():
        check_capability(name, fact)
    return facts


class Edition(_Strict):
    """One of two products sold under one option (the Custom Event Bus beside the Classic bus). Its facts are the
    variant's facts named ``<edition id>.<fact>``, which replace the plain ones when a design needs the edition."""

    name: str
    needed_for: list[str] = Field(default_factory=list)  # requirements keys only this edition meets (ordering)
    hides: list[str] = Field(default_factory=list)  # the variant's facts that belong to the other product only
    # producers whose messages never reach this edition (AWS service events arrive on the default bus only),
    # and the edition a design is then built on instead
    unavailable_to: list[str] = Field(default_factory=list)
    instead: str | None = None
    priced: bool = True          # false: pricing.yaml's prices for the option are the other product's
    source: Url
    as_of: datetime.date
    note: str | None = None

    _check_source = field_validator("source")(classmethod(lambda cls, v: _check_url(v)))


class Variant(_Strict):
    name: str
    summary: str
    facts: dict[str, Fact] = Field(default_factory=dict)
    limitations: list[Note] = Field(default_factory=list)
    editions: dict[str, Edition] = Field(default_factory=dict)

    _facts = field_validator("facts")(classmethod(lambda cls, v: _check_facts(v)))

    @model_validator(mode="after")
    def _editions_name_editions(self) -> "Variant":
        for eid, ed in self.editions.items():
            if ed.instead is not None and ed.instead not in self.editions:
                raise ValueError(f"editions.{eid}.instead: {ed.instead!r} is not an edition of this variant")
        return self


class Service(_Strict):
    id: str
    name: str
    short_name: str
    summary: str
    docs: Url
    facts: dict[str, Fact]
    variants: dict[str, Variant] = Field(default_factory=dict)
    limitations: list[Note] = Field(default_factory=list)
    exam_traps: list[Note] = Field(default_factory=list)

    _check_docs = field_validator("docs")(classmethod(lambda cls, v: _check_url(v)))
    _facts = field_validator("facts")(classmethod(lambda cls, v: _check_facts(v)))

    @model_validator(mode="after")
    def _known_id_and_variants(self) -> "Service":
        if self.id not in V.SERVICE_IDS:
            raise ValueError(f"unknown service id {self.id!r}; expected one of {', '.join(V.SERVICE_IDS)}")
        expected = set(V.VARIANTS[self.id])
        got = set(self.variants)
        if got != expected:
            missing = sorted(expected - got)
            extra = sorted(got - expected)
            raise ValueError(f"variants of {self.id} must be exactly {sorted(expected)}; "
                             f"missing {missing}, unexpected {extra}")
        return self


class Relation(_Strict):
    """A typed edge between two nodes: service ids (optionally narrowed to variants) or external systems."""

    type: str
    source_node: str = Field(alias="from")
    target_node: str = Field(alias="to")
    from_variants: list[str] | None = None
    to_variants: list[str] | None = None
    summary: str
    code_changes: Literal["none", "minimal", "allowed"] | None = None
    protocols: list[str] | None = None
    # a migration that swaps the client library: the old library's own wire protocols, which go with it
    replaces_wire: list[str] | None = None
    producers: list[str] | None = None  # the producer kinds whose data the edge carries (None: whatever arrives)
    source: Url
    as_of: datetime.date

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)
    _check_source = field_validator("source")(classmethod(lambda cls, v: _check_url(v)))

    @field_validator("type")
    @classmethod
    def _edge_type(cls, v: str) -> str:
        if v not in V.EDGE_TYPES:
            raise ValueError(f"unknown relation type {v!r}; expected one of {', '.join(V.EDGE_TYPES)}")
        return v


class Endpoint(_Strict):
    """A node outside AWS messaging: a producer or consumer kind, an existing system (migration source), or an
    AWS service that sends its own events (source, the values of constraints.source_services)."""

    id: str
    role: Literal["producer", "consumer", "system", "source"]
    name: str
    summary: str
    protocols: list[str] = Field(default_factory=list)
    facts: dict[str, Fact] = Field(default_factory=dict)
    source: Url | None = None
    as_of: datetime.date | None = None


class Region(_Strict):
    """An AWS Region a requirements file may name (knowledge/regions.yaml)."""

    code: str = Field(pattern=r"^[a-z]{2}(-[a-z]+)+-\d+$")
    name: str


class RegionList(_Strict):
    source: Url
    as_of: datetime.date
    regions: list[Region]


class Pattern(_Strict):
    """A named composite design: a path of service nodes through the graph."""

    id: str
    name: str
    path: list[str]
    summary: str
    concern: Literal["messaging", "storage", "backup"] = "messaging"
    watch: list[Note] = Field(default_factory=list)


class _Documented(_Strict):
    """Knowledge that is not a fact but still rests on a page: its source, when it was read, how sure."""

    source: Url
    as_of: datetime.date
    status: Literal["confirmed", "unconfirmed", "inferred"] = "confirmed"

    _check_source = field_validator("source")(classmethod(lambda cls, v: _check_url(v)))


class TieBreak(_Documented):
    """A default AWS documents for choosing between designs that are otherwise equal."""

    id: str
    prefer: str                  # an option or service id (sqs:standard, kinesis-data-streams)
    over: list[str]
    when: dict[str, Any] = Field(default_factory=dict)  # answers the default is documented for: {"constraints.filtering": true}
    text: str                    # the documented default, in our words


class Workaround(_Documented):
    """A documented pattern that meets a requirement a service cannot meet by itself."""

    id: str
    name: str
    requirement: str             # the requirements key it answers (constraints.message_kib)
    applies_to: list[str]        # service or option ids
    summary: str
    cost: str                    # what the pattern adds (calls, storage, code)
    limit: Fact | None = None    # how far the pattern goes (2 GB for the claim-check)
    adds: list[str] = Field(default_factory=list)  # option ids the pattern brings into the design (a DLQ's queue)
    adds_as: str | None = None   # what the added services are for, as a design line names it (a DLQ per subscription)

    @property
    def role(self) -> str:
        """What the services this pattern adds are for, in a design's description."""
        return self.adds_as or self.name


class Choice(_Strict):
    value: Any
    label: str
    explanation: str
    example: str | None = None


class Question(_Strict):
    id: str
    key: str                     # dotted path in the requirements file
    prompt: str
    kind: Literal["choice", "multi", "number", "bool", "text"]
    explanation: str
    choices: list[Choice] = Field(default_factory=list)
    when: str | None = None      # a simple condition on earlier answers, e.g. "storage.enabled"
    unit: str | None = None
    example: str | None = None


# ----- study bank (knowledge/study/*.yaml) ------------------------------------------------------

STUDY_DOMAINS = ("secure", "resilient", "high-performing", "cost-optimized")  # the SAA-C03 domains


class StudyOption(_Strict):
    """One answer of a study item, with why it is right or wrong."""

    text: str
    correct: bool = False
    why: str


class StudyItem(_Strict):
    """A study question: a scenario with options, tagged with services, topic and exam domain."""

    id: str
    services: list[str] = Field(min_length=1)
    topic: str
    domain: Literal["secure", "resilient", "high-performing", "cost-optimized"]
    questions: list[str] = Field(default_factory=list)   # connection questions it practises
    stem: str
    choose: Literal[1, 2] = 1
    options: list[StudyOption] = Field(min_length=3, max_length=6)
    explanation: str | None = None
    sources: list[Url] = Field(min_length=1)
    facts: list[str] = Field(default_factory=list)        # fact ids it rests on (sqs.fifo.retention.max)
    as_of: datetime.date
    origin: Literal["authored", "generated"] = "authored"

    @field_validator("sources")
    @classmethod
    def _https_sources(cls, v: list[str]) -> list[str]:
        return [_check_url(u) for u in v]

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not v or any(not (c.isalnum() or c in "-_.:") for c in v) or v != v.lower():
            raise ValueError(f"item id {v!r} must be lowercase letters, digits and - _ . :")
        return v

    @model_validator(mode="after")
    def _answers(self) -> "StudyItem":
        right = sum(1 for o in self.options if o.correct)
        if right != self.choose:
            want = "exactly one correct option" if self.choose == 1 else "exactly two correct options (choose two)"
            raise ValueError(f"{want}, found {right}")
        texts = [" ".join(o.text.lower().split()) for o in self.options]
        if len(set(texts)) != len(texts):
            raise ValueError("two options have the same text")
        return self

    @property
    def correct_letters(self) -> list[str]:
        return [chr(65 + i) for i, o in enumerate(self.options) if o.correct]


# ----- pricing (knowledge/pricing.yaml) ---------------------------------------------------------

# Every price is given for these Region groups; `other` stands for the Regions not listed.
REGION_GROUPS = ("us-east-1", "eu-west-1", "ap-northeast-1", "other")
# Services priced beside the twelve the designs are made of: consumers (Lambda) and object writes (S3).
PRICED_EXTRAS = ("lambda", "s3")
# How a price unit names its quantity: "USD per million requests" is one price per 1,000,000 requests.
PRICE_SCALES = {"": 1, "1,000": 1_000, "100,000": 100_000, "million": 1_000_000}


def parse_price_unit(unit: str, currency: str) -> tuple[int, str]:
    """``"USD per million requests"`` -> (1000000, "requests"); ValueError when it is not of that form."""
    head = f"{currency} per "
    if not unit.startswith(head):
        raise ValueError(f"a price unit reads '{currency} per [million|1,000|100,000] <measure>', got {unit!r}")
    rest = unit[len(head):].strip()
    scale, _, measure = rest.partition(" ")
    if scale in PRICE_SCALES and scale and measure:
        return PRICE_SCALES[scale], measure.strip()
    if not rest:
        raise ValueError(f"price unit {unit!r} names no measure")
    return 1, rest


class BilledIn(_Strict):
    """The payload step a service bills in: 64 KiB for an SQS request, 5 KB for an IoT Core message."""

    value: float = Field(gt=0)
    unit: str

    @field_validator("unit")
    @classmethod
    def _size_unit(cls, v: str) -> str:
        if v not in V.SIZE_UNITS:
            raise ValueError(f"billed_in unit must be one of {', '.join(V.SIZE_UNITS)}")
        return v


def _region_table(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, dict)):
        raise ValueError("a price is a number or a per-Region-group table")
    if isinstance(value, dict):
        missing = [g for g in REGION_GROUPS if g not in value]
        if missing:
            raise ValueError(f"a price table needs the Region groups {', '.join(REGION_GROUPS)}; "
                             f"missing {', '.join(missing)}")
        for region, number in value.items():
            if isinstance(number, bool) or not isinstance(number, (int, float)) or number < 0:
                raise ValueError(f"price for {region!r} must be a number of at least 0")
    elif value < 0:
        raise ValueError("a price cannot be negative")
    return value


class PriceTier(_Strict):
    """A volume step of a price: the rate for the quantity a month above ``above`` (counted in the price's
    measure: requests, GB, GB-seconds), for example SQS standard requests beyond 100 billion."""

    above: float = Field(gt=0)
    value: Any
    status: Literal["confirmed", "unconfirmed"] = "unconfirmed"
    read_at: list[Url] = Field(default_factory=list)
    note: str | None = None

    _check_value = field_validator("value")(classmethod(lambda cls, v: _region_table(v)))
    _check_read_at = field_validator("read_at")(classmethod(lambda cls, v: [_check_url(u) for u in v]))


def _same_as_us_east_1(value: Any, groups: list[str], what: str) -> None:
    """An assumed Region group repeats the us-east-1 rate: that is the whole assumption, so it must hold."""
    if not isinstance(value, dict):
        return
    for group in groups:
        if value.get(group) != value.get("us-east-1"):
            raise ValueError(f"{what}: {group} is listed in 'assumed' (taken as the us-east-1 rate) but its rate "
                             f"{value.get(group)!r} differs from us-east-1's {value.get('us-east-1')!r}")


class Price(_Strict):
    """The unit price of one billed dimension, per Region group.

    ``assumed`` names the Region groups whose rate was not read on the pricing page and is taken as the
    us-east-1 rate; an estimate in one of them says so. ``status`` is about the rates that were read
    (``read_at`` says where); ``tiers`` are the volume steps after the first, or ``unknown`` when the page
    prices in steps the knowledge does not hold (the first-tier rate is then applied to every unit).
    """

    id: str
    service: str
    variants: list[str] | None = None     # None: every variant of the service
    dimension: str
    value: Any
    unit: str
    currency: str = "USD"
    billed_in: BilledIn | None = None
    monthly_cap: float | None = Field(default=None, gt=0)   # in currency, per resource and month
    tiers: list[PriceTier] | Literal["unknown"] | None = None
    assumed: list[str] = Field(default_factory=list)
    source: Url
    as_of: datetime.date
    status: Literal["confirmed", "unconfirmed"] = "confirmed"
    read_at: list[Url] = Field(default_factory=list)
    note: str | None = None

    _check_source = field_validator("source")(classmethod(lambda cls, v: _check_url(v)))
    _check_read_at = field_validator("read_at")(classmethod(lambda cls, v: [_check_url(u) for u in v]))
    _check_value = field_validator("value")(classmethod(lambda cls, v: _region_table(v)))

    @model_validator(mode="after")
    def _known_service_and_unit(self) -> "Price":
        if self.service not in V.SERVICE_IDS + PRICED_EXTRAS:
            raise ValueError(f"unknown service {self.service!r}; expected one of "
                             f"{', '.join(V.SERVICE_IDS + PRICED_EXTRAS)}")
        for variant in self.variants or []:
            if variant not in V.VARIANTS.get(self.service, ()):
                raise ValueError(f"{self.service} has no variant {variant!r}")
        parse_price_unit(self.unit, self.currency)
        return self

    @model_validator(mode="after")
    def _evidence(self) -> "Price":
        if self.status == "confirmed" and not self.read_at:
            raise ValueError(f"price {self.id} is confirmed but says nowhere where it was read (read_at)")
        for group in self.assumed:
            if group == "us-east-1" or not isinstance(self.value, dict) or group not in self.value:
                raise ValueError(f"price {self.id}: 'assumed' lists {group!r}, which is not another Region group "
                                 "of its value table")
        _same_as_us_east_1(self.value, self.assumed, f"price {self.id}")
        if isinstance(self.tiers, list):
            steps = [t.above for t in self.tiers]
            if steps != sorted(set(steps)):
                raise ValueError(f"price {self.id}: tiers must rise ('above' {steps})")
            for tier in self.tiers:
                if tier.status == "confirmed" and not tier.read_at:
                    raise ValueError(f"price {self.id}: the tier above {tier.above:g} is confirmed but has no "
                                     "read_at")
                _same_as_us_east_1(tier.value, self.assumed, f"price {self.id}, tier above {tier.above:g}")
        return self

    @property
    def per(self) -> int:
        return parse_price_unit(self.unit, self.currency)[0]

    @property
    def measure(self) -> str:
        return parse_price_unit(self.unit, self.currency)[1]

    def group(self, region: str | None) -> str:
        """The key of the value table that prices ``region``: the Region itself, else `other`."""
        region = region or "us-east-1"
        return region if isinstance(self.value, dict) and region in self.value else "other"

    def rate(self, region: str | None) -> float:
        """The price in ``region`` (us-east-1 when none is given; Regions not listed take `other`)."""
        if isinstance(self.value, dict):
            return float(self.value[self.group(region)])
        return float(self.value)

    def assumed_in(self, region: str | None) -> bool:
        """True when the rate used for ``region`` was not read but taken as the us-east-1 rate."""
        return isinstance(self.value, dict) and self.group(region) in self.assumed

    def steps(self, region: str | None) -> list[tuple[float, float]]:
        """(from quantity, rate per ``per`` units) for every volume tier, the first from 0."""
        out = [(0.0, self.rate(region))]
        for tier in self.tiers if isinstance(self.tiers, list) else []:
            value = tier.value
            rate = float(value.get(self.group(region), value["other"])) if isinstance(value, dict) else float(value)
            out.append((tier.above, rate))
        return out


class FreeTier(_Strict):
    """A monthly allowance that offsets one or more prices, kept apart from the prices themselves."""

    id: str
    applies_to: list[str] = Field(min_length=1)
    value: float = Field(ge=0)
    unit: str                      # "<measure> per month"
    term: Literal["always", "12-months"]
    source: Url
    as_of: datetime.date
    status: Literal["confirmed", "unconfirmed"] = "confirmed"
    read_at: list[Url] = Field(default_factory=list)
    note: str | None = None

    _check_source = field_validator("source")(classmethod(lambda cls, v: _check_url(v)))
    _check_read_at = field_validator("read_at")(classmethod(lambda cls, v: [_check_url(u) for u in v]))

    @model_validator(mode="after")
    def _evidence(self) -> "FreeTier":
        if self.status == "confirmed" and not self.read_at:
            raise ValueError(f"free tier {self.id} is confirmed but says nowhere where it was read (read_at)")
        return self

    @field_validator("unit")
    @classmethod
    def _monthly(cls, v: str) -> str:
        if not v.endswith(" per month") or not v.removesuffix(" per month").strip():
            raise ValueError(f"a free tier unit reads '<measure> per month', got {v!r}")
        return v

    @property
    def measure(self) -> str:
        return self.unit.removesuffix(" per month").strip()


class Pricing(_Strict):
    currency: str = "USD"
    prices: list[Price] = Field(default_factory=list)
    free_tiers: list[FreeTier] = Field(default_factory=list)
    figures: dict[str, Fact] = Field(default_factory=dict)   # capacity per unit, the month's hours

    def price(self, price_id: str) -> Price | None:
        # a plain scan: a cached index would survive model_copy(update={"prices": ...}) and go stale
        return next((p for p in self.prices if p.id == price_id), None)

    def figure(self, name: str) -> Fact | None:
        return self.figures.get(name)
