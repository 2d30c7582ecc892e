"""`mqadvise lint FILE...`: check architecture files and CloudFormation/SAM templates in CI."""

from __future__ import annotations

from pathlib import Path

import typer

FORMATS = ("text", "json", "sarif", "github", "junit")
FAIL_ON = ("error", "warning", "info", "never")


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def lint(
    paths: list[str] = typer.Argument(None, help="Architecture files, CloudFormation/SAM templates, folders or "
                                                 "globs ('**/*.yaml'); '-' reads standard input."),
    output_format: str = typer.Option(None, "--format", "-f", help="text, json, sarif, github or junit."),
    fail_on: str = typer.Option(None, "--fail-on", help="Exit 1 when a finding reaches this severity: "
                                                        "error (default), warning, info (shown as note) or never."),
    select: list[str] = typer.Option(None, "--select", help="Only these rules (codes, prefixes like MQA1, "
                                                            "or names); comma-separated or repeated."),
    ignore: list[str] = typer.Option(None, "--ignore", help="Skip these rules (codes, prefixes or names)."),
    region: str = typer.Option(None, "--region", help="Region for quotas when a file does not name one."),
    config: Path = typer.Option(None, "--config", help="A pyproject.toml or .mqadvise.toml to use."),
    baseline: Path = typer.Option(None, "--baseline", help="Hide findings recorded in this baseline file."),
    write_baseline: bool = typer.Option(False, "--write-baseline",
                                        help="Record today's findings in --baseline FILE and exit 0."),
    stdin_filename: str = typer.Option("-", "--stdin-filename", help="Name to report for standard input."),
) -> None:
    """Lint messaging designs: exit 0 clean, 1 when a finding reaches --fail-on, 2 for invalid input."""
    from advisor import __version__
    from advisor.cli.console import info, print_data
    from advisor.errors import UsageError
    from advisor.findings import Rule, render
    from advisor.lint import lint_paths
    from advisor.lint.config import load_config
    from advisor.lint.engine import Options, apply_baseline, check_patterns, reaches, read_baseline
    from advisor.lint.engine import write_baseline as save_baseline
    from advisor.lint.rules import all_rules

    if not paths:
        raise UsageError("no files to lint", hint="mqadvise lint architecture.yaml template.yaml 'arch/**/*.yaml'")
    cfg = load_config(config)
    fmt = output_format or cfg.format or "text"
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}")
    threshold = fail_on or cfg.fail_on or "error"
    threshold = "info" if threshold == "note" else threshold  # SARIF's word for info
    if threshold not in FAIL_ON:
        raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON)}")
    selected = _split(select) or cfg.select
    ignored = cfg.ignore + _split(ignore)
    check_patterns(selected, "--select")
    check_patterns(ignored, "--ignore")
    options = Options(select=selected, ignore=ignored, severity=cfg.severity, region=region or cfg.region)

    result = lint_paths(list(paths), options, stdin_name=stdin_filename)
    findings = result.findings
    baseline_path = baseline or (Path(cfg.baseline) if cfg.baseline else None)
    if write_baseline:
        if baseline_path is None:
            raise UsageError("--write-baseline needs --baseline FILE")
        save_baseline(baseline_path, findings)
        info(f"recorded {len(findings)} finding(s) in {baseline_path}")
        return
    if baseline_path is not None:
        findings, known = apply_baseline(findings, read_baseline(baseline_path))
        if known:
            info(f"{known} finding(s) hidden by the baseline {baseline_path}")

    rules = {r.code: Rule(r.code, r.name, r.summary(), r.help_uri(),
                          {"info": "note"}.get(r.default_severity, r.default_severity))  # type: ignore[arg-type]
             for r in all_rules()}
    extra = {"version": __version__, "rules": rules} if fmt == "sarif" else {}
    print_data(render(findings, fmt, tool="mqadvise lint", errors=result.errors, **extra).rstrip("\n") or "")
    if result.errors:  # every readable file was linted and reported; the unreadable ones decide the exit
        raise typer.Exit(2)
    if any(reaches(f, threshold) for f in findings):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("lint")(lint)
