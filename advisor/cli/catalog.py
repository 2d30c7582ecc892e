"""Browse the knowledge: `services`, `explain ID`, `compare ID ID...`, `graph`."""

from __future__ import annotations

from pathlib import Path

import typer

from advisor.cli.formats import format_option


def _complete_service(incomplete: str) -> list[str]:
    from advisor.knowledge.vocabulary import SERVICE_IDS, VARIANTS

    ids = list(SERVICE_IDS) + [f"{s}:{v}" for s in SERVICE_IDS for v in VARIANTS[s]]
    return [i for i in ids if i.startswith(incomplete)]


def services(output_format: str = format_option("text", "json")) -> None:
    """List the services and variants the knowledge covers."""
    from advisor import api, catalog
    from advisor.cli.console import out, print_json

    kb = api.knowledge()
    if output_format == "json":
        print_json(catalog.services_json(kb))
    else:
        catalog.print_services(kb, out())


def explain(
    service: str = typer.Argument(..., help="A service id, or service:variant.", autocompletion=_complete_service),
    output_format: str = format_option("text", "json", "markdown"),
) -> None:
    """A service card: every fact with its unit, source and as-of date, limitations and exam traps."""
    from advisor import api, catalog
    from advisor.cli.console import out, print_data, print_json

    kb = api.knowledge()
    opt = catalog.resolve(kb, service)
    if output_format == "json":
        print_json(catalog.card_json(kb, opt))
    elif output_format == "markdown":
        print_data(catalog.card_markdown(kb, opt.service))
    else:
        catalog.print_card(kb, opt, out())


def compare(
    ids: list[str] = typer.Argument(..., help="Two or more service ids or service:variant.",
                                    autocompletion=_complete_service),
    output_format: str = format_option("text", "json"),
) -> None:
    """Compare services side by side, fact by fact."""
    from advisor import api, catalog
    from advisor.cli.console import out, print_json
    from advisor.errors import UsageError

    if len(ids) < 2:
        raise UsageError("compare needs at least two ids")
    kb = api.knowledge()
    opts = [catalog.resolve(kb, i) for i in ids]
    if output_format == "json":
        print_json(catalog.compare_json(kb, opts))
    else:
        catalog.print_compare(kb, opts, out())


def graph(
    output_format: str = format_option("mermaid", "dot", "json", default="mermaid"),
    answers: Path = typer.Option(None, "--answers", help="Draw the recommended design for this requirements file."),
) -> None:
    """The knowledge graph, or the recommended design of a requirements file."""
    from advisor import api, catalog
    from advisor.cli.console import print_data, print_json

    kb = api.knowledge()
    if answers is not None:
        result = api.advise(api.load_requirements(str(answers)), kb)
        g = catalog.design_graph(kb, result)
    else:
        g = kb.to_networkx()
    if output_format == "json":
        print_json(catalog.graph_json(g))
    elif output_format == "dot":
        print_data(catalog.graph_dot(g))
    else:
        print_data(catalog.graph_mermaid(g))


def register(app: typer.Typer) -> None:
    app.command("services")(services)
    app.command("explain")(explain)
    app.command("compare")(compare)
    app.command("graph")(graph)
