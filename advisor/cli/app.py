"""The `mqadvise` command: registers one module per command and maps errors to exit codes."""

from __future__ import annotations

import sys

import typer

from advisor import __version__
from advisor.cli import adr as adr_cmd
from advisor.cli import advise as advise_cmd
from advisor.cli import catalog as catalog_cmd
from advisor.cli import cost as cost_cmd
from advisor.cli import knowledge as knowledge_cmd
from advisor.cli import lint as lint_cmd
from advisor.cli import rules as rules_cmd
from advisor.cli import scaffold as scaffold_cmd
from advisor.cli import schema as schema_cmd
from advisor.cli import sim as sim_cmd
from advisor.cli import study as study_cmd
from advisor.cli.console import HELP_MARKUP
from advisor.errors import MqadviseError

app = typer.Typer(
    name="mqadvise",
    rich_markup_mode=HELP_MARKUP,
    help="Decide how systems talk to each other on AWS: messaging, streaming, integration, "
    "hybrid storage and backup. Run without a command to start the interview.",
    no_args_is_help=False,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"mqadvise {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Bare `mqadvise` starts the interview (the same as `mqadvise advise`)."""
    if ctx.invoked_subcommand is None:
        # A plain function gets no option defaults from ctx.invoke (they would be typer OptionInfo objects).
        ctx.invoke(advise_cmd.advise, answers=None, output_format=advise_cmd.Format.text, explain=False,
                   why_not=None, save=None, force=False)


advise_cmd.register(app)
catalog_cmd.register(app)
cost_cmd.register(app)
schema_cmd.register(app)
lint_cmd.register(app)
rules_cmd.register(app)
app.add_typer(knowledge_cmd.app, name="knowledge")
scaffold_cmd.register(app)
app.add_typer(sim_cmd.app, name="sim")
app.add_typer(study_cmd.app, name="study")
app.add_typer(adr_cmd.app, name="adr")


# A run of mqadvise builds tens of thousands of long-lived objects (imports, the knowledge, the walk's designs)
# and almost no cyclic garbage: at Python's default threshold (700) the collector runs ~130 times per `advise`
# and frees some 800 objects, about 2.5% of a cold run. It still runs, every 100,000 net allocations.
GC_THRESHOLD = (100_000, 10, 10)


def main() -> None:
    import gc

    gc.set_threshold(*GC_THRESHOLD)
    try:
        app()
    except MqadviseError as exc:
        from advisor.cli.console import abort

        abort(exc)
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        raise SystemExit(130) from None
