"""`mqadvise study`: practice, mock exams, review, flashcards, progress and export of the question bank."""

from __future__ import annotations

from pathlib import Path

import typer

from advisor.cli.console import HELP_MARKUP
from advisor.cli.formats import format_option

app = typer.Typer(rich_markup_mode=HELP_MARKUP, help="Study for the AWS Solutions Architect exam from the same knowledge: practice, "
                       "mock exams, review, flashcards with spaced repetition.", no_args_is_help=True)

_SERVICE = typer.Option(None, "--service", "-s", help="Only items about this service id (e.g. sqs).")
_TOPIC = typer.Option(None, "--topic", "-t", help="Only items with this topic (e.g. ordering) or connection question.")
_COUNT = "--count"
_ANSWERS = typer.Option(None, "--answers", "-a", metavar="A,B,AC|-",
                        help="Answer without prompts: letters in question order (AC for choose-two), or '-' "
                             "for JSON on standard input ({\"item-id\": \"B\", ...}).")
_FORMAT = format_option("text", "json")
_SEED = typer.Option(None, "--seed", help="Seed for the selection, so a script gets the same questions.")
_IDS = typer.Option(None, "--ids", help="Comma-separated item ids to ask, in this order.")
_NO_RECORD = typer.Option(False, "--no-record", help="Do not store the answers in your progress.")
_NO_GEN = typer.Option(False, "--no-generated", help="Leave out the items generated from the facts.")


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty() and sys.stdout.isatty()


def _split_ids(text: str | None) -> list[str] | None:
    return [i.strip() for i in text.split(",") if i.strip()] if text else None


def _answers_in(answers: str) -> list[tuple[str | None, str]]:
    import sys

    from advisor.study.bank import read_answers_json

    if answers.strip() == "-":
        return read_answers_json(sys.stdin.read())
    return [(None, a.strip()) for a in answers.split(",")]


def _run_questions(mode: str, items: list, bank: list, *, answers: str | None, output_format: str,
                   record: bool, explain_now: bool, minutes: float | None = None) -> None:
    from advisor.cli.console import out, print_json
    from advisor.errors import InvalidInput, UsageError
    from advisor.study.bank import item_json, parse_answer, select
    from advisor.study.progress import Progress
    from advisor.study.session import Answered, ExamClock, score
    from advisor.study.session import record as store

    if output_format not in ("text", "json"):
        raise InvalidInput(f"unknown format {output_format!r}; use text or json")
    progress = Progress.load()
    if record:
        progress.check_writable()      # before any question is asked, not after the answers
    if answers is not None:
        given = _answers_in(answers)
        if given and all(k is not None for k, _v in given):
            items = select(bank, ids=[k for k, _v in given])
        elif any(k is not None for k, _v in given):
            raise InvalidInput("give every answer an item id, or none")
        if len(given) > len(items):
            raise InvalidInput(f"{len(given)} answers for {len(items)} questions")
        answered = [Answered(item, parse_answer(text, item) if text.strip() else None)
                    for item, (_k, text) in zip(items, given, strict=False)]
        answered += [Answered(item, None) for item in items[len(given):]]
    elif _interactive():
        from advisor.cli import study_ui

        if not items:
            raise UsageError("no study items match", hint="try without --service/--topic, or `mqadvise study list`")
        clock = ExamClock(minutes) if minutes else None
        if clock is not None:
            out().print(f"[bold]Mock exam[/]: {len(items)} questions, {minutes:g} minutes. "
                        "Explanations come at the end.")
        answered = study_ui.ask_questions(out(), items, explain_now=explain_now, clock=clock)
        if clock is not None:  # time ran out: the rest count as unanswered
            answered += [Answered(item, None) for item in items[len(answered):]]
    elif output_format == "json":
        print_json({"mode": mode, "items": [item_json(i) for i in items],
                    "hint": "answer with --answers - and {\"<id>\": \"<letters>\"} on standard input"})
        return
    else:
        raise UsageError("no terminal for questions; pass --answers (or --format json to get the questions)")
    result = score(answered)
    if mode == "exam":
        from advisor.study.exam import scaled_score

        result["exam"] = scaled_score(result["domains"])       # estimated, on the exam's 100-1,000 scale
    if record and answered:
        summary = store(progress, answered, mode, extra={"minutes": minutes} if minutes else None)
        progress.save()
    else:
        summary = None
    if output_format == "json":
        print_json({"mode": mode, "recorded": summary is not None, "report": result,
                    "results": [a.as_json() for a in answered]})
    else:
        from advisor.cli import study_ui

        if answers is not None and explain_now:
            for a in answered:
                study_ui._show_item(out(), a.item, answered.index(a) + 1, len(answered))
                study_ui.explain(out(), a.item, a.given)
        study_ui.report(out(), answered, result, mode=mode, explain_all=not explain_now)


