"""`mqadvise scaffold`: write a runnable reference implementation of the recommended design."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer


class Format(str, Enum):
    text = "text"
    json = "json"


def scaffold(
    answers: Path = typer.Option(None, "--answers", "-a", help="A requirements file (contract v1).", dir_okay=False),
    out: Path = typer.Option(None, "--out", "-o", help="The folder to write (must be empty unless --force).",
                             file_okay=False),
    pattern: str = typer.Option(None, "--pattern", "-p", help="Scaffold this passing candidate instead of the "
                                "recommendation (a pattern id from `advise --format json`)."),
    name: str = typer.Option(None, "--name", help="Project name (default: the requirements' name); sanitised."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty folder: replaces only files an earlier "
                               "scaffold wrote and you have not changed; your changes are kept."),
    list_sets: bool = typer.Option(False, "--list", help="List the designs that can be scaffolded and exit."),
    output_format: Format = typer.Option(Format.text, "--format", "-f", help="Output format of the file list "
                                         "(or of --list)."),
) -> None:
    """Generate a project for the recommended design: code, CloudFormation/SAM template, architecture file,
    tests on the local simulator and a README.

    Exit status: 0 written; 2 bad input or a folder it may not write; 3 nothing fits the requirements.
    """
    from advisor.errors import UsageError

    if list_sets:
        _list(output_format)
        return
    missing = [opt for opt, value in (("--answers", answers), ("--out", out)) if value is None]
    if missing:
        raise UsageError(f"missing option {' and '.join(missing)}",
                         hint="mqadvise scaffold --answers mqadvise.yaml --out service/  (or --list)")
    from advisor.errors import NoServiceFits
    from advisor.scaffold import scaffold as run

    try:
        with _progress("scaffolding: choosing the design, rendering and writing the project"):
            result = run(answers, out, force=force, pattern=pattern, name=name)
    except NoServiceFits as exc:
        _no_fit(exc)
    _report(result, output_format)


def _list(output_format: Format) -> None:
    from advisor.cli.console import print_data, print_json
    from advisor.scaffold.registry import template_sets

    sets = template_sets().values()
    if output_format == Format.json:
        print_json([{"template_set": ts.name, "patterns": list(ts.patterns), "description": ts.description}
                    for ts in sets])
        return
    for ts in sets:
        print_data(f"{ts.name}: {', '.join(ts.patterns)}  ({ts.description})")


def _report(result, output_format: Format) -> None:
    from rich.markup import escape

    from advisor.cli.console import info, print_data, print_json

    if output_format == Format.json:
        print_json({"out_dir": str(result.out_dir), "pattern": result.pattern_id,
                    "template_set": result.template_set, "files": [str(p) for p in result.files],
                    "written": result.written, "removed": result.removed,
                    "kept": [{"path": p, "reason": why, "scaffold_version": result.beside.get(p)}
                             for p, why in result.kept], "notes": result.notes})
    for note in result.notes:
        info(f"[yellow]note:[/] {escape(note)}")
    for rel, why in result.kept:
        where = result.beside.get(rel)
        info(f"[yellow]kept[/] {escape(rel)}: {escape(why)}" +
             (f"; the scaffold's version is in {escape(where)}" if where else ""))
    for rel in result.removed:
        info(f"removed {escape(rel)} (the previous design's, unchanged)")
    info(f"[bold green]scaffolded[/] {escape(result.pattern_id)} ({escape(result.template_set)}) "
         f"into {escape(str(result.out_dir))}: {len(result.written)} files written, "
         f"{len(result.files) - len(result.written)} already up to date")
    if output_format == Format.text:
        for path in result.files:
            print_data(str(path))
    install = escape("pip install -e '.[dev]'")
    info(f"next: cd {escape(str(result.out_dir))} && {install} && pytest")


def _no_fit(exc) -> None:
    """Name the conflicting requirements, as `advise` does, under the same `error:` prefix; exit 3."""
    from rich.markup import escape

    from advisor.cli.console import err

    console = err()
    console.print(f"[bold red]error:[/] {escape(exc.message)}")
    for conflict in exc.conflicts:
        console.print(f"  - {escape(conflict)}")
    console.print("  hint: relax one of these requirements; `mqadvise advise --answers FILE` explains the "
                  "candidates")
    raise SystemExit(exc.exit_code)


def _progress(message: str):
    """A spinner while the scaffold is made (it takes a second or two); nothing when piped."""
    from advisor.cli.console import spinner

    return spinner(message)


def register(app: typer.Typer) -> None:
    app.command("scaffold")(scaffold)
