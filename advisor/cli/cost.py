"""`mqadvise cost`: what each candidate design costs a month, what it needs, and how both grow with volume."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    svg = "svg"
    png = "png"


def cost(
    answers: Path = typer.Option(..., "--answers", "-a", help="A requirements file (contract v1)."),
    output_format: Format = typer.Option(Format.text, "--format", "-f",
                                         help="text, json or markdown; svg or png write the --sweep chart."),
    scale: str = typer.Option(None, "--scale", metavar="FACTOR",
                              help="Re-run the decision and the estimate at this multiple of the volume (10x, 0.5)."),
    peak: float = typer.Option(None, "--peak", min=0, help="Re-run at this peak rate (messages per second)."),
    sweep: bool = typer.Option(False, "--sweep", help="Cost and quota headroom from 1/10x to 100x the volume."),
    out: Path = typer.Option(None, "--out", "-o", help="Where --format svg|png writes the chart."),
    force: bool = typer.Option(False, "--force", help="Let --out replace an existing file."),
    details: int = typer.Option(1, "--details", min=0, help="Designs whose line items the text output lists."),
) -> None:
    """Estimate the monthly cost of every candidate design, line by line with each price's source.

    Exit status: 0 estimated; 3 no design fits at this volume; 2 invalid input.
    """
    from advisor import api
    from advisor.errors import UsageError

    req = api.load_requirements(str(answers))
    if scale is not None and peak is not None:
        raise UsageError("pass --scale or --peak, not both")
    if (scale is not None or peak is not None or sweep) and not req.has_messaging:
        # the volume flags multiply the message rate; a storage- or backup-only file has none, and giving it one
        # would price messaging designs for a flow nobody described
        asked = " and ".join(s for s, on in (("hybrid storage", req.has_storage), ("backup", req.has_backup)) if on)
        raise UsageError(f"--scale, --peak and --sweep change the message rate, and {answers} asks about "
                         f"{asked or 'no messaging flow'} only: estimate it without them")
    if scale is not None:
        from advisor.cost.volume import scaled

        req = scaled(req, _factor(scale))
    elif peak is not None:
        from advisor.cost.volume import with_peak

        req = with_peak(req, peak)
    if output_format in (Format.svg, Format.png) and not sweep:
        raise UsageError("--format svg|png draws the --sweep chart; add --sweep")
    kb = api.knowledge()
    if sweep:
        _sweep(req, kb, output_format, out, force)
        return
    result = api.advise(req, kb)
    if not result.ok:
        from advisor.cli.console import err

        err().print("no design fits these requirements at this volume (see `mqadvise advise --answers`)")
        raise typer.Exit(3)
    from advisor.cost import render
    from advisor.cost.estimate import estimates

    ests = estimates(result, kb)
    meta = {"name": req.name, "region": ests[0].region if ests else "us-east-1", "currency": kb.pricing.currency,
            "as_of": str(max(p.as_of for p in kb.pricing.prices)),
            "peak_per_second": req.constraints.peak_per_second,
            "average_per_second": req.constraints.average_per_second}
    from advisor.cli.console import out as console
    from advisor.cli.console import print_data, print_json

    if output_format == Format.json:
        print_json(render.as_json(ests, meta))
    elif output_format == Format.markdown:
        print_data(render.as_markdown(ests, meta))
    else:
        render.print_text(ests, meta, console(), details=details)


def _factor(text: str) -> float:
    from advisor.errors import UsageError

    raw = text.strip().lower().removesuffix("x")
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"--scale takes a factor such as 10x or 0.5, got {text!r}") from None
    if not value > 0:
        raise UsageError(f"--scale must be above 0, got {text!r}")
    return value


def _sweep(req, kb, output_format: Format, out: Path | None, force: bool) -> None:
    from advisor.cli.console import err, print_json
    from advisor.cli.console import out as console
    from advisor.cost import render
    from advisor.cost.sweep import sweep

    sw = sweep(req, kb)
    if output_format == Format.json:
        print_json(sw.as_json())
    elif output_format in (Format.svg, Format.png):
        from advisor.cost.chart import write_chart

        target = out or Path(f"{req.name}-cost.{output_format.value}")
        write_chart(sw, target, output_format.value, force=force)
        err().print(f"wrote {target}")
    else:
        render.print_sweep(sw, console())


def register(app: typer.Typer) -> None:
    app.command("cost")(cost)
