"""`files-bot report --dry-run`: build the weekly reports from the cache and print them, writing the admin
report's chart to a file — nothing is sent. For admins trying it out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.cache import FileCache
from bot.chart import trend_chart
from bot.report_data import CacheReportData
from handlers.reports import (
    admin_report_text,
    build_admin_report,
    build_channel_report,
    channel_report_text,
    iso_week,
)


def preview(
    cache: FileCache, *, workspace: str | None, conversation: str | None, chart_dir: Path, now: datetime | None = None
) -> str:
    now = now or datetime.now(UTC)
    week, last_week = iso_week(now.date()), iso_week((now - timedelta(days=7)).date())
    out: list[str] = []
    for platform, ws in cache.workspaces():
        if workspace and ws != workspace:
            continue
        stats = CacheReportData(cache, platform, ws)
        convs = stats.conversations()
        previous = stats.previous_bytes(last_week)
        mention = (lambda u: f"<@{u}>") if platform == "slack" else (lambda u: f"@{u}")
        if conversation:
            for conv in (c for c in convs if c.id == conversation):
                report = build_channel_report(conv, stats, week=week, previous_bytes=previous.get(conv.id), now=now)
                out.append(channel_report_text(report, mention))
            continue
        # A dry run has no reader: every private conversation is shown as an aggregate.
        trend = [*cache.trend(platform, ws, 11), (week, sum(total for _, total in stats.totals().values()))]
        admin = build_admin_report(
            convs, stats, week=week, reader_can_see=lambda c: False, previous_bytes=previous, trend=trend
        )
        chart = trend_chart(admin.trend, chart_dir / f"storage-{platform}-{ws}-{week}.png".replace(":", "_"))
        out.append(admin_report_text(admin, mention) + f"\n(chart written to {chart})")
    return "\n\n".join(out) or "The cache is empty: run `files-bot sync` first."
