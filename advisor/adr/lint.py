"""`mqadvise adr lint`: checks of a decision log, as :class:`advisor.findings.Finding` objects.

Rules (ids are stable; see docs/adr.md):

ADR001 missing-section       a section the record's template requires is missing
ADR002 invalid-status        no status, or one outside proposed/accepted/rejected/deprecated/superseded (draft)
ADR003 too-few-options       fewer than two considered options (MADR layouts)
ADR004 placeholder           template placeholder text left in the record
ADR005 duplicate-number      two records share a number (two branches both took 0007)
ADR006 broken-link           a relative link to a Markdown file that does not exist
ADR007 one-sided-supersede   A says it supersedes B (or is superseded by B) but B does not say the reverse
"""

from __future__ import annotations

import re
from pathlib import Path

from advisor.adr.records import VALID_STATUSES, Record, read_folder
from advisor.findings import Finding, Rule

RULES = {r.id: r for r in (
    Rule("ADR001", "missing-section", "A section required by the record's template is missing."),
    Rule("ADR002", "invalid-status", "The status is missing or not a known ADR status."),
    Rule("ADR003", "too-few-options", "A decision needs at least two considered options."),
    Rule("ADR004", "placeholder", "Template placeholder text was left in the record."),
    Rule("ADR005", "duplicate-number", "Two records share a number."),
    Rule("ADR006", "broken-link", "A link points to a Markdown file that does not exist."),
    Rule("ADR007", "one-sided-supersede", "A supersede link is not mirrored in the other record."),
)}

REQUIRED_SECTIONS = {
    "madr": ("Context and Problem Statement", "Considered Options", "Decision Outcome"),
    "nygard": ("Status", "Context", "Decision", "Consequences"),
}

PLACEHOLDERS = [
    (re.compile(r"\{[^{}\n]*(?:title|describe|option|problem|decision|short|list|YYYY|driver|justification|"
                r"consequence|name|e\.g\.|\.\.\.|…|\|)[^{}\n]*\}", re.IGNORECASE), "a MADR {placeholder}"),
    (re.compile(r"\[(?:[^\]\n]*(?:short title|describe|option \d|list everyone|YYYY-MM-DD|xxx|"
                r"drive \d|justification|e\.g\.|space and/or comma)[^\]\n]*)\](?!\()", re.IGNORECASE), "a [placeholder]"),
    (re.compile(r"This is an optional element\. Feel free to remove\.", re.IGNORECASE), "the template's optional-element note"),
    (re.compile(r"(?<![\w`])(?:TODO|TBD|FIXME|XXX)(?![\w`])"), "a TODO/TBD marker"),
]
_FENCE = re.compile(r"^\s*(```|~~~)")
_LINK = re.compile(r"(?<!!)\[(?:[^\]\\]|\\.)*\]\((?P<href>[^)\s]+)(?:\s+\"[^\"]*\")?\)")


def family(rec: Record) -> str:
    return "nygard" if rec.style == "nygard" else "madr"


def _lines_outside_code(text: str):
    in_fence = False
    for i, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            yield i, re.sub(r"`[^`\n]*`", lambda m: " " * len(m.group(0)), line)


def _sections(rec: Record) -> set[str]:
    return {t.strip().lower() for level, t, _ in rec.headings if level >= 2}


def _options(rec: Record) -> int | None:
    """Number of top-level list items under 'Considered Options' (None when there is no such section)."""
    lines = rec.text.splitlines()
    start = next((line for level, t, line in rec.headings if level >= 2 and t.strip().lower() == "considered options"),
                 None)
    if start is None:
        return None
    count = 0
    for line in lines[start:]:
        if re.match(r"^#{1,6}\s", line):
            break
        if re.match(r"^(?:[-*+]|\d+[.)])\s+\S", line):
            count += 1
    return count


