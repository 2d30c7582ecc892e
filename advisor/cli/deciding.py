"""Ask the question that would separate tied designs, once, after the interview (issue 10: ties are
reported, never hidden, and the interview asks what decides)."""

from __future__ import annotations


def deciding(result):
    """The first tie no documented default settles and that names a deciding question, or None."""
    return next((t for t in result.ties if not t.documented and t.deciding_question), None)


def ask_deciding(kb, req, result):
    """Offer the deciding question in the terminal; returns new requirements, or None to keep the result."""
    tie = deciding(result)
    if tie is None:
        return None
    question = next((q for q in kb.questions if q.key == tie.deciding_question), None)
    if question is None:
        return None
    from rich.markup import escape
    from rich.prompt import Prompt

    from advisor.cli.console import out
    from advisor.errors import InvalidInput
    from advisor.interview import Interview

    console = out()
    console.print(f"\n[bold]Two or more designs fit equally well[/] ({escape(tie.chosen)} and "
                  f"{escape(', '.join(tie.others))}), and no AWS default settles it. One more answer would:")
    console.print(f"[bold]{escape(question.prompt)}[/]")
    for answer, design in tie.answers:
        console.print(f"  [cyan]{escape(answer)}[/] [dim]→ {escape(design)}[/]")
    iv = Interview(kb.questions)
    while True:
        raw = Prompt.ask("  › (Enter keeps the tie)", default="", show_default=False, console=console)
        if not raw.strip():
            return None
        try:
            value = iv.parse(question, raw.strip())
            break
        except InvalidInput as exc:
            console.print(f"  [red]{escape(exc.message)}[/]")
    data = req.to_data()
    section, _, field = question.key.partition(".")
    data.setdefault(section, {})[field] = value
    from advisor.requirements import parse_requirements

    return parse_requirements(data)
