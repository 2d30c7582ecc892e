"""Estimates and sweeps as text (rich), markdown and JSON, plus the one-line summary `advise` and ADRs show."""

from __future__ import annotations

from typing import Any

from advisor.cost.estimate import Estimate


def money(value: float | None, currency: str = "USD") -> str:
    if value is None:
        return "—"
    return f"{value:,.2f} {currency}"


def compact(value: float) -> str:
    """Three significant figures with a k/M/B suffix (95,412.3 -> 95.4k), for tables that must fit 80 columns
    (the exact figures are in --format json and markdown)."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def summary(est: Estimate) -> str:
    """`1,234.56 USD/month` or `1,234.56 USD/month + 2 unpriced lines` — the cost column of advise and ADRs;
    outside us-east-1 it adds how many rates are assumed equal to us-east-1's."""
    text = f"{est.total:,.2f} {est.currency}/month"
    if est.gaps:
        text += f" + {len(est.gaps)} unpriced line{'s' if len(est.gaps) > 1 else ''}"
    assumed = assumed_rates(est)
    if assumed:
        text += f" ({assumed} rate{'s' if assumed > 1 else ''} assumed equal to us-east-1)"
    return text


def assumed_rates(est: Estimate) -> int:
    """Unit prices of this estimate taken as the us-east-1 rate because the Region's own was not read."""
    return len({i.price_id for i in est.items if i.basis == "assumed"})


WIDE_ENOUGH = 120  # terminal columns at which line items show exact quantities without wrapping
BASIS_SHORT = {"read": "read", "unconfirmed": "unconfirmed", "assumed": "= us-east-1 (assumed)"}


def _price(value: float, unit: str | None) -> str:
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return f"{text} {unit}" if unit else text


def _quantity(value: float | None, unit: str) -> str:
    if value is None:
        return "?"
    number = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.4g}"
    return f"{number} {unit}".strip()


def as_json(estimates: list[Estimate], meta: dict[str, Any]) -> dict[str, Any]:
    return {**meta, "designs": [e.as_json() for e in estimates]}


def as_markdown(estimates: list[Estimate], meta: dict[str, Any]) -> str:
    lines = [f"# Monthly cost estimate: {meta.get('name', '')}", "",
             f"Region {meta['region']}, prices as of {meta['as_of']}, in {meta['currency']}.", ""]
    lines += ["| Design | Monthly | Gaps |", "|---|---:|---:|"]
    for e in estimates:
        lines.append(f"| {e.key} | {money(e.total, e.currency)} | {len(e.gaps)} |")
    for e in estimates:
        lines += ["", f"## {e.key}", "", "| Service | Dimension | Quantity | Unit price | Rate | Subtotal | Source |",
                  "|---|---|---:|---:|---|---:|---|"]
        for i in e.items:
            price = _price(i.unit_price, i.price_unit) if i.unit_price is not None else "—"
            sub = money(i.subtotal, e.currency) if i.subtotal is not None else f"gap: {i.gap}"
            lines.append(f"| {i.service} | {i.dimension} | {_quantity(i.quantity, i.quantity_unit)} | {price} | "
                         f"{BASIS_SHORT.get(i.basis or '', '')} | {sub} | {i.source or ''} |")
        for n in e.needs:
            lines.append(f"\n- needs {n.count} {n.what} ({n.service}): {n.basis}")
        for a in e.assumptions + e.warnings:
            lines.append(f"- {a}")
    return "\n".join(lines) + "\n"


