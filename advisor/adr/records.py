"""Read ADRs written by mqadvise and other tools, and change their status and links without damage.

Recognised layouts (``Record.style``):

``madr4`` / ``madr3``
    YAML front matter (``status``, ``date``, ``decision-makers`` or ``deciders``, ``consulted``,
    ``informed``); links between records are lines such as ``Supersedes [ADR-0004](0004-x.md)`` after
    the title, and the status of a superseded record reads ``superseded by ADR-0005``. A MADR 4 record
    may have no status at all (it is optional), or front matter with only site keys (Jekyll ``parent:``,
    ``nav_order:``).
``madr2`` / ``log4brains``
    a bullet list under the title (``* Status: accepted``, ``* Date: ...``, log4brains adds ``- Tags:``),
    possibly below Hugo/Jekyll front matter that holds the title (``title: "1. Name"``, ``weight:``);
    a superseded record's status reads ``superseded by [ADR-0005](0005-x.md)``; links may also be listed
    in a ``## Links`` section.
``nygard``
    adr-tools: ``# 1. Title``, ``Date: ...``, a ``## Status`` section whose first line is the status and
    whose following lines are links (``Supersedes [1. Title](0001-title.md)``, or any relation adr-tools'
    ``-l`` wrote: ``Amends [...]``).

Links are read only where records keep them: the front matter, the status (line or section), the
metadata lines right under the title and a ``## Links`` section; a sentence in the context that mentions
"superseded by [ADR-7](...)" is prose, not a link.

Edits are line based: only the status line is replaced and link lines are inserted; every other byte
(including line endings and front matter formatting) stays as it was.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from advisor.adr import mdscan
from advisor.adr.folder import adr_files, sequence_number
from advisor.errors import InvalidInput, Location, NotFound

STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded")
#: log4brains also knows ``draft``; MADR's own log and its status-field decision (0008) use ``on hold``.
VALID_STATUSES = (*STATUSES, "draft", "on hold")
SETTABLE_STATUSES = ("proposed", "accepted", "rejected", "deprecated")
MAX_BYTES = 1024 * 1024
MAX_FRONT_MATTER_LINES = 500
MAX_FRONT_MATTER_BYTES = 64 * 1024       # ruamel's pure-Python parser is slow on huge scalars
MAX_STATUS_CHARS = 60

LINK_RELATIONS = {
    "supersedes": "supersedes", "superseded by": "superseded-by",
    "amends": "amends", "amended by": "amended-by",
    "clarifies": "clarifies", "clarified by": "clarified-by",
}
#: ``Supersedes [label](href)``, ``* Amended by: [label](href)``, ``Relates to ADR-0004``: a relation of up
#: to four words before a link or an ADR reference. Bounded repetitions only (linear on any line).
_LINK_LINE = re.compile(r"^\s{0,8}(?:[-*+]\s{1,4})?(?P<rel>[A-Za-z][A-Za-z-]{0,30}(?: [A-Za-z-]{1,30}){0,3})"
                        r"\s{0,4}:?\s{0,4}(?P<rest>(?:\[|ADR[- ]?\d).*)$", re.IGNORECASE)
_ADR_REF = re.compile(r"\bADR[- ]?(\d{1,5})\b", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^\s{0,4}(\d{1,5})\.\s")
_HEADING_START = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.*)$")
_META = re.compile(r"^(?P<prefix>\s{0,3}[-*+]\s{1,4})(?P<key>status|date|deciders|decision-makers|decision makers|"
                   r"tags|technical story|consulted|informed)\s{0,4}:[ \t]*(?P<value>.*)$", re.IGNORECASE)
_DATE_LINE = re.compile(r"^date\s{0,4}:[ \t]*(?P<value>\S.*)$", re.IGNORECASE)
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.+\-Z]*)?$")
_STATUS_CUT = re.compile(r"[;,(\[|:.]| by | - | \u2014 | \u2013 ")
#: front matter keys that make a record MADR 3/4 (``date`` alone is also a Hugo/Jekyll page key)
_FM_ADR_KEYS = ("status", "decision-makers", "deciders", "consulted", "informed")
_MADR_HEADINGS = ("context and problem statement", "considered options", "decision outcome")


class _Heading:
    """``# Title #`` without a backtracking pattern (a lazy ``.*?`` before ``\\s*#*\\s*$`` is quadratic on long
    runs of blanks): the closing hashes and blanks are stripped in code."""

    @staticmethod
    def match(line: str):
        m = _HEADING_START.match(line)
        if not m:
            return None
        text = m.group("text").rstrip()
        stripped = text.rstrip("#")
        if stripped != text and (not stripped or stripped[-1] in " \t"):
            text = stripped.rstrip()
        return _HeadingMatch(m.group("hashes"), text)


@dataclass(frozen=True)
class _HeadingMatch:
    hashes: str
    text: str

    def group(self, name: str) -> str:
        return getattr(self, name)


_HEADING = _Heading()


@dataclass(frozen=True)
class Link:
    """A link from one record to another: ``relation`` is ``supersedes``, ``superseded-by``, ``amends``, ...

    ``text`` is the relation as written (``Amended by``); ``target`` the file the href names, resolved
    against the record's folder (None for a bare ``ADR-0045`` reference)."""

    relation: str
    label: str
    href: str | None
    number: int | None
    line: int
    text: str = ""
    target: Path | None = None
    hugo: bool = False