@app.command("practice")
def practice(
    service: str = _SERVICE, topic: str = _TOPIC,
    domain: str = typer.Option(None, "--domain", help="secure, resilient, high-performing or cost-optimized."),
    count: int = typer.Option(10, _COUNT, "-n", min=1, help="How many questions."),
    ids: str = _IDS, seed: int = _SEED, answers: str = _ANSWERS, output_format: str = _FORMAT,
    no_record: bool = _NO_RECORD, no_generated: bool = _NO_GEN,
) -> None:
    """Practice questions, each explained right after you answer. Due items (spaced repetition) come first."""
    from advisor.study.bank import load_bank, select
    from advisor.study.progress import Progress
    from advisor.study.session import pick_practice

    bank = load_bank(generated=not no_generated)
    if ids:
        items = select(bank, ids=_split_ids(ids))
    else:
        items = pick_practice(select(bank, service=service, topic=topic, domain=domain), Progress.load(),
                              count=count, seed=seed)
    _run_questions("practice", items, bank, answers=answers, output_format=output_format, record=not no_record,
                   explain_now=True)


@app.command("exam")
def exam(
    count: int = typer.Option(20, _COUNT, "-n", min=1, help="How many questions (the real exam has 65)."),
    minutes: float = typer.Option(None, "--minutes", "-m", min=0.01,
                                  help="Time limit; default 2 minutes per question (the real exam: 130 for 65)."),
    service: str = _SERVICE, seed: int = _SEED, answers: str = _ANSWERS, output_format: str = _FORMAT,
    no_record: bool = _NO_RECORD, no_generated: bool = _NO_GEN,
) -> None:
    """A timed mock exam spread over the four exam domains; the score report and explanations come at the end."""
    from advisor.study.bank import load_bank, select
    from advisor.study.session import pick_exam

    bank = load_bank(generated=not no_generated)
    items = pick_exam(select(bank, service=service), count=count, seed=seed)
    _run_questions("exam", items, bank, answers=answers, output_format=output_format, record=not no_record,
                   explain_now=False, minutes=minutes or 2.0 * len(items))


@app.command("review")
def review(
    count: int = typer.Option(20, _COUNT, "-n", min=1, help="At most this many items."),
    seed: int = typer.Option(None, "--seed", help="Seed for the option order, so a script gets the same letters."),
    answers: str = _ANSWERS, output_format: str = _FORMAT, no_record: bool = _NO_RECORD,
) -> None:
    """Ask again the items whose latest answer was wrong, with explanations (options in a new order)."""
    from advisor.cli.console import info
    from advisor.study.bank import load_bank, reshuffled
    from advisor.study.progress import Progress
    from advisor.study.session import pick_review

    bank = load_bank()
    progress = Progress.load()
    # a new option order on every attempt: the attempt count is part of the key, the seed makes it reproducible
    items = [reshuffled(i, f"{seed}\0{progress.items.get(i.id, {}).get('attempts', 0)}")
             for i in pick_review(bank, progress, count=count)]
    bank = [next((r for r in items if r.id == b.id), b) for b in bank]     # --answers with ids sees the same order
    if not items and answers is None:
        info("Nothing to review: no item's latest answer was wrong.")
        if output_format == "json":
            from advisor.cli.console import print_json

            print_json({"mode": "review", "items": []})
        return
    _run_questions("review", items, bank, answers=answers, output_format=output_format, record=not no_record,
                   explain_now=True)


