"""The admin report's trend chart: total stored bytes per week, as a PNG (matplotlib, no display needed)."""

from __future__ import annotations

import io
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from handlers.messages import size
from handlers.report_views import Chart

PNG_MIMETYPE = "image/png"


def png(chart: Chart) -> bytes:
    """A line chart of the chart's (week, bytes) points, oldest first, as PNG bytes."""
    weeks = [w for w, _ in chart.points] or ["(no data)"]
    values = [b for _, b in chart.points] or [0]
    # A bare Figure, not pyplot: charts are drawn in the scheduler, in listener workers and in request
    # threads at once, and pyplot's global figure registry is not thread-safe. No display is needed.
    fig = Figure(figsize=(8, 3.2), dpi=100)
    ax = fig.subplots()
    ax.plot(weeks, values, marker="o", color="#2c7be5")
    ax.fill_between(range(len(values)), values, alpha=0.15, color="#2c7be5")
    ax.set_title(chart.title)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: size(int(v))))
    ax.set_ylim(bottom=0)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def write(chart: Chart, path: Path) -> Path:
    """The chart as a PNG file at `path` (for the dry run)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png(chart))
    return path