@dataclass
class Record:
    path: Path
    text: str
    number: int | None
    title: str
    style: str                       # madr4, madr3, madr2, log4brains, nygard, unknown
    status_raw: str | None = None
    status_line: int | None = None   # 1-based line of the status value
    status_where: str | None = None  # front-matter, bullet, section
    date: str | None = None
    front_matter: dict = field(default_factory=dict)
    front_matter_end: int = 0        # 0-based index of the line after the closing ---
    decision_makers: list[str] = field(default_factory=list)
    consulted: list[str] = field(default_factory=list)
    informed: list[str] = field(default_factory=list)
    headings: list[tuple[int, str, int]] = field(default_factory=list)   # (level, text, line)
    links: list[Link] = field(default_factory=list)
    title_line: int | None = None
    title_numbered: bool = False     # "# 1. Title" / title: "1. Title"
    title_in_front_matter: bool = False
    meta_prefix: str | None = None   # "* " or "- " of the metadata bullets
    meta_lines: list[int] = field(default_factory=list)
    links_section_end: int | None = None   # 0-based line after the last item of "## Links"
    package: str | None = None       # log4brains package

    @property
    def status(self) -> str | None:
        """The status (``accepted``, ``superseded``, ``on hold``, ...), lower case; None when there is none."""
        return normalise_status(self.status_raw)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def slug(self) -> str:
        """log4brains' id: the file name without ``.md``, after the package name (``core/20201002-x``)."""
        stem = self.path.name[:-3] if self.path.name.lower().endswith(".md") else self.path.name
        return f"{self.package}/{stem}" if self.package else stem

    @property
    def label(self) -> str:
        """How links name this record: ``4. Title`` for adr-tools records, the slug in log4brains logs,
        else ``ADR-0004: Title``."""
        title = _escape_label(self.title)
        if self.style == "log4brains" or (self.number is None and _DATE_PREFIX.match(self.path.name)):
            return self.slug
        if self.number is None:
            return title
        if self.style == "nygard":
            return f"{self.number}. {title}"
        return f"ADR-{self.number:04d}: {title}"

    def links_of(self, relation: str) -> list[Link]:
        return [lk for lk in self.links if lk.relation == relation]

    def as_json(self, *, content: bool = False) -> dict:
        out = {"number": self.number, "slug": self.slug, "title": self.title, "status": self.status,
               "status_text": self.status_raw, "date": self.date, "file": self.path.as_posix(),
               "style": self.style, "package": self.package,
               "decision_makers": self.decision_makers, "consulted": self.consulted, "informed": self.informed,
               "links": [{"relation": lk.relation, "text": lk.text, "label": lk.label, "href": lk.href,
                          "number": lk.number} for lk in self.links]}
        if content:
            out["content"] = self.text
        return out


