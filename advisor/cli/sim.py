"""`mqadvise sim`: the local simulator for a scaffold (moto on 127.0.0.1 plus the Lambda runner)."""

from __future__ import annotations

from pathlib import Path

import typer

from advisor.cli.console import HELP_MARKUP
from advisor.cli.formats import format_option

app = typer.Typer(rich_markup_mode=HELP_MARKUP, help="Run a scaffold on the local simulator: up, down, status, demo.", no_args_is_help=True)

DIR_ARG = typer.Argument(Path("."), help="The scaffolded project folder.", file_okay=False)


FORMAT = format_option("text", "json")
JSON_ALIAS = typer.Option(False, "--json", hidden=True)       # the old spelling of --format json


def _format(output_format: str, old_json: bool) -> str:
    from advisor.errors import InvalidInput

    chosen = "json" if old_json else output_format
    if chosen not in ("text", "json"):
        raise InvalidInput(f"unknown format {chosen!r}; use text or json")
    return chosen


def _spinner(message: str):
    """A live line on stderr while something takes more than a moment; nothing when stderr is not a terminal."""
    import contextlib
    import sys

    if not sys.stderr.isatty():
        return contextlib.nullcontext(lambda _text: None)
    from advisor.cli.console import err

    status = err().status(message)

    @contextlib.contextmanager
    def running():
        import time

        started = time.monotonic()
        with status:
            yield lambda text: status.update(f"{text} ({time.monotonic() - started:.0f} s)")

    return running()


def _warn(messages: list[str]) -> None:
    from rich.markup import escape

    from advisor.cli.console import err

    for message in messages:
        err().print(f"[bold yellow]warning:[/] {escape(message)}")


@app.command("up")
def up(project: Path = DIR_ARG, output_format: str = FORMAT, output_json: bool = JSON_ALIAS,
       engine: str = typer.Option(None, "--engine", help="Also start a local broker for a broker scaffold: "
                                  "amqtt, mosquitto, rabbitmq, activemq or tansu (see `mqadvise sim engines`).")
       ) -> None:
    """Serve moto on 127.0.0.1 (free port), provision infra/template.yaml, run the handlers; print the env."""
    from advisor.cli.console import info, print_data, print_json
    from advisor.sim.control import endpoints
    from advisor.sim.control import up as start

    fmt = _format(output_format, output_json)
    with _spinner("starting the simulator") as progress:
        st = start(project, engine=engine, progress=progress)
    _warn(st.pop("warnings", []))
    if fmt == "json":
        print_json(st)
        return
    info(f"simulator running: pid {st['pid']} (stop with `mqadvise sim down {project}`)")
    for what, where in endpoints(st):
        info(f"  {what}: {where}")
    for key, value in st["env"].items():
        print_data(f"export {key}={value}")


@app.command("down")
def down(project: Path = DIR_ARG, output_format: str = FORMAT) -> None:
    """Stop the simulator started by `sim up` (its session, after checking it is still the same process)."""
    from advisor.cli.console import info, print_json
    from advisor.sim.control import down as stop

    fmt = _format(output_format, False)
    with _spinner("stopping the simulator") as progress:
        st = stop(project, progress=progress)
    _warn(st["warnings"])
    if fmt == "json":
        print_json({"pid": st["pid"], "stopped": st["stopped"], "warnings": st["warnings"]})
    elif st["stopped"]:
        info(f"stopped pid {st['pid']} ({st['endpoint']})")
    else:
        info(f"the simulator for {project} was not running; cleaned up its state")


@app.command("status")
def status(project: Path = DIR_ARG, output_format: str = FORMAT, output_json: bool = JSON_ALIAS) -> None:
    """Is a simulator running for this folder, on which local ports, and with which resources."""
    from advisor.cli.console import print_data, print_json
    from advisor.sim.control import status as get
    from advisor.sim.control import status_lines

    fmt = _format(output_format, output_json)
    st = get(project)
    if fmt == "json":
        print_json(st or {"running": False})
    else:
        for line in status_lines(st):
            print_data(line)
        if st is not None and st["alive"]:
            print_data("  environment (as `sim up` printed it):")
            for key, value in st["env"].items():
                print_data(f"    {key}={value}")
    if st is None or not st["alive"]:
        raise typer.Exit(1)


@app.command("demo")
def demo(
    project: Path = DIR_ARG,
    count: int = typer.Option(50, "--count", "-n", min=1, help="Messages to send."),
    rate: float = typer.Option(10.0, "--rate", min=0.1, help="Messages per second."),
    fail_rate: float = typer.Option(0.0, "--fail-rate", min=0.0, max=1.0,
                                    help="Failure injection: share of handler invocations that raise."),
    output_format: str = format_option("text", "json", what="the run (text: a live view; json: the final counters)"),
    output_json: bool = JSON_ALIAS,
) -> None:
    """Run the producer and the handlers with a live view: sent, queued, in flight, processed, retried, DLQ."""
    from advisor.cli.console import print_json
    from advisor.sim.demo import run_demo

    if _format(output_format, output_json) == "json":
        print_json(run_demo(project, count=count, rate=rate, fail_rate=fail_rate).as_dict())
        return
    from rich.live import Live
    from rich.table import Table

    from advisor.cli.console import out
    from advisor.sim.demo import DemoStats, rows

    title = f"mqadvise sim demo: {project} (failure injection {fail_rate:.0%})"

    def table(stats: DemoStats) -> Table:
        # wide enough for the whole title on one line: rich would otherwise fold the path mid-word
        t = Table(title=title, min_width=min(len(title) + 4, out().width))
        t.add_column("counter", no_wrap=True)
        t.add_column("value", justify="right", no_wrap=True)
        for key, value in rows(stats):
            t.add_row(key, value)
        return t

    with Live(table(DemoStats()), refresh_per_second=8, console=out()) as live:
        final = run_demo(project, count=count, rate=rate, fail_rate=fail_rate,
                         on_tick=lambda s: live.update(table(s)))
        live.update(table(final))


@app.command("engines")
def engines(
    name: str = typer.Argument(None, help="Check one engine: exit 2 with what to install when it is missing."),
    output_format: str = FORMAT, output_json: bool = JSON_ALIAS,
) -> None:
    """The local engines (brokers) the simulator can start, whether each is installed, and what to install."""
    from advisor.cli.console import print_data, print_json
    from advisor.sim.engines import list_engines, require

    rows = [require(name).describe()] if name else list_engines()
    if _format(output_format, output_json) == "json":
        print_json(rows)
        return
    for row in rows:
        state = "available" if row["available"] else f"missing: {row['install']}"
        print_data(f"{row['name']:<10} {', '.join(row['protocols']):<22} {row['stands_in_for']:<12} {state}")
        for note in row["notes"]:
            print_data(f"{'':<10} note: {note}")
