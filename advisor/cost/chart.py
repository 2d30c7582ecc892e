"""The sweep as an SVG or PNG chart, drawn with matplotlib (the optional `chart` extra, imported lazily)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any


def write_chart(sw: Any, path: Path, fmt: str, *, force: bool = False) -> None:
    """Monthly cost against peak rate (log-log), one line per design, a cross where it stops fitting."""
    from advisor.errors import UsageError
    from advisor.fsutil import atomic_write_bytes

    if path.exists() and not force:
        raise UsageError(f"{path} exists; pass --force to replace it")
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot as plt
    except ImportError:
        raise UsageError("the chart needs matplotlib: pip install 'mqadvise[chart]'") from None
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for curve in sw.curves[:8]:
        xs = [p.peak for p in curve.points if p.cost]
        ys = [p.cost for p in curve.points if p.cost]
        if xs:
            (line,) = ax.plot(xs, ys, marker="o", markersize=3, label=curve.key)
            if curve.stops_at is not None:
                ax.axvline(curve.stops_at.peak, color=line.get_color(), linestyle=":", linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("peak messages per second")
    ax.set_ylabel(f"{sw.currency} per month")
    ax.set_title(f"Monthly cost from 1/10x to 100x of {sw.peak:g}/s ({sw.region})")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    buf = io.BytesIO()
    # svg.hashsalt and no date keep the SVG the same from run to run
    matplotlib.rcParams["svg.hashsalt"] = "mqadvise"
    fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())
