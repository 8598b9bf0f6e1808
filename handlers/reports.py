"""Storage reports, platform-neutral: what a channel stores and what could go, and where a workspace's
storage goes. Built from aggregates over the cache (only files the bot itself can see); adapters send them.

A file counts in every conversation it is shared in; workspace-wide figures (the admin report's totals, by
uploader, by type) count it once.

Privacy rule for the admin report: what the reader may not see — files only in private conversations they
are not in — appears everywhere as one aggregate line, `PRIVATE_OTHER`: no conversation name, no file name,
no uploader, no type. A file the reader can see in one conversation counts as seen, wherever else it is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from handlers.records import Conversation, StoredFile

LARGEST = 10
GROWERS = 5
CLEANUP_MIN_BYTES = 10_000_000
CLEANUP_MIN_AGE_DAYS = 180
PRIVATE_OTHER = "private conversations (other)"  # the row of private conversations the reader is not in


@dataclass(frozen=True)
class ChannelReport:
    conversation: Conversation
    week: str
    file_count: int
    bytes: int
    previous_bytes: int | None
    by_type: dict[str, tuple[int, int]]
    largest: list[StoredFile]
    cleanup: list[StoredFile]

    @property
    def growth(self) -> int | None:
        return None if self.previous_bytes is None else self.bytes - self.previous_bytes


@dataclass(frozen=True)
class AdminReport:
    week: str
    file_count: int  # every file once
    bytes: int
    by_conversation: list[tuple[str, int, int]]  # (conversation id or PRIVATE_OTHER, files, bytes)
    by_uploader: list[tuple[str, int, int]]  # (uploader, files, bytes) the reader can see, each file once
    by_type: list[tuple[str, int, int]]  # (kind, files, bytes) likewise
    growers: list[tuple[str, int]]  # (conversation id or PRIVATE_OTHER, bytes added since last week)
    trend: list[tuple[str, int]] = field(default_factory=list)  # (week, total bytes), oldest first
    # (files, bytes) only in conversations the reader can't see: the PRIVATE_OTHER line of every section
    private_other: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class Breakdown:
    """A workspace's files as one reader may see them, each file once: by uploader and by type for the
    files present in at least one conversation shown to the reader, and the rest as one aggregate."""

    by_uploader: dict[str, tuple[int, int]]
    by_type: dict[str, tuple[int, int]]
    unseen: tuple[int, int]  # (files, bytes) present only in conversations not shown


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class FileStats(Protocol):
    """Aggregates over one workspace's cached files, computed by the store (in SQL: a million rows must not
    be loaded to write a report). Only files present in a conversation the bot is in are counted."""

    def totals(self) -> dict[str, tuple[int, int]]:
        """conversation → (files, bytes): a file counts in every conversation it is in."""
        ...

    def file_totals(self) -> tuple[int, int]:
        """(files, bytes) of the whole workspace, each file once."""
        ...

    def by_type(self, conversation: str) -> dict[str, tuple[int, int]]: ...

    def breakdown(self, shown: Collection[str]) -> Breakdown:
        """By uploader and type for a reader shown the conversations `shown` (any other conversation,
        known or not, counts as not shown)."""
        ...

    def largest(self, conversation: str, limit: int) -> list[StoredFile]: ...

    def old_and_large(self, conversation: str, *, min_bytes: int, before: datetime, limit: int) -> list[StoredFile]: ...


def build_channel_report(
    conv: Conversation,
    stats: FileStats,
    *,
    week: str,
    previous_bytes: int | None,
    now: datetime,
    cleanup_age_days: int = CLEANUP_MIN_AGE_DAYS,
) -> ChannelReport:
    count, total = stats.totals().get(conv.id, (0, 0))
    by_type = stats.by_type(conv.id)
    return ChannelReport(
        conversation=conv,
        week=week,
        file_count=count,
        bytes=total,
        previous_bytes=previous_bytes,
        by_type=dict(sorted(by_type.items(), key=lambda kv: (-kv[1][1], kv[0]))),
        largest=stats.largest(conv.id, LARGEST),
        cleanup=stats.old_and_large(
            conv.id, min_bytes=CLEANUP_MIN_BYTES, before=now - timedelta(days=cleanup_age_days), limit=LARGEST
        ),
    )


def build_admin_report(
    conversations: Iterable[Conversation],
    stats: FileStats,
    *,
    week: str,
    reader_can_see: Callable[[Conversation], bool],
    previous_bytes: Mapping[str, int],
    trend: list[tuple[str, int]],
) -> AdminReport:
    convs = {c.id: c for c in conversations}
    # A private conversation the reader is not in: part of an aggregate, never by name.
    shown = frozenset(c.id for c in convs.values() if not c.private or reader_can_see(c))
    per_conv = {conv_id: t for conv_id, t in stats.totals().items() if conv_id in convs}
    seen = stats.breakdown(shown)

    def label(conv_id: str) -> str:
        return conv_id if conv_id in shown else PRIVATE_OTHER

    labelled: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    growth: Counter[str] = Counter()
    for conv_id, (count, total) in per_conv.items():
        if conv_id in shown:
            labelled[label(conv_id)][0] += count
            labelled[label(conv_id)][1] += total
        growth[label(conv_id)] += total - previous_bytes.get(conv_id, total)
    if seen.unseen[0]:
        # Only what is nowhere the reader can see: a file they see elsewhere would tell them it is also
        # in a conversation they are not in.
        labelled[PRIVATE_OTHER] = list(seen.unseen)
    file_count, total_bytes = stats.file_totals()
    return AdminReport(
        week=week,
        file_count=file_count,
        bytes=total_bytes,
        by_conversation=_ranked(labelled),
        by_uploader=_ranked({k: list(v) for k, v in seen.by_uploader.items()})[:LARGEST],
        by_type=_ranked({k: list(v) for k, v in seen.by_type.items()}),
        growers=[(k, v) for k, v in growth.most_common(GROWERS) if v > 0],
        trend=trend,
        private_other=seen.unseen,
    )


def _ranked(table: Mapping[str, list[int]]) -> list[tuple[str, int, int]]:
    """(key, files, bytes), biggest first."""
    return sorted(((k, v[0], v[1]) for k, v in table.items()), key=lambda r: (-r[2], r[0]))
