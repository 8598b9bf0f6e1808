"""A fake Rocket.Chat server: a real HTTP server on 127.0.0.1 speaking the documented REST and OAuth shapes.

Users, public channels (`c`), private groups (`p`), DMs (`d`) with memberships, and files. Every REST call
is authenticated — an OAuth bearer token or a personal access token (`X-User-Id` + `X-Auth-Token`) — and
answered for that user, as the REST source does: `groups.files` refuses a group they're not in exactly as
one that doesn't exist (400), `channels.files` and `im.files` answer 403 for a room they may not access,
`rooms.info` answers `not-allowed`. The files endpoints take `roomId`/`roomName`, `offset`, `count` (capped
like `API_Upper_Count_Limit`), JSON `sort` (default by name), `typeGroup` and `name` (a case-insensitive
regular expression, as the server applies it), and reject `query`/`fields`. The REST rate limiter is
Rocket.Chat's default, on (`RestRateLimiter`). Faults per method: 429 with `X-RateLimit-*` headers, 5xx,
malformed bodies, latency, calls held until released. Where each fact comes from: FIDELITY.md.
"""

from __future__ import annotations

import json
import math
import operator
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from bot.sandbox.emulators.http_fake import Answer, HTTPFake, Request
from bot.services.ratelimit import ROCKETCHAT_CALLS, ROCKETCHAT_WINDOW_SECONDS

# Rocket.Chat before 8.0 (this emulator answers as 7.x): a REST call without valid credentials gets the
# unauthorized result plus the legacy `status`/`message` pair; a room the caller may not access gets 403 with
# `unauthorized` (`forbidden` from 8.0). See APIClass.unauthorized / .forbidden in ApiClass.ts.
UNAUTHORIZED = {
    "success": False,
    "error": "You must be logged in to do this.",
    "status": "error",
    "message": "You must be logged in to do this.",
}
FORBIDDEN = {"success": False, "error": "unauthorized"}
ENDPOINT_TYPES = {"channels.files": "c", "groups.files": "p", "im.files": "d", "dm.files": "d"}
ROOM_WORD = {"c": "channel", "p": "group", "d": "direct message"}
# The default roles holding `view-c-room` (authorization/server/constant/permissions.ts): anyone else (a
# guest) may only access the public channels they have joined.
VIEW_C_ROOM_ROLES = frozenset({"admin", "user", "bot", "app", "anonymous"})


@dataclass
class User:
    id: str
    username: str
    name: str
    roles: list[str] = field(default_factory=lambda: ["user"])


@dataclass
class Room:
    id: str
    name: str
    t: str  # c | p | d
    members: set[str] = field(default_factory=set)
    owners: set[str] = field(default_factory=set)
    archived: bool = False


@dataclass
class File:
    id: str
    name: str
    rid: str
    user: str
    size: int
    type: str
    uploaded: float
    description: str = ""


@dataclass
class Grant:
    user_id: str
    expires_at: float
    refresh_token: str
    revoked: bool = False


@dataclass
class _RouteWindow:
    last_reset: float
    counters: dict[str, int] = field(default_factory=dict)


