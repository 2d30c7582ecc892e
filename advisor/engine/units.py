"""Unit arithmetic for comparing a user's numbers with sourced figures (no AWS figures here)."""

from __future__ import annotations

from advisor.knowledge import vocabulary as V
from advisor.knowledge.schema import Fact


def seconds(fact: Fact, region: str | None = None) -> float | None:
    number = fact.numeric(region)
    if number is None or fact.unit not in V.TIME_UNITS:
        return None
    return number * V.TIME_UNITS[fact.unit]


def kib(fact: Fact, region: str | None = None) -> float | None:
    number = fact.numeric(region)
    if number is None or fact.unit not in V.SIZE_UNITS:
        return None
    return number * V.SIZE_UNITS[fact.unit]


def kib_per_second(fact: Fact, region: str | None = None) -> float | None:
    """A byte rate such as '5 MiB/second' in KiB per second."""
    number = fact.numeric(region)
    size, _, per = (fact.unit or "").partition("/")
    if number is None or per != "second" or size not in V.SIZE_UNITS:
        return None
    return number * V.SIZE_UNITS[size]


def number(value: float) -> str:
    if value == float("inf"):
        return "unlimited"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def figure(fact: Fact, region: str | None = None) -> str:
    """A fact as a person reads it: '14 days', '1 MiB', '24,000 messages/second in us-west-1'."""
    value = fact.value
    if value == "unlimited":
        return f"unlimited {fact.unit}" if fact.unit else "unlimited"
    if isinstance(value, dict):
        if region is not None:
            where = region if region in value else f"{region} (listed under other Regions)"
            return f"{number(fact.numeric(region))} {fact.unit} in {where}"
        best = max(value.values())
        return f"up to {number(best)} {fact.unit} (by Region; {number(value['other'])} in the smallest Regions)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if not fact.unit:
            return number(value)
        unit = fact.unit[:-1] if value == 1 and fact.unit in V.TIME_UNITS else fact.unit
        return f"{number(value)} {unit}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "none"
    return str(value)
