"""The style of an existing decision log, so that a new record joins it as one of its own.

Read from the records themselves: the layout most of the recent records use (adr-tools/Nygard, MADR 2,
log4brains, MADR 3/4), the file-name pattern (``0007-x.md``, ``adr-007-x.md``, ``adr007-x.md``,
``20240115-x.md``), the site keys of the front matter (Jekyll ``parent``/``nav_order``, Hugo ``title``/
``weight``/``geekdoc*``), the list bullet, and a template kept in the log (adr-tools
``templates/template.md``, log4brains ``template.md``, MADR ``adr-template.md``).
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from advisor.adr.folder import FILE_RE, kebab

RECENT = 5
#: front matter keys the templates write themselves
ADR_KEYS = {"status", "date", "decision-makers", "deciders", "consulted", "informed"}
#: where tools keep a log's own template, relative to the ADR folder
LOG_TEMPLATES = ("templates/template.md", "template.md", "adr-template.md")
TEMPLATE_OF_STYLE = {"nygard": "nygard", "madr2": "madr2", "log4brains": "log4brains",
                     "madr3": "madr-full", "madr4": "madr-full"}


@dataclass
class LogStyle:
    template: str = "madr-full"          # a bundled template name
    naming: str = "number"               # number | date
    lead: str = ""                       # "", "adr-" or "adr"
    width: int = 4
    bullet: str = "* "
    site_keys: list[tuple[str, object]] = field(default_factory=list)   # from the newest record, in order
    title_in_front_matter: bool = False  # Hugo logs: the title lives in front matter, no H1
    title_numbered: bool = False
    log_template: Path | None = None
    detected_from: int = 0               # how many records were read
    newest: object = None                # the newest record (its site keys show the per-key rules)

    def file_name(self, number: int, title: str, date: datetime.date | str) -> str:
        if self.naming == "date":
            day = date if isinstance(date, datetime.date) else datetime.date.fromisoformat(str(date)[:10])
            return f"{day:%Y%m%d}-{kebab(title)}.md"
        return f"{self.lead}{number:0{self.width}d}-{kebab(title)}.md"


def detect(folder: Path, records: list) -> LogStyle:
    """The style of the log in ``folder`` (its records already read); the default for an empty log."""
    style = LogStyle()
    for rel in LOG_TEMPLATES:
        cand = Path(folder) / rel
        if cand.is_file():
            style.log_template = cand
            break
    mine = [r for r in records if r.package is None] or records
    if not mine:
        return style
    style.detected_from = len(mine)
    recent = mine[-RECENT:]
    layouts = Counter(r.style for r in recent if r.style != "unknown")
    if layouts:
        style.template = TEMPLATE_OF_STYLE.get(layouts.most_common(1)[0][0], "madr-full")
    names = [FILE_RE.match(r.path.name) for r in mine]
    names = [m for m in names if m]
    if names and sum(1 for m in names if len(m.group("prefix")) == 8) * 2 > len(names):
        style.naming = "date"
    elif names:
        style.lead = Counter((m.group("lead") or "").lower() for m in names).most_common(1)[0][0]
        style.width = Counter(len(m.group("prefix")) for m in names).most_common(1)[0][0]
    prefixes = Counter(r.meta_prefix.strip() + " " for r in recent if r.meta_prefix)
    if prefixes:
        style.bullet = prefixes.most_common(1)[0][0]
    elif style.template == "log4brains":
        style.bullet = "- "
    newest = recent[-1]
    style.title_in_front_matter = newest.title_in_front_matter
    style.title_numbered = newest.title_numbered
    style.site_keys = [(k, v) for k, v in newest.front_matter.items() if k not in ADR_KEYS]
    style.newest = newest
    return style


def site_values(style: LogStyle, *, number: int, title: str, file_name: str) -> list[tuple[str, object]]:
    """The site keys for the new record, each by the rule the newest record shows: a value equal to its
    number (``nav_order``, ``weight``) becomes the new number, one equal to its file name the new file name,
    ``title`` the new title (numbered as the log numbers them); anything else (``parent``) is kept."""
    newest = style.newest
    out = []
    for key, value in style.site_keys:
        if newest is not None and isinstance(value, int) and not isinstance(value, bool) and value == newest.number:
            out.append((key, number))
        elif isinstance(value, str) and value.isdigit() and newest is not None and int(value) == newest.number:
            out.append((key, f"{number:0{len(value)}d}"))
        elif newest is not None and isinstance(value, str) and value == newest.path.name:
            out.append((key, file_name))
        elif key == "title":
            out.append((key, f"{number}. {title}" if style.title_numbered else title))
        elif isinstance(value, (str, int, float, bool)):
            out.append((key, value))
    return out


def front_matter_lines(values: list[tuple[str, object]]) -> list[str]:
    from advisor.textsafe import yaml_str

    lines = []
    for key, value in values:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]{0,60}", key):
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (int, float)):
            text = str(value)
        else:
            text = yaml_str(value)
        lines.append(f"{key}: {text}")
    return lines
