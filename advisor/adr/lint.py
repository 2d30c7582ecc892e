"""`mqadvise adr lint`: checks of a decision log, as :class:`advisor.findings.Finding` objects.

Rules (ids are stable; see docs/adr.md):

ADR001 missing-section       a section the record's layout requires is missing
ADR002 invalid-status        an empty status, a missing one where the layout requires it (adr-tools), or one
                             outside the known words (a warning: adr-tools accepts any text)
ADR003 too-few-options       fewer than two considered options (MADR layouts)
ADR004 placeholder           template placeholder text left in the record
ADR005 duplicate-number      two records share a number (two branches both took 0007)
ADR006 broken-link           a relative link to a Markdown file that does not exist
ADR007 one-sided-supersede   A says it supersedes B (or is superseded by B) but B does not say the reverse
ADR008 no-records            the folder holds Markdown files but none is named like a decision record
ADR009 duplicate-decision    two records in force hold the same decision (same requirements, same design)

Every pattern here is linear in the line length, and lines are cut at ``mdscan.MAX_LINE_CHARS``.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from advisor.adr import mdscan
from advisor.adr.records import VALID_STATUSES, Record, read_folder
from advisor.findings import Finding, Rule

RULES = {r.id: r for r in (
    Rule("ADR001", "missing-section", "A section required by the record's layout is missing."),
    Rule("ADR002", "invalid-status", "The status is empty, missing where required, or not a known ADR status."),
    Rule("ADR003", "too-few-options", "A decision needs at least two considered options."),
    Rule("ADR004", "placeholder", "Template placeholder text was left in the record."),
    Rule("ADR005", "duplicate-number", "Two records share a number."),
    Rule("ADR006", "broken-link", "A link points to a Markdown file that does not exist."),
    Rule("ADR007", "one-sided-supersede", "A supersede link is not mirrored in the other record."),
    Rule("ADR008", "no-records", "Markdown files in the ADR folder, none named like a decision record."),
    Rule("ADR009", "duplicate-decision", "Two records in force record the same decision."),
)}

REQUIRED_SECTIONS = {
    # (alternatives) per required section: MADR 1 called the options "Considered Alternatives"
    "madr": (("context and problem statement",), ("considered options", "considered alternatives"),
             ("decision outcome",)),
    "nygard": (("status",), ("context",), ("decision",), ("consequences",)),
}
SECTION_TITLES = {"context and problem statement": "Context and Problem Statement",
                  "considered options": "Considered Options", "decision outcome": "Decision Outcome",
                  "status": "Status", "context": "Context", "decision": "Decision", "consequences": "Consequences"}
#: statuses no tool writes but people do; outside VALID_STATUSES they are warnings, not errors
UNKNOWN_STATUS_SEVERITY = "warning"

#: words that mark a bracket or brace group as a template placeholder (MADR 2-4, log4brains, Nygard)
_PLACEHOLDER_WORDS = re.compile(r"title|describe|option|problem|decision|short|list|YYYY|driver|justification|"
                                r"consequence|name|e\.g\.|\.\.\.|…|\|", re.IGNORECASE)
_BRACKET_WORDS = re.compile(r"short title|describe|option \d|list everyone|YYYY-MM-DD|xxx|drive \d|justification|"
                            r"e\.g\.|space and/or comma", re.IGNORECASE)
_BRACE_GROUP = re.compile(r"\{[^{}\n]{0,300}\}")
_BRACKET_GROUP = re.compile(r"\[[^\[\]\n]{0,300}\](?!\()")
_OPTIONAL_NOTE = re.compile(r"This is an optional element\. Feel free to remove\.", re.IGNORECASE)
_TODO = re.compile(r"(?<![\w`])(?:TODO|TBD|FIXME|XXX)(?![\w`])")
_OPTION_PARAGRAPH = re.compile(r"^\s{0,3}(?:\*\*|__)?(?:option|alternative)\s{0,3}(?:\d{1,3}|[A-Z])\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])\s+\S")
_HEADING_LINE = re.compile(r"^(#{1,6})\s")


@dataclass(frozen=True)
class StatusPolicy:
    """How ADR002 treats statuses outside :data:`VALID_STATUSES`: ``severity`` error, warning or off;
    ``extra`` words accepted as well (``pending``, ``approved``, ``on hold``)."""

    severity: str = UNKNOWN_STATUS_SEVERITY
    extra: tuple[str, ...] = ()

    def known(self, status: str) -> bool:
        return status in VALID_STATUSES or status in self.extra


def family(rec: Record) -> str:
    return "nygard" if rec.style == "nygard" else "madr"


def _sections(rec: Record) -> set[str]:
    return {mdscan.strip_comments(t).strip().lower() for level, t, _ in rec.headings if level >= 2}


def _options_heading(rec: Record) -> tuple[int, int] | None:
    """(level, line) of the 'Considered Options' (or MADR 1 'Considered Alternatives') heading."""
    for level, t, line in rec.headings:
        if level >= 2 and mdscan.strip_comments(t).strip().lower() in ("considered options", "considered alternatives"):
            return level, line
    return None


def _options(rec: Record) -> int | None:
    """Number of considered options: the top-level list items under 'Considered Options', else its
    subheadings (``### Option A``), else its "Option 1:" paragraphs; None when there is no such section."""
    found = _options_heading(rec)
    if found is None:
        return None
    level, start = found
    items = subheadings = paragraphs = 0
    by_reference = False
    in_fence = False
    for line in rec.text.splitlines()[start:]:
        line = mdscan.bounded(line)
        if mdscan.is_fence(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        h = _HEADING_LINE.match(line)
        if h:
            if len(h.group(1)) <= level:
                break
            subheadings += 1
            continue
        if _LIST_ITEM.match(line):
            items += 1
        elif _OPTION_PARAGRAPH.match(line):
            paragraphs += 1
        elif any(lk.href.lower().split("#")[0].endswith(".md") for lk in mdscan.links(line)):
            by_reference = True     # "Same as in [ADR-0036](0036-x.md)": the options are another record's
    count = items or subheadings or paragraphs
    return None if count == 0 and by_reference else count


def _placeholder(line: str) -> tuple[int, str, str] | None:
    """(column, what, text) of the first template placeholder on a line, or None."""
    for m in _BRACE_GROUP.finditer(line):
        if _PLACEHOLDER_WORDS.search(m.group(0)):
            return m.start(), "a MADR {placeholder}", m.group(0)
    for m in _BRACKET_GROUP.finditer(line):
        if _BRACKET_WORDS.search(m.group(0)):
            rest = line[m.end():].strip(" -–—:")
            if _HEADING_LINE.match(line) and rest and not _BRACKET_GROUP.fullmatch(rest) and "<" not in rest[:1]:
                continue       # "### [option 1] - Use Kafka": the template's label kept beside a real title
            return m.start(), "a [placeholder]", m.group(0)
    m = _OPTIONAL_NOTE.search(line)
    if m:
        return m.start(), "the template's optional-element note", m.group(0)
    m = _TODO.search(line)
    if m:
        return m.start(), "a TODO/TBD marker", m.group(0)
    return None


def _is_madr(rec: Record) -> bool:
    return rec.style in ("madr4", "madr3", "madr2", "log4brains")


def check_record(rec: Record, display: str, policy: StatusPolicy = StatusPolicy()) -> list[Finding]:
    out: list[Finding] = []
    fam = family(rec)
    if rec.style == "unknown":
        out.append(Finding("ADR002", "no status found (no YAML front matter, '* Status:' line or '## Status' section)",
                           display, 1, hint="add 'status: proposed' front matter (MADR 4)"))
    else:
        have = _sections(rec)
        # log4brains prescribes no sections (its own records use "## Decision" alone): only the title counts
        for names in (() if rec.style == "log4brains" else REQUIRED_SECTIONS[fam]):
            if not any(n in have for n in names):
                out.append(Finding("ADR001", f"missing section '## {SECTION_TITLES[names[0]]}' ({fam} layout)",
                                   display, rec.title_line or 1))
        if rec.status_raw is not None and rec.status is None:
            out.append(Finding("ADR002", "the status is empty", display, rec.status_line or 1,
                               hint=f"one of: {', '.join(VALID_STATUSES)}"))
        elif rec.status is None and not _is_madr(rec):
            # adr-tools always writes a status; in MADR 2-4 it is optional
            out.append(Finding("ADR002", "no status under '## Status'", display, rec.status_line or rec.title_line or 1,
                               hint=f"one of: {', '.join(VALID_STATUSES)}"))
        elif rec.status is not None and not policy.known(rec.status) and policy.severity != "off":
            out.append(Finding("ADR002", f"status {rec.status!r} is not one of the usual words", display,
                               rec.status_line or 1, severity=policy.severity,
                               hint=f"usual: {', '.join(VALID_STATUSES)}; accept it with --status-word "
                                    f"{rec.status!r}"))
    if not rec.title:
        out.append(Finding("ADR001", "missing title ('# ...' heading)", display, 1))
    if fam == "madr":
        n = _options(rec)
        if n is not None and n < 2:
            out.append(Finding("ADR003", f"{n} considered option{'s' if n != 1 else ''}; a decision needs at least two",
                               display, _options_heading(rec)[1]))
    for line_no, line in mdscan.lines_outside_code(rec.text):
        if "<!--" in line:
            line = mdscan.strip_comments(line)
        hit = _placeholder(line)
        if hit:
            col, what, text = hit
            out.append(Finding("ADR004", f"leftover placeholder: {what} {text!r}", display, line_no, col + 1,
                               severity="warning"))
    return out


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError as exc:          # ENAMETOOLONG for an href over 255 characters, ELOOP, ...
        if exc.errno in (errno.ENAMETOOLONG, errno.ELOOP, errno.ENOTDIR, errno.EINVAL):
            return False
        raise
    except ValueError:              # a NUL byte in the href
        return False


class _Paths:
    """Each path resolved, and each link target looked up, once per check: one line can name the same file
    700 times, and resolving per link made a 1 MiB record cost seconds."""

    def __init__(self) -> None:
        self._real: dict[Path, Path | None] = {}
        self._exists: dict[tuple[Path, str], bool] = {}

    def real(self, path: Path | None) -> Path | None:
        if path is None:
            return None
        if path not in self._real:
            try:
                self._real[path] = path.resolve()
            except (OSError, ValueError):
                self._real[path] = None
        return self._real[path]

    def exists(self, folder: Path, href: str) -> bool:
        """Whether the file a relative link names exists (``href`` without its #fragment)."""
        key = (folder, href)
        if key not in self._exists:
            self._exists[key] = _exists(folder / unquote(href))
        return self._exists[key]


_SUPERSEDE = ("supersedes", "superseded-by")


def check_folder(folder: Path, *, display_base: Path | None = None,
                 policy: StatusPolicy = StatusPolicy()) -> list[Finding]:
    """Every finding of the decision log in ``folder``. Raises InvalidInput for an unreadable folder."""
    from advisor.adr.folder import stray_markdown

    folder = Path(folder)
    records = read_folder(folder)

    display_names: dict[Path, str] = {}

    def show(p: Path) -> str:
        """How findings name a file (once per file: a record can have a finding for each of 700 links)."""
        if p not in display_names:
            display_names[p] = p.as_posix()
            if display_base is not None:
                try:
                    display_names[p] = p.resolve().relative_to(display_base.resolve()).as_posix()
                except (ValueError, OSError):
                    pass
        return display_names[p]

    out: list[Finding] = []
    if not records:
        strays = stray_markdown(folder)
        if strays:
            shown = ", ".join(strays[:5]) + (f" and {len(strays) - 5} more" if len(strays) > 5 else "")
            out.append(Finding("ADR008", f"{len(strays)} Markdown file(s) but no decision record: {shown}",
                               show(folder), None, severity="warning",
                               hint="records are named NNNN-title.md, adr-NNN-title.md or YYYYMMDD-title.md"))
        return out
    by_number: dict[tuple[str | None, int], list[Record]] = {}
    for rec in records:
        out += check_record(rec, show(rec.path), policy)
        if rec.number is not None:
            by_number.setdefault((rec.package, rec.number), []).append(rec)
    for (_, number), recs in sorted(by_number.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        if len(recs) > 1:
            names = ", ".join(r.name for r in recs)
            for r in recs:
                out.append(Finding("ADR005", f"number {number:04d} is used by {len(recs)} records: {names}",
                                   show(r.path), 1, hint="renumber one of them and fix the links to it"))
    paths = _Paths()
    # links
    for rec in records:
        folder_of_rec = rec.path.parent
        for line_no, line in mdscan.lines_outside_code(rec.text):
            if "](" not in line:
                continue
            for lk in mdscan.links(line):
                href = lk.href
                if re.match(r"^[a-z][a-z0-9+.-]{0,30}:", href, re.IGNORECASE) or href.startswith(("#", "/")):
                    continue
                target = href.split("#", 1)[0].split("?", 1)[0]
                if not target.lower().endswith(".md"):
                    continue
                if not paths.exists(folder_of_rec, target):
                    shown = target if len(target) <= 120 else target[:117] + "..."
                    out.append(Finding("ADR006", f"link to {shown} which does not exist", show(rec.path),
                                       line_no, lk.start + 1))
    unique = {n: recs[0] for n, recs in by_number.items() if len(recs) == 1}
    by_path: dict[Path, Record] = {}
    for rec in records:
        real = paths.real(rec.path)
        if real is not None:
            by_path.setdefault(real, rec)

    def other_of(rec: Record, lk) -> Record | None:
        hit = by_path.get(paths.real(lk.target)) if lk.target is not None else None
        if hit is not None:
            return hit
        if lk.number is not None:
            return unique.get((rec.package, lk.number))
        return None

    # every supersede link's other record, found once; then "does B link back to A" is one set look-up
    # (asking B's links for every link of A was quadratic in the links of a record)
    linked = [(rec, [(lk, other_of(rec, lk)) for lk in rec.links if lk.relation in _SUPERSEDE]) for rec in records]
    named = {(id(rec), lk.relation, id(other)) for rec, pairs in linked for lk, other in pairs if other is not None}
    for rec, pairs in linked:
        for lk, other in pairs:
            if other is None:
                if lk.number is not None and (rec.package, lk.number) not in by_number and not lk.href:
                    out.append(Finding("ADR006", f"{lk.relation.replace('-', ' ')} ADR {lk.number:04d}, which does "
                                       "not exist", show(rec.path), lk.line))
                continue
            reverse = "superseded-by" if lk.relation == "supersedes" else "supersedes"
            if (id(other), reverse, id(rec)) not in named:
                verb = "supersedes" if lk.relation == "supersedes" else "is superseded by"
                want = "Superseded by" if reverse == "superseded-by" else "Supersedes"
                old, new = (other, rec) if lk.relation == "supersedes" else (rec, other)
                out.append(Finding("ADR007", f"{rec.name} {verb} {other.name}, but {other.name} has no "
                                   f"'{want}' link back", show(rec.path), lk.line,
                                   hint=f"run: mqadvise adr supersede {_ref(old)} {_ref(new)}"))
        if rec.status == "superseded" and not rec.links_of("superseded-by"):
            out.append(Finding("ADR007", "status is superseded but no record is named as its successor",
                               show(rec.path), rec.status_line or 1))
    out += _duplicate_decisions(records, show)
    return out


def _ref(rec: Record) -> str:
    return str(rec.number) if rec.number is not None else rec.slug


def _duplicate_decisions(records: list[Record], show) -> list[Finding]:
    """ADR009: records in force (not superseded, rejected or deprecated) that carry the same decision key."""
    from advisor.adr.decision import decision_key

    by_key: dict[str, list[Record]] = {}
    for rec in records:
        key = decision_key(rec.text)
        if key and rec.status not in ("superseded", "rejected", "deprecated"):
            by_key.setdefault(key, []).append(rec)
    out = []
    for recs in by_key.values():
        for r in recs[1:]:
            first = recs[0]
            out.append(Finding("ADR009", f"{r.name} records the same decision as {first.name} (same requirements, "
                               "same design)", show(r.path), 1, severity="warning",
                               hint=f"delete one, or mark the older one: mqadvise adr supersede {_ref(first)} {_ref(r)}"))
    return out
