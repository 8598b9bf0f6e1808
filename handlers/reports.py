"""Storage reports, platform-neutral: what a channel stores and what could go, and where a workspace's
storage goes. Built from aggregates over the cache (only files the bot itself can see); adapters send them.

Privacy rule for the admin report: a private conversation appears only as an aggregate — no name, no file
names — unless the reader is a member of it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

LARGEST = 10
GROWERS = 5
CLEANUP_MIN_BYTES = 10_000_000
CLEANUP_MIN_AGE_DAYS = 180
PRIVATE_OTHER = "private conversations (other)"  # the row of private conversations the reader is not in


@dataclass(frozen=True)
class CachedFile:
    id: str
    name: str
    size: int
    kind: str
    conversation: str
    uploader: str
    created: datetime
    link: str

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> CachedFile:
        return cls(
            id=str(row["id"]),
            name=str(row["name"]),
            size=int(row["size"]),  # type: ignore[call-overload]
            kind=str(row.get("kind") or "other"),
            conversation=str(row["conversation"]),
            uploader=str(row.get("uploader") or ""),
            link=str(row.get("link") or ""),
            created=datetime.fromtimestamp(float(row["created"]), UTC),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class ConversationFacts:
    id: str
    name: str
    private: bool


@dataclass(frozen=True)
class ChannelReport:
    conversation: ConversationFacts
    week: str
    file_count: int
    bytes: int
    previous_bytes: int | None
    by_type: dict[str, tuple[int, int]]
    largest: list[CachedFile]
    cleanup: list[CachedFile]

    @property
    def growth(self) -> int | None:
        return None if self.previous_bytes is None else self.bytes - self.previous_bytes


@dataclass(frozen=True)
class AdminReport:
    week: str
    file_count: int
    bytes: int
    by_conversation: list[tuple[str, int, int]]  # (conversation id or PRIVATE_OTHER, files, bytes)
    by_uploader: list[tuple[str, int, int]]
    by_type: list[tuple[str, int, int]]
    growers: list[tuple[str, int]]  # (conversation id or PRIVATE_OTHER, bytes added since last week)
    trend: list[tuple[str, int]] = field(default_factory=list)  # (week, total bytes), oldest first


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class FileStats(Protocol):
    """Aggregates over one workspace's cached files, computed by the store (in SQL: a million rows must not
    be loaded to write a report). Deleted files are never counted."""

    def totals(self) -> dict[str, tuple[int, int]]:
        """conversation → (files, bytes)."""
        ...

    def by_type(self, conversation: str) -> dict[str, tuple[int, int]]: ...

    def by_type_all(self) -> dict[str, tuple[int, int]]: ...

    def by_uploader(self, limit: int) -> list[tuple[str, int, int]]:
        """(uploader, files, bytes), biggest first."""
        ...

    def largest(self, conversation: str, limit: int) -> list[CachedFile]: ...

    def old_and_large(self, conversation: str, *, min_bytes: int, before: datetime, limit: int) -> list[CachedFile]: ...


def build_channel_report(
    conv: ConversationFacts,
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
    conversations: Iterable[ConversationFacts],
    stats: FileStats,
    *,
    week: str,
    reader_can_see: Callable[[ConversationFacts], bool],
    previous_bytes: Mapping[str, int],
    trend: list[tuple[str, int]],
) -> AdminReport:
    convs = {c.id: c for c in conversations}
    per_conv = {conv_id: t for conv_id, t in stats.totals().items() if conv_id in convs}

    def label(conv_id: str) -> str:
        conv = convs[conv_id]
        # A private conversation the reader is not in: an aggregate, never its id or name.
        return conv.id if not conv.private or reader_can_see(conv) else PRIVATE_OTHER

    labelled: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    growth: Counter[str] = Counter()
    for conv_id, (count, total) in per_conv.items():
        labelled[label(conv_id)][0] += count
        labelled[label(conv_id)][1] += total
        growth[label(conv_id)] += total - previous_bytes.get(conv_id, total)
    return AdminReport(
        week=week,
        file_count=sum(c for c, _ in per_conv.values()),
        bytes=sum(b for _, b in per_conv.values()),
        by_conversation=_ranked(labelled),
        by_uploader=stats.by_uploader(LARGEST),
        by_type=_ranked({k: [n, b] for k, (n, b) in stats.by_type_all().items()}),
        growers=[(k, v) for k, v in growth.most_common(GROWERS) if v > 0],
        trend=trend,
    )


def _ranked(table: Mapping[str, list[int]]) -> list[tuple[str, int, int]]:
    """(key, files, bytes), biggest first."""
    return sorted(((k, v[0], v[1]) for k, v in table.items()), key=lambda r: (-r[2], r[0]))