def check_record(rec: Record, display: str) -> list[Finding]:
    out: list[Finding] = []
    fam = family(rec)
    if rec.style == "unknown":
        out.append(Finding("ADR002", "no status found (no YAML front matter, '* Status:' line or '## Status' section)",
                           display, 1, hint="add 'status: proposed' front matter (MADR 4)"))
    else:
        have = _sections(rec)
        for section in REQUIRED_SECTIONS[fam]:
            if section.lower() not in have:
                out.append(Finding("ADR001", f"missing section '## {section}' ({fam} layout)", display,
                                   rec.title_line or 1))
        if rec.status is None:
            out.append(Finding("ADR002", "the status is empty", display, rec.status_line or 1,
                               hint=f"one of: {', '.join(VALID_STATUSES)}"))
        elif rec.status not in VALID_STATUSES:
            out.append(Finding("ADR002", f"unknown status {rec.status_raw!r}", display, rec.status_line or 1,
                               hint=f"one of: {', '.join(VALID_STATUSES)}"))
    if not rec.title:
        out.append(Finding("ADR001", "missing title ('# ...' heading)", display, 1))
    if fam == "madr":
        n = _options(rec)
        if n is not None and n < 2:
            out.append(Finding("ADR003", f"{n} considered option{'s' if n != 1 else ''}; a decision needs at least two",
                               display, next(ln for lv, t, ln in rec.headings
                                             if t.strip().lower() == "considered options")))
    for line_no, line in _lines_outside_code(rec.text):
        for pattern, what in PLACEHOLDERS:
            m = pattern.search(line)
            if m:
                out.append(Finding("ADR004", f"leftover placeholder: {what} {m.group(0)!r}", display, line_no,
                                   m.start() + 1, severity="warning"))
                break
    return out


def check_folder(folder: Path, *, display_base: Path | None = None) -> list[Finding]:
    """Every finding of the decision log in ``folder``. Raises InvalidInput for an unreadable folder."""
    folder = Path(folder)
    records = read_folder(folder)

    def show(p: Path) -> str:
        base = display_base if display_base is not None else None
        if base is not None:
            try:
                return p.resolve().relative_to(base.resolve()).as_posix()
            except ValueError:
                pass
        return p.as_posix()

    out: list[Finding] = []
    by_number: dict[int, list[Record]] = {}
    for rec in records:
        out += check_record(rec, show(rec.path))
        if rec.number is not None:
            by_number.setdefault(rec.number, []).append(rec)
    for number, recs in sorted(by_number.items()):
        if len(recs) > 1:
            names = ", ".join(r.name for r in recs)
            for r in recs:
                out.append(Finding("ADR005", f"number {number:04d} is used by {len(recs)} records: {names}",
                                   show(r.path), 1, hint="renumber one of them and fix the links to it"))
    # links
    for rec in records:
        for line_no, line in _lines_outside_code(rec.text):
            for m in _LINK.finditer(line):
                href = m.group("href")
                if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.IGNORECASE) or href.startswith(("#", "/")):
                    continue
                target = href.split("#", 1)[0]
                if not target.lower().endswith(".md"):
                    continue
                if not (rec.path.parent / target).exists():
                    out.append(Finding("ADR006", f"link to {target} which does not exist", show(rec.path),
                                       line_no, m.start() + 1))
    unique = {n: recs[0] for n, recs in by_number.items() if len(recs) == 1}
    for rec in records:
        for lk in rec.links:
            if lk.relation not in ("supersedes", "superseded-by") or lk.number is None:
                continue
            other = unique.get(lk.number)
            if other is None:
                if lk.number not in by_number and not lk.href:
                    out.append(Finding("ADR006", f"{lk.relation.replace('-', ' ')} ADR {lk.number:04d}, which does "
                                       "not exist", show(rec.path), lk.line))
                continue
            reverse = "superseded-by" if lk.relation == "supersedes" else "supersedes"
            if not any(b.number == rec.number for b in other.links_of(reverse)):
                verb = "supersedes" if lk.relation == "supersedes" else "is superseded by"
                want = "Superseded by" if reverse == "superseded-by" else "Supersedes"
                out.append(Finding("ADR007", f"{rec.name} {verb} {other.name}, but {other.name} has no "
                                   f"'{want}' link back", show(rec.path), lk.line,
                                   hint=f"run: mqadvise adr supersede "
                                        f"{other.number if lk.relation == 'supersedes' else rec.number} "
                                        f"{rec.number if lk.relation == 'supersedes' else other.number}"))
        if rec.status == "superseded" and not rec.links_of("superseded-by"):
            out.append(Finding("ADR007", "status is superseded but no record is named as its successor",
                               show(rec.path), rec.status_line or 1))
    return out
