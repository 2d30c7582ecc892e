"""`mqadvise scaffold`: write a runnable reference implementation of the recommended design."""

from __future__ import annotations

from pathlib import Path

import typer


def scaffold(
    answers: Path = typer.Option(..., "--answers", "-a", help="A requirements file (contract v1).", dir_okay=False),
    out: Path = typer.Option(..., "--out", "-o", help="The folder to write (must be empty unless --force).",
                             file_okay=False),
    pattern: str = typer.Option(None, "--pattern", "-p", help="Scaffold this passing candidate instead of the "
                                "recommendation (a pattern id from `advise --format json`)."),
    name: str = typer.Option(None, "--name", help="Project name (default: the requirements' name); sanitised."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty folder, replacing the scaffold's files."),
    list_sets: bool = typer.Option(False, "--list", help="List the designs that can be scaffolded and exit."),
) -> None:
    """Generate a project for the recommended design: code, CloudFormation/SAM template, architecture file,
    tests on the local simulator and a README."""
    from advisor.cli.console import info, print_data

    if list_sets:
        from advisor.scaffold.registry import template_sets

        for ts in template_sets().values():
            print_data(f"{ts.name}: {', '.join(ts.patterns)}  ({ts.description})")
        return
    from advisor.scaffold import scaffold as run

    result = run(answers, out, force=force, pattern=pattern, name=name)
    from rich.markup import escape

    info(f"[bold green]scaffolded[/] {escape(result.pattern_id)} ({escape(result.template_set)}) "
         f"into {escape(str(result.out_dir))}: {len(result.files)} files")
    for path in result.files:
        print_data(str(path))
    install = escape("pip install -e '.[dev]'")
    info(f"next: cd {escape(str(result.out_dir))} && {install} && pytest")


def register(app: typer.Typer) -> None:
    app.command("scaffold")(scaffold)
