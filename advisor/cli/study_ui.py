"""Study mode in a terminal: rich prompts for questions and flashcards, and the reports."""

from __future__ import annotations

from typing import Any

from advisor.errors import InvalidInput

BAR_WIDTH = 20


def bar(percent: float | None, width: int = BAR_WIDTH) -> str:
    if percent is None:
        return "[dim]" + "·" * width + "[/]"
    filled = round(width * percent / 100)
    colour = "green" if percent >= 72 else "yellow" if percent >= 50 else "red"
    return f"[{colour}]" + "█" * filled + "[/][dim]" + "░" * (width - filled) + "[/]"


def _show_item(console, item, n: int, total: int, clock=None) -> None:
    from rich.markup import escape
    from rich.panel import Panel

    title = f"Question {n}/{total}"
    if clock is not None:
        left = max(0, int(clock.remaining))
        title += f" · {left // 60:d}:{left % 60:02d} left"
    tags = f"{', '.join(item.services)} · {item.topic} · {item.domain}" + (" · generated" if item.origin == "generated" else "")
    console.print()
    console.print(Panel(escape(" ".join(item.stem.split())), title=title, subtitle=tags, title_align="left",
                        subtitle_align="right", border_style="cyan"))
    for i, opt in enumerate(item.options):
        console.print(f"  [bold cyan]{chr(65 + i)}[/]  {escape(opt.text)}")
    if item.choose == 2:
        console.print("  [dim]choose two, e.g. AC[/]")


def explain(console, item, given: list[str] | None) -> None:
    from rich.markup import escape

    from advisor.study.bank import is_correct

    right = "".join(item.correct_letters)
    if given is None:
        console.print(f"  [yellow]not answered[/] - the answer is [bold]{right}[/]")
    elif is_correct(item, given):
        console.print(f"  [bold green]✓ correct[/] ({right})")
    else:
        console.print(f"  [bold red]✗ {''.join(given)} is wrong[/] - the answer is [bold]{right}[/]")
    for i, opt in enumerate(item.options):
        mark = "[green]✓[/]" if opt.correct else "[red]✗[/]" if given and chr(65 + i) in given else " "
        console.print(f"   {mark} [bold]{chr(65 + i)}[/] [dim]{escape(' '.join(opt.why.split()))}[/]")
    if item.explanation:
        console.print(f"   [dim]{escape(' '.join(item.explanation.split()))}[/]")
    for url in item.sources:
        console.print(f"   [dim]source: {escape(url)}[/]")


def ask_questions(console, items: list, *, explain_now: bool, clock=None) -> list:
    """Ask each item; Enter skips, q stops. With a clock, answers after the time limit do not count."""
    from rich.prompt import Prompt

    from advisor.study.bank import parse_answer
    from advisor.study.session import Answered

    answers: list = []
    for n, item in enumerate(items, 1):
        if clock is not None and clock.expired:
            console.print("\n[bold yellow]Time is up.[/]")
            break
        _show_item(console, item, n, len(items), clock)
        given = None
        import time

        started = time.monotonic()
        while True:
            raw = Prompt.ask("  Answer [dim](Enter skips, q stops)[/]", default="", show_default=False,
                             console=console).strip()
            if raw.lower() in ("q", "quit"):
                return answers
            if not raw or (clock is not None and clock.expired):
                break
            try:
                given = parse_answer(raw, item)
                break
            except InvalidInput as exc:
                console.print(f"  [red]{exc.message}[/]")
        if clock is not None and clock.expired:
            console.print("  [yellow]time ran out before this answer; it does not count[/]")
            given = None
        answers.append(Answered(item, given, time.monotonic() - started))
        if explain_now:
            explain(console, item, given)
    return answers


