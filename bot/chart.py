"""The admin report's trend chart: total stored bytes per week, as a PNG (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: no display on servers

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from handlers.cards import size


def trend_chart(trend: list[tuple[str, int]], path: Path, *, title: str = "Storage, last 12 weeks") -> Path:
    """Write a line chart of (week, bytes) points, oldest first, to `path`."""
    weeks = [w for w, _ in trend] or ["(no data)"]
    values = [b for _, b in trend] or [0]
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=100)
    try:
        ax.plot(weeks, values, marker="o", color="#2c7be5")
        ax.fill_between(range(len(values)), values, alpha=0.15, color="#2c7be5")
        ax.set_title(title)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: size(int(v))))
        ax.set_ylim(bottom=0)
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)
    return path