_DATE_PREFIX = re.compile(r"^\d{8}-")


def normalise_status(raw: str | None) -> str | None:
    """``"Superseded by [2. X](...)"`` -> ``superseded``; ``"accepted; supersedes ADR-0045"`` -> ``accepted``;
    ``"on hold"`` and ``"Partly superseded by ADR-0014"`` keep their words (``on hold``, ``partly superseded``)."""
    if raw is None:
        return None
    text = mdscan.strip_comments(raw)[:MAX_STATUS_CHARS * 4]
    text = text.strip().strip("\"'").strip().lstrip("[{*_").strip()
    m = _STATUS_CUT.search(text)
    if m:
        text = text[:m.start()]
    text = " ".join(text.strip("*_ ").lower().split())[:MAX_STATUS_CHARS]
    if not text:
        return None
    if text == "superseded" or text.startswith("superseded "):
        return "superseded"
    return text


def _escape_label(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _people(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v is not None and str(v).strip()]
    value = _clean_value(str(value))
    return [p.strip() for p in value.split(",") if p.strip()]


def _clean_value(value: str) -> str:
    """A metadata value without ``<!-- comments -->``; ``[2020-06-15](url)`` read as its label."""
    value = mdscan.strip_comments(value).strip()
    return mdscan.link_texts(value).strip()


def _date_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = _clean_value(str(value)).strip("\"'")
    m = _ISO_DATE.match(text)
    return m.group(1) if m else (text or None)


def _target_number(label: str, href: str | None) -> int | None:
    if href:
        n = _href_number(href)
        if n is not None:
            return n
    m = _ADR_REF.search(label) or _LEADING_NUMBER.match(label)
    return int(m.group(1)) if m else None


@functools.lru_cache(maxsize=1024)
def _href_number(href: str) -> int | None:
    """The record number in a link's file name (cached: a status section can name one file 700 times a line)."""
    return sequence_number(Path(href.split("#", 1)[0]).name)


def _links_in(text: str, relation: str, line: int, base: Path, written: str = "") -> list[Link]:
    found = []
    last_hugo = text.rfind("{{")        # a link is Hugo's when a {{ follows its start (found once, not per link)
    targets: dict[str, Path | None] = {}
    for lk in mdscan.links(text):
        href = lk.href
        target = None
        if href and not re.match(r"^[a-z][a-z0-9+.-]*:", href, re.IGNORECASE):
            name = href.split("#", 1)[0]
            if name not in targets:
                try:
                    targets[name] = base / name
                except (ValueError, OSError):
                    targets[name] = None
            target = targets[name]
        found.append(Link(relation, lk.label, href, _target_number(lk.label, href), line, written or relation,
                          target, last_hugo >= lk.start))
    if not found:
        found = [Link(relation, f"ADR-{int(m.group(1)):04d}", None, int(m.group(1)), line, written or relation)
                 for m in _ADR_REF.finditer(text[:2000])]
    return found


def _relation_key(words: str) -> str:
    return LINK_RELATIONS.get(words.lower(), "-".join(words.lower().split()))


def status_links(raw: str, line: int, base: Path) -> list[Link]:
    """Links written inside a status value: ``superseded by [X](x.md)``, ``accepted; supersedes ADR-0045``."""
    out: list[Link] = []
    text = mdscan.strip_comments(raw)
    for part in text.split(";"):
        low = part.lower()
        for phrase in ("superseded by", "supersedes", "amended by", "amends", "clarified by", "clarifies"):
            at = low.find(phrase)
            if at >= 0:
                out += _links_in(part[at + len(phrase):], LINK_RELATIONS[phrase], line, base,
                                 part[at:at + len(phrase)].strip())
                break
    return out


def read_text_file(path: Path) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read the ADR: {exc.strerror or exc}", location=Location(str(path))) from None
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"the ADR is larger than {MAX_BYTES // 1024} KiB", location=Location(str(path)))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"the ADR is not UTF-8 text (byte {exc.start})", location=Location(str(path))) from None


