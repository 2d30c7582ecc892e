"""`mqadvise advise`: the interview, or a requirements file, to a recommendation."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer


class Format(str, Enum):
    text = "text"
    json = "json"
    yaml = "yaml"
    markdown = "markdown"


def advise(
    answers: Path = typer.Option(None, "--answers", "-a", help="A requirements file (contract v1); no questions asked."),
    output_format: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    explain: bool = typer.Option(False, "--explain", help="Print the whole decision trace."),
    why_not: str = typer.Option(None, "--why-not", metavar="ID",
                                help="Explain why one service (or service:variant) was not recommended."),
    save: Path = typer.Option(None, "--save", help="Save the interview's answers as a requirements file."),
    force: bool = typer.Option(False, "--force", help="Let --save replace an existing file."),
) -> None:
    """Recommend a design for how your systems should talk to each other on AWS.

    Exit status: 0 a recommendation was made; 3 nothing fits (the conflicting requirements are named);
    2 invalid input.
    """
    from advisor import api

    if answers is not None:
        req = api.load_requirements(str(answers))
    else:
        from advisor.errors import UsageError

        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageError("no terminal for the interview; pass --answers FILE (see `mqadvise schema requirements`)")
        from advisor.cli.interview_ui import run_interview

        req = run_interview(api.knowledge(), save=save, force=force)
    kb = api.knowledge()
    result = api.advise(req, kb)
    if answers is None and sys.stdin.isatty():
        from advisor.cli.deciding import ask_deciding

        decided = ask_deciding(kb, req, result)
        if decided is not None:
            req, result = decided, api.advise(decided, kb)
    _emit(result, kb, output_format, explain, why_not)
    if answers is None and save is None and sys.stdin.isatty():
        from advisor.cli.interview_ui import offer_save

        offer_save(req)
    if answers is None and sys.stdin.isatty() and result.ok:
        from advisor.cli.adr import offer_adr

        offer_adr(result, kb, requirements_file=str(save) if save is not None else None)
    if not result.ok:
        raise typer.Exit(3)


def _emit(result, kb, output_format: Format, explain: bool, why_not: str | None) -> None:
    from advisor import report
    from advisor.cli.console import out, print_data

    if why_not:
        lines = report.why_not(result, kb, why_not)
        if output_format == Format.json:
            from advisor.cli.console import print_json

            print_json({"service": why_not, "explanation": lines})
        else:
            for line in lines:
                print_data(line)
        return
    if output_format == Format.json:
        data = report.as_json(result, kb)
        if explain:
            data["trace"] = result.trace
        import json

        print_data(json.dumps(data, indent=2, ensure_ascii=False))
    elif output_format == Format.yaml:
        print_data(report.as_yaml_text(result, kb))
    elif output_format == Format.markdown:
        print_data(report.as_markdown(result, kb))
    else:
        report.print_text(result, kb, out(), explain=explain)


def register(app: typer.Typer) -> None:
    app.command("advise")(advise)
