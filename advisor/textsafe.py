"""Free text a user wrote (a requirements ``title`` or ``context``, an ADR title) made safe for each kind of
file it lands in: one small function per target.

The text is data, never markup: whatever it contains is shown as typed and starts nothing — no
CloudFormation ``${...}`` substitution, no YAML structure, no Markdown heading, link, image, code span,
table or list, no HTML tag. Every function first applies :func:`clean` (lone surrogates, which cannot be
encoded, become U+FFFD; control characters other than tab and newline are dropped), so any ``str`` is
accepted and the result can always be written as UTF-8.
"""

from __future__ import annotations

import html
import re

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Markdown punctuation that can open or close inline markup; < > & become entities (also safe as HTML)
_MD_INLINE = re.compile(r"([\\`*_\[\]#|~$])")
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# at the start of a line: a list item, a setext underline or thematic break; a numbered item
_MD_LINE_START = re.compile(r"^[-+=]")
_MD_NUMBERED = re.compile(r"^(\d{1,9})([.)])")


def clean(text: object) -> str:
    """``str(text)`` that can be written as UTF-8 and holds no control characters but tab and newline."""
    s = "" if text is None else str(text)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _SURROGATE.sub("\ufffd", s)
    return _CONTROL.sub("", s)


def one_line(text: object) -> str:
    """Clean text with every run of white space (line breaks too) as one space."""
    return " ".join(clean(text).split())


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word where possible, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip() + "…"


# ----- CloudFormation -----------------------------------------------------------------------------
def cfn_sub(text: object) -> str:
    """Literal text for a CloudFormation string: ``${`` becomes ``${!``, the Fn::Sub escape for a literal
    ``${``, so nothing is substituted and cfn-lint does not read it as a missing Fn::Sub (E1029)."""
    return clean(text).replace("${", "${!")


# ----- YAML ----------------------------------------------------------------------------------------
def yaml_str(text: object) -> str:
    """A double-quoted YAML scalar holding exactly ``text`` (YAML 1.1 and 1.2 readers alike)."""
    out = ['"']
    for ch in clean(text):
        code = ord(ch)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF):
            out.append(f"\\u{code:04x}")          # not printable in YAML, or a line break to YAML 1.1
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


# ----- Markdown ------------------------------------------------------------------------------------
def md_inline(text: object) -> str:
    """Text on one Markdown line (a heading, a list item, a table cell's words): shown as typed."""
    return _md_escape(one_line(text))


def md_block(text: object) -> str:
    """Paragraphs of text for a Markdown body: line breaks and blank lines kept, nothing else interpreted."""
    lines = []
    for line in clean(text).strip("\n").split("\n"):
        line = _md_escape(" ".join(line.split()))      # leading spaces would make a code block
        line = _MD_LINE_START.sub(lambda m: "\\" + m.group(0), line)
        lines.append(_MD_NUMBERED.sub(r"\1\\\2", line))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def md_quote(text: object) -> str:
    """Text as a Markdown block quote (``> `` before every line, ``>`` on blank ones)."""
    return "\n".join(f"> {line}" if line else ">" for line in md_block(text).split("\n"))


def md_href(path: object) -> str:
    """A relative link target: percent-encoded except letters, digits and ``/._-~``, so no scheme
    (``javascript:``), no closing parenthesis and no space can start or end anything."""
    from urllib.parse import quote

    return quote(clean(path), safe="/._-~")


def _md_escape(line: str) -> str:
    line = "".join(_MD_ENTITIES.get(ch, ch) for ch in line)
    return _MD_INLINE.sub(r"\\\1", line)


# ----- HTML ----------------------------------------------------------------------------------------
def html_text(text: object) -> str:
    """Text for HTML element content or a quoted attribute value."""
    return html.escape(clean(text), quote=True)
