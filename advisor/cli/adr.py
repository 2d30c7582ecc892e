"""`mqadvise adr`: write the decision as an Architecture Decision Record and keep the decision log healthy."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from advisor.cli.console import HELP_MARKUP

app = typer.Typer(rich_markup_mode=HELP_MARKUP, help="Architecture Decision Records: write the decision, supersede, index and lint.",
                  no_args_is_help=True)


class Template(str, Enum):
    madr_full = "madr-full"
    madr_minimal = "madr-minimal"
    nygard = "nygard"


class ListFormat(str, Enum):
    text = "text"
    json = "json"


class LintFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    junit = "junit"


class UnknownStatus(str, Enum):
    error = "error"
    warning = "warning"
    off = "off"


class NewStatus(str, Enum):
    proposed = "proposed"
    accepted = "accepted"
    rejected = "rejected"
    deprecated = "deprecated"


DIR_HELP = "The ADR folder (default: docs/decisions, docs/adr, doc/adr or the one named in .adr-dir)."


def _people(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split(",") if p.strip()]


def _date(value: str | None):
    import datetime

    from advisor.errors import InvalidInput

    if value is None:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"--date {value!r} is not a date (YYYY-MM-DD)") from None


def _dir(adr_dir: Path | None) -> Path:
    from advisor.adr.folder import find_adr_dir

    return find_adr_dir(Path("."), adr_dir)


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@app.command("new")
def new(
    answers: Path = typer.Option(None, "--answers", "-a", dir_okay=False,
                                 help="The requirements file of the decision (without it, --title writes a blank record)."),
    adr_dir: Path = typer.Option(None, "--dir", help=DIR_HELP),
    template: str = typer.Option(None, "--template", "-t",
                                 help="madr (madr-full), madr-minimal, madr2, log4brains or nygard, or a NAME.md.j2 in "
                                      "--template-dir (default: the log's own style and template)."),
    template_dir: Path = typer.Option(None, "--template-dir", file_okay=False,
                                      help="Your own jinja2 templates (NAME.md.j2), used before the bundled ones."),
    title: str = typer.Option(None, "--title", help="The record's title (default: 'Use <pattern> for <name>')."),
    status: NewStatus = typer.Option(NewStatus.proposed, "--status", help="Initial status."),
    date: str = typer.Option(None, "--date", help="YYYY-MM-DD (default: today)."),
    decision_makers: str = typer.Option(None, "--decision-makers", help="Comma-separated names."),
    consulted: str = typer.Option(None, "--consulted", help="Comma-separated names."),
    informed: str = typer.Option(None, "--informed", help="Comma-separated names."),
    supersedes: str = typer.Option(None, "--supersedes", metavar="N", help="This decision replaces ADR N (number or slug)."),
    allow_duplicate: bool = typer.Option(False, "--allow-duplicate",
                                         help="Write it even if a record in force holds the same decision."),
    edit: bool = typer.Option(None, "--edit/--no-edit",
                              help="Open the new record in $VISUAL/$EDITOR (default: for --title without --answers, "
                                   "when a terminal and an editor are there)."),
) -> None:
    """Write the recommendation for a requirements file as the next ADR, in the log's own style (never
    overwrites); or, with only --title, a blank record to write yourself."""
    from advisor.cli.console import print_data

    if answers is None:
        from advisor.adr.log import new_blank
        from advisor.errors import InvalidInput

        if not title:
            raise InvalidInput("pass --answers FILE (the decision from requirements) or --title TEXT (a blank record)")
        path = new_blank(_dir(adr_dir), title, date=_date(date), status=status.value, template=template,
                         supersedes=supersedes)
        print_data(f"wrote {_display(path)}")
        _maybe_edit(path, edit)
        return
    from advisor import api
    from advisor.adr.log import new_adr

    req = api.load_requirements(str(answers))
    kb = api.knowledge()
    result = api.advise(req, kb)
    path = new_adr(result, kb, adr_dir=_dir(adr_dir), template=template, template_dir=template_dir,
                   date=_date(date), status=status.value, title=title,
                   decision_makers=_people(decision_makers), consulted=_people(consulted),
                   informed=_people(informed), requirements_file=Path(answers).as_posix(), supersedes=supersedes,
                   allow_duplicate=allow_duplicate)
    print_data(f"wrote {_display(path)}")
    if edit:
        _maybe_edit(path, True)


def _maybe_edit(path: Path, edit: bool | None) -> None:
    """Open ``path`` in the user's editor ($VISUAL, then $EDITOR), as adr-tools does after ``adr new``."""
    import os
    import shlex
    import subprocess
    import sys

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if edit is None:
        edit = bool(editor) and sys.stdin.isatty() and sys.stdout.isatty()
    if not edit:
        return
    if not editor:
        from advisor.errors import InvalidInput

        raise InvalidInput("--edit needs $VISUAL or $EDITOR set", hint=f"the record is written: {_display(path)}")
    try:
        subprocess.run([*shlex.split(editor), str(path)], check=False)
    except OSError as exc:
        from advisor.errors import InvalidInput

        raise InvalidInput(f"cannot start the editor {editor!r}: {exc.strerror or exc}",
                           hint=f"the record is written: {_display(path)}") from None


