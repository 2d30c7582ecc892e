"""Helpers for the tests that break a copy of the bundled knowledge one way at a time and expect
`mqadvise knowledge check --root DIR` to exit 1 with a finding at the file and line of the mistake.
The copy itself is the ``knowledge_copy`` fixture (tests/conftest.py)."""

from __future__ import annotations

import re


def break_copy(root, rel, old, new, marker):
    """Replace the first ``old`` in ``rel``; return the 1-based line of ``marker`` in the changed file."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{rel} no longer contains {old!r}; update this test"
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text.count("\n", 0, text.index(marker)) + 1


def check_copy(cli, root):
    """(exit code, output lines) of `mqadvise knowledge check --root root`, never a traceback."""
    code, out, err = cli("knowledge", "check", "--root", root)
    assert "Traceback" not in err
    return code, out.splitlines()


def finding(lines, rel, line, message):
    """The error finding at ``rel:line`` whose message matches ``message`` (a regular expression)."""
    pattern = re.compile(rf"^{re.escape(rel)}:{line}:\d+: error: .*{message}")
    hits = [x for x in lines if pattern.search(x)]
    assert hits, f"no finding {rel}:{line} ~ {message!r} in:\n" + "\n".join(lines[:40])
    return hits[0]


def assert_refused_at(cli, root, rel, old, new, marker, message, *, lines_below=0):
    """Break ``rel`` (:func:`break_copy`) and expect exit 1 with ``message`` at the line of ``marker``
    (or ``lines_below`` lines under it); return the output lines for further checks."""
    line = break_copy(root, rel, old, new, marker) + lines_below
    code, lines = check_copy(cli, root)
    assert code == 1, lines
    finding(lines, rel, line, message)
    return lines


def key_line(block, key):
    """The line of a YAML ``block`` (with its newline) that sets ``key``."""
    return next(x for x in block.splitlines(keepends=True) if x.strip().startswith(f"{key}:"))
