"""Signed, expiring listing state for buttons and menus.

Button values come back from the platform as untrusted input. They carry only the query and the page —
never file data — and an HMAC so a tampered value is detected, plus the invoker, workspace and time of
issue so a click by someone else, from another workspace or long after is refused politely.

The query travels as a structure (version 2: a `FileQuery` field by field), read back and checked field by
field without going back through the grammar. A value of version 1 (the query as text, issued before) is
one of ours if its signature holds, but is no longer read: it counts as expired.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from handlers import grammar
from handlers.query import ConversationRef, FileQuery, Kind, Sort, UserRef

VERSION = 2
_EXPIRED_VERSIONS = (1,)  # ours, but from before the query travelled as a structure
MAX_AGE_SECONDS = 24 * 3600
_MAX_PAGE = 10_000
_MAX_TRAIL = 40
_MAX_FIELD = 600
_QUERY_FIELDS = frozenset({"ci", "cn", "e", "ui", "un", "m", "k", "n", "f", "t", "o"})


class InvalidState(Exception):
    """Not a value we issued (or one that was edited)."""


class StaleState(Exception):
    """A value we issued, but too long ago."""


@dataclass(frozen=True)
class ListingState:
    team: str
    user: str
    query: FileQuery
    page: int = 1
    cursor: str | None = None
    trail: tuple[str, ...] = ()
    issued: int = 0


class StateCodec:
    """Encodes `ListingState` as `payload.signature`, both base64url; keyed per deployment."""

    def __init__(self, secret: str, *, purpose: str, clock: Callable[[], float] = time.time) -> None:
        # Derive a key for this purpose only, so the platform's signing secret is never used directly.
        self._key = hmac.new(secret.encode(), f"files-bot state:{purpose}".encode(), hashlib.sha256).digest()
        self._clock = clock

    def encode(self, state: ListingState) -> str:
        body: dict[str, Any] = {
            "v": VERSION,
            "t": state.team,
            "u": state.user,
            "q": _query_body(state.query),
            "p": state.page,
            "i": state.issued or int(self._clock()),
        }
        if state.cursor:
            body["c"] = state.cursor
        if state.trail:
            body["r"] = list(state.trail)
        payload = _b64(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
        return f"{payload}.{_b64(self._sign(payload))}"

    def decode(self, token: object) -> ListingState:
        """The state inside `token`; raises `InvalidState` or `StaleState`."""
        if not isinstance(token, str) or token.count(".") != 1 or len(token) > 4000:
            raise InvalidState("malformed")
        payload, signature = token.split(".")
        try:
            given = _unb64(signature)
        except ValueError:
            raise InvalidState("malformed signature") from None
        if not hmac.compare_digest(given, self._sign(payload)):
            raise InvalidState("bad signature")
        try:
            body = json.loads(_unb64(payload))
        except ValueError:
            raise InvalidState("malformed payload") from None
        if isinstance(body, dict) and body.get("v") in _EXPIRED_VERSIONS:
            raise StaleState("issued by an earlier version")
        state = _validate(body)
        if self._clock() - state.issued > MAX_AGE_SECONDS:
            raise StaleState("expired")
        return state

    def _sign(self, payload: str) -> bytes:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).digest()[:16]


def _validate(body: object) -> ListingState:
    if not isinstance(body, dict) or body.get("v") != VERSION:
        raise InvalidState("unknown version")
    strings = {k: body.get(k) for k in ("t", "u")}
    if not all(isinstance(v, str) and len(v) <= _MAX_FIELD for v in strings.values()):
        raise InvalidState("bad fields")
    page, issued, cursor, trail = body.get("p"), body.get("i"), body.get("c"), body.get("r", [])
    if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= _MAX_PAGE:
        raise InvalidState("bad page")
    if not isinstance(issued, int) or isinstance(issued, bool):
        raise InvalidState("bad time")
    if cursor is not None and (not isinstance(cursor, str) or len(cursor) > _MAX_FIELD):
        raise InvalidState("bad cursor")
    if not isinstance(trail, list) or len(trail) > _MAX_TRAIL or not all(isinstance(c, str) for c in trail):
        raise InvalidState("bad trail")
    return ListingState(
        team=str(strings["t"]),
        user=str(strings["u"]),
        query=_query(body.get("q")),
        page=page,
        cursor=cursor,
        trail=tuple(trail),
        issued=issued,
    )


# -- the query, field by field ------------------------------------------------------------------------------
def _query_body(query: FileQuery) -> dict[str, Any]:
    """Only what differs from an empty query, under short keys: a menu's state must fit Slack's 255-character
    block id."""
    body: dict[str, Any] = {}
    if query.conversation is not None:
        body.update(_ref_body("c", query.conversation))
    if query.everywhere:
        body["e"] = True
    if query.uploader is not None:
        body.update(_ref_body("u", query.uploader))
    if query.mine:
        body["m"] = True
    if query.kinds:
        body["k"] = sorted(k.value for k in query.kinds)
    if query.name is not None:
        body["n"] = query.name
    if query.since is not None:
        body["f"] = query.since.isoformat()
    if query.until is not None:
        body["t"] = query.until.isoformat()
    if query.sort is not Sort.NEWEST:
        body["o"] = query.sort.value
    return body


def _ref_body(prefix: str, ref: ConversationRef | UserRef) -> dict[str, str]:
    return {f"{prefix}i": ref.id} if ref.id else {f"{prefix}n": ref.name or ""}


def _query(body: object) -> FileQuery:
    """The query in a state, held to everything the grammar holds a typed query to."""
    if not isinstance(body, dict) or not set(body) <= _QUERY_FIELDS:
        raise InvalidState("bad query")
    conversation_ref, uploader_ref = _ref(body, "c"), _ref(body, "u")
    conversation = ConversationRef(*conversation_ref) if conversation_ref else None
    uploader = UserRef(*uploader_ref) if uploader_ref else None
    everywhere, mine = _flag(body, "e"), _flag(body, "m")
    since, until = _day(body.get("f")), _day(body.get("t"))
    if (mine and uploader) or (everywhere and conversation) or (since and until and since > until):
        raise InvalidState("contradictory query")
    return FileQuery(
        conversation=conversation,
        everywhere=everywhere,
        uploader=uploader,
        mine=mine,
        kinds=_kinds(body.get("k", [])),
        name=_name(body.get("n")),
        since=since,
        until=until,
        sort=_sort(body.get("o", Sort.NEWEST.value)),
    )


def _ref(body: dict[str, Any], prefix: str) -> tuple[str | None, str | None] | None:
    """A `#channel` or `@user` as (id, name), exactly one of them set; None when the query names none."""
    ref_id, name = body.get(f"{prefix}i"), body.get(f"{prefix}n")
    if ref_id is None and name is None:
        return None
    if ref_id is not None and name is not None:
        raise InvalidState("bad reference")
    if ref_id is not None and not (isinstance(ref_id, str) and grammar.REF_ID.fullmatch(ref_id)):
        raise InvalidState("bad reference")
    if name is not None and not (isinstance(name, str) and grammar.REF_NAME.fullmatch(name)):
        raise InvalidState("bad reference")
    return ref_id, name


def _flag(body: dict[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise InvalidState("bad flag")
    return value


def _day(value: object) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not grammar.ISO_DATE.fullmatch(value):
        raise InvalidState("bad date")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidState("bad date") from None
    if day < grammar.EARLIEST:
        raise InvalidState("bad date")
    return day


def _kinds(values: object) -> frozenset[Kind]:
    known = {k.value for k in Kind}
    if not isinstance(values, list) or not all(isinstance(v, str) and v in known for v in values):
        raise InvalidState("bad kinds")
    if len(set(values)) != len(values):
        raise InvalidState("bad kinds")
    return frozenset(Kind(v) for v in values)


def _name(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or value != value.strip() or len(value) > grammar.MAX_NAME:
        raise InvalidState("bad name")
    return value


def _sort(value: object) -> Sort:
    if value not in {s.value for s in Sort}:
        raise InvalidState("bad order")
    return Sort(str(value))


# -- base64url ----------------------------------------------------------------------------------------------
def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not text or any(c not in _B64_ALPHABET for c in text):
        raise ValueError("not base64url")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64(raw) != text:
        raise ValueError("not canonical base64url")  # so no two spellings of one value exist
    return raw


_B64_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