@app.command("cards")
def cards(
    service: str = _SERVICE,
    kind: str = typer.Option(None, "--kind", help="fact or trap (default both)."),
    count: int = typer.Option(20, _COUNT, "-n", min=1, help="How many cards."),
    seed: int = _SEED,
    answers: str = typer.Option(None, "--answers", "-a", metavar="3,1,4|-",
                                help="Ratings without prompts (1 again, 2 hard, 3 good, 4 easy) in card order, "
                                     "or '-' for JSON {\"card-id\": 3} on standard input."),
    output_format: str = _FORMAT, no_record: bool = _NO_RECORD,
) -> None:
    """Flashcards from the facts and exam traps, scheduled by FSRS spaced repetition."""
    from advisor import api
    from advisor.cli.console import out, print_json
    from advisor.errors import InvalidInput, NotFound, UsageError
    from advisor.study.flashcards import all_cards, parse_rating, pick_cards
    from advisor.study.progress import Progress

    progress = Progress.load()
    if not no_record:
        progress.check_writable()
    pool = all_cards(api.knowledge(), service=service, kind=kind)
    chosen = pick_cards(pool, progress, count=count, seed=seed)
    if answers is not None:
        given = _answers_in(answers)
        if given and all(k is not None for k, _v in given):
            by_id = {c.id: c for c in pool}
            missing = [k for k, _v in given if k not in by_id]
            if missing:
                raise NotFound(f"no flashcard {missing[0]!r}")
            chosen = [by_id[k] for k, _v in given]
        if len(given) > len(chosen):
            raise InvalidInput(f"{len(given)} ratings for {len(chosen)} cards")
        rated = [(c, parse_rating(v)) for c, (_k, v) in zip(chosen, given, strict=False)]
    elif _interactive():
        from advisor.cli import study_ui

        rated = study_ui.run_cards(out(), chosen)
    elif output_format == "json":
        print_json({"mode": "cards", "cards": [{"id": c.id, "services": c.services, "kind": c.kind,
                                                "front": c.front} for c in chosen]})
        return
    else:
        raise UsageError("no terminal for flashcards; pass --answers (or --format json to get the cards)")
    results = []
    for card, rating in rated:
        sched = progress.review(card.id, rating) if not no_record else None
        results.append({"id": card.id, "kind": card.kind, "services": card.services, "front": card.front,
                        "back": card.back, "source": card.source, "rating": rating,
                        "due": sched.due.isoformat() if sched else None})
    if rated and not no_record:
        progress.add_session({"mode": "cards", "at": __import__("datetime").datetime.now(
            __import__("datetime").timezone.utc).isoformat(), "total": len(rated),
            "correct": sum(1 for _c, r in rated if r >= 3)})
        progress.save()
    if output_format == "json":
        print_json({"mode": "cards", "recorded": bool(rated) and not no_record, "results": results})
    else:
        out().print(f"\n[bold]{len(rated)} card(s) reviewed.[/]" + ("" if no_record else
                                                                    " Next reviews are scheduled (FSRS)."))