@app.command("list")
def list_(
    adr_dir: Path = typer.Option(None, "--dir", help=DIR_HELP),
    output_format: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Number, title, status and date of every ADR."""
    from advisor.adr.records import read_folder
    from advisor.cli.console import out, print_json

    folder = _dir(adr_dir)
    records = read_folder(folder)
    if output_format == ListFormat.json:
        print_json({"dir": folder.as_posix(), "records": [r.as_json() for r in records]})
        return
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=f"Decisions in {escape(folder.as_posix())}", title_justify="left")
    for col in ("number", "title", "status", "date"):
        t.add_column(col)
    for r in records:
        t.add_row(f"{r.number:04d}" if r.number is not None else "—", escape(r.title or r.name),
                  escape(r.status or "?"), escape(r.date or ""))
    out().print(t)


@app.command("show")
def show(
    number: str = typer.Argument(..., help="The ADR: its number, or its slug (log4brains: 20201016-x, core/...)."),
    adr_dir: Path = typer.Option(None, "--dir", help=DIR_HELP),
    output_format: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Print one ADR (its Markdown, or its metadata and content as JSON)."""
    from advisor.adr.records import find, read_folder
    from advisor.cli.console import print_data, print_json

    rec = find(read_folder(_dir(adr_dir)), number)
    if output_format == ListFormat.json:
        print_json(rec.as_json(content=True))
    else:
        print_data(rec.text)


@app.command("supersede")
def supersede(
    old: str = typer.Argument(..., help="The ADR that is replaced (number or slug)."),
    new: str = typer.Argument(..., help="The ADR that replaces it (number or slug)."),
    adr_dir: Path = typer.Option(None, "--dir", help=DIR_HELP),
) -> None:
    """Mark OLD as superseded by NEW and link both records to each other."""
    from advisor.adr.log import supersede as do
    from advisor.cli.console import print_data

    old_path, new_path = do(_dir(adr_dir), old, new)
    print_data(f"{_display(old_path)} is superseded by {_display(new_path)}")


@app.command("status")
def status(
    number: str = typer.Argument(..., help="The ADR: its number or its slug."),
    value: NewStatus = typer.Argument(..., help="accepted, rejected, deprecated or proposed."),
    adr_dir: Path = typer.Option(None, "--dir", help=DIR_HELP),
) -> None:
    """Change the status of an ADR (only its status line changes)."""
    from advisor.adr.log import set_status
    from advisor.cli.console import print_data

    path = set_status(_dir(adr_dir), number, value.value)
    print_data(f"{_display(path)}: status {value.value}")


@app.command("index")
def index(
    adr_dir: Path = typer.Option(None, "--dir", help=DIR_HELP),
    output: Path = typer.Option(None, "--output", "-o", help="The index page (default: index.md in the ADR folder)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing page not written by this command."),
) -> None:
    """Write an index page: a table of every ADR with its status and links."""
    from advisor.adr.log import write_index
    from advisor.cli.console import print_data

    path = write_index(_dir(adr_dir), output=output, force=force)
    print_data(f"wrote {_display(path)}")


@app.command("lint")
def lint(
    folder: Path = typer.Argument(None, help=DIR_HELP),
    output_format: LintFormat = typer.Option(LintFormat.text, "--format", "-f",
                                             help="text, json, sarif, github (annotations) or junit."),
    status_word: list[str] = typer.Option(None, "--status-word", metavar="WORD",
                                          help="A status your log uses besides the usual ones (repeatable)."),
    unknown_status: UnknownStatus = typer.Option(UnknownStatus.warning, "--unknown-status",
                                                 help="How to report other statuses: error, warning or off."),
) -> None:
    """Check the decision log: sections, status, options, placeholders, numbers, links, supersedes.

    Exit status: 0 clean; 1 findings; 2 an unreadable or malformed folder or record.
    """
    from advisor import __version__
    from advisor.adr.lint import RULES, check_folder
    from advisor.cli.console import print_data
    from advisor.errors import InvalidInput, Location
    from advisor.findings import exit_code, render

    target = _dir(folder)
    if not target.is_dir():
        raise InvalidInput("no ADR folder here", location=Location(target.as_posix()),
                           hint="pass the folder: mqadvise adr lint docs/decisions")
    from advisor.adr.lint import StatusPolicy

    policy = StatusPolicy(unknown_status.value, tuple(" ".join(w.lower().split()) for w in status_word or ()))
    findings = check_folder(target, display_base=Path.cwd(), policy=policy)
    kwargs = {"version": __version__, "rules": RULES} if output_format == LintFormat.sarif else {}
    text = render(findings, output_format.value, tool="mqadvise adr lint", **kwargs)
    if text:
        print_data(text)
    raise typer.Exit(exit_code(findings))


class GraphFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"


@app.command("init")
def init(
    adr_dir: Path = typer.Argument(None, help="The folder to create (default: docs/decisions)."),
    template: str = typer.Option(None, "--template", "-t", help="madr (default), madr2, log4brains or nygard."),
    date: str = typer.Option(None, "--date", help="YYYY-MM-DD (default: today)."),
) -> None:
    """Start a decision log: the folder and its first record, "Record architecture decisions"."""
    from advisor.adr.log import init as do
    from advisor.cli.console import print_data

    path = do(_dir(adr_dir), template=template, date=_date(date))
    print_data(f"wrote {_display(path)}")


@app.command("link")
def link(
    source: str = typer.Argument(..., help="The record that gets the link (number or slug)."),
    relation: str = typer.Argument(..., help="'Amends:Amended by': the link text, and after ':' the text "
                                             "written back in the target."),
    target: str = typer.Argument(..., help="The record linked to (number or slug)."),
    adr_dir: Path = typer.Option(None, "--dir", help=DIR_HELP),
) -> None:
    """Link two records with a relation of your own (adr-tools' -l "Amends:Amended by")."""
    from advisor.adr.log import link as do
    from advisor.cli.console import print_data

    a, b = do(_dir(adr_dir), source, relation, target)
    print_data(f"{_display(a)} {relation.partition(':')[0].strip().lower()} {_display(b)}")


@app.command("graph")
def graph(
    adr_dir: Path = typer.Option(None, "--dir", help=DIR_HELP),
    output_format: GraphFormat = typer.Option(GraphFormat.mermaid, "--format", "-f", help="mermaid or dot."),
) -> None:
    """The decision graph (supersedes, amends, ...) as Mermaid or Graphviz DOT."""
    from advisor.adr.graph import dot, mermaid
    from advisor.adr.records import read_folder
    from advisor.cli.console import print_data

    records = read_folder(_dir(adr_dir))
    print_data((mermaid if output_format == GraphFormat.mermaid else dot)(records).rstrip("\n"))


@app.command("site")
def site(
    out_dir: Path = typer.Option(..., "--out", "-o", file_okay=False, help="The folder to write the site into."),
    adr_dir: Path = typer.Option(None, "--dir", help=DIR_HELP),
    title: str = typer.Option("Architecture Decision Records", "--title", help="The site's title."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty folder this command did not write."),
    serve: bool = typer.Option(False, "--serve", help="Then serve it on 127.0.0.1 until Ctrl-C (a local preview)."),
    port: int = typer.Option(0, "--port", min=0, max=65535, help="Port for --serve (default: a free one)."),
) -> None:
    """Write the log as a self-contained static HTML site: index with search, the decision graph, one page
    per record (no server needed; --serve for a local preview)."""
    from advisor.adr import site as S
    from advisor.adr.records import read_folder
    from advisor.cli.console import info, print_data

    written = S.build(read_folder(_dir(adr_dir)), out_dir, title=title, force=force)
    print_data(f"wrote {len(written) - 1} pages to {_display(out_dir)} (open {_display(out_dir / 'index.html')})")
    if serve:
        S.serve(out_dir, port, on_ready=lambda url: info(f"serving {url} (Ctrl-C stops)"))


def offer_adr(result, kb, *, requirements_file: str | None = None) -> Path | None:
    """At the end of the interview: ask whether to write the decision as an ADR, and write it."""
    from rich.prompt import Confirm, Prompt

    from advisor.adr.log import new_adr
    from advisor.cli.console import info, out
    from advisor.errors import MqadviseError

    if not result.ok:
        return None
    console = out()
    if not Confirm.ask("\nWrite this decision as an Architecture Decision Record?", default=False, console=console):
        return None
    folder = Prompt.ask("ADR folder", default=_dir(None).as_posix(), console=console)
    choice = Prompt.ask("Template", choices=[t.value for t in Template], default=Template.madr_full.value,
                        console=console)
    try:
        path = new_adr(result, kb, adr_dir=Path(folder), template=choice, date=_date(None),
                       requirements_file=requirements_file)
    except MqadviseError as exc:
        from rich.markup import escape

        console.print(f"[red]{escape(exc.render())}[/]")
        return None
    info(f"wrote {_display(path)}")
    return path
