"""Small pieces of sentence assembly that went wrong when done inline: an aside in parentheses built
from parts that may be empty ("( )"), and a name used as a possessive ("events's")."""

from __future__ import annotations


def aside(*parts: str | None) -> str:
    """' (a b)' from the non-empty parts, or '' when there are none - never an empty '( )'."""
    words = [p.strip() for p in parts if p and p.strip()]
    return f" ({' '.join(words)})" if words else ""


def listed(names: list[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (each name once, in order); '' for none."""
    unique = list(dict.fromkeys(names))
    if len(unique) < 2:
        return "".join(unique)
    return ", ".join(unique[:-1]) + f" {conjunction} " + unique[-1]


def possessive(name: str) -> str:
    """'queue's', but 'events'' - a name ending in s takes the apostrophe alone."""
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"