def report(console, answers: list, result: dict[str, Any], *, mode: str, explain_all: bool) -> None:
    from rich.table import Table

    s = result["score"]
    pct = s["percent"]
    console.print()
    head = f"[bold]{mode}: {s['correct']}/{s['total']} correct" + (f" ({pct:.0f}%)" if pct is not None else "") + "[/]"
    if s.get("unanswered"):
        head += f"  [dim]{s['unanswered']} unanswered[/]"
    console.print(head)
    exam = result.get("exam")
    if exam:
        verdict = "[bold green]pass[/]" if exam["passed"] else "[bold red]fail[/]"
        console.print(f"{verdict}: estimated scaled score {exam['scaled']}/{exam['max']} "
                      f"(passing {exam['passing']}; {exam['weighted_percent']:.0f}% correct, weighted by the "
                      f"{exam['exam'].upper()} domain weights). [dim]An estimate: AWS equates exam forms "
                      "statistically.[/]")
    for bucket, label in (("domains", "Exam domain"), ("services", "Service")):
        table = Table(title=None, show_edge=False, header_style="bold")
        table.add_column(label)
        table.add_column("Score", justify="right")
        table.add_column("", no_wrap=True)
        for name, row in result[bucket].items():
            p = row["percent"]
            table.add_row(name, f"{row['correct']}/{row['total']}", bar(p))
        console.print(table)
    if explain_all:
        for a in answers:
            console.print(f"\n[bold]{a.item.id}[/]: [dim]{' '.join(a.item.stem.split())[:120]}[/]")
            explain(console, a.item, a.given)


def run_cards(console, cards: list) -> list[tuple[Any, int]]:
    """Front, Enter to reveal, then a rating 1-4; q stops."""
    from rich.markup import escape
    from rich.panel import Panel
    from rich.prompt import Prompt

    from advisor.study.flashcards import parse_rating

    out = []
    for n, card in enumerate(cards, 1):
        console.print()
        console.print(Panel(escape(card.front), title=f"Card {n}/{len(cards)} · {card.kind}",
                            subtitle=", ".join(card.services), border_style="magenta", title_align="left"))
        if Prompt.ask("  [dim]Enter shows the answer, q stops[/]", default="", show_default=False,
                      console=console).strip().lower() in ("q", "quit"):
            break
        console.print(Panel(escape(card.back), border_style="green"))
        console.print(f"  [dim]source: {escape(card.source)} (as of {card.as_of})[/]")
        while True:
            raw = Prompt.ask("  How well did you know it? [dim]1 again · 2 hard · 3 good · 4 easy · q stops[/]",
                             console=console).strip()
            if raw.lower() in ("q", "quit"):
                return out
            try:
                out.append((card, parse_rating(raw)))
                break
            except InvalidInput as exc:
                console.print(f"  [red]{exc.message}[/]")
    return out


def show_stats(console, stats: dict[str, Any], *, sessions: list[dict[str, Any]]) -> None:
    from rich import box
    from rich.table import Table

    table = Table(title="Study progress by service", header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    for col, justify in (("Service", "left"), ("Seen", "right"), ("Tries", "right"), ("Acc.", "right"),
                         ("", "left"), ("Due", "right"), ("Next due", "left")):
        table.add_column(col, justify=justify, no_wrap=True)

    def when(text: str | None) -> str:
        return (text or "-")[5:16].replace("T", " ") if text else "-"

    def row_of(name: str, row: dict[str, Any]) -> list[str]:
        acc = row["accuracy"]
        return [name, f"{row['seen']}/{row['items']}", str(row["attempts"]), f"{acc:.0f}%" if acc is not None else "-",
                bar(acc, 10), f"[bold yellow]{row['due']}[/]" if row["due"] else "0", when(row.get("next_due"))]

    for sid, row in stats["services"].items():
        table.add_row(*row_of(sid, row))
    table.add_section()
    table.add_row(*row_of("[bold]all questions[/]", stats["total"]))
    if stats.get("cards"):
        table.add_row(*row_of("flashcards", stats["cards"]))
    console.print(table)
    t = stats["total"]
    if sessions:
        recent = Table(title="Recent sessions", header_style="bold", show_edge=False)
        for col in ("When", "Mode", "Score"):
            recent.add_column(col)
        for s in sessions[-5:]:
            total = s.get("total") or 0
            pct = 100 * s.get("correct", 0) / total if total else None
            recent.add_row(str(s.get("at", ""))[:16].replace("T", " "), str(s.get("mode", "")),
                           f"{s.get('correct', 0)}/{total}  {bar(pct, 10)}")
        console.print(recent)
    if not t["seen"] and not (stats.get("cards") or {}).get("seen"):
        console.print("[dim]No answers yet: start with `mqadvise study practice`.[/]")
