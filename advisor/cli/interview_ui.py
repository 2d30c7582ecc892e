"""The interview in a terminal: rich prompts over advisor.interview.Interview."""

from __future__ import annotations

from pathlib import Path

from advisor.errors import InvalidInput


def run_interview(kb, *, save: Path | None = None, force: bool = False):
    from rich.markup import escape
    from rich.panel import Panel
    from rich.prompt import Prompt

    from advisor.cli.console import out
    from advisor.interview import Interview

    console = out()
    console.print(Panel(
        "Answer what you know; press Enter (or type 'skip') when you are not sure — a skipped answer "
        "adds no constraint. Type '?' for an explanation and examples. Ctrl-C quits.",
        title="mqadvise interview", border_style="cyan"))
    iv = Interview(kb.questions)
    while (q := iv.next_question()) is not None:
        console.print(f"\n[bold]{escape(q.prompt)}[/]" + (f" [dim]({escape(q.unit)})[/]" if q.unit else ""))
        if q.choices:
            for i, c in enumerate(q.choices, 1):
                console.print(f"  [cyan]{i}[/] {escape(c.label)} [dim]— {escape(str(c.value))}[/]")
            if q.kind == "multi":
                console.print("  [dim]several answers: separate with commas (1,3)[/]")
        elif q.kind == "bool":
            console.print("  [dim]yes / no[/]")
        while True:
            raw = Prompt.ask("  ›", default="", show_default=False, console=console)
            if raw.strip() == "?":
                console.print(Panel(escape(q.explanation.strip()), border_style="dim"))
                for c in q.choices:
                    ex = f" — e.g. {c.example}" if c.example else ""
                    console.print(f"  [bold]{escape(c.label)}[/]: {escape(c.explanation.strip())}{escape(ex)}")
                if q.example:
                    console.print(f"  [dim]example: {escape(str(q.example))}[/]")
                continue
            try:
                iv.answer(q, raw)
                break
            except InvalidInput as exc:
                console.print(f"  [red]{escape(exc.message)}[/]")
    try:
        req = iv.requirements()
    except InvalidInput as exc:
        raise InvalidInput(f"the answers do not form valid requirements: {exc.message}") from None
    if save is not None:
        write_requirements(req, save, force=force)
    return req


def write_requirements(req, path: Path, *, force: bool = False) -> None:
    from advisor.cli.console import info
    from advisor.fsutil import write_new_file
    from advisor.requirements import dump_requirements

    write_new_file(Path(path), dump_requirements(req), force=force)
    info(f"saved the requirements to {path}")


def offer_save(req) -> None:
    from rich.prompt import Confirm, Prompt

    from advisor.cli.console import out
    from advisor.errors import RefusedOverwrite

    console = out()
    if not Confirm.ask("\nSave these answers as a requirements file?", default=True, console=console):
        return
    while True:
        path = Prompt.ask("File", default=f"{req.name}.yaml", console=console)
        try:
            write_requirements(req, Path(path))
            return
        except RefusedOverwrite:
            if Confirm.ask(f"{path} exists. Replace it?", default=False, console=console):
                write_requirements(req, Path(path), force=True)
                return
