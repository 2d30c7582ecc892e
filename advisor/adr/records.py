"""Read ADRs written by mqadvise and other tools, and change their status and links without damage.

Recognised layouts (``Record.style``):

``madr4`` / ``madr3``
    YAML front matter (``status``, ``date``, ``decision-makers`` or ``deciders``, ``consulted``,
    ``informed``); links between records are lines such as ``Supersedes [ADR-0004](0004-x.md)`` after
    the title, and the status of a superseded record reads ``superseded by ADR-0005``.
``madr2`` / ``log4brains``
    a bullet list under the title (``* Status: accepted``, ``* Date: ...``, log4brains adds ``- Tags:``);
    a superseded record's status reads ``superseded by [ADR-0005](0005-x.md)``.
``nygard``
    adr-tools: ``# 1. Title``, ``Date: ...``, a ``## Status`` section whose first line is the status and
    whose following lines are links (``Supersedes [1. Title](0001-title.md)``).

Edits are line based: only the status line is replaced and link lines are inserted; every other byte
(including line endings and front matter formatting) stays as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from advisor.adr.folder import adr_files, sequence_number
from advisor.errors import InvalidInput, Location, NotFound

STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded")
#: log4brains also knows ``draft``.
VALID_STATUSES = (*STATUSES, "draft")
SETTABLE_STATUSES = ("proposed", "accepted", "rejected", "deprecated")
MAX_BYTES = 1024 * 1024

LINK_RELATIONS = {
    "supersedes": "supersedes", "superseded by": "superseded-by",
    "amends": "amends", "amended by": "amended-by",
    "clarifies": "clarifies", "clarified by": "clarified-by",
}
_LINK_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?(?P<rel>supersedes|superseded by|amends|amended by|clarifies|clarified by)\b\s*:?\s*"
    r"(?P<rest>.*)$", re.IGNORECASE)
_MD_LINK = re.compile(r"\[(?P<label>(?:[^\]\\]|\\.)*)\]\((?P<href>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_ADR_REF = re.compile(r"\bADR[- ]?(\d{1,5})\b", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^\s*(\d{1,5})\.\s")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_LIST_META = re.compile(r"^(?P<prefix>\s*[-*+]\s+)(?P<key>status|date|deciders|decision-makers|tags|"
                        r"technical story|consulted|informed)\s*:\s*(?P<value>.*?)\s*$", re.IGNORECASE)
_DATE_LINE = re.compile(r"^date\s*:\s*(?P<value>\S.*?)\s*$", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Link:
    """A link from one record to another: ``relation`` is ``supersedes``, ``superseded-by``, ..."""

    relation: str
    label: str
    href: str | None
    number: int | None
    line: int


@dataclass
class Record:
    path: Path
    text: str
    number: int | None
    title: str
    style: str                       # madr4, madr3, madr2, log4brains, nygard, unknown
    status_raw: str | None = None
    status_line: int | None = None   # 1-based line of the status value
    date: str | None = None
    front_matter: dict = field(default_factory=dict)
    front_matter_end: int = 0        # 0-based index of the line after the closing ---
    decision_makers: list[str] = field(default_factory=list)
    consulted: list[str] = field(default_factory=list)
    informed: list[str] = field(default_factory=list)
    headings: list[tuple[int, str, int]] = field(default_factory=list)   # (level, text, line)
    links: list[Link] = field(default_factory=list)
    title_line: int | None = None

    @property
    def status(self) -> str | None:
        """The status word (``accepted``, ``superseded``, ...), lower case; None when there is none."""
        return normalise_status(self.status_raw)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def label(self) -> str:
        """How links name this record: ``4. Title`` for adr-tools records, else ``ADR-0004: Title``."""
        title = _escape_label(self.title)
        if self.number is None:
            return title
        if self.style == "nygard":
            return f"{self.number}. {title}"
        return f"ADR-{self.number:04d}: {title}"

    def links_of(self, relation: str) -> list[Link]:
        return [lk for lk in self.links if lk.relation == relation]

    def as_json(self, *, content: bool = False) -> dict:
        out = {"number": self.number, "title": self.title, "status": self.status, "status_text": self.status_raw,
               "date": self.date, "file": self.path.as_posix(), "style": self.style,
               "decision_makers": self.decision_makers, "consulted": self.consulted, "informed": self.informed,
               "links": [{"relation": lk.relation, "label": lk.label, "href": lk.href, "number": lk.number}
                         for lk in self.links]}
        if content:
            out["content"] = self.text
        return out


def normalise_status(raw: str | None) -> str | None:
    if raw is None:
        return None
    text = raw.strip().strip("\"'").strip().lower()
    if not text:
        return None
    if text.startswith("superseded"):
        return "superseded"
    word = re.split(r"[\s,;.|\]]", text.lstrip("[{*_"), maxsplit=1)[0].strip("*_")
    return word or None


def _escape_label(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _people(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return [p.strip() for p in str(value).split(",") if p.strip()]


def _target_number(label: str, href: str | None) -> int | None:
    if href:
        n = sequence_number(Path(href.split("#", 1)[0]).name)
        if n is not None:
            return n
    m = _ADR_REF.search(label) or _LEADING_NUMBER.match(label)
    return int(m.group(1)) if m else None


def _links_in(text: str, relation: str, line: int) -> list[Link]:
    found = [Link(relation, m.group("label").replace("\\", ""), m.group("href"),
                  _target_number(m.group("label"), m.group("href")), line) for m in _MD_LINK.finditer(text)]
    if not found:
        found = [Link(relation, f"ADR-{int(m.group(1)):04d}", None, int(m.group(1)), line)
                 for m in _ADR_REF.finditer(text)]
    return found


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
    lines = text.splitlines()
    rec = Record(path=path, text=text, number=sequence_number(path.name), title="", style="unknown")
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is None:
            raise InvalidInput("the YAML front matter is not closed with '---'", location=Location(str(path), 1))
        rec.front_matter = _load_front_matter("\n".join(lines[1:end]), path)
        rec.front_matter_end = end + 1
        start = end + 1
        fm = rec.front_matter
        for i in range(1, end):
            m = re.match(r"^status\s*:\s*(?P<v>.*?)\s*$", lines[i])
            if m:
                rec.status_line = i + 1
        if "status" in fm and fm["status"] is not None:
            rec.status_raw = str(fm["status"])
        if fm.get("date") is not None:
            rec.date = str(fm["date"])
        rec.decision_makers = _people(fm.get("decision-makers", fm.get("deciders")))
        rec.consulted = _people(fm.get("consulted"))
        rec.informed = _people(fm.get("informed"))
        rec.style = "madr3" if "deciders" in fm and "decision-makers" not in fm else "madr4"
    in_fence = False
    status_section = False
    status_seen = False
    list_keys: set[str] = set()
    for i in range(start, len(lines)):
        line = lines[i]
        if _FENCE.match(line):
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
                rec.title = htext
            status_section = level == 2 and htext.strip().lower() == "status"
            if status_section and rec.style == "unknown":
                rec.style = "nygard"
            continue
        if status_section and not status_seen and line.strip() and rec.status_raw is None:
            rec.status_raw = line.strip()
            rec.status_line = i + 1
            status_seen = True
            if normalise_status(line) == "superseded":
                rec.links += _links_in(line, "superseded-by", i + 1)
            continue
        meta = _LIST_META.match(line) if not rec.front_matter and rec.title_line else None
        if meta and rec.style in ("unknown", "madr2", "log4brains") and not status_section:
            key = meta.group("key").lower()
            list_keys.add(key)
            value = meta.group("value")
            if key == "status" and rec.status_raw is None:
                rec.status_raw = value
                rec.status_line = i + 1
                if normalise_status(value) == "superseded":
                    rec.links += _links_in(value, "superseded-by", i + 1)
            elif key == "date":
                rec.date = value
            elif key in ("deciders", "decision-makers"):
                rec.decision_makers = _people(value)
            elif key == "consulted":
                rec.consulted = _people(value)
            elif key == "informed":
                rec.informed = _people(value)
            rec.style = "log4brains" if "tags" in list_keys else "madr2"
            continue
        d = _DATE_LINE.match(line)
        if d and rec.date is None and not rec.front_matter:
            rec.date = d.group("value")
            continue
        ln = _LINK_LINE.match(line)
        if ln:
            rel = LINK_RELATIONS[ln.group("rel").lower()]
            rec.links += _links_in(ln.group("rest"), rel, i + 1)
    if (rec.front_matter and rec.status_raw and normalise_status(rec.status_raw) == "superseded"
            and not rec.links_of("superseded-by")):
            rec.links += _links_in(rec.status_raw, "superseded-by", rec.status_line or 1)
    if rec.style == "nygard":
        rec.title = re.sub(r"^\d+\.\s+", "", rec.title)
    return rec


def _load_front_matter(text: str, path: Path) -> dict:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="safe", pure=True)
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InvalidInput(f"malformed YAML front matter: {problem}", location=Location(str(path), line)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidInput("the YAML front matter is not a mapping of keys", location=Location(str(path), 2))
    return {str(k): v for k, v in data.items()}


def read_record(path: Path) -> Record:
    return parse(read_text_file(path), path)


def read_folder(folder: Path) -> list[Record]:
    """Every ADR of a folder, by number. Raises InvalidInput for an unreadable folder or record."""
    return [read_record(p) for p in adr_files(folder)]


def find(records: list[Record], number: int) -> Record:
    """The record with this number. NotFound if none; InvalidInput if two files share it."""
    hits = [r for r in records if r.number == number]
    if not hits:
        known = ", ".join(str(r.number) for r in records if r.number is not None) or "none"
        raise NotFound(f"no ADR numbered {number}", hint=f"numbers in the folder: {known}")
    if len(hits) > 1:
        raise InvalidInput(f"two ADRs are numbered {number}: {', '.join(r.name for r in hits)}",
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
    """The record's text with its status replaced by ``status_text`` (only that line changes)."""
    lines, newline = _split(rec.text)
    nl = newline.rstrip("\0")
    if rec.front_matter_end:
        if rec.status_line is not None:
            i = rec.status_line - 1
            m = re.match(r"^(?P<key>status\s*:\s*)", lines[i])
            comment = re.search(r"\s+#[^\"']*$", lines[i].rstrip("\r\n"))
            tail = comment.group(0) if comment and not rec.status_raw.endswith(comment.group(0).strip()) else ""
            rest = lines[i][m.end():].lstrip()
            value = _yaml_scalar(status_text)
            if rest.startswith('"') and not value.startswith('"'):
                value = '"' + value + '"'
            elif rest.startswith("'") and not value.startswith('"'):
                value = "'" + value + "'"
            lines[i] = m.group("key") + value + tail + _eol(lines[i])
        else:
            lines.insert(1, f"status: {_yaml_scalar(status_text)}{nl}")
        return _join(lines, newline)
    if rec.status_line is None:
        raise InvalidInput("this ADR has no status line to change (unknown layout)", location=Location(str(rec.path)),
                           hint="add a '## Status' section, a '* Status:' line or YAML front matter with status")
    i = rec.status_line - 1
    if rec.style in ("madr2", "log4brains"):
        m = _LIST_META.match(lines[i].rstrip("\r\n"))
        lines[i] = f"{m.group('prefix')}{m.group('key')}: {status_text}{_eol(lines[i])}"
    else:
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        lines[i] = f"{indent}{status_text}{_eol(lines[i])}"
    return _join(lines, newline)


