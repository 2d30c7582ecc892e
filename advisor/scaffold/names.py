"""Names from the requirements become identifiers, logical ids and file names only through these functions.

Every output is drawn from a small alphabet ([a-z0-9-], [a-z0-9_], [A-Za-z0-9]) so nothing a user writes can
close a string, start a statement, add a path separator or climb out of the output folder.
"""

from __future__ import annotations

import keyword
import re
import unicodedata

_MAX = 40


def slug(text: str, default: str = "app") -> str:
    """Lowercase a-z, 0-9 and single hyphens, starting with a letter: a project, stack or file name."""
    norm = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    out = re.sub(r"[^a-z0-9]+", "-", norm).strip("-")
    out = re.sub(r"^[0-9-]+", "", out)[:_MAX].strip("-")
    return out or default


def identifier(text: str, default: str = "app") -> str:
    """A Python identifier (module or package name): lowercase, underscores, never a keyword."""
    out = slug(text, default).replace("-", "_")
    if keyword.iskeyword(out) or keyword.issoftkeyword(out) or not out.isidentifier():
        out = f"{out}_app"
    return out


def logical_id(text: str, default: str = "Resource") -> str:
    """A CloudFormation logical id: alphanumeric CamelCase, starting with a letter, at most 64 characters."""
    parts = [p for p in slug(text, "").split("-") if p]
    out = "".join(p[:1].upper() + p[1:] for p in parts)[:64]
    return out if out[:1].isalpha() else default


def env_var(text: str) -> str:
    """An environment variable name: upper case letters, digits and underscores."""
    return identifier(text).upper()


def file_name(text: str, suffix: str = "", default: str = "file") -> str:
    """A single path component (no separators, no dots at the start)."""
    return slug(text, default) + suffix
