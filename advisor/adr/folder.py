"""Where the ADRs live, which files are ADRs, and the next free number."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from advisor.errors import InvalidInput, Location

#: Folders searched, in this order, when neither --dir nor an adr-tools ``.adr-dir`` names one.
CANDIDATES = ("docs/decisions", "docs/adr", "doc/adr")
DEFAULT = "docs/decisions"

#: ``0007-use-sqs.md``, ``adr-007-use-sqs.md`` (arachne), ``adr007-use-sqs.md`` (backstage): a sequence
#: number (1-5 digits), a dash, a slug. log4brains-style date prefixes (``20240101-x.md``) are ADRs too but
#: carry no sequence number.
FILE_RE = re.compile(r"^(?P<lead>adr-?)?(?P<prefix>\d{1,14})-(?P<slug>[^/\\]{1,250})\.md$", re.IGNORECASE)
MAX_SEQUENCE_DIGITS = 5
DATE_DIGITS = 8
LOG4BRAINS_CONFIG = ".log4brains.yml"


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
        l4b = base / LOG4BRAINS_CONFIG
        if l4b.is_file():
            project = _log4brains_config(l4b)
            folder = project.get("adrFolder") if isinstance(project, dict) else None
            if isinstance(folder, str) and folder.strip():
                return _relative(base / folder, root)
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


def is_adr_name(name: str) -> bool:
    """A numbered record (any of the layouts of :data:`FILE_RE`) or a log4brains ``YYYYMMDD-slug.md``."""
    m = FILE_RE.match(name)
    if not m or name.startswith("."):
        return False
    digits = len(m.group("prefix"))
    return digits <= MAX_SEQUENCE_DIGITS or (digits == DATE_DIGITS and not m.group("lead"))


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
    files = [folder / n for n in names if is_adr_name(n) and _is_file(folder / n)]
    return sorted(files, key=lambda p: (sequence_number(p.name) is None, sequence_number(p.name) or 0, p.name))


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:          # a name the OS refuses to stat (too long, odd bytes)
        return False


def stray_markdown(folder: Path) -> list[str]:
    """Markdown files of the folder that are not records (``README.md``, ``index.md``, templates, others)."""
    try:
        names = sorted(p.name for p in Path(folder).iterdir())
    except OSError:
        return []
    return [n for n in names if n.lower().endswith(".md") and not is_adr_name(n) and not n.startswith(".")]


def _log4brains_config(path: Path) -> dict:
    from advisor import yamlio

    try:
        doc = yamlio.load_text(yamlio.read_text(path, max_bytes=256 * 1024), str(path))
    except InvalidInput:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError) as exc:
        raise InvalidInput(f"cannot read the log4brains configuration: {exc}", location=Location(str(path))) from None
    data = yamlio.to_plain(doc.data)
    project = data.get("project") if isinstance(data, dict) else None
    return project if isinstance(project, dict) else {}


def log4brains_project(folder: Path) -> tuple[Path, dict] | None:
    """The ``.log4brains.yml`` whose ``adrFolder`` is ``folder`` (searched upwards), with its project."""
    folder = Path(folder)
    try:
        real = folder.resolve()
    except OSError:
        return None
    for base in (real, *real.parents):
        cfg = base / LOG4BRAINS_CONFIG
        if cfg.is_file():
            project = _log4brains_config(cfg)
            named = project.get("adrFolder")
            if isinstance(named, str) and (base / named).resolve() == real:
                return base, project
            return None
    return None


def log4brains_packages(folder: Path) -> list[tuple[str, Path]] | None:
    """``(name, folder)`` of every package of the log4brains project whose main log is ``folder``; None when
    ``folder`` is not a log4brains log."""
    found = log4brains_project(folder)
    if found is None:
        return None
    base, project = found
    out = []
    for pkg in project.get("packages") or []:
        if isinstance(pkg, dict) and isinstance(pkg.get("name"), str) and isinstance(pkg.get("adrFolder"), str):
            out.append((pkg["name"], base / pkg["adrFolder"]))
    return out


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
