"""Where the ADRs live, which files are ADRs, and the next free number."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from advisor.errors import InvalidInput, Location

#: Folders searched, in this order, when neither --dir nor an adr-tools ``.adr-dir`` names one.
CANDIDATES = ("docs/decisions", "docs/adr", "doc/adr")
DEFAULT = "docs/decisions"

#: ``0007-use-sqs.md``: a sequence number (1-5 digits), a dash, a slug. log4brains-style date prefixes
#: (``20240101-x.md``) are ADRs too but carry no sequence number.
FILE_RE = re.compile(r"^(?P<prefix>\d+)-(?P<slug>[^/\\]+)\.md$")
MAX_SEQUENCE_DIGITS = 5


def find_adr_dir(root: Path | str = ".", override: Path | str | None = None) -> Path:
    """The ADR folder of the project at ``root``.

    ``override`` (``--dir``) wins; then the folder named in adr-tools' ``.adr-dir`` (searched from ``root``
    upwards, as adr-tools does); then the first existing of :data:`CANDIDATES`; else ``docs/decisions``.
    The folder need not exist yet.
    """
    root = Path(root)
    if override is not None:
        return Path(override)
    for base in (root.resolve(), *root.resolve().parents):
        marker = base / ".adr-dir"
        if marker.is_file():
            try:
                named = marker.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError) as exc:
                raise InvalidInput(f"cannot read the adr-tools marker: {exc}", location=Location(str(marker))) from None
            if not named or "\n" in named:
                raise InvalidInput("expected one folder name in .adr-dir", location=Location(str(marker), 1))
            found = base / named
            return _relative(found, root)
    for cand in CANDIDATES:
        if (root / cand).is_dir():
            return root / cand
    return root / DEFAULT


def _relative(path: Path, root: Path) -> Path:
    try:
        return root / path.resolve().relative_to(root.resolve())
    except ValueError:
        return path


def sequence_number(name: str) -> int | None:
    """The ADR number of a file name, or None (not an ADR file, or a date prefix)."""
    m = FILE_RE.match(name)
    if not m or len(m.group("prefix")) > MAX_SEQUENCE_DIGITS:
        return None
    return int(m.group("prefix"))


def adr_files(folder: Path) -> list[Path]:
    """The ADR files of a folder (``NNNN-slug.md``), sorted by number then name.

    Raises InvalidInput when the folder exists but is not a readable directory.
    """
    folder = Path(folder)
    if not folder.exists():
        return []
    if not folder.is_dir():
        raise InvalidInput("the ADR folder is not a directory", location=Location(str(folder)),
                           hint="pass --dir with the folder that holds your decision records")
    try:
        names = sorted(p.name for p in folder.iterdir())
    except OSError as exc:
        raise InvalidInput(f"cannot read the ADR folder: {exc.strerror or exc}",
                           location=Location(str(folder))) from None
    files = [folder / n for n in names if FILE_RE.match(n) and not n.startswith(".")]
    return sorted(files, key=lambda p: (sequence_number(p.name) is None, sequence_number(p.name) or 0, p.name))


def next_number(folder: Path) -> int:
    """One more than the highest sequence number in the folder (1 for an empty or new folder)."""
    numbers = [n for p in adr_files(folder) if (n := sequence_number(p.name)) is not None]
    return max(numbers, default=0) + 1


def kebab(title: str, *, max_length: int = 60) -> str:
    """``"Use SNS → SQS fan-out (v2)!"`` → ``"use-sns-sqs-fan-out-v2"``; ASCII, at most ``max_length``."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
    return slug or "decision"


def file_name(number: int, title: str) -> str:
    return f"{number:04d}-{kebab(title)}.md"
