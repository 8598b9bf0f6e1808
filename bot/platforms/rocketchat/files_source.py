"""Rocket.Chat's `channels.files` / `groups.files` / `im.files` as a `FileSource`, always called with the
*invoking user's* OAuth token, so Rocket.Chat itself decides which rooms and files they may see.

Native here: the room, `typeGroup` (one of image/video/audio), `name` (the server reads it as a
case-insensitive regular expression, so it is escaped here to match literally) and `sort` by `uploadedAt` or
`size`. Not native (applied by the handler's bounded scan): uploader, dates, other types, and "everywhere" —
walked room by room over the user's own subscriptions, one call per page the handler asks for, rooms known to
hold files first. The `query` and `fields` parameters are never used: current servers disable them, and no
user text may ever end up inside a Mongo query.

Every call is paced per route by a `Pacer` (bot/platforms/rocketchat/pacing.py): a person's call the server's
rate-limit window has no room for is not made, and they are told when it resets.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException, RocketBadStatusCodeException

from bot.platforms.payloads import as_int
from bot.platforms.rocketchat.client import RecordingRocketChat, rate_limit_wait, seconds
from bot.platforms.rocketchat.pacing import Pacer
from bot.process import metrics
from handlers.errors import (
    ConversationUnavailable,
    NotAuthorized,
    PlatformUnavailable,
    RateLimited,
    SourceError,
    UnknownUser,
)
from handlers.names import Names
from handlers.query import ConversationRef, Kind, UserRef
from handlers.source import Capabilities, FileInfo, Position, SourcePage, SourceQuery, WalkProgress

log = logging.getLogger(__name__)

TYPE_GROUPS: dict[Kind, str] = {Kind.IMAGES: "image", Kind.VIDEO: "video", Kind.AUDIO: "audio"}
ENDPOINTS = {"c": "channels.files", "p": "groups.files", "d": "im.files"}
# API_Upper_Count_Limit: the server caps `count` at 100 by default.
MAX_COUNT = 100

CAPABILITIES = Capabilities(
    kinds=frozenset(TYPE_GROUPS),
    several_kinds=False,  # typeGroup takes one value
    uploader=False,
    dates=False,
    name=True,
    largest=True,
    max_page_size=MAX_COUNT,
    everywhere=False,
)

# What the server answers for a room that doesn't exist *or* that the caller may not access.
_NO_ROOM = ("error-room-not-found", "error-not-allowed", "error-invalid-room", "error-room-not-found-or-no-access")


class SeenNames:
    """The names one person's own requests returned: the room and username the request came with, and the
    rooms and users their calls to Rocket.Chat showed them. A listing for them names nothing else (see
    `handlers/names.py`): the file source notes what it reads here, and the bridge hands `names()` on."""

    def __init__(self) -> None:
        self._rooms: dict[str, str] = {}
        self._users: dict[str, str] = {}

    def room(self, room_id: str, name: object, *, replace: bool = True) -> None:
        if isinstance(name, str) and name and (replace or room_id not in self._rooms):
            self._rooms[room_id] = name

    def user(self, user_id: str, name: object, *, replace: bool = True) -> None:
        if isinstance(name, str) and name and (replace or user_id not in self._users):
            self._users[user_id] = name

    def names(self) -> Names:
        return Names(conversation=self._rooms.get, person=self._users.get)


class RocketChatFileSource:
    capabilities = CAPABILITIES

    def __init__(
        self,
        api: RecordingRocketChat | None,
        server_url: str,
        rooms: dict[str, tuple[str, str | None]],
        *,
        pacer: Pacer | None = None,
        room_files: Callable[[], Mapping[str, int]] | None = None,
        seen: SeenNames | None = None,
    ):
        """`api` acts as the user (None: never authorized). `rooms` maps ids already known from the
        request to (type, name), saving a lookup for the room the command was typed in. `pacer` paces the
        calls within the server's rate limits. `room_files`: how many files the bot's cache knows in each
        room (0: none), so that a walk looks where files are first. `seen`: where the names the calls
        return are noted, for the answer."""
        self._api = api
        self._pacer = pacer
        self._server = server_url.rstrip("/")
        self._room_files = room_files
        self._seen = seen or SeenNames()
        self._types = {room_id: kind for room_id, (kind, _name) in rooms.items()}
        for room_id, (_kind, name) in rooms.items():
            self._seen.room(room_id, name)
        self._walk: list[str] | None = None

    # -- resolution ---------------------------------------------------------------------------------
    def resolve_conversation(self, ref: ConversationRef) -> str:
        if ref.id and ref.id in self._types:
            return ref.id
        api = self._require()
        params = _params(roomId=ref.id, roomName=ref.name)
        info = self._call(
            "rooms.info", lambda: api.call_api_get("rooms.info", **params), refusal=ConversationUnavailable
        )
        room = info.get("room") if isinstance(info, dict) else None
        if not isinstance(room, dict) or room.get("t") not in ENDPOINTS or not room.get("_id"):
            raise ConversationUnavailable("no accessible room")
        self._types[str(room["_id"])] = str(room["t"])
        self._seen.room(str(room["_id"]), room.get("name") or room.get("fname"))
        return str(room["_id"])

    def resolve_user(self, ref: UserRef) -> str:
        if ref.id:
            return ref.id
        api = self._require()
        params = _params(username=ref.name)
        info = self._call("users.info", lambda: api.call_api_get("users.info", **params), refusal=UnknownUser)
        user = info.get("user") if isinstance(info, dict) else None
        if not isinstance(user, dict) or not user.get("_id"):
            raise UnknownUser("no such user")
        self._seen.user(str(user["_id"]), user.get("username") or ref.name)
        return str(user["_id"])

    # -- listing ------------------------------------------------------------------------------------
    def fetch(self, query: SourceQuery, position: Position, count: int) -> SourcePage:
        count = max(1, min(count, MAX_COUNT))
        if query.conversation_id is None:
            return self._fetch_walk(query, position, count)
        offset = (position.page - 1) * count
        data = self._files(query.conversation_id, query, offset, count)
        total = as_int(data.get("total"))
        return SourcePage(
            files=self._file_infos(data), page=position.page, pages=max(1, math.ceil(total / count)), total=total
        )

    def _fetch_walk(self, query: SourceQuery, position: Position, count: int) -> SourcePage:
        """ "Everywhere": the user's rooms one after another, one call per page (the handler decides how
        many it can afford); the cursor is `room index:offset`."""
        rooms = self._subscribed_rooms()
        index, offset = _walk_cursor(position.cursor)
        if index >= len(rooms):
            return SourcePage(files=[], page=position.page, walk=WalkProgress(len(rooms), len(rooms)))
        try:
            data = self._files(rooms[index], query, offset, count)
        except ConversationUnavailable:
            data = {}  # left (or lost) since subscriptions.get: nothing there to list
        next_cursor: str | None
        if offset + count < as_int(data.get("total")):
            next_cursor, checked = f"{index}:{offset + count}", index
        else:
            next_cursor, checked = (f"{index + 1}:0" if index + 1 < len(rooms) else None), index + 1
        return SourcePage(
            files=self._file_infos(data),
            page=position.page,
            next_cursor=next_cursor,
            walk=WalkProgress(checked, len(rooms)),
        )

    def _subscribed_rooms(self) -> list[str]:
        if self._walk is None:
            api = self._require()
            data = self._call("subscriptions.get", lambda: api.call_api_get("subscriptions.get"))
            rooms: list[str] = []
            for sub in data.get("update") or []:
                if isinstance(sub, dict) and sub.get("t") in ENDPOINTS and sub.get("rid"):
                    self._types.setdefault(str(sub["rid"]), str(sub["t"]))
                    self._seen.room(str(sub["rid"]), sub.get("name") or sub.get("fname"), replace=False)
                    rooms.append(str(sub["rid"]))
            self._walk = self._files_first(rooms)
        return self._walk

    def _files_first(self, rooms: list[str]) -> list[str]:
        """Rooms the bot's cache knows to hold files first (most files first), then rooms it knows nothing
        about, then rooms it knows to be empty: a walk cut short by the budget has looked where files are.
        The cache only orders the user's own rooms; what is listed comes from the user's own calls."""
        known = self._room_files() if self._room_files is not None else {}

        def rank(room: str) -> tuple[int, int]:
            files = known.get(room)
            if files is None:
                return (1, 0)
            return (0, -files) if files > 0 else (2, 0)

        return sorted(rooms, key=rank)

    def _files(self, room_id: str, query: SourceQuery, offset: int, count: int) -> dict[str, Any]:
        room_type = self._types.get(room_id) or self._room_type(room_id)
        endpoint = ENDPOINTS.get(room_type)
        if endpoint is None:
            raise ConversationUnavailable("unsupported room type")
        sort = {"size": -1} if query.largest else {"uploadedAt": -1}
        params = _params(
            roomId=room_id,
            offset=str(offset),
            count=str(count),
            sort=json.dumps(sort, separators=(",", ":")),
            typeGroup=TYPE_GROUPS[next(iter(query.kinds))] if query.kinds else None,
            name=literal_pattern(query.name) if query.name else None,
        )
        api = self._require()
        return self._call(
            endpoint, lambda: api.call_api_get(endpoint, **params), refusal=ConversationUnavailable, codes=_NO_ROOM
        )

    def _room_type(self, room_id: str) -> str:
        self.resolve_conversation(ConversationRef(id=room_id))
        return self._types.get(room_id, "")

    def _file_infos(self, data: dict[str, Any]) -> list[FileInfo]:
        files = [to_file_info(f, self._server) for f in data.get("files") or [] if isinstance(f, dict)]
        for f in files:
            self._seen.user(f.uploader_id, f.uploader_name, replace=False)
        return files

    # -- plumbing -----------------------------------------------------------------------------------
    def _require(self) -> RecordingRocketChat:
        if self._api is None:
            raise NotAuthorized("no user token")
        return self._api

    def _call(
        self,
        route: str,
        call: Callable[[], Any],
        *,
        refusal: type[SourceError] | None = None,
        codes: tuple[str, ...] | None = None,
    ) -> dict[str, Any]:
        """Run one API call on `route`, paced, turning failures into neutral errors. A 403/404, or a 400
        whose `errorType` is in `codes` (any 400 when `codes` is None), becomes `refusal`."""
        api = self._require()
        try:
            data = self._pacer.call(api, route, call) if self._pacer is not None else call()
        except (RocketApiException, RocketBadStatusCodeException, requests.RequestException, ValueError) as error:
            translated = self._translate(error, route, refusal, codes)
            metrics.API_CALLS.labels("rocketchat", "rest", type(translated).__name__).inc()
            raise translated from None
        metrics.API_CALLS.labels("rocketchat", "rest", "ok").inc()
        if not isinstance(data, dict):
            raise PlatformUnavailable("Rocket.Chat answered with something other than a JSON object")
        return data

    def _translate(
        self, error: Exception, route: str, refusal: type[SourceError] | None, codes: tuple[str, ...] | None
    ) -> SourceError:
        if isinstance(error, RocketApiException):
            status, code = error.status_code, str(error.error_type or "")
        elif isinstance(error, RocketBadStatusCodeException):
            status, code = error.status_code, ""
        else:
            return PlatformUnavailable(f"Rocket.Chat request failed: {type(error).__name__}")
        if status == 401:
            return NotAuthorized("HTTP 401")
        if status == 429:
            return RateLimited("HTTP 429", seconds(self._rate_limit_wait(route)))
        refused = status in (403, 404) or (status == 400 and (codes is None or code in codes))
        if refusal is not None and refused:
            return refusal(f"HTTP {status} {code}".strip())
        return PlatformUnavailable(f"HTTP {status} {code}".strip())

    def _rate_limit_wait(self, route: str) -> float | None:
        """Seconds until the server takes calls again: the window it named (X-RateLimit-Reset)."""
        if self._pacer is not None and (wait := self._pacer.resets_in(route)) is not None:
            return wait
        last = self._api.last_response if self._api is not None else None
        return rate_limit_wait(last.headers) if last is not None else None  # (a 429 Response is falsy)


def to_file_info(f: dict[str, Any], server_url: str) -> FileInfo:
    """A Rocket.Chat file object (see the `groups.files` docs) as a neutral record."""
    user: dict[str, Any] = f["user"] if isinstance(f.get("user"), dict) else {}
    url = str(f.get("url") or f.get("path") or "")
    link = url if url.startswith(("http://", "https://")) else f"{server_url}{url}" if url.startswith("/") else ""
    extension = str(f.get("extension") or "")
    mimetype = str(f.get("type") or "")
    return FileInfo(
        id=str(f.get("_id") or ""),
        name=str(f.get("name") or "untitled"),
        title=str(f.get("description") or ""),
        size=as_int(f.get("size")),
        mimetype=mimetype,
        extension=extension,
        type_label=extension.upper() or mimetype or "file",
        uploader_id=str(user.get("_id") or ""),
        uploader_name=str(user.get("username") or "") or None,
        created=_time(f.get("uploadedAt") or f.get("_updatedAt")),
        link=link,
        conversations=(str(f["rid"]),) if f.get("rid") else (),
    )


def literal_pattern(text: str) -> str:
    """`text` as a regular expression that matches exactly it: the files endpoints put `name` into a MongoDB
    `$regex` unescaped, so `.*` would otherwise match every file and `(` fail the request."""
    return "".join(f"\\{c}" if c in _REGEX_SYNTAX else c for c in text)


_REGEX_SYNTAX = frozenset("\\^$.|?*+()[]{}")


def _params(**values: str | None) -> dict[str, str]:
    # rocketchat_API joins GET parameters without URL-encoding them: encode every value here, so text
    # such as `a&roomId=X` stays one literal value.
    return {k: quote(v, safe="") for k, v in values.items() if v is not None}


def _walk_cursor(cursor: str | None) -> tuple[int, int]:
    try:
        index, offset = (cursor or "0:0").split(":")
        return max(0, int(index)), max(0, int(offset))
    except ValueError:
        return 0, 0


def _time(value: object) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return datetime.fromtimestamp(0, UTC)
