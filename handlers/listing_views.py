"""`/files` listings as views: one page of files (`Listing`, what the handler found) described for the
renderers — the title naming what is listed, the page's figures, the rows and the controls."""

from __future__ import annotations

from dataclasses import dataclass

from handlers import messages
from handlers.messages import size
from handlers.query import Kind
from handlers.source import FileInfo, SourceQuery, WalkProgress
from handlers.views import (
    ALL_KINDS,
    Conversation,
    FileLink,
    ListingRow,
    ListingView,
    MenuOption,
    Part,
    Person,
    Text,
    TypeMenu,
)

TYPE_OPTIONS = (
    MenuOption(ALL_KINDS, messages.ALL_TYPES),
    *(MenuOption(kind.value, label) for kind, label in messages.KIND_NAMES.items()),
)


@dataclass(frozen=True)
class Listing:
    """One page of a `/files` answer, as found. Tokens are signed `ListingState`s for the controls."""

    query: SourceQuery
    rows: list[FileInfo]
    page: int
    pages: int | None
    total: int | None
    bytes_shown: int
    total_bytes: int | None
    scanned: int | None
    partial: bool
    prev_token: str | None
    next_token: str | None
    menu_token: str | None
    walk: WalkProgress | None = None  # an "everywhere" walk: how many of the user's conversations it read
    retry_after: int | None = None  # the platform's rate limit cut the scan short: seconds until it may go on


def listing_view(listing: Listing) -> ListingView:
    query = listing.query
    stats = messages.page_stats(
        listing.page,
        listing.pages,
        listing.next_token is not None,
        listing.total,
        listing.total_bytes,
        listing.bytes_shown,
    )
    empty = messages.empty(dated=bool(query.since or query.until), everywhere=query.conversation_id is None)
    return ListingView(
        title=_title(query),
        stats=stats,
        note=_partial_note(listing),
        rows=tuple(_row(f, query) for f in listing.rows),
        empty=None if listing.rows else empty,
        prev=listing.prev_token,
        next=listing.next_token,
        menu=TypeMenu(listing.menu_token, TYPE_OPTIONS, _chosen(query.kinds)) if listing.menu_token else None,
    )


def _title(query: SourceQuery) -> tuple[Part, ...]:
    """What is listed: "PDFs in #design uploaded by @ana named “report” · since 2026-01-01 · newest first"."""
    kinds = messages.KINDS_JOINED.join(messages.KIND_NAMES[k] for k in sorted(query.kinds))
    parts: list[Part] = [kinds or messages.ALL_FILES, " "]
    if query.conversation_id:
        parts += [messages.IN, Conversation(query.conversation_id)]
    else:
        parts.append(messages.EVERYWHERE)
    if query.uploader_id:
        parts += [" ", messages.UPLOADED_BY, Person(query.uploader_id)]
    if query.name:
        parts += [" ", messages.NAMED[0], Text(query.name), messages.NAMED[1]]
    extras = []
    if query.since:
        extras.append(messages.SINCE.format(day=query.since.isoformat()))
    if query.until:
        extras.append(messages.UNTIL.format(day=query.until.isoformat()))
    extras.append(messages.LARGEST_FIRST if query.largest else messages.NEWEST_FIRST)
    return (*parts, " · ", " · ".join(extras))


def _partial_note(listing: Listing) -> str | None:
    """Tell the user when a filter could only be applied to a bounded scan, and how far it got."""
    if not listing.partial or listing.scanned is None:
        return None
    walk = (listing.walk.checked, listing.walk.total) if listing.walk is not None else None
    return messages.partial(listing.scanned, walk, listing.retry_after)


def _row(f: FileInfo, query: SourceQuery) -> ListingRow:
    where = query.conversation_id or (f.conversations[0] if f.conversations else None)
    uploader = Person(f.uploader_id, f.uploader_name) if f.uploader_id or f.uploader_name else None
    return ListingRow(
        file=FileLink(f.name, f.link),
        size=size(f.size),
        kind=Text(f.type_label or messages.kind_label(f.kind)),
        uploader=uploader,
        created=f.created,
        where=Conversation(where) if where else None,
    )


def _chosen(kinds: frozenset[Kind]) -> str | None:
    if not kinds:
        return ALL_KINDS
    return next(iter(kinds)).value if len(kinds) == 1 else None