def parse(text: str, path: Path | str = "<adr>") -> Record:
    """Parse one ADR's text. Raises InvalidInput for malformed YAML front matter."""
    path = Path(path)
    base = path.parent
    lines = text.splitlines()
    rec = Record(path=path, text=text, number=sequence_number(path.name), title="", style="unknown")
    start = 0
    fm_status = False
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, min(len(lines), MAX_FRONT_MATTER_LINES)) if lines[i].strip() in ("---", "...")),
                   None)
        if end is None:
            raise InvalidInput("the YAML front matter is not closed with '---'", location=Location(str(path), 1))
        rec.front_matter = _load_front_matter("\n".join(lines[1:end]), path)
        rec.front_matter_end = end + 1
        start = end + 1
        fm = rec.front_matter
        for i in range(1, end):
            if re.match(r"^status\s{0,4}:", lines[i]):
                rec.status_line = i + 1
        if "status" in fm:
            fm_status = True
            rec.status_where = "front-matter"
            rec.status_raw = "" if fm["status"] is None else str(fm["status"])
            rec.links += status_links(rec.status_raw, rec.status_line or 1, base)
        rec.date = _date_text(fm.get("date"))
        rec.decision_makers = _people(fm.get("decision-makers", fm.get("deciders")))
        rec.consulted = _people(fm.get("consulted"))
        rec.informed = _people(fm.get("informed"))
        if isinstance(fm.get("title"), (str, int, float)):
            rec.title = str(fm["title"]).strip()
            rec.title_in_front_matter = True
        if any(k in fm for k in _FM_ADR_KEYS):
            rec.style = "madr3" if "deciders" in fm and "decision-makers" not in fm else "madr4"
    in_fence = False
    section: str | None = None          # the current level-2 section, lower case; None before the first
    status_seen = False
    list_keys: set[str] = set()
    fm_date = rec.date
    bullet_date = None
    heading_title = None
    for i in range(start, len(lines)):
        line = mdscan.bounded(lines[i])
        if mdscan.is_fence(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        h = _HEADING.match(line)
        if h:
            level, htext = len(h.group("hashes")), h.group("text")
            rec.headings.append((level, htext, i + 1))
            if level == 1 and rec.title_line is None:
                rec.title_line = i + 1
                heading_title = mdscan.strip_comments(htext).strip()
            if level <= 2:
                section = mdscan.strip_comments(htext).strip().lower() if level == 2 else section
                if level == 2 and section == "status" and rec.style == "unknown":
                    rec.style = "nygard"
            continue
        stripped = line.strip()
        if section == "status":
            if not status_seen and stripped and not fm_status and rec.status_where != "bullet":
                rec.status_raw = stripped
                rec.status_line = i + 1
                rec.status_where = "section"
                status_seen = True
                rec.links += status_links(stripped, i + 1, base)
                continue
            ln = _LINK_LINE.match(line)
            if ln and status_seen:
                rec.links += _links_in(ln.group("rest"), _relation_key(ln.group("rel")), i + 1, base,
                                       ln.group("rel"))
            continue
        if section is None:
            meta = _META.match(line)
            if meta:
                key = meta.group("key").lower()
                list_keys.add(key)
                rec.meta_prefix = meta.group("prefix")
                rec.meta_lines.append(i + 1)
                value = meta.group("value").strip()
                if key == "status" and not fm_status:
                    rec.status_raw = value
                    rec.status_line = i + 1
                    rec.status_where = "bullet"
                    rec.links += status_links(value, i + 1, base)
                elif key == "date":
                    bullet_date = _date_text(value)
                elif key in ("deciders", "decision-makers", "decision makers"):
                    rec.decision_makers = _people(value)
                elif key == "consulted":
                    rec.consulted = _people(value)
                elif key == "informed":
                    rec.informed = _people(value)
                if rec.style in ("unknown", "madr2", "log4brains"):
                    rec.style = "log4brains" if "tags" in list_keys else "madr2"
                continue
            d = _DATE_LINE.match(line)
            if d and bullet_date is None:
                bullet_date = _date_text(d.group("value").strip())
                continue
            ln = _LINK_LINE.match(line)
            if ln and (rec.title_line is not None or rec.front_matter_end) and ln.group("rel").lower() in LINK_RELATIONS:
                rec.links += _links_in(ln.group("rest"), _relation_key(ln.group("rel")), i + 1, base,
                                       ln.group("rel"))
                if rec.meta_prefix is not None and stripped[:1] in "-*+":
                    rec.meta_lines.append(i + 1)
            continue
        if section == "links":
            ln = _LINK_LINE.match(line)
            if ln:
                rec.links += _links_in(ln.group("rest"), _relation_key(ln.group("rel")), i + 1, base,
                                       ln.group("rel"))
                rec.links_section_end = i + 1
            elif stripped and not stripped.startswith(("-", "*", "+")):
                pass
    if bullet_date is not None:
        rec.date = bullet_date
    elif fm_date is not None:
        rec.date = fm_date
    if heading_title:
        rec.title = mdscan.link_texts(heading_title)
        rec.title_in_front_matter = False
    m = _LEADING_NUMBER.match(rec.title)
    if m and (rec.style in ("nygard", "madr2", "unknown") or rec.title_in_front_matter):
        rec.title_numbered = True
        rec.title = rec.title[m.end():].strip()
    if rec.style == "unknown" and any(t.strip().lower() in _MADR_HEADINGS for lv, t, _ in rec.headings if lv == 2):
        rec.style = "madr4"
    if rec.links_section_end is None:
        links_heading = next((ln for lv, t, ln in rec.headings if lv == 2 and t.strip().lower() == "links"), None)
        if links_heading is not None:
            rec.links_section_end = links_heading
    return rec


def _load_front_matter(text: str, path: Path) -> dict:
    """The front matter through the product's one bounded YAML loader (size, aliases, nodes)."""
    from advisor import yamlio

    if len(text) > MAX_FRONT_MATTER_BYTES:
        raise InvalidInput(f"the YAML front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB",
                           location=Location(str(path), 1))
    try:
        doc = yamlio.load_text(text, str(path))
        data = yamlio.to_plain(doc.data)
    except InvalidInput as exc:
        line = (exc.location.line + 1) if exc.location and exc.location.line else 1
        problem = exc.message.removeprefix("invalid YAML: ")
        raise InvalidInput(f"malformed YAML front matter: {problem}", location=Location(str(path), line)) from None
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError, AttributeError) as exc:
        # ruamel's scalar constructors raise these for values such as "0x" or "2026-13-45"
        raise InvalidInput(f"malformed YAML front matter: {type(exc).__name__}: {str(exc)[:200]}",
                           location=Location(str(path), 2)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidInput("the YAML front matter is not a mapping of keys", location=Location(str(path), 2))
    return {str(k): v for k, v in data.items()}


def read_record(path: Path) -> Record:
    return parse(read_text_file(path), path)


def read_folder(folder: Path) -> list[Record]:
    """Every ADR of a folder, by number (with a log4brains project: its packages' ADRs too).

    Raises InvalidInput for an unreadable folder or record."""
    from advisor.adr.folder import log4brains_packages

    records = [read_record(p) for p in adr_files(folder)]
    packages = log4brains_packages(Path(folder))
    if packages is not None:
        for r in records:
            r.style = "log4brains" if r.style in ("madr2", "unknown") else r.style
        for name, pkg_folder in packages:
            for p in adr_files(pkg_folder):
                r = read_record(p)
                r.package = name
                if r.style in ("madr2", "unknown"):
                    r.style = "log4brains"
                records.append(r)
    return records


def find(records: list[Record], ref: int | str) -> Record:
    """The record named by ``ref``: its number, its slug (log4brains: ``20201002-x``, ``core/20201002-x``)
    or its file name. NotFound if none; InvalidInput if two files share it."""
    text = str(ref).strip()
    if text.isdigit():
        hits = [r for r in records if r.number == int(text)]
        if not hits:
            hits = [r for r in records if r.slug == text]
    else:
        name = text[:-3] if text.lower().endswith(".md") else text
        hits = [r for r in records if r.slug == name] or [r for r in records if r.slug.split("/")[-1] == name]
    if not hits:
        known = ", ".join(str(r.number) for r in records if r.number is not None)
        if not known:
            known = ", ".join(r.slug for r in records[:10]) or "none"
        what = f"numbered {text}" if text.isdigit() else f"named {text!r}"
        raise NotFound(f"no ADR {what}", hint=f"numbers in the folder: {known}" if known[:1].isdigit()
                       else f"slugs in the folder: {known}")
    if len(hits) > 1:
        raise InvalidInput(f"two ADRs are numbered {text}: {', '.join(r.name for r in hits)}",
                           hint="renumber one of them (mqadvise adr lint reports duplicates)")
    return hits[0]


# ----- edits -----------------------------------------------------------------------------------------------


def _split(text: str) -> tuple[list[str], str]:
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
        # remember there was no final newline
        return lines, newline + "\0"
    return lines, newline


def _join(lines: list[str], newline: str) -> str:
    text = "".join(lines)
    if newline.endswith("\0"):
        text = text[: -len(newline[:-1])]
    return text


def _eol(line: str) -> str:
    return line[len(line.rstrip("\r\n")):]


def _yaml_scalar(value: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._/()-]*", value) and not value.endswith(" "):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def with_status(rec: Record, status_text: str) -> str:
    """The record's text with its status replaced by ``status_text`` (only that line changes; a record
    without a status gets one where its layout keeps it)."""
    lines, newline = _split(rec.text)
    nl = newline.rstrip("\0")
    if rec.status_where == "front-matter" and rec.status_line is not None:
        i = rec.status_line - 1
        m = re.match(r"^(?P<key>status\s{0,4}:\s*)", lines[i])
        comment = re.search(r"\s+#[^\"'\n]{0,500}$", lines[i].rstrip("\r\n")[:2000])
        tail = comment.group(0) if comment and not (rec.status_raw or "").endswith(comment.group(0).strip()) else ""
        rest = lines[i][m.end():].lstrip()
        value = _yaml_scalar(status_text)
        if rest.startswith('"') and not value.startswith('"'):
            value = '"' + value + '"'
        elif rest.startswith("'") and not value.startswith('"'):
            value = "'" + value + "'"
        lines[i] = m.group("key") + value + tail + _eol(lines[i])
        return _join(lines, newline)
    if rec.status_where == "bullet" and rec.status_line is not None:
        i = rec.status_line - 1
        m = _META.match(lines[i].rstrip("\r\n"))
        lines[i] = f"{m.group('prefix')}{m.group('key')}: {status_text}{_eol(lines[i])}"
        return _join(lines, newline)
    if rec.status_where == "section" and rec.status_line is not None:
        i = rec.status_line - 1
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        lines[i] = f"{indent}{status_text}{_eol(lines[i])}"
        return _join(lines, newline)
    # no status yet: add it the way the layout keeps it
    if rec.meta_prefix is not None and rec.meta_lines:
        lines.insert(rec.meta_lines[0] - 1, f"{rec.meta_prefix}Status: {status_text}{nl}")
        return _join(lines, newline)
    if rec.front_matter_end:
        lines.insert(rec.front_matter_end - 1, f"status: {_yaml_scalar(status_text)}{nl}")
        return _join(lines, newline)
    if rec.style in ("madr4", "madr3"):
        return _join([f"---{nl}", f"status: {_yaml_scalar(status_text)}{nl}", f"---{nl}", *lines], newline)
    raise InvalidInput("this ADR has no status line to change (unknown layout)", location=Location(str(rec.path)),
                       hint="add a '## Status' section, a '* Status:' line or YAML front matter with status")


def with_link(rec: Record, relation: str, target: Record) -> str:
    """The record's text with a link line to ``target`` added (``relation``: 'Supersedes', 'Amended by', ...).

    Nothing changes when the record already links to that target with that relation.
    """
    rel_key = _relation_key(relation)
    for lk in rec.links:
        if lk.relation == rel_key and lk.href and (
                (lk.target is not None and _same(lk.target, target.path))
                or (lk.number is not None and lk.number == target.number)):
            return rec.text
    href = _href(rec, target)
    link = f"[{target.label}]({href})"
    if any(lk.hugo for lk in rec.links):
        link = f'[{target.label}]({{{{< ref "{href}" >}}}})'
    lines, newline = _split(rec.text)
    nl = newline.rstrip("\0")
    if rec.links_section_end is not None:
        bullet = rec.meta_prefix or "* "
        j = rec.links_section_end
        if j < len(lines) and not lines[j - 1].strip() == "" and _HEADING.match(lines[j - 1]):
            lines[j:j] = [nl, f"{bullet}{relation} {link}{nl}"]
        else:
            lines.insert(j, f"{bullet}{relation} {link}{nl}")
        return _join(lines, newline)
    if rec.meta_prefix is not None and rec.meta_lines:
        j = max(rec.meta_lines)
        lines.insert(j, f"{rec.meta_prefix}{relation}: {link}{nl}")
        return _join(lines, newline)
    if rec.style == "nygard" and rec.status_line is not None:
        anchor = rec.status_line - 1
    elif rec.title_line is not None:
        anchor = rec.title_line - 1
    else:
        raise InvalidInput("this ADR has no title or status to place a link after", location=Location(str(rec.path)))
    # skip the link lines (and blank lines between them) that already follow the anchor
    j = anchor + 1
    last = anchor
    while j < len(lines):
        if not lines[j].strip():
            j += 1
            continue
        if _LINK_LINE.match(lines[j]) and not _HEADING.match(lines[j]):
            last = j
            j += 1
            continue
        break
    lines[last + 1:last + 1] = [nl, f"{relation} {link}{nl}"]
    return _join(lines, newline)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _href(rec: Record, target: Record) -> str:
    import os

    return Path(os.path.relpath(target.path, rec.path.parent)).as_posix()


def superseded_status(old: Record, new: Record) -> str:
    """The status text of ``old`` once ``new`` supersedes it, in ``old``'s own convention."""
    if old.style == "nygard":
        return f"Superseded by [{new.label}]({_href(old, new)})"
    if old.status_where == "bullet" or old.style in ("madr2", "log4brains"):
        if any(lk.hugo for lk in old.links):
            return f'superseded by [{new.label}]({{{{< ref "{_href(old, new)}" >}}}})'
        return f"superseded by [{new.label}]({_href(old, new)})"
    return f"superseded by ADR-{new.number:04d}" if new.number is not None else f"superseded by {new.slug}"


def supersede_texts(old: Record, new: Record) -> tuple[str, str]:
    """New texts of (old, new) when ``new`` supersedes ``old``: old's status and both links."""
    if _same(old.path, new.path):
        raise InvalidInput("an ADR cannot supersede itself", location=Location(str(old.path)))
    old_text = with_status(old, superseded_status(old, new))
    old2 = parse(old_text, old.path)
    old2.package = old.package
    if old2.style not in ("nygard", "madr2", "log4brains") and old2.status_where != "bullet":
        old_text = with_link(old2, "Superseded by", new)
    new_text = with_link(new, "Supersedes", old)
    return old_text, new_text
