"""Platform-neutral replies (errbot's `Card` idea): handlers build these, each adapter renders its own way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import humanize

from handlers.kinds import MENU_LABELS
from handlers.query import Kind
from handlers.source import FileInfo, SourceQuery, WalkProgress


@dataclass(frozen=True)
class Notice:
    """A short private message; with `authorize_url`, an "Authorize" button too."""

    text: str
    authorize_url: str | None = None


@dataclass(frozen=True)
class Listing:
    """One page of a `/files` answer. Tokens are signed `ListingState`s for the navigation controls."""

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

    @property
    def active_kinds(self) -> frozenset[Kind]:
        return self.query.kinds


Reply = Listing | Notice

Mention = Callable[[str], str]


def describe(listing: Listing, conversation: Mention, user: Mention) -> str:
    """One line saying what is listed: "PDFs in #design by @ana named “report” · since 2026-01-01 …"."""
    q = listing.query
    what = " and ".join(MENU_LABELS[k] for k in sorted(q.kinds)) if q.kinds else "Files"
    parts = [what]
    parts.append(f"in {conversation(q.conversation_id)}" if q.conversation_id else "everywhere you can see")
    if q.uploader_id:
        parts.append(f"uploaded by {user(q.uploader_id)}")
    if q.name:
        parts.append(f"named “{q.name}”")
    line = " ".join(parts)
    extras = []
    if q.since:
        extras.append(f"since {q.since.isoformat()}")
    if q.until:
        extras.append(f"until {q.until.isoformat()}")
    extras.append("largest first" if q.largest else "newest first")
    return " · ".join([line, *extras])


def stats_line(listing: Listing) -> str:
    """ "page 2 of 7 · 63 files · 1.2 GB" — saying "on this page" when the total size is not known."""
    if listing.pages:
        page = f"page {listing.page} of {listing.pages}"
    else:
        page = f"page {listing.page}" + (" of many" if listing.next_token else "")
    parts = [page]
    if listing.total is not None:
        parts.append(f"{listing.total:,} file{'s' if listing.total != 1 else ''}")
    if listing.total_bytes is not None:
        parts.append(size(listing.total_bytes))
    else:
        parts.append(f"{size(listing.bytes_shown)} on this page")
    return " · ".join(parts)


def partial_note(listing: Listing) -> str | None:
    """Tell the user when a filter could only be applied to a bounded scan, and how far it got."""
    if not listing.partial or listing.scanned is None:
        return None
    if listing.walk is not None:
        checked, total = listing.walk.checked, listing.walk.total
        note = f"Partial results: I checked {checked:,} of your {total:,} conversations"
    else:
        note = f"Partial results: I checked the {listing.scanned:,} newest matching files"
    if listing.retry_after:
        note += f" before the chat server asked me to slow down (try again in about {listing.retry_after} seconds)"
    return f"{note}. Narrow it down (a #channel, `since:`, a type) for a complete answer."


def empty_text(listing: Listing) -> str:
    query = listing.query
    if query.since or query.until:
        hint = "Try a wider date range, or drop the type or name."
    elif query.conversation_id is None:  # already everywhere: suggesting `everywhere` would add nothing
        hint = "Try a wider filter: drop the type or name."
    else:
        hint = "Try a wider filter: drop the type or name, or use `everywhere`."
    return f"No files match. {hint}"


def size(num_bytes: int) -> str:
    return humanize.naturalsize(num_bytes)
