"""Storage reports as views: fully described, frozen values that the platform renderers map to Block Kit or
UIKit mechanically (issue #14's view model between replies and renderers).

Every user-controlled part of a view is a typed value — a file (`FileLink`: its name and the link the
platform gave), a person (`Person`, by id), a conversation (`Conversation`, by id and name) — never markup:
each renderer escapes these for its own platform, in one place. Everything else in a view is our own copy,
numbers and sizes. The report copy (headings, labels) lives here and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlsplit

from handlers import records
from handlers.cards import size
from handlers.kinds import MENU_LABELS
from handlers.query import Kind
from handlers.reports import (
    CLEANUP_MIN_AGE_DAYS,
    CLEANUP_MIN_BYTES,
    PRIVATE_OTHER,
    AdminReport,
    ChannelReport,
)

# -- copy -------------------------------------------------------------------------------------------------
CHANNEL_TITLE = "Weekly storage report"
ADMIN_TITLE = "Workspace storage report"
FILES = "Files"
STORED = "Stored"
CHANGE = "Change since last week"
FIRST_REPORT = "first report"
BY_TYPE = "By type"
LARGEST = "Largest files"
CLEANUP = f"Cleanup candidates (≥ {size(CLEANUP_MIN_BYTES)}, older than {CLEANUP_MIN_AGE_DAYS} days)"
BY_CONVERSATION = "By conversation"
BY_UPLOADER = "By uploader"
GROWERS = "Biggest growers this week"
PRIVATE_AGGREGATE = "private conversations (other)"
PRIVATE_NOTE = "Private conversations you are not in are counted together, never named."
CHART_TITLE = "Storage, last 12 weeks"
CHART_ALT = "Line chart of the total storage of the conversations files-bot is in, week by week."
CHART_UNAVAILABLE = "The chart could not be shown this time; the figures above are complete."
OTHER_KIND = "Other"
SUBSCRIBED = ("Done: you'll get ", "'s storage report every week, privately.")
UNSUBSCRIBED = ("Done: no more weekly storage reports for ", ".")
SUBSCRIBED_SUMMARY = "Done: you'll get this conversation's storage report every week, privately."
UNSUBSCRIBED_SUMMARY = "Done: no more weekly storage reports for this conversation."

ROWS = 10  # per table: Block Kit shows at most 10 fields in a section


# -- user-controlled parts, typed ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    """Someone on the platform, by id: each renderer names them its own way."""

    id: str


@dataclass(frozen=True)
class Conversation:
    """A conversation by id and name (the name as the platform gave it: untrusted)."""

    id: str
    name: str


@dataclass(frozen=True)
class PrivateConversations:
    """The private conversations the reader is not in, as one aggregate: never named."""


@dataclass(frozen=True)
class FileLink:
    """A file by name (untrusted) and the link the platform gave for it (untrusted; see `web_link`)."""

    name: str
    url: str


Subject = Conversation | PrivateConversations | Person | str  # str: our own copy (a kind's label)
Part = str | Conversation  # a sentence is our copy with conversations in it


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
    change = FIRST_REPORT if growth is None else f"{'+' if growth >= 0 else '-'}{size(abs(growth))}"
    facts = (Fact(FILES, f"{report.file_count:,}"), Fact(STORED, size(report.bytes)), Fact(CHANGE, change))
    sections: list[Section] = []
    if report.by_type:
        rows = [(_kind(kind), f"{size(b)} · {_files(n)}") for kind, (n, b) in report.by_type.items()]
        sections.append(_table(BY_TYPE, rows))
    if report.largest:
        sections.append(FileList(LARGEST, tuple(_file_row(f) for f in report.largest)))
    if report.cleanup:
        sections.append(FileList(CLEANUP, tuple(_file_row(f) for f in report.cleanup)))
    heading = (f"{CHANNEL_TITLE} for ", conv, f" · {report.week}")
    return ReportView(CHANNEL_TITLE, heading, f"{CHANNEL_TITLE} · {report.week}", facts, tuple(sections))


def admin_view(report: AdminReport, conversations: Sequence[records.Conversation]) -> ReportView:
    """`conversations`: the ones the report is about (its rows name them by id)."""
    by_id = {c.id: _conversation(c) for c in conversations}

    def where(key: str) -> Subject:
        return PrivateConversations() if key == PRIVATE_OTHER else by_id.get(key, PrivateConversations())

    facts = (Fact(FILES, f"{report.file_count:,}"), Fact(STORED, size(report.bytes)))
    # What the reader may not see closes the by-uploader and by-type tables as one line, like the
    # conversations: never split by uploader or type, which would tell who put how much where.
    hidden_files, hidden_bytes = report.private_other
    hidden: list[tuple[Subject, str]] = (
        [(PrivateConversations(), f"{size(hidden_bytes)} · {_files(hidden_files)}")] if hidden_files else []
    )
    sections: list[Section] = [
        _table(BY_CONVERSATION, [(where(k), f"{size(b)} · {_files(n)}") for k, n, b in report.by_conversation]),
        _table(BY_UPLOADER, [(Person(u), f"{size(b)} · {_files(n)}") for u, n, b in report.by_uploader], hidden),
        _table(BY_TYPE, [(_kind(k), f"{size(b)} · {_files(n)}") for k, n, b in report.by_type], hidden),
    ]
    if report.growers:
        sections.append(_table(GROWERS, [(where(k), f"+{size(b)}") for k, b in report.growers]))
    private = any(k == PRIVATE_OTHER for k, _, _ in report.by_conversation)
    chart = Chart(CHART_TITLE, CHART_ALT, tuple(report.trend))
    heading = f"{ADMIN_TITLE} · {report.week}"
    notes = (PRIVATE_NOTE,) if private else ()
    return ReportView(ADMIN_TITLE, (heading,), heading, facts, tuple(sections), chart, notes)


def subscribed_notice(conv: records.Conversation, *, on: bool) -> ReportNotice:
    before, after = SUBSCRIBED if on else UNSUBSCRIBED
    return ReportNotice((before, _conversation(conv), after), SUBSCRIBED_SUMMARY if on else UNSUBSCRIBED_SUMMARY)


# -- helpers the renderers share ----------------------------------------------------------------------------
# Kept as they are: what structures a URL. Everything else is percent-encoded (which means the same).
_LINK_SAFE = ":/?#&=%,;"
_UNRESERVED_MARKUP = str.maketrans({"_": "%5F", "~": "%7E"})  # `quote` never encodes these two


def web_link(url: str) -> str | None:
    """`url` as a link target that no markup can break out of, or None when it is not an http(s) link.

    Everything but letters, digits and the characters that structure a URL is percent-encoded: `>` and
    `|` (which end `<url|…>`), `)` and spaces (which end `[…](url)`), and the characters a chat client
    reads as markup (`_ ~ * @ ! $ + '`) — Rocket.Chat's parser, failing on a link, parses its target."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url.strip(), safe=_LINK_SAFE).translate(_UNRESERVED_MARKUP)


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def one_line(text: str) -> str:
    """A name on one line: control characters and line breaks become a space (no block markup can start)."""
    return _CONTROL.sub(" ", text)


def sentence_text(parts: Sequence[Part]) -> str:
    """A sentence as plain text (conversations as `#name`), for text-only surfaces: dry runs, fallbacks."""
    return "".join(p if isinstance(p, str) else f"#{one_line(p.name)}" for p in parts)


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
    return Table(title, shown, f"… and {rest:,} more" if rest > 0 else None)


def _kind(kind: str) -> str:
    try:
        return MENU_LABELS[Kind(kind)]
    except ValueError:
        return OTHER_KIND


def _files(count: int) -> str:
    return f"{count:,} file{'' if count == 1 else 's'}"