def print_text(estimates: list[Estimate], meta: dict[str, Any], console: Any, *, details: int = 1) -> None:
    """A summary table of every design, then the line items of the first ``details`` designs."""
    from rich.box import SIMPLE_HEAD
    from rich.table import Table

    console.print(f"[bold]Monthly cost estimate[/bold] — {meta['region']}, prices as of {meta['as_of']}, "
                  f"{meta['currency']}")
    table = Table(show_header=True, header_style="bold")
    table.add_column("Design")
    table.add_column("Monthly", justify="right")
    table.add_column("Needs")
    table.add_column("Gaps", justify="right")
    for e in estimates:
        needs = ", ".join(f"{n.count} {n.what}" for n in e.needs)
        table.add_row(e.key, money(e.total, e.currency), needs, str(len(e.gaps)) if e.gaps else "")
    console.print(table)
    for e in estimates[:details]:
        # the currency is said once, in the title, and figures never wrap: a reviewer checks them digit by digit
        items = Table(title=f"{e.key} ({e.currency})", show_header=True, header_style="bold", title_justify="left",
                      box=SIMPLE_HEAD, padding=(0, 1))
        # a unit price is one token (0.0000166667): its column is never narrower than the widest price
        widest = max((len(_price(i.unit_price, None)) for i in e.items if i.unit_price is not None), default=1)
        for col, justify, wrap in (("Service", "left", False), ("Dimension", "left", True),
                                   ("Quantity", "right", False), ("Unit price", "right", True),
                                   ("Rate", "left", False), ("Subtotal", "right", False)):
            items.add_column(col, justify=justify, no_wrap=not wrap,
                             min_width=widest if col == "Unit price" else None)
        gaps: list[str] = []
        narrow = console.width < WIDE_ENOUGH
        for i in e.items:
            unit = (i.price_unit or "").removeprefix(f"{e.currency} ")
            price = _price(i.unit_price, unit) if i.unit_price is not None else "—"
            if i.subtotal is None:  # the reason goes below the table, where it does not squeeze the columns
                gaps.append(i.gap or "no price")
            sub = f"{i.subtotal:,.2f}" if i.subtotal is not None else f"[yellow]gap {len(gaps)}[/yellow]"
            basis = BASIS_SHORT.get(i.basis or "", "")
            quantity = (_quantity(i.quantity, i.quantity_unit) if not narrow or i.quantity is None
                        else f"{compact(i.quantity)} {i.quantity_unit}".strip())
            items.add_row(i.service, i.dimension, quantity, price,
                          f"[yellow]{basis}[/yellow]" if i.basis == "assumed" else basis, sub)
        console.print(items)
        if narrow:
            console.print("  quantities rounded to fit the terminal; exact ones: --format json or markdown",
                          highlight=False)
        for n, gap in enumerate(gaps, start=1):
            console.print(f"  [yellow]gap {n}[/yellow]: {escape(gap)}", highlight=False)
        sources = sorted({i.source for i in e.items if i.source})
        for s in sources:
            console.print(f"  source: {s}", highlight=False)
    notes = estimates[0].assumptions + estimates[0].warnings if estimates else []
    for note in notes:
        console.print(f"  assumption: {note}", highlight=False)


def print_sweep(sw: Any, console: Any) -> None:
    """The sweep as a table of monthly cost per factor, a small bar plot, then where each design needs a
    quota increase or stops fitting and where another becomes cheaper, each with its volume and fact."""
    from rich.table import Table

    console.print(f"[bold]Cost and headroom from 1/10x to 100x[/bold] of {sw.peak:g}/s — {sw.region}, "
                  f"{sw.currency}/month")
    points = sw.curves[0].points if sw.curves else []
    # where the design names and the columns do not fit the terminal, the rows are numbered and named below, and
    # a quota increase is shown by colour alone (each is also listed below with its volume and fact)
    numbered = max((len(c.key) for c in sw.curves), default=0) + 9 * len(points) + 4 > console.width
    narrow = 4 + 9 * len(points) > console.width  # "1.23M+q" and two spaces
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 0, 0, 1 if narrow else 2))
    table.add_column("#" if numbered else "Design", no_wrap=numbered)
    for p in points:
        table.add_column(f"{p.factor:g}x", justify="right", no_wrap=True)
    for n, c in enumerate(sw.curves, start=1):
        cells = []
        for p in c.points:
            if p.cost is None:
                cells.append("[red]no fit[/red]")
            else:
                cell = compact(p.cost) + ("" if p.complete else "+")
                cells.append(f"[yellow]{cell}[/yellow]" if narrow and p.quota else
                             cell + ("[yellow]q[/yellow]" if p.quota else ""))
        table.add_row(str(n) if numbered else escape(c.key), *cells)
    console.print(table)
    lines = [f"  {n}: {escape(c.key)}" for n, c in enumerate(sw.curves, start=1)] if numbered else []
    quota = "yellow" if narrow else "q"
    lines += [f"  + : some lines unpriced (gaps); {quota} : fits after a quota increase; no fit : a hard ceiling "
              "rules it out; k, M: thousands, millions (exact figures: --format json or markdown)"]
    lines += _bars(sw)
    last = points[-1].factor if points else 1
    for c in sw.curves:
        for lim, what in ((c.setting, "needs a setting above its default"), (c.quota, "needs a quota increase"),
                          (c.stops, "no longer fits")):
            if lim is not None:
                beyond = ", beyond the sweep" if lim.factor > last else ""
                lines.append(f"  {escape(c.key)}: above {rate(lim.peak)}/s ({lim.factor:.3g}x{beyond}) it {what}: "
                             + escape(lim.text + (f" [{lim.fact}]" if lim.fact else "")))
    lines += [f"  {escape(x.text())}" for x in sw.crossings]
    lines += [f"  note: {escape(n)}" for n in sw.notes]
    console.print("\n".join(lines), highlight=False)


