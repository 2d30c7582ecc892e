"""Fill a template kept in the log (adr-tools ``templates/template.md``, log4brains or MADR
``template.md``/``adr-template.md``) with a rendered decision: the log's template decides which sections
the record has and in which order; the text of each section comes from the decision, rendered in the
log's layout. A section of the template the decision has nothing for is left out (its text is the
template's instructions, not content); the metadata above the first section is the rendered one.
"""

from __future__ import annotations

import re

from advisor.adr import mdscan

_H2 = re.compile(r"^##[ \t]+(?P<text>.*)$")
#: the same section under the names different templates give it
SYNONYMS = {
    "context": "context and problem statement", "context and problem statement": "context",
    "decision": "decision outcome", "decision outcome": "decision",
    "consequences": "decision outcome",
    "pros and cons of the alternatives": "pros and cons of the options",
    "considered alternatives": "considered options",
}


def sections(text: str) -> tuple[str, list[tuple[str, str, str]]]:
    """(preamble, [(key, heading line, body)]) of a Markdown text split at its level-2 headings."""
    preamble: list[str] = []
    out: list[tuple[str, str, list[str]]] = []
    in_fence = False
    for line in text.splitlines():
        if mdscan.is_fence(line):
            in_fence = not in_fence
        m = None if in_fence else _H2.match(line)
        if m:
            key = " ".join(mdscan.strip_comments(m.group("text")).rstrip("# \t").lower().split())
            out.append((key, line, []))
        elif out:
            out[-1][2].append(line)
        else:
            preamble.append(line)
    return "\n".join(preamble), [(k, h, "\n".join(b)) for k, h, b in out]


def fill(log_template: str, rendered: str) -> str:
    """The rendered record re-laid along the sections of ``log_template``."""
    pre, ours = sections(rendered)
    by_key = {k: (h, b) for k, h, b in ours}
    _, theirs = sections(log_template)
    parts = [pre.rstrip("\n")]
    used: set[str] = set()
    for key, heading, _body in theirs:
        found = key if key in by_key else SYNONYMS.get(key) if SYNONYMS.get(key) in by_key else None
        if found is None or found in used:
            continue
        used.add(found)
        title = mdscan.strip_comments(heading).rstrip()
        parts.append(f"{title}\n{by_key[found][1].rstrip()}".rstrip("\n"))
    text = "\n\n".join(p for p in parts if p.strip())
    if "mqadvise-decision" not in text:
        from advisor.adr.decision import comment, decision_key

        key = decision_key(rendered)
        if key:
            text += "\n\n" + comment(key)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"
