"""The interview in a terminal: rich prompts over advisor.interview.Interview."""

from __future__ import annotations

from pathlib import Path

from advisor.errors import InvalidInput


def run_interview(kb, *, save: Path | None = None, force: bool = False):
    from rich.markup import escape
    from rich.panel import Panel

    from advisor.cli.console import out
    from advisor.interview import BACK_WORDS, Interview

    console = out()
    console.print(Panel(
        "Answer what you know; press Enter (or type 'skip') when you are not sure — a skipped answer "
        "adds no constraint. Type '?' for an explanation and examples, '<' to go back to the previous "
        "question. Numbers take units as you would write them (2 KB, 300ms, 6000/min). Ctrl-C quits.",
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
            raw = _ask(console)
            if raw.strip() == "?":
                console.print(Panel(escape(q.explanation.strip()), border_style="dim"))
                for c in q.choices:
                    ex = f" — e.g. {c.example}" if c.example else ""
                    console.print(f"  [bold]{escape(c.label)}[/]: {escape(c.explanation.strip())}{escape(ex)}")
                if q.example:
                    console.print(f"  [dim]example: {escape(typed_example(q))}[/]")
                continue
            if raw.strip().lower() in BACK_WORDS:
                if iv.back() is None:
                    console.print("  [dim]this is the first question[/]")
                    continue
                break
            try:
                iv.answer(q, raw)
            except InvalidInput as exc:
                console.print(f"  [red]{escape(exc.message)}[/]")
                continue
            if iv.note:
                console.print(f"  [dim]= {escape(iv.note)}[/]")
            break
    try:
        req = iv.requirements()
    except InvalidInput as exc:
        raise InvalidInput(f"the answers do not form valid requirements: {exc.message}") from None
    if save is not None:
        write_requirements(req, save, force=force)
    return req


def _ask(console) -> str:
    """One answer; Ctrl-C or Ctrl-D ends the prompt's line first, so the shell prompt starts on its own."""
    import sys

    from rich.prompt import Prompt

    try:
        return Prompt.ask("  ›", default="", show_default=False, console=console)
    except (KeyboardInterrupt, EOFError):
        console.print()
        sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None


def typed_example(q) -> str:
    """The question's example as what one types: for a choice, its number as well as its word."""
    if not q.choices:
        return str(q.example)
    values = [str(c.value) for c in q.choices]
    words = [w.strip() for w in str(q.example).split(",")]
    if all(w in values for w in words):
        numbers = ",".join(str(values.index(w) + 1) for w in words)
        return f"{numbers} (or {', '.join(words)})"
    return str(q.example)


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
