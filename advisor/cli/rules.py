"""`mqadvise rules [CODE]`: the lint rules, or one rule's page."""

from __future__ import annotations

import typer


def rules(
    code: str = typer.Argument(None, help="A rule code (MQA101) or name (sqs.dead-letter-missing)."),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """List the lint rules, or print one rule's documentation."""
    from advisor.cli.console import print_data, print_json
    from advisor.errors import NotFound, UsageError
    from advisor.lint.docs import rule_page
    from advisor.lint.rules import all_rules, find

    if output_format not in ("text", "json"):
        raise UsageError("--format must be text or json")
    if code:
        rule = find(code)
        if rule is None:
            raise NotFound(f"no rule {code!r}", hint="`mqadvise rules` lists them")
        if output_format == "json":
            print_json({"code": rule.code, "name": rule.name, "default_severity": rule.default_severity,
                        "inputs": list(rule.inputs), **{k.lower().replace(" ", "_"): v
                                                         for k, v in rule.sections().items()},
                        "references": rule.references()})
        else:
            print_data(rule_page(rule).split("\n", 1)[1])
        return
    if output_format == "json":
        print_json([{"code": r.code, "name": r.name, "default_severity": r.default_severity,
                     "summary": r.summary(), "help_uri": r.help_uri()} for r in all_rules()])
        return
    width = max(len(r.name) for r in all_rules())
    for r in all_rules():
        print_data(f"{r.code}  {r.name:<{width}}  {r.default_severity:<7}  {r.summary()}")


def register(app: typer.Typer) -> None:
    app.command("rules")(rules)