@app.command("stats")
def stats(
    output_format: str = _FORMAT,
    reset: bool = typer.Option(False, "--reset", help="Start over: the progress file is moved aside (asks first)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="With --reset: do not ask (for scripts)."),
) -> None:
    """Accuracy per service and what is due for review, as tables and bars."""
    from advisor import api
    from advisor.cli.console import out, print_json
    from advisor.study.bank import load_bank
    from advisor.study.flashcards import all_cards
    from advisor.study.progress import Progress

    if reset:
        _reset(yes)
        return
    progress = Progress.load()
    kb = api.knowledge()
    bank = load_bank()
    cards = all_cards(kb)
    data = progress.stats(bank)                  # questions: the bank `study list` shows
    data["cards"] = progress.stats(cards)["total"]   # flashcards are counted apart (they are not questions)
    data["path"] = str(progress.path)
    data["review"] = len(progress.wrong_ids())
    if output_format == "json":
        data["sessions"] = progress.data.get("sessions", [])[-20:]
        print_json(data)
    else:
        from advisor.cli import study_ui

        study_ui.show_stats(out(), data, sessions=progress.data.get("sessions", []))
        out().print(f"[dim]{data['review']} item(s) to review · progress in {progress.path}[/]")


def _reset(yes: bool) -> None:
    """Move the progress file aside (whatever it holds: reset must work on a broken file) and start over."""
    from advisor.cli.console import info, out
    from advisor.errors import InvalidInput, UsageError
    from advisor.study.progress import Progress, default_path, reset_file

    path = default_path()
    if not path.exists():
        info("No study progress to reset.")
        return
    if not yes:
        if not _interactive():
            raise UsageError("--reset asks first; pass --yes to reset without asking")
        from rich.prompt import Confirm

        try:
            what = f"{len(Progress.load().items)} items answered or reviewed"
        except InvalidInput:
            what = "a file mqadvise cannot read"
        if not Confirm.ask(f"Start your study progress over ({what})? The file {path} is kept as a backup.",
                           default=False, console=out()):
            info("Kept your progress.")
            raise typer.Exit(1)
    backup = reset_file(path)
    info(f"Started over; the old progress is kept as {backup}.")


@app.command("list")
def list_items(service: str = _SERVICE, topic: str = _TOPIC, output_format: str = _FORMAT,
               no_generated: bool = _NO_GEN) -> None:
    """List the question bank (ids, services, topic, domain), for scripts and for choosing --ids."""
    from advisor.cli.console import print_data, print_json
    from advisor.study.bank import item_json, load_bank, select

    items = select(load_bank(generated=not no_generated), service=service, topic=topic)
    if output_format == "json":
        print_json({"count": len(items), "items": [item_json(i) for i in items]})
    else:
        for i in items:
            print_data(f"{i.id}\t{','.join(i.services)}\t{i.topic}\t{i.domain}\t{' '.join(i.stem.split())[:70]}")


@app.command("export")
def export(
    out_path: Path = typer.Option(..., "--out", "-o", help="File to write."),
    output_format: str = format_option("csv", "anki", "apkg", default="csv",
                                       what="the file (anki: Anki import text; apkg: an Anki package)"),
    old_to: str = typer.Option(None, "--to", hidden=True),        # the old spelling of --format
    service: str = _SERVICE, no_generated: bool = _NO_GEN,
    force: bool = typer.Option(False, "--force", help="Replace an existing file."),
) -> None:
    """Export the question bank to CSV or to an Anki deck."""
    to = old_to or output_format
    from advisor.cli.console import info
    from advisor.errors import InvalidInput, Location, RefusedOverwrite
    from advisor.fsutil import write_new_file
    from advisor.study import export as ex
    from advisor.study.bank import load_bank, select

    items = select(load_bank(generated=not no_generated), service=service)
    if to == "csv":
        write_new_file(out_path, ex.to_csv(items), force=force)
    elif to == "anki":
        write_new_file(out_path, ex.to_anki_text(items), force=force)
    elif to == "apkg":
        if out_path.exists() and not force:
            raise RefusedOverwrite("already exists; refusing to overwrite", location=Location(str(out_path)),
                                   hint="pass --force to replace it")
        out_path.parent.mkdir(parents=True, exist_ok=True)
        ex.write_apkg(items, out_path)
    else:
        raise InvalidInput(f"unknown export format {to!r}; use csv, anki or apkg")
    info(f"wrote {len(items)} items to {out_path}")
