"""`mqadvise rules [CODE]`: the lint rules, or one rule's page."""

from __future__ import annotations

from enum import Enum

import typer


class RulesFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


def rules(
    code: str = typer.Argument(None, help="A rule code (MQA101) or name (sqs.dead-letter-missing)."),
    output_format: RulesFormat = typer.Option(RulesFormat.text, "--format", "-f",
                                              help="text, json or markdown (the page of docs/rules/)."),
) -> None:
    """List the lint rules, or print one rule's documentation."""
    from advisor.cli.console import print_data, print_json
    from advisor.errors import NotFound
    from advisor.lint.docs import index_page, rule_page
    from advisor.lint.rules import all_rules, find

    if code:
        rule = find(code)
        if rule is None:
            raise NotFound(f"no rule {code!r}", hint="`mqadvise rules` lists them")
        if output_format == RulesFormat.json:
            print_json({"code": rule.code, "name": rule.name, "default_severity": rule.default_severity,
                        "inputs": list(rule.inputs), **{k.lower().replace(" ", "_"): v
                                                         for k, v in rule.sections().items()},
                        "references": rule.references()})
        else:  # the page without its "generated" comment; markdown and text are the same page
            print_data(rule_page(rule).split("\n", 1)[1].lstrip("\n"))
        return
    if output_format == RulesFormat.json:
        print_json([{"code": r.code, "name": r.name, "default_severity": r.default_severity,
                     "inputs": list(r.inputs), "summary": r.summary(), "help_uri": r.help_uri()}
                    for r in all_rules()])
        return
    if output_format == RulesFormat.markdown:
        print_data(index_page().split("\n", 1)[1].lstrip("\n"))
        return
    width = max(len(r.name) for r in all_rules())
    for r in all_rules():
        print_data(f"{r.code}  {r.name:<{width}}  {r.default_severity:<7}  {r.summary()}")


def register(app: typer.Typer) -> None:
    app.command("rules")(rules)