def with_link(rec: Record, relation: str, target: Record) -> str:
    """The record's text with a link line to ``target`` added (``relation``: 'Supersedes', ...).

    Nothing changes when the record already links to that target with that relation.
    """
    rel_key = LINK_RELATIONS[relation.lower()]
    if any(lk.relation == rel_key and lk.number == target.number and lk.href for lk in rec.links):
        return rec.text
    href = _href(rec, target)
    lines, newline = _split(rec.text)
    nl = newline.rstrip("\0")
    if rec.style in ("madr2", "log4brains") and rec.status_line is not None:
        i = rec.status_line - 1
        prefix = _LIST_META.match(lines[i].rstrip("\r\n")).group("prefix")
        j = i + 1
        while j < len(lines) and _LINK_LINE.match(lines[j]) and lines[j].lstrip().startswith(("-", "*", "+")):
            j += 1
        lines.insert(j, f"{prefix}{relation}: [{target.label}]({href}){nl}")
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
        if _LINK_LINE.match(lines[j]):
            last = j
            j += 1
            continue
        break
    lines[last + 1:last + 1] = [nl, f"{relation} [{target.label}]({href}){nl}"]
    return _join(lines, newline)


def _href(rec: Record, target: Record) -> str:
    import os

    return Path(os.path.relpath(target.path, rec.path.parent)).as_posix()


def superseded_status(old: Record, new: Record) -> str:
    """The status text of ``old`` once ``new`` supersedes it, in ``old``'s own convention."""
    if old.style == "nygard":
        return f"Superseded by [{new.label}]({_href(old, new)})"
    if old.style in ("madr2", "log4brains"):
        return f"superseded by [{new.label}]({_href(old, new)})"
    return f"superseded by ADR-{new.number:04d}" if new.number is not None else f"superseded by {new.title}"


def supersede_texts(old: Record, new: Record) -> tuple[str, str]:
    """New texts of (old, new) when ``new`` supersedes ``old``: old's status and both links."""
    if old.path.resolve() == new.path.resolve():
        raise InvalidInput("an ADR cannot supersede itself", location=Location(str(old.path)))
    old_text = with_status(old, superseded_status(old, new))
    old2 = parse(old_text, old.path)
    if old2.style not in ("nygard", "madr2", "log4brains"):
        old_text = with_link(old2, "Superseded by", new)
    new_text = with_link(new, "Supersedes", old)
    return old_text, new_text
