"""Signed, expiring listing state for buttons and menus.

Button values come back from the platform as untrusted input. They carry only the query and the page —
never file data — and an HMAC so a tampered value is detected, plus the invoker, workspace and time of
issue so a click by someone else, from another workspace or long after is refused politely.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

VERSION = 1
MAX_AGE_SECONDS = 24 * 3600
_MAX_PAGE = 10_000
_MAX_TRAIL = 40
_MAX_FIELD = 600


class InvalidState(Exception):
    """Not a value we issued (or one that was edited)."""


class StaleState(Exception):
    """A value we issued, but too long ago."""


@dataclass(frozen=True)
class ListingState:
    team: str
    user: str
    query: str
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
        body = {
            "v": VERSION,
            "t": state.team,
            "u": state.user,
            "q": state.query,
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
        state = _validate(body)
        if self._clock() - state.issued > MAX_AGE_SECONDS:
            raise StaleState("expired")
        return state

    def _sign(self, payload: str) -> bytes:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).digest()[:16]


def _validate(body: object) -> ListingState:
    if not isinstance(body, dict) or body.get("v") != VERSION:
        raise InvalidState("unknown version")
    strings = {k: body.get(k) for k in ("t", "u", "q")}
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
        query=str(strings["q"]),
        page=page,
        cursor=cursor,
        trail=tuple(trail),
        issued=issued,
    )


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
