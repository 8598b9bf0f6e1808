"""This week's reports for one workspace, assembled in one place: the weekly DMs (`bot/services/weekly.py`), the
on-demand commands (`report_command.py`) and the dry run (`bot/services/report_preview.py`) all start here, so they
agree on the week, on "since last week" and on the trend.

The trend is the last 12 weeks ending with this one: the snapshots recorded for the 11 weeks before this
week, then this week's live total — the same total the report's header shows. A snapshot already recorded
for this week (the weekly job records one; an on-demand report later in the week reads it) is not used:
files came and went since, and the chart's last point must match the header.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from handlers.records import Conversation
from handlers.reports import (
    AdminReport,
    ChannelReport,
    FileStats,
    build_admin_report,
    build_channel_report,
    iso_week,
)

TREND_WEEKS = 12


class WeekData(FileStats, Protocol):
    """One workspace's report data (the cache, as the bot sees it)."""

    def conversations(self) -> list[Conversation]: ...

    def previous_bytes(self, week: str) -> dict[str, int]: ...

    def trend(self) -> list[tuple[str, int]]:
        """(week, total bytes) of the last recorded weeks, oldest first."""
        ...


@dataclass(frozen=True)
class ThisWeek:
    data: WeekData
    now: datetime
    week: str
    conversations: tuple[Conversation, ...]
    previous: dict[str, int]
    trend: tuple[tuple[str, int], ...]

    def channel(self, conv: Conversation) -> ChannelReport:
        previous = self.previous.get(conv.id)
        return build_channel_report(conv, self.data, week=self.week, previous_bytes=previous, now=self.now)

    def admin(self, reader_can_see: Callable[[Conversation], bool]) -> AdminReport:
        """Private conversations appear by name only where `reader_can_see` them."""
        return build_admin_report(
            self.conversations,
            self.data,
            week=self.week,
            reader_can_see=reader_can_see,
            previous_bytes=self.previous,
            trend=list(self.trend),
        )


def assemble(data: WeekData, *, now: datetime) -> ThisWeek:
    """`now` is timezone-aware: its date decides the week."""
    week = iso_week(now.date())
    conversations = tuple(data.conversations())
    _, live = data.file_totals()  # each file once, as the admin report's header counts it
    earlier = [(w, total) for w, total in data.trend() if w < week][-(TREND_WEEKS - 1) :]
    return ThisWeek(
        data=data,
        now=now,
        week=week,
        conversations=conversations,
        previous=data.previous_bytes(iso_week((now - timedelta(days=7)).date())),
        trend=(*earlier, (week, live)),
    )
