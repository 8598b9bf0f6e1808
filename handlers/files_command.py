"""The `/files` skill: lists files as the person who asked, with a `FileSource` acting with their own
authorization, and answers a page of them — or explains, briefly, why not.

`list_files` runs a query; `navigate` runs a click's (Prev, Next, the type menu) from its signed state.
Both need calls to the platform: the flow (`flow.py`) runs them once the request has been acknowledged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from handlers import listing, messages
from handlers.answers import Answered, NeedsAuthorization
from handlers.errors import (
    ConversationUnavailable,
    MissingPermission,
    NotAuthorized,
    PlatformUnavailable,
    RateLimited,
    SourceError,
    UnknownUser,
)
from handlers.listing_views import Listing, listing_view
from handlers.query import FileQuery, Kind
from handlers.source import FileSource, Position, SourceQuery
from handlers.state import InvalidState, ListingState, StaleState, StateCodec
from handlers.views import ALL_KINDS, Notice

log = logging.getLogger(__name__)

Outcome = Answered | NeedsAuthorization


@dataclass(frozen=True)
class Invocation:
    """Who asked, where, and the facts the handler needs from the adapter."""

    team_id: str
    user_id: str
    conversation_id: str
    today: date
    authorize_url: str
    budget: listing.Budget | None = None  # how long the answer may take; None: the handler's default


def needs_authorization(inv: Invocation) -> NeedsAuthorization:
    return NeedsAuthorization(Notice(messages.NOT_AUTHORIZED, authorize_url=inv.authorize_url))


def list_files(
    query: FileQuery, inv: Invocation, source: FileSource, codec: StateCodec, position: Position | None = None
) -> Outcome:
    """Run `query` as the invoking user and build one page of the answer."""
    pinned = query.pinned_to(inv.conversation_id)
    try:
        resolved = _resolve(pinned, inv, source)
        window = listing.list_page(source, resolved, position or Position(), inv.budget)
    except SourceError as error:
        return _explain(error, pinned, inv)
    base = ListingState(team=inv.team_id, user=inv.user_id, query=pinned)
    page = Listing(
        query=resolved,
        rows=window.rows,
        page=window.page,
        pages=window.pages,
        total=window.total,
        bytes_shown=sum(f.size for f in window.rows),
        total_bytes=window.total_bytes,
        scanned=window.scanned,
        partial=window.partial,
        prev_token=_token(codec, base, window.prev),
        next_token=_token(codec, base, window.next),
        menu_token=codec.encode(base),
        walk=window.walk,
        retry_after=window.retry_after,
    )
    return Answered(listing_view(page))


def navigate(
    token: object, inv: Invocation, source: FileSource, codec: StateCodec, *, kind: str | None = None
) -> Outcome:
    """Handle a Prev/Next click (`kind=None`) or a type-menu choice. `token` is untrusted input: it is
    verified, checked against the clicking user and workspace, and its query re-run as the clicker."""
    try:
        state = codec.decode(token)
    except StaleState:
        return Answered(Notice(messages.STALE))
    except InvalidState as error:
        log.warning("rejected button state: %s", error)
        return Answered(Notice(messages.TAMPERED))
    if state.team != inv.team_id:
        log.warning("rejected button state: workspace mismatch")
        return Answered(Notice(messages.TAMPERED))
    if state.user != inv.user_id:
        return Answered(Notice(messages.NOT_YOURS))
    query = state.query
    position = Position(page=state.page, cursor=state.cursor, trail=state.trail)
    if kind is not None:
        if kind == ALL_KINDS:
            query = query.with_kinds(frozenset())
        elif kind in {k.value for k in Kind}:
            query = query.with_kinds(frozenset({Kind(kind)}))
        else:
            return Answered(Notice(messages.TAMPERED))
        position = Position()
    return list_files(query, inv, source, codec, position)


def _resolve(query: FileQuery, inv: Invocation, source: FileSource) -> SourceQuery:
    conversation_id = source.resolve_conversation(query.conversation) if query.conversation else None
    uploader_id = inv.user_id if query.mine else None
    if query.uploader is not None:
        uploader_id = source.resolve_user(query.uploader)
    return SourceQuery(
        conversation_id=conversation_id,
        uploader_id=uploader_id,
        kinds=query.kinds,
        name=query.name,
        since=query.since,
        until=query.until,
        largest=query.sort.value == "largest",
    )


def _explain(error: SourceError, query: FileQuery, inv: Invocation) -> Outcome:
    """A short message for the user; details go to the log only (and never file data)."""
    if isinstance(error, NotAuthorized):
        return needs_authorization(inv)
    if isinstance(error, ConversationUnavailable):
        ref = query.conversation.canonical() if query.conversation else messages.THIS_CONVERSATION
        return Answered(Notice(messages.CONVERSATION_UNAVAILABLE.format(ref=ref)))
    if isinstance(error, UnknownUser):
        ref = query.uploader.canonical() if query.uploader else messages.THAT_USER
        return Answered(Notice(messages.UNKNOWN_USER.format(ref=ref)))
    if isinstance(error, MissingPermission):
        log.warning("missing permission: %s", error)
        return Answered(Notice(messages.MISSING_PERMISSION))
    if isinstance(error, RateLimited):
        return Answered(Notice(messages.rate_limited(error.retry_after)))
    if isinstance(error, PlatformUnavailable):
        log.error("platform unavailable: %s", error)
        return Answered(Notice(messages.UNAVAILABLE))
    log.error("unexpected source error: %s", error)
    return Answered(Notice(messages.UNAVAILABLE))


def _token(codec: StateCodec, base: ListingState, position: Position | None) -> str | None:
    if position is None:
        return None
    trail = position.trail[-40:]
    return codec.encode(
        ListingState(
            team=base.team, user=base.user, query=base.query, page=position.page, cursor=position.cursor, trail=trail
        )
    )
