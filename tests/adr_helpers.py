"""Helpers shared by the tests/test_adr_*.py modules."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADR_DATA = ROOT / "tests" / "data" / "adr"
FOREIGN = ADR_DATA / "foreign"
GOLDEN = ADR_DATA / "golden"


def copy_foreign(dst: Path) -> Path:
    folder = dst / "docs" / "adr"
    shutil.copytree(FOREIGN, folder)
    return folder


def md_tokens(text: str):
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").parse(text)


def headings(text: str) -> list[tuple[int, str]]:
    toks = md_tokens(text)
    out = []
    for i, t in enumerate(toks):
        if t.type == "heading_open":
            out.append((int(t.tag[1]), toks[i + 1].content))
    return out


def tables(text: str) -> list[list[list[str]]]:
    """Every table as rows of cell texts (header row first)."""
    toks = md_tokens(text)
    out: list[list[list[str]]] = []
    row: list[str] | None = None
    for i, t in enumerate(toks):
        if t.type == "table_open":
            out.append([])
        elif t.type == "tr_open":
            row = []
        elif t.type in ("th_open", "td_open"):
            row.append(toks[i + 1].content)
        elif t.type == "tr_close":
            out[-1].append(row)
    return out