class RestRateLimiter:
    """Rocket.Chat's REST rate limiter (apps/meteor/app/api/server/api.ts on Meteor's `rate-limit`): every
    route allows `calls` per `window` seconds per client address (`X-Real-IP`, else the socket's peer),
    counted in fixed windows that all addresses of a route share and that restart with the first call
    after one ends. Users with a role holding `api-bypass-rate-limit` (admin, bot and app by default) are
    not counted. Limited responses carry `X-RateLimit-Limit`, `-Remaining` and `-Reset` (epoch ms), refused
    ones are a 429 whose body is the Meteor error `error-too-many-requests` — there is no `Retry-After`."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.enabled = True  # API_Enable_Rate_Limiter
        self.calls = ROCKETCHAT_CALLS  # API_Enable_Rate_Limiter_Limit_Calls_Default
        self.window = ROCKETCHAT_WINDOW_SECONDS  # API_Enable_Rate_Limiter_Limit_Time_Default, in seconds
        self.bypass_roles = {"admin", "bot", "app"}  # the roles holding api-bypass-rate-limit
        self.clock = clock
        self.refused = 0
        self._routes: dict[str, _RouteWindow] = {}
        self._lock = threading.Lock()

    def check(self, route: str, address: str, roles: list[str]) -> Answer | None:
        """Count one call; None when it is not limited at all, else the headers to send (status 200) or
        the refusal (status 429)."""
        if not self.enabled or self.bypass_roles.intersection(roles):
            return None
        with self._lock:
            now = self.clock()
            window = self._routes.setdefault(route, _RouteWindow(now))
            if now - window.last_reset > self.window:
                window.last_reset, window.counters = now, {}
            count = window.counters[address] = window.counters.get(address, 0) + 1
            time_to_reset = window.last_reset + self.window - now
            allowed = count <= self.calls
            if not allowed:
                self.refused += 1
        headers = {
            "X-RateLimit-Limit": str(self.calls),
            "X-RateLimit-Remaining": str(self.calls - count if allowed else 0),
            "X-RateLimit-Reset": str(int((now + time_to_reset) * 1000)),
        }
        if allowed:
            return Answer(200, "", headers)
        wait = math.ceil(time_to_reset)
        error = (
            f"Error, too many requests. Please slow down. You must wait {wait} seconds before trying this "
            "endpoint again. [error-too-many-requests]"
        )
        return Answer.json({"success": False, "error": error}, 429, headers)


class FakeRocketChat(HTTPFake):
    client_id = "files-bot-oauth-client"
    client_secret = "fake-rc-client-secret"
    upper_count_limit = 100

    def __init__(self, max_recorded: int | None = None) -> None:
        super().__init__(max_recorded)
        self.users: dict[str, User] = {}
        self.rooms: dict[str, Room] = {}
        self.files: list[File] = []
        self.grants: dict[str, Grant] = {}
        self.codes: dict[str, tuple[str, str]] = {}
        self.personal_tokens: dict[tuple[str, str], str] = {}
        self.redirect_uris: set[str] = set()
        self.token_lifetime = 3600.0
        self.messages: list[dict[str, Any]] = []  # chat.postMessage / chat.sendMessage: {"rid", "text", "by", …}
        self.media: dict[str, dict[str, Any]] = {}  # file id → {"rid", "bytes", "confirmed"}
        self.rate_limiter = RestRateLimiter()

    def __enter__(self) -> FakeRocketChat:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- seeding and inspection ------------------------------------------------------------------------
    def add_user(self, user_id: str, username: str, *, roles: list[str] | None = None) -> User:
        user = User(user_id, username, username.title(), roles or ["user"])
        self.users[user_id] = user
        return user

    def personal_access_token(self, user_id: str) -> str:
        token = f"pat-{secrets.token_hex(8)}"
        self.personal_tokens[(user_id, token)] = user_id
        return token

    def revoke(self, user_id: str) -> None:
        for grant in self.grants.values():
            if grant.user_id == user_id:
                grant.revoked = True

    def expire_all(self) -> None:
        for grant in self.grants.values():
            grant.expires_at = 0

    def calls_of(self, method: str) -> list[Request]:
        return [r for r in list(self.requests) if r.path == f"/api/v1/{method}"]

    def bearer_user(self, request: Request) -> str | None:
        auth = request.headers.get("Authorization") or ""
        grant = self.grants.get(auth[7:]) if auth.startswith("Bearer ") else None
        return grant.user_id if grant else None

    # -- routing ---------------------------------------------------------------------------------------
    def method_of(self, request: Request) -> str | None:
        if request.path.startswith("/api/v1/"):
            return request.path[len("/api/v1/") :]
        if request.path in ("/oauth/token", "/oauth/authorize"):
            return request.path[1:]
        return None

    def handle(self, request: Request) -> Answer:
        """The rate limiter, then the route: api.ts checks it after authentication, before the endpoint's
        own code (so a refused call has no effect), and sets its headers on the endpoint's answer too."""
        method = self.method_of(request)
        user = self._authenticate(request) if request.path.startswith("/api/v1/") else None
        if method is None or user is None:
            return self._route(request)
        limited = self.rate_limiter.check(
            f"/api/v1/{method.split('/')[0]}{request.verb.lower()}",
            request.headers.get("X-Real-IP") or request.client,
            user.roles,
        )
        if limited is not None and limited.status == 429:
            return limited
        answer = self._route(request)
        if limited is not None:
            answer.headers.update(limited.headers)
        return answer

    def _route(self, request: Request) -> Answer:
        if request.path == "/oauth/authorize":
            return self._consent(request.params)
        if request.path == "/oauth/token" and request.verb == "POST":
            return self._token(request.params)
        if request.path == "/api/info":  # unauthenticated server info
            return Answer.json({"version": "7.0.0", "success": True})
        if not request.path.startswith("/api/v1/"):
            return Answer(404, "Not found", content_type="text/plain")
        method = request.path[len("/api/v1/") :]
        user = self._authenticate(request)
        if user is None:
            return Answer.json(UNAUTHORIZED, 401)
        handler = {
            "me": self._me,
            "rooms.info": self._rooms_info,
            "users.info": self._users_info,
            "subscriptions.get": self._subscriptions,
            "channels.roles": self._roles,
            "groups.roles": self._roles,
            "channels.members": self._members,
            "groups.members": self._members,
            "roles.getUsersInRole": self._users_in_role,
            "dm.create": self._dm_create,
            "chat.postMessage": self._post_message,
        }.get(method)
        if method.startswith("rooms.media/"):
            return self._media(user, method.split("/", 1)[1], request)
        if method == "chat.sendMessage":
            return self._send_message(user, request.json)
        if isinstance(request.json, dict):
            request.params.update({k: str(v) for k, v in request.json.items()})
        if method.startswith("rooms.mediaConfirm/"):
            rid, file_id = method.split("/")[1:3]
            return self._media_confirm(user, rid, file_id, request.params.get("msg", ""))
        if method in ENDPOINT_TYPES:
            return self._files_endpoint(method, user, request.params)
        if handler is None:
            return Answer.json({"success": False, "error": f"Method not found: {method}"}, 404)
        return handler(user, request.params, method)

    # -- OAuth -----------------------------------------------------------------------------------------
    def _consent(self, params: dict[str, str]) -> Answer:
        """Stands in for the consent page: the user named by `as_user` (a user id) approves."""
        if params.get("client_id") != self.client_id or params.get("response_type") != "code":
            return Answer(400, "invalid_client", content_type="text/plain")
        user_id = params.get("as_user", "")
        if user_id not in self.users:
            return Answer(400, "login required", content_type="text/plain")
        code = f"rc-code-{secrets.token_hex(6)}"
        self.codes[code] = (user_id, params.get("redirect_uri", ""))
        query = urlencode({"code": code, "state": params.get("state", "")})
        return Answer(302, "", {"Location": f"{params.get('redirect_uri', '')}?{query}"})

    def _token(self, form: dict[str, str]) -> Answer:
        if (form.get("client_id"), form.get("client_secret")) != (self.client_id, self.client_secret):
            return Answer.json({"error": "invalid_client", "error_description": "Invalid client"}, 401)
        if form.get("grant_type") == "authorization_code":
            found = self.codes.pop(form.get("code", ""), None)
            if found is None or found[1] != form.get("redirect_uri"):
                return Answer.json({"error": "invalid_grant", "error_description": "Invalid code"}, 400)
            return Answer.json(self._grant(found[0]))
        if form.get("grant_type") == "refresh_token":
            old = next((t for t, g in self.grants.items() if g.refresh_token == form.get("refresh_token")), None)
            if old is None or self.grants[old].revoked:
                return Answer.json({"error": "invalid_grant", "error_description": "Invalid refresh token"}, 400)
            user_id = self.grants.pop(old).user_id
            return Answer.json(self._grant(user_id))
        return Answer.json({"error": "unsupported_grant_type"}, 400)

    def _grant(self, user_id: str) -> dict[str, Any]:
        access, refresh = f"rc-at-{secrets.token_hex(8)}", f"rc-rt-{secrets.token_hex(8)}"
        self.grants[access] = Grant(user_id, time.time() + self.token_lifetime, refresh)
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": int(self.token_lifetime),
            "refresh_token": refresh,
        }

    def _authenticate(self, request: Request) -> User | None:
        auth = request.headers.get("Authorization") or ""
        if auth.startswith("Bearer "):
            grant = self.grants.get(auth[7:])
            if grant is None or grant.revoked or grant.expires_at < time.time():
                return None
            return self.users.get(grant.user_id)
        uid, token = request.headers.get("X-User-Id"), request.headers.get("X-Auth-Token")
        if uid and token and self.personal_tokens.get((uid, token)) == uid:
            return self.users.get(uid)
        return None

    # -- REST ------------------------------------------------------------------------------------------
    def _me(self, user: User, _params: dict[str, str], _method: str) -> Answer:
        return Answer.json(
            {
                "_id": user.id,
                "username": user.username,
                "name": user.name,
                "roles": user.roles,
                "status": "online",
                "active": True,
                "success": True,
            }
        )

    def _accessible(self, user: User, room: Room) -> bool:
        return user.id in room.members or (room.t == "c" and not VIEW_C_ROOM_ROLES.isdisjoint(user.roles))

    def _find_room(self, params: dict[str, str]) -> Room | None:
        if params.get("roomId"):
            return self.rooms.get(params["roomId"])
        return next((r for r in self.rooms.values() if r.name == params.get("roomName")), None)

    def _rooms_info(self, user: User, params: dict[str, str], _method: str) -> Answer:
        room = self._find_room(params)
        if room is None:
            return self._room_not_found("c")
        if not self._accessible(user, room):
            # rooms.ts: API.v1.failure('not-allowed', 'Not Allowed'), i.e. the error and its type both as given.
            return Answer.json({"success": False, "error": "not-allowed", "errorType": "Not Allowed"}, 400)
        return Answer.json(
            {"room": {"_id": room.id, "name": room.name, "fname": room.name, "t": room.t}, "success": True}
        )

    def _users_info(self, _user: User, params: dict[str, str], _method: str) -> Answer:
        found = next(
            (u for u in self.users.values() if u.username == params.get("username") or u.id == params.get("userId")),
            None,
        )
        if found is None:
            return Answer.json({"success": False, "error": "User not found."}, 400)
        return Answer.json({"user": {"_id": found.id, "username": found.username, "name": found.name}, "success": True})

    def _subscriptions(self, user: User, _params: dict[str, str], _method: str) -> Answer:
        subs = [
            {
                "_id": f"sub-{r.id}-{user.id}",
                "rid": r.id,
                "name": r.name,
                "fname": r.name,
                "t": r.t,
                "u": {"_id": user.id, "username": user.username},
                # An archived room keeps its subscriptions, marked (Subscriptions.archiveByRoomId).
                "archived": r.archived,
                "open": not r.archived,
            }
            for r in self.rooms.values()
            if user.id in r.members
        ]
        return Answer.json({"update": subs, "remove": [], "success": True})

    def _roles(self, user: User, params: dict[str, str], method: str) -> Answer:
        room = self._find_room(params)
        wanted = "c" if method.startswith("channels") else "p"
        if room is None or room.t != wanted or not self._may_list(user, room):
            return self._room_not_found(wanted)
        roles = [
            {"rid": room.id, "u": {"_id": uid, "username": self.users[uid].username}, "roles": ["owner"]}
            for uid in sorted(room.owners)
        ]
        return Answer.json({"roles": roles, "success": True})

    def _members(self, user: User, params: dict[str, str], method: str) -> Answer:
        room = self._find_room(params)
        wanted = "c" if method.startswith("channels") else "p"
        if room is None or room.t != wanted or not self._may_list(user, room):
            return self._room_not_found(wanted)
        members = [{"_id": uid, "username": self.users[uid].username} for uid in sorted(room.members)]
        offset, count = int(params.get("offset", 0)), int(params.get("count", 50))
        return Answer.json(
            {
                "members": members[offset : offset + count],
                "count": len(members[offset : offset + count]),
                "offset": offset,
                "total": len(members),
                "success": True,
            }
        )

    def _may_list(self, user: User, room: Room) -> bool:
        # channels.roles/.members find the channel without checking access (findChannelByIdOrName);
        # groups.* refuse a group the caller can't access as if it did not exist (findPrivateGroupByIdOrName).
        return room.t == "c" or self._accessible(user, room)

    def _users_in_role(self, user: User, params: dict[str, str], _method: str) -> Answer:
        if "admin" not in user.roles:  # `access-permissions`, held by admins only by default
            # permissionsRequired refused before 8.0: Meteor.Error('error-unauthorized', …) answered as 403.
            error = "User does not have the permissions required for this action [error-unauthorized]"
            return Answer.json({"success": False, "error": error}, 403)
        users = [
            {"_id": u.id, "username": u.username, "name": u.name}
            for u in self.users.values()
            if params.get("role") in u.roles
        ]
        return Answer.json({"users": users, "total": len(users), "success": True})

    def _dm_create(self, user: User, params: dict[str, str], _method: str) -> Answer:
        other = next((u for u in self.users.values() if u.username == params.get("username")), None)
        if other is None:
            return Answer.json(
                {
                    "success": False,
                    "error": "Invalid user [error-invalid-user]",
                    "errorType": "error-invalid-user",
                    "details": {"method": "createDirectMessage"},
                },
                400,
            )
        rid = "".join(sorted([user.id, other.id]))
        self.rooms.setdefault(rid, Room(rid, "", "d", {user.id, other.id}))
        return Answer.json(
            {"room": {"_id": rid, "rid": rid, "t": "d", "usernames": [user.username, other.username]}, "success": True}
        )

    def _post_message(self, user: User, params: dict[str, str], _method: str) -> Answer:
        room = self.rooms.get(params.get("roomId", ""))
        if room is None or user.id not in room.members:
            return Answer.json({"success": False, "error": "[invalid-channel]", "errorType": "invalid-channel"}, 400)
        text = params.get("text", "")
        with self._lock:
            seq = next(self._sequence)
            self.messages.append(
                {"rid": room.id, "text": text, "by": user.id, "to": sorted(room.members - {user.id}), "seq": seq}
            )
        now = time.time()
        message = {
            "_id": f"rcMsg{seq:08d}",
            "rid": room.id,
            "msg": text,
            "ts": _iso(now),
            "u": {"_id": user.id, "username": user.username},
            "_updatedAt": _iso(now),
        }
        return Answer.json({"ts": int(now * 1000), "channel": room.id, "message": message, "success": True})

    def _send_message(self, user: User, body: object) -> Answer:
        """`chat.sendMessage`: one message object, `blocks` included (its schema takes them from anyone)."""
        message = body.get("message") if isinstance(body, dict) else None
        blocks = message.get("blocks", []) if isinstance(message, dict) else None
        valid_blocks = isinstance(blocks, list) and all(isinstance(b, dict) and "type" in b for b in blocks)
        if not isinstance(message, dict) or not isinstance(message.get("rid"), str) or not valid_blocks:
            error = "must match the message schema [invalid-params]"
            return Answer.json({"success": False, "error": error, "errorType": "invalid-params"}, 400)
        room = self.rooms.get(message["rid"])
        if room is None or user.id not in room.members:
            return self._room_not_found("c")
        text = str(message.get("msg") or "")
        with self._lock:
            self.messages.append(
                {
                    "rid": room.id,
                    "text": text,
                    "blocks": blocks,
                    "by": user.id,
                    "to": sorted(room.members - {user.id}),
                    "seq": next(self._sequence),
                }
            )
        return Answer.json({"message": {"rid": room.id, "msg": text, "blocks": blocks}, "success": True})

    def _media(self, user: User, rid: str, request: Request) -> Answer:
        room = self.rooms.get(rid)
        if room is None or not self._accessible(user, room):
            return Answer.json(FORBIDDEN, 403)
        if b'name="file"; filename=' not in request.raw_body:  # MultipartUploadHandler reads the `file` field
            error = {"error": "No file was uploaded [error-no-file-uploaded]", "errorType": "error-no-file-uploaded"}
            return Answer.json({"success": False, **error}, 400)
        file_id = f"rcMedia{len(self.media):05d}"
        self.media[file_id] = {"rid": rid, "bytes": request.raw_body, "confirmed": False, "by": user.id}
        return Answer.json({"file": {"_id": file_id, "url": f"/file-upload/{file_id}/chart.png"}, "success": True})

    def _media_confirm(self, user: User, rid: str, file_id: str, msg: str) -> Answer:
        room = self.rooms.get(rid)
        if room is None or not self._accessible(user, room):
            return Answer.json(FORBIDDEN, 403)
        media = self.media.get(file_id)
        if media is None or media["rid"] != rid or media["by"] != user.id:
            return Answer.json({"success": False, "error": "[invalid-file]", "errorType": "invalid-file"}, 400)
        media.update(confirmed=True, seq=next(self._sequence), msg=msg)
        message = {"_id": f"rcMsg{media['seq']:08d}", "rid": rid, "msg": msg, "file": {"_id": file_id}}
        return Answer.json({"message": message, "success": True})

    def _room_not_found(self, t: str) -> Answer:
        # im.ts's findDirectMessageRoom takes only a room id (or a username), and says so.
        params = '"roomId"' if t == "d" else '"roomId" or "roomName"'
        return Answer.json(
            {
                "success": False,
                "error": f"The required {params} param provided does not match any {ROOM_WORD[t]} "
                "[error-room-not-found]",
                "errorType": "error-room-not-found",
            },
            400,
        )

    def _files_endpoint(self, method: str, user: User, params: dict[str, str]) -> Answer:
        if "query" in params or "fields" in params:
            return Answer.json(
                {
                    "success": False,
                    "error": 'The usage of the "query" and "fields" parameters is not allowed [error-invalid-query]',
                    "errorType": "error-invalid-query",
                },
                400,
            )
        if not params.get("roomId") and not params.get("roomName"):
            return Answer.json(
                {
                    "success": False,
                    "error": "must have required property 'roomId'\n must have required property 'roomName'\n must "
                    "match exactly one schema in oneOf [invalid-params]",
                    "errorType": "invalid-params",
                },
                400,
            )
        room = self._files_room(method, user, params)
        if isinstance(room, Answer):
            return room
        try:
            offset = int(params.get("offset", 0))
            count = int(params.get("count", 50))
            sort = json.loads(params.get("sort", '{"name": 1}'))  # the endpoints' default order
            if not isinstance(sort, dict) or not all(
                k in ("uploadedAt", "size", "name") and v in (1, -1) for k, v in sort.items()
            ):
                raise ValueError
        except ValueError:
            return Answer.json(
                {
                    "success": False,
                    "error": "Invalid sort parameter provided [error-invalid-sort]",
                    "errorType": "error-invalid-sort",
                },
                400,
            )
        count = min(max(count, 0), self.upper_count_limit)
        group = params.get("typeGroup")
        try:
            # `name` is a MongoDB $regex with $options 'i', not escaped by the server (Python's re stands in).
            pattern = re.compile(params.get("name") or "", re.IGNORECASE)
        except re.error as error:
            return Answer.json({"success": False, "error": f"Regular expression is invalid: {error}"}, 400)
        chosen = [
            f
            for f in self.files
            if f.rid == room.id and (not group or f.type.split("/", 1)[0] == group) and pattern.search(f.name)
        ]
        for key, direction in reversed(list(sort.items())):
            attr = "uploaded" if key == "uploadedAt" else key
            chosen.sort(key=operator.attrgetter(attr), reverse=direction == -1)
        page = chosen[offset : offset + count]
        return Answer.json(
            {
                "files": [self._render(f) for f in page],
                "count": len(page),
                "offset": offset,
                "total": len(chosen),
                "success": True,
            }
        )

    def _files_room(self, method: str, user: User, params: dict[str, str]) -> Room | Answer:
        """The room a files endpoint lists, or its refusal. channels.files and im.files find the room, then
        answer 403 if the caller may not access it; groups.files answers a group the caller is not in exactly
        like one that does not exist (findPrivateGroupByIdOrName)."""
        wanted = ENDPOINT_TYPES[method]
        room = self._find_room(params)
        if room is None or room.t != wanted or (wanted == "p" and not self._accessible(user, room)):
            return self._room_not_found(wanted)
        if not self._accessible(user, room):
            return Answer.json(FORBIDDEN, 403)
        return room

    def _render(self, f: File) -> dict[str, Any]:
        uploader = self.users[f.user]
        stamp = _iso(f.uploaded)
        extension = f.name.rsplit(".", 1)[-1] if "." in f.name else ""
        return {
            "_id": f.id,
            "name": f.name,
            "size": f.size,
            "type": f.type,
            "rid": f.rid,
            "description": f.description,
            "store": "GridFS:Uploads",
            "complete": True,
            "uploading": False,
            "extension": extension,
            "progress": 1,
            "user": {"_id": uploader.id, "username": uploader.username, "name": uploader.name},
            "_updatedAt": stamp,
            "instanceId": "uZG54xuoKauKHykbQ",
            "etag": secrets.token_hex(8),
            "path": f"/ufs/GridFS:Uploads/{f.id}/{f.name}",
            "token": secrets.token_hex(5),
            "uploadedAt": stamp,
            "url": f"/ufs/GridFS:Uploads/{f.id}/{f.name}",
        }


def _iso(seconds: float) -> str:
    """A date as Rocket.Chat's REST API writes one: ISO 8601, in milliseconds, UTC, with `Z`."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
