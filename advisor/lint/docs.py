"""Rule documentation generated from the rule docstrings: `mqadvise rules CODE` and docs/rules/.

Regenerate the folder with ``python -m advisor.lint.docs docs/rules``; a test fails when it is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from advisor.lint.rules import all_rules
from advisor.lint.rules.base import HEADINGS, OTHER_TOOLS, LintRule

HEADER = "<!-- generated from the rule's docstring by `python -m advisor.lint.docs docs/rules`; do not edit -->\n"


def rule_page(rule: LintRule) -> str:
    sections = rule.sections()
    out = [HEADER, f"# {rule.code} `{rule.name}`\n", f"{sections['summary']}\n",
           f"Default severity: **{rule.default_severity}**. Applies to: {', '.join(rule.inputs)}.\n"]
    for heading in HEADINGS:
        body = sections.get(heading, "")
        if heading == "References":
            body = "\n".join(f"- <{url}>" for url in rule.references())
        out.append(f"## {heading}\n\n{body}\n")
    rows = "\n".join(f"| {tool} | {rule.equivalents.get(tool, 'none found')} |" for tool in OTHER_TOOLS)
    out.append(f"## Same check in other tools\n\n| Tool | Rule |\n|---|---|\n{rows}\n")
    out.append(f"Suppress with a reason: `# mqadvise: ignore[{rule.code}] why` on the line, or\n"
               f"`lint: {{ignore: {{{rule.code}: \"why\"}}}}` on the element or at the top of the file.\n")
    return "\n".join(out)


def index_page() -> str:
    lines = [HEADER, "# mqadvise lint rules\n",
             ("Every limit a rule compares with comes from the knowledge graph (`knowledge/services/`), with its "
              "source and date.\n"), "| Code | Name | Severity | What it checks |", "|---|---|---|---|"]
    for r in all_rules():
        lines.append(f"| [{r.code}]({r.code}.md) | `{r.name}` | {r.default_severity} | {r.summary()} |")
    return "\n".join(lines) + "\n"


def expected_files() -> dict[str, str]:
    files = {f"{r.code}.md": rule_page(r) for r in all_rules()}
    files["README.md"] = index_page()
    return files


def write_docs(folder: Path) -> list[Path]:
    from advisor.fsutil import atomic_write_text

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in expected_files().items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            atomic_write_text(path, text)
            written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules")
    for p in write_docs(target):
        print(f"wrote {p}")
