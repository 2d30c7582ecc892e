"""Linear-time scanning of ADR Markdown: code fences, HTML comments, links, headings.

ADR files come from anyone's repository, so nothing here may take more than linear time on a crafted line
(a 360 KB line of ``[`` once took a backtracking regex 24 s). Links are found by locating each ``](`` with
``str.find`` and the '[' that opens it from one pass over the line's brackets (looking back from each ``](``
cost up to MAX_LABEL_CHARS a time: 2.5 s for a line of them); every pattern used on whole lines has no nested
unbounded repetition; lines are cut at :data:`MAX_LINE_CHARS` before scanning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LINE_CHARS = 20_000      # longer lines are scanned up to here (no real ADR line is near it)
MAX_LABEL_CHARS = 500
MAX_HREF_CHARS = 2_000

_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_HUGO_REF = re.compile(r'^\{\{[<%]\s*(?:rel)?ref\s+"([^"\n]{1,500})"\s*[>%]\}\}$')


@dataclass(frozen=True)
class MdLink:
    start: int          # 0-based column of the '['
    label: str
    href: str           # the target as written; Hugo ``{{< ref "x.md" >}}`` becomes ``x.md``


def bounded(line: str) -> str:
    return line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS]


def strip_comments(text: str) -> str:
    """``text`` without ``<!-- ... -->`` comments (an unclosed one runs to the end of the line)."""
    if "<!--" not in text:
        return text
    out, pos = [], 0
    while True:
        a = text.find("<!--", pos)
        if a < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:a])
        b = text.find("-->", a + 4)
        if b < 0:
            nl = text.find("\n", a)
            pos = len(text) if nl < 0 else nl
            continue
        pos = b + 3
    return "".join(out).rstrip()


def lines_outside_code(text: str):
    """``(line_number, line)`` for every line outside fenced code; inline code spans are blanked out."""
    in_fence = False
    for i, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            yield i, blank_code_spans(bounded(line))


def blank_code_spans(line: str) -> str:
    """Inline code spans replaced by spaces of the same length (positions stay)."""
    if "`" not in line:
        return line
    out, pos = [], 0
    while True:
        a = line.find("`", pos)
        if a < 0:
            break
        b = line.find("`", a + 1)
        if b < 0:
            break
        out.append(line[pos:a])
        out.append(" " * (b - a + 1))
        pos = b + 1
    out.append(line[pos:])
    return "".join(out)


def is_fence(line: str) -> bool:
    return bool(_FENCE.match(line))


def links(line: str) -> list[MdLink]:
    """Inline links ``[label](href "title")`` of one line (images excluded), in order."""
    line = bounded(line)
    found: list[MdLink] = []
    if "](" not in line:
        return found
    openers = _openers(line)
    pos = 0
    while True:
        mid = line.find("](", pos)
        if mid < 0:
            return found
        pos = mid + 2
        start = openers.get(mid)
        if start is None or start < mid - MAX_LABEL_CHARS:      # no '[' opens it, or too far back for a label
            continue
        end = line.find(")", mid + 2, mid + 2 + MAX_HREF_CHARS)
        if end < 0:
            continue
        raw = line[mid + 2:end].strip()
        href = _href(raw)
        if href is None:
            continue
        if start > 0 and line[start - 1] == "!":
            continue
        found.append(MdLink(start, line[start + 1:mid].replace("\\", ""), href))
        pos = end + 1


_BRACKETS = re.compile(r"[\[\]]")


def _openers(line: str) -> dict[int, int]:
    """{index of each ']': index of the '[' it closes} in one pass over the brackets. Looking back from each
    ``](`` instead cost its distance to the '[' every time: 10,000 ``](`` in a row took seconds a line."""
    out: dict[int, int] = {}
    unclosed: list[int] = []
    for match in _BRACKETS.finditer(line):
        if match.group() == "[":
            unclosed.append(match.start())
        elif unclosed:
            out[match.start()] = unclosed.pop()
    return out


def _href(raw: str) -> str | None:
    if not raw:
        return None
    if raw.startswith("{{"):
        m = _HUGO_REF.match(raw)
        return m.group(1) if m else None
    if raw.startswith("<"):
        close = raw.find(">")
        return raw[1:close] if close > 1 else None
    parts = raw.split(None, 1)
    if len(parts) == 2 and not parts[1].startswith(('"', "'", "(")):
        return None       # a space in a bare target: not a link (CommonMark)
    return parts[0]


def link_texts(text: str) -> str:
    """``[label](href)`` replaced by ``label`` (for titles and values shown to people)."""
    if "](" not in text:
        return text
    out, pos = [], 0
    for lk in links(text):
        end = text.find(")", text.find("](", lk.start) + 2)
        out.append(text[pos:lk.start])
        out.append(lk.label)
        pos = end + 1
    out.append(text[pos:])
    return "".join(out)
