"""The `/files` skill: decides what to answer. Adapters call it with a `FileSource` acting as the user.

Flow: `triage` (instant: help, usage errors, "please authorize") → `list_files` / `navigate` (API calls,
run after the platform has been acknowledged) → a `Reply` card the adapter renders.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from handlers import grammar, listing
from handlers.cards import Listing, Notice, Reply
from handlers.errors import (
    ConversationUnavailable,
    MissingPermission,
    NotAuthorized,
    PlatformUnavailable,
    RateLimited,
    SourceError,
    UnknownUser,
)
from handlers.query import FileQuery, Kind
from handlers.source import FileSource, Position, SourceQuery
from handlers.state import InvalidState, ListingState, StaleState, StateCodec

log = logging.getLogger(__name__)

TAMPERED = "That button doesn't look like one of mine. Run `/files` again to get a fresh list."
STALE = "That list has expired. Run `/files` again to get a fresh one."
NOT_YOURS = "Those buttons belong to someone else's `/files`. Run `/files` to see your own list."
NOT_AUTHORIZED = (
    "To list files, I need to act as you, so you only ever see files you can already see. "
    "Authorize me once and run `/files` again."
)
MISSING_PERMISSION = "I'm missing a permission for that. Ask a workspace admin to reinstall files-bot, then try again."
UNAVAILABLE = "Sorry — I couldn't reach the chat server just now. Please try again in a minute."
CONVERSATION_UNAVAILABLE = "I can't find {ref}, or you're not a member of it."
UNKNOWN_USER = "I can't find the user {ref}."


@dataclass(frozen=True)
class Invocation:
    """Who asked, where, and the facts the handler needs from the adapter."""

    team_id: str
    user_id: str
    conversation_id: str
    today: date
    authorize_url: str
    budget: listing.Budget | None = None  # how long the answer may take; None: the handler's default


def triage(text: str, inv: Invocation, *, authorized: bool) -> Reply | FileQuery | grammar.Report:
    """Answer at once what needs no API call; otherwise return the query (run as the user) or the report
    command (run as the bot, see `report_command`) to run after the ack."""
    command = grammar.parse(text, today=inv.today)
    if isinstance(command, grammar.ShowHelp):
        return Notice(grammar.HELP)
    if isinstance(command, grammar.ParseError):
        return Notice(command.text)
    if isinstance(command, grammar.Report):
        return command
    if not authorized:
        return Notice(NOT_AUTHORIZED, authorize_url=inv.authorize_url)
    return command.query


def list_files(
    query: FileQuery, inv: Invocation, source: FileSource, codec: StateCodec, position: Position | None = None
) -> Reply:
    """Run `query` as the invoking user and build one page of the answer."""
    pinned = query.pinned_to(inv.conversation_id)
    try:
        resolved = _resolve(pinned, inv, source)
        window = listing.list_page(source, resolved, position or Position(), inv.budget)
    except SourceError as error:
        return _explain(error, pinned, inv)
    base = ListingState(team=inv.team_id, user=inv.user_id, query=pinned.canonical())
    return Listing(
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


def navigate(
    token: object, inv: Invocation, source: FileSource, codec: StateCodec, *, kind: str | None = None
) -> Reply:
    """Handle a Prev/Next click (`kind=None`) or a type-menu choice. `token` is untrusted input: it is
    verified, checked against the clicking user and workspace, re-parsed, and re-run as the clicker."""
    try:
        state = codec.decode(token)
    except StaleState:
        return Notice(STALE)
    except InvalidState as error:
        log.warning("rejected button state: %s", error)
        return Notice(TAMPERED)
    if state.team != inv.team_id:
        log.warning("rejected button state: workspace mismatch")
        return Notice(TAMPERED)
    if state.user != inv.user_id:
        return Notice(NOT_YOURS)
    command = grammar.parse(state.query, today=inv.today)
    if not isinstance(command, grammar.ListFiles):
        return Notice(TAMPERED)
    query = command.query
    position = Position(page=state.page, cursor=state.cursor, trail=state.trail)
    if kind is not None:
        if kind == "all":
            query = query.with_kinds(frozenset())
        elif kind in {k.value for k in Kind}:
            query = query.with_kinds(frozenset({Kind(kind)}))
        else:
            return Notice(TAMPERED)
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


def _explain(error: SourceError, query: FileQuery, inv: Invocation) -> Notice:
    """A short message for the user; details go to the log only (and never file data)."""
    if isinstance(error, NotAuthorized):
        return Notice(NOT_AUTHORIZED, authorize_url=inv.authorize_url)
    if isinstance(error, ConversationUnavailable):
        ref = query.conversation.canonical() if query.conversation else "this conversation"
        return Notice(CONVERSATION_UNAVAILABLE.format(ref=ref))
    if isinstance(error, UnknownUser):
        ref = query.uploader.canonical() if query.uploader else "that user"
        return Notice(UNKNOWN_USER.format(ref=ref))
    if isinstance(error, MissingPermission):
        log.warning("missing permission: %s", error)
        return Notice(MISSING_PERMISSION)
    if isinstance(error, RateLimited):
        wait = f"in about {error.retry_after} seconds" if error.retry_after else "in a minute"
        return Notice(f"The chat server is busy and asked me to slow down. Please try again {wait}.")
    if isinstance(error, PlatformUnavailable):
        log.error("platform unavailable: %s", error)
        return Notice(UNAVAILABLE)
    log.error("unexpected source error: %s", error)
    return Notice(UNAVAILABLE)


def _token(codec: StateCodec, base: ListingState, position: Position | None) -> str | None:
    if position is None:
        return None
    trail = position.trail[-40:]
    return codec.encode(
        ListingState(
            team=base.team, user=base.user, query=base.query, page=position.page, cursor=position.cursor, trail=trail
        )
    )
