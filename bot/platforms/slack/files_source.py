"""`files.list` as a `FileSource`: for `/files`, with the *invoking user's* own token; for the sync, with the
bot's (`SlackFileSource` does not tell them apart: the token decides what Slack lists).

Slack filters by channel, user, date and some types natively; name search and `largest` are not native,
so the handler falls back to its bounded scan for those (see `handlers/listing.py`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.platforms.payloads import as_int, retry_after
from bot.process import metrics
from bot.services.ratelimit import RateLimiter
from handlers.errors import (
    ConversationUnavailable,
    MissingPermission,
    NotAuthorized,
    PlatformUnavailable,
    RateLimited,
    UnknownUser,
)
from handlers.predicates import day_end, day_start
from handlers.query import ConversationRef, Kind, UserRef
from handlers.source import Capabilities, FileInfo, Position, SourcePage, SourceQuery

log = logging.getLogger(__name__)

# Slack's own `types` values for the kinds whose definitions match ours.
NATIVE_TYPES: dict[Kind, str] = {
    Kind.IMAGES: "images",
    Kind.PDFS: "pdfs",
    Kind.ZIPS: "zips",
    Kind.SNIPPETS: "snippets",
}

CAPABILITIES = Capabilities(
    kinds=frozenset(NATIVE_TYPES),
    several_kinds=True,  # types=images,pdfs
    uploader=True,
    dates=True,
    name=False,
    largest=False,
    max_page_size=200,
)

_NOT_AUTHORIZED = {"not_authed", "invalid_auth", "token_revoked", "token_expired", "account_inactive"}
_NO_PERMISSION = {"missing_scope", "no_permission", "not_allowed_token_type", "ekm_access_denied"}


class SlackFileSource:
    """Lists files as whoever `token` belongs to: a person (the contract's file source for a person) or the
    bot (its file source for the bot). `token=None` (a person who never authorized) raises `NotAuthorized`
    on use."""

    capabilities = CAPABILITIES

    def __init__(
        self, client: WebClient, token: str | None, *, limiter: RateLimiter | None = None, workspace: str = ""
    ) -> None:
        """`limiter`: the process's shared limiter, for interactive calls (a sync takes its own share)."""
        self._client = client
        self._token = token
        self._limiter = limiter
        self._workspace = workspace

    def resolve_conversation(self, ref: ConversationRef) -> str:
        # Slack escapes every conversation the user can see (`<#C123|name>`), so a bare `#name` is one
        # that doesn't exist or that they can't see: the same answer for both.
        if ref.id is None:
            raise ConversationUnavailable("unescaped channel name")
        return ref.id

    def resolve_user(self, ref: UserRef) -> str:
        if ref.id is None:
            raise UnknownUser("unescaped user name")
        return ref.id

    def fetch(self, query: SourceQuery, position: Position, count: int) -> SourcePage:
        if self._token is None:
            raise NotAuthorized("no user token")
        params: dict[str, Any] = {}
        if query.conversation_id:
            params["channel"] = query.conversation_id
        if query.uploader_id:
            params["user"] = query.uploader_id
        if query.kinds:
            params["types"] = ",".join(sorted(NATIVE_TYPES[k] for k in query.kinds))
        if query.since:
            params["ts_from"] = int(day_start(query.since).timestamp())
        if query.until:
            params["ts_to"] = int(day_end(query.until).timestamp())
        if position.cursor:
            params.update(cursor=position.cursor, limit=count)
        else:
            params.update(page=position.page, count=count)
        data = self._call(params)
        files = [to_file_info(f) for f in data.get("files") or [] if isinstance(f, dict)]
        paging = data.get("paging") or {}
        next_cursor = (data.get("response_metadata") or {}).get("next_cursor") or None
        if isinstance(paging, dict) and "pages" in paging:
            return SourcePage(
                files=files,
                page=int(paging.get("page") or position.page),
                pages=int(paging["pages"]),
                total=int(paging.get("total") or 0),
            )
        return SourcePage(files=files, page=position.page, next_cursor=next_cursor)

    def _call(self, params: dict[str, Any]) -> dict[str, Any]:
        if self._limiter is not None:
            self._limiter.acquire_interactive(("slack", self._workspace, "files.list"))
        try:
            response = self._client.files_list(token=self._token, **params)
        except SlackApiError as error:
            translated = _translate(error)
            metrics.API_CALLS.labels("slack", "files.list", type(translated).__name__).inc()
            raise translated from None
        except (SlackClientError, OSError, ValueError) as error:
            metrics.API_CALLS.labels("slack", "files.list", "PlatformUnavailable").inc()
            raise PlatformUnavailable(f"files.list failed: {type(error).__name__}") from None
        metrics.API_CALLS.labels("slack", "files.list", "ok").inc()
        data = response.data
        if not isinstance(data, dict):
            raise PlatformUnavailable("files.list returned a non-JSON body")
        return data


def _translate(error: SlackApiError) -> Exception:
    response = error.response
    status = getattr(response, "status_code", 200)
    data = response.data if isinstance(getattr(response, "data", None), dict) else {}
    code = str(data.get("error") or "")
    if status == 429 or code == "ratelimited":
        return RateLimited("files.list rate limited", retry_after(dict(response.headers or {})))
    if code in _NOT_AUTHORIZED:
        return NotAuthorized(f"files.list: {code}")
    if code == "channel_not_found":
        return ConversationUnavailable("files.list: channel_not_found")
    if code == "user_not_found":
        return UnknownUser("files.list: user_not_found")
    if code in _NO_PERMISSION:
        return MissingPermission(f"files.list: {code} (needed: {data.get('needed', '?')})")
    return PlatformUnavailable(f"files.list: HTTP {status} {code or 'no error code'}")


def to_file_info(f: dict[str, Any]) -> FileInfo:
    """A `files.list` file object as a neutral record. Missing fields get harmless defaults."""
    mode = str(f.get("mode") or "")
    filetype = str(f.get("filetype") or "")
    conversations = [*(f.get("channels") or []), *(f.get("groups") or []), *(f.get("ims") or [])]
    return FileInfo(
        id=str(f.get("id") or ""),
        name=str(f.get("name") or f.get("title") or "untitled"),
        title=str(f.get("title") or ""),
        size=as_int(f.get("size")),
        mimetype=str(f.get("mimetype") or ""),
        extension=filetype,
        type_label=str(f.get("pretty_type") or filetype.upper() or "File"),
        uploader_id=str(f.get("user") or ""),
        uploader_name=None,
        created=datetime.fromtimestamp(as_int(f.get("created") or f.get("timestamp")), UTC),
        link=str(f.get("permalink") or f.get("url_private") or ""),
        conversations=tuple(str(c) for c in conversations),
        kind_hint=Kind.SNIPPETS if mode == "snippet" else None,
    )
