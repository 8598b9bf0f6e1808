"""Storage reports as views: fully described, frozen values that the platform renderers map to Block Kit or
UIKit mechanically (issue #14's view model between replies and renderers).

Built of the same typed parts as every view (`views.py`): a file (`FileLink`: its name and the link the
platform gave), a person (`Person`, by id), a conversation (`Conversation`, by id and name) — never markup:
each renderer escapes these for its own platform, in one place. Everything else in a view is our own copy
(`messages.py`), numbers and sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from handlers import messages, records
from handlers.messages import size
from handlers.query import Kind
from handlers.reports import (
    CLEANUP_MIN_AGE_DAYS,
    CLEANUP_MIN_BYTES,
    PRIVATE_OTHER,
    AdminReport,
    ChannelReport,
)
from handlers.views import Conversation, FileLink, Part, Person, PrivateConversations

ROWS = 10  # per table: Block Kit shows at most 10 fields in a section

Subject = Conversation | PrivateConversations | Person | str  # str: our own copy (a kind's label)
_CLEANUP = messages.CLEANUP.format(size=size(CLEANUP_MIN_BYTES), days=CLEANUP_MIN_AGE_DAYS)


# -- the views ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class TableRow:
    subject: Subject
    value: str


@dataclass(frozen=True)
class Table:
    """A titled list of (subject, value) rows; `more` says what did not fit."""

    title: str
    rows: tuple[TableRow, ...]
    more: str | None = None


@dataclass(frozen=True)
class FileRow:
    file: FileLink
    size: str
    uploader: Person | None
    created: date


@dataclass(frozen=True)
class FileList:
    title: str
    files: tuple[FileRow, ...]


@dataclass(frozen=True)
class Chart:
    """The trend chart: (week, bytes) points, oldest first, with its title and a text alternative."""

    title: str
    alt: str
    points: tuple[tuple[str, int], ...]


Section = Table | FileList


@dataclass(frozen=True)
class ReportView:
    """One report message. `heading` is a sentence (our copy and conversations); `title` is its short form
    (a contextual bar's title); `summary` says it in our copy alone, for text no name can be made safe in."""

    title: str
    heading: tuple[Part, ...]
    summary: str
    facts: tuple[Fact, ...]
    sections: tuple[Section, ...]
    chart: Chart | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportNotice:
    """A short private answer that names a conversation (`/files report weekly on|off`); `summary` as in
    `ReportView`."""

    sentence: tuple[Part, ...]
    summary: str


# -- building views -----------------------------------------------------------------------------------------
def channel_view(report: ChannelReport) -> ReportView:
    conv = _conversation(report.conversation)
    growth = report.growth
    change = messages.FIRST_REPORT if growth is None else f"{'+' if growth >= 0 else '-'}{size(abs(growth))}"
    facts = (
        Fact(messages.FILES, f"{report.file_count:,}"),
        Fact(messages.STORED, size(report.bytes)),
        Fact(messages.CHANGE, change),
    )
    sections: list[Section] = []
    if report.by_type:
        rows = [(_kind(kind), f"{size(b)} · {messages.files(n)}") for kind, (n, b) in report.by_type.items()]
        sections.append(_table(messages.BY_TYPE, rows))
    if report.largest:
        sections.append(FileList(messages.LARGEST, tuple(_file_row(f) for f in report.largest)))
    if report.cleanup:
        sections.append(FileList(_CLEANUP, tuple(_file_row(f) for f in report.cleanup)))
    heading = (f"{messages.CHANNEL_TITLE} for ", conv, f" · {report.week}")
    return ReportView(
        messages.CHANNEL_TITLE, heading, f"{messages.CHANNEL_TITLE} · {report.week}", facts, tuple(sections)
    )


def admin_view(report: AdminReport, conversations: Sequence[records.Conversation]) -> ReportView:
    """`conversations`: the ones the report is about (its rows name them by id)."""
    by_id = {c.id: _conversation(c) for c in conversations}

    def where(key: str) -> Subject:
        return PrivateConversations() if key == PRIVATE_OTHER else by_id.get(key, PrivateConversations())

    facts = (Fact(messages.FILES, f"{report.file_count:,}"), Fact(messages.STORED, size(report.bytes)))
    # What the reader may not see closes the by-uploader and by-type tables as one line, like the
    # conversations: never split by uploader or type, which would tell who put how much where.
    hidden_files, hidden_bytes = report.private_other
    hidden: list[tuple[Subject, str]] = (
        [(PrivateConversations(), f"{size(hidden_bytes)} · {messages.files(hidden_files)}")] if hidden_files else []
    )
    sections: list[Section] = [
        _table(
            messages.BY_CONVERSATION,
            [(where(k), f"{size(b)} · {messages.files(n)}") for k, n, b in report.by_conversation],
        ),
        _table(
            messages.BY_UPLOADER,
            [(Person(u), f"{size(b)} · {messages.files(n)}") for u, n, b in report.by_uploader],
            hidden,
        ),
        _table(
            messages.BY_TYPE, [(_kind(k), f"{size(b)} · {messages.files(n)}") for k, n, b in report.by_type], hidden
        ),
    ]
    if report.growers:
        sections.append(_table(messages.GROWERS, [(where(k), f"+{size(b)}") for k, b in report.growers]))
    private = any(k == PRIVATE_OTHER for k, _, _ in report.by_conversation)
    chart = Chart(messages.CHART_TITLE, messages.CHART_ALT, tuple(report.trend))
    heading = f"{messages.ADMIN_TITLE} · {report.week}"
    notes = (messages.PRIVATE_NOTE,) if private else ()
    return ReportView(messages.ADMIN_TITLE, (heading,), heading, facts, tuple(sections), chart, notes)


def subscribed_notice(conv: records.Conversation, *, on: bool) -> ReportNotice:
    before, after = messages.SUBSCRIBED if on else messages.UNSUBSCRIBED
    return ReportNotice(
        (before, _conversation(conv), after), messages.SUBSCRIBED_SUMMARY if on else messages.UNSUBSCRIBED_SUMMARY
    )


# -- private ------------------------------------------------------------------------------------------------
def _conversation(conv: records.Conversation) -> Conversation:
    return Conversation(conv.id, conv.name)


def _file_row(f: records.StoredFile) -> FileRow:
    return FileRow(FileLink(f.name, f.link), size(f.size), Person(f.uploader) if f.uploader else None, f.created.date())


def _table(title: str, rows: Sequence[tuple[Subject, str]], last: Sequence[tuple[Subject, str]] = ()) -> Table:
    """At most `ROWS` rows: the first of `rows`, then `last` (always shown: the aggregate of what the reader
    can't see)."""
    first = rows[: ROWS - len(last)]
    shown = tuple(TableRow(subject, value) for subject, value in [*first, *last])
    rest = len(rows) - len(first)
    return Table(title, shown, messages.MORE_ROWS.format(rest=rest) if rest > 0 else None)


def _kind(kind: str) -> str:
    try:
        return messages.KIND_NAMES[Kind(kind)]
    except ValueError:
        return messages.OTHER_KIND
