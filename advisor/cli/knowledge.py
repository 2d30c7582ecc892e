"""`mqadvise knowledge check`: validate the knowledge base (schema, references, sources, ids)."""

from __future__ import annotations

from pathlib import Path

import typer

from advisor.cli.console import HELP_MARKUP
from advisor.cli.formats import format_option

app = typer.Typer(rich_markup_mode=HELP_MARKUP, help="Inspect and validate the knowledge base.", no_args_is_help=True)


@app.command("check")
def check(
    root: Path = typer.Option(None, "--root", help="A knowledge folder to check instead of the bundled one."),
    output_format: str = format_option("text", "json", what="the findings"),
) -> None:
    """Validate every knowledge file; exit 1 with file:line findings when something is wrong."""
    from advisor.api import check_knowledge
    from advisor.cli.console import print_data, print_json, spinner

    with spinner("checking the knowledge files (schema, references, sources)"):
        findings, summary = check_knowledge(root)
    if output_format == "json":
        print_json({"findings": [{"file": f.location.file, "line": f.location.line, "severity": f.severity,
                                  "message": f.message} for f in findings], "summary": summary})
    else:
        for f in findings:
            print_data(str(f))
        if not findings:
            print_data(f"knowledge ok: {summary['services']} services, {summary['options']} options, "
                       f"{summary['facts']} facts with sources, {summary['relations']} relations, "
                       f"{summary['patterns']} patterns, {summary['questions']} questions, {summary['prices']} prices; "
                       f"as of {summary['as_of']}")
    if any(f.severity == "error" for f in findings):
        raise typer.Exit(1)


@app.command("docs")
def docs(out: Path = typer.Option(Path("docs"), "--out", help="The docs folder to write into."),
         check: bool = typer.Option(False, "--check", help="Only report stale pages; exit 1 if any.")) -> None:
    """Generate docs/services/*.md from the knowledge (one page per service)."""
    from advisor import api
    from advisor.cli.console import print_data
    from advisor.docsgen import stale_pages, write_pages

    kb = api.knowledge()
    if check:
        stale = stale_pages(kb, out)
        for rel in stale:
            print_data(f"stale: {out / rel}")
        raise typer.Exit(1 if stale else 0)
    for path in write_pages(kb, out):
        print_data(f"wrote {path}")