def rate(value: float) -> str:
    """A bisected rate to five significant digits: 10,000 rather than 10,000.0007."""
    value = float(f"{value:.5g}")
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def escape(text: str) -> str:
    from rich.markup import escape as _escape

    return _escape(text)


def _bars(sw: Any, width: int = 40) -> list[str]:
    """A log-scaled bar per design at each factor: a terminal chart of how cost grows (rich markup lines)."""
    import math

    costs = [p.cost for c in sw.curves for p in c.points if p.cost and p.cost > 0]
    if not costs:
        return []
    lo, hi = math.log10(min(costs)), math.log10(max(costs))
    span = max(hi - lo, 1e-9)
    out = []
    for c in sw.curves[:5]:
        out.append(f"  [bold]{escape(c.key)}[/bold]")
        for p in c.points:
            if p.cost is None:
                bar = "[red]×[/red]"
            else:
                n = 1 + int((math.log10(max(p.cost, min(costs))) - lo) / span * (width - 1))
                bar = "█" * n
            out.append(f"    {p.factor:>5g}x {bar} {'' if p.cost is None else f'{p.cost:,.0f}'}")
    return out


# ----- the cost column of `advise` (advisor/report.py) and of ADRs ---------------------------------

def advise_summary(result: Any, kb: Any) -> dict[str, Any]:
    """The monthly estimate of every candidate of an engine Result, for the `cost` key of advise's JSON."""
    from advisor.cost.estimate import estimates

    ests = estimates(result, kb)
    return {"currency": kb.pricing.currency, "region": ests[0].region if ests else None,
            "designs": [{"design": e.key, "pattern": e.pattern, "monthly": round(e.total, 2),
                         "complete": e.complete, "gaps": len(e.gaps), "rates_assumed": assumed_rates(e)}
                        for e in ests],
            "details": "mqadvise cost --answers FILE"}


def advise_markdown(result: Any, kb: Any) -> list[str]:
    data = advise_summary(result, kb)
    if not data["designs"]:
        return []
    assumed = any(d["rates_assumed"] for d in data["designs"])
    head = "| design | monthly | unpriced lines |" + (" rates assumed = us-east-1 |" if assumed else "")
    lines = ["", f"## Monthly cost ({data['region']}, {data['currency']})", "", head,
             "|---|---:|---:|" + ("---:|" if assumed else "")]
    lines += [f"| {d['design']} | {d['monthly']:,.2f} | {d['gaps'] or ''} |"
              + (f" {d['rates_assumed'] or ''} |" if assumed else "") for d in data["designs"]]
    return lines + ["", "_Line items and sources: `mqadvise cost --answers FILE`._"]


def advise_text(result: Any, kb: Any, console: Any) -> None:
    from rich.table import Table

    data = advise_summary(result, kb)
    if not data["designs"]:
        return
    table = Table(title=f"Monthly cost ({data['region']}, {data['currency']}; line items: mqadvise cost)",
                  title_justify="left")
    table.add_column("design")
    table.add_column("monthly", justify="right")
    table.add_column("unpriced lines", justify="right")
    assumed = any(d["rates_assumed"] for d in data["designs"])
    if assumed:   # outside us-east-1, rates not read for the Region are the us-east-1 ones: say how many
        table.add_column("rates assumed = us-east-1", justify="right")
    for d in data["designs"]:
        table.add_row(d["design"], f"{d['monthly']:,.2f}", str(d["gaps"] or ""),
                      *([str(d["rates_assumed"] or "")] if assumed else []))
    console.print(table)


def design_cost(result: Any, kb: Any, design_key: str) -> str | None:
    """The cost summary of one design of a Result (the ADR's considered options), or None."""
    from advisor.cost.estimate import estimates

    for est in estimates(result, kb):
        if est.key == design_key:
            return summary(est)
    return None
