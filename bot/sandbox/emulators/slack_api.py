"""A fake Slack Web API: a real HTTP server on 127.0.0.1 speaking the documented shapes.

It holds one or more workspaces (users, public/private channels, DMs with memberships, files) and answers
as Slack does *for the token's owner*: a user token sees files in public channels and in conversations the
user belongs to; the `channels`/`groups`/`ims` of each file list only conversations the caller can see.

Methods: `oauth.v2.access`, `auth.test`, `files.list` (channel, user, types, ts_from, ts_to, page/count
paging with `paging`, cursor/limit paging with `response_metadata.next_cursor`), a stand-in consent page at
`/oauth/v2/authorize`, and a `response_url` sink. Messages may carry Block Kit: `chat.postMessage` refuses
more than 50 blocks and image blocks naming a file (`slack_file`) the poster can't show yet — one it did
not upload, or an upload still being processed (`files.info` shows no `mimetype` until it is). Faults can
be injected per method: 429 with or without `Retry-After`, 5xx, malformed bodies, latency.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlparse

from bot.sandbox.emulators.http_fake import Answer, HTTPFake, Request

DEFAULT_USER_SCOPES = ("files:read",)
DEFAULT_BOT_SCOPES = ("commands",)


@dataclass
class User:
    id: str
    name: str
    is_admin: bool = False


@dataclass
class Conversation:
    id: str
    name: str
    kind: str  # "public" | "private" | "im"
    members: set[str] = field(default_factory=set)
    creator: str = ""
    archived: bool = False


@dataclass
class File:
    id: str
    name: str
    user: str
    created: int
    size: int
    mimetype: str
    filetype: str
    pretty_type: str
    conversations: list[str]
    mode: str = "hosted"
    title: str = ""


@dataclass
class Token:
    team_id: str
    user_id: str
    kind: str  # "bot" | "user"
    scopes: tuple[str, ...]
    revoked: bool = False


@dataclass
class Workspace:
    team_id: str
    name: str
    users: dict[str, User] = field(default_factory=dict)
    conversations: dict[str, Conversation] = field(default_factory=dict)
    files: list[File] = field(default_factory=list)

    def visible_to(self, user_id: str, conversation_id: str) -> bool:
        conv = self.conversations.get(conversation_id)
        if conv is None:
            return False
        return conv.kind == "public" or user_id in conv.members


class FakeSlack(HTTPFake):
    """Start with `with FakeSlack() as slack:`; `slack.api_url` is the `SLACK_API_URL` to use."""

    client_id = "1111.2222"
    client_secret = "fake-client-secret"

    def __init__(self, max_recorded: int | None = None) -> None:
        super().__init__(max_recorded)
        self.workspaces: dict[str, Workspace] = {}
        self.tokens: dict[str, Token] = {}
        self.codes: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {}
        self.responses: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.response_times: dict[str, list[float]] = defaultdict(list)  # when each post arrived (epoch s)
        self.force_cursor_paging = False
        self.max_count = 1000
        self.messages: list[dict[str, Any]] = []  # chat.postMessage calls that succeeded
        self.uploads: dict[str, dict[str, Any]] = {}  # file id → {bytes, channel_id, title}
        # How many `files.info` calls see a new upload still processing (Slack processes uploads
        # asynchronously; here each look advances it, so tests are deterministic).
        self.processing_polls = 0

    def __enter__(self) -> FakeSlack:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    @property
    def calls(self) -> list[tuple[str, dict[str, str], str | None]]:
        """(method, params, bearer token) of every Web API call, in order."""
        return [(r.path[5:], r.params, _bearer(r)) for r in list(self.requests) if r.path.startswith("/api/")]

    def calls_of(self, method: str) -> list[dict[str, str]]:
        return [params for m, params, _ in self.calls if m == method]

    def response_url(self) -> str:
        return f"{self.base_url}/response/{secrets.token_hex(8)}"

    def responses_for(self, url: str) -> list[dict[str, Any]]:
        return self.responses[urlparse(url).path.rsplit("/", 1)[-1]]

    def forget_responses(self, url: str) -> None:
        """Drop what was posted to `url` (a long-running demo reads each reply once)."""
        with self._lock:
            self.responses.pop(urlparse(url).path.rsplit("/", 1)[-1], None)
            self.response_times.pop(urlparse(url).path.rsplit("/", 1)[-1], None)

    # -- seeding ---------------------------------------------------------------------------------
    def add_workspace(self, team_id: str, name: str) -> Workspace:
        ws = Workspace(team_id=team_id, name=name)
        self.workspaces[team_id] = ws
        return ws

    def issue_code(
        self,
        team_id: str,
        user_id: str,
        bot_scopes: tuple[str, ...] = DEFAULT_BOT_SCOPES,
        user_scopes: tuple[str, ...] = DEFAULT_USER_SCOPES,
    ) -> str:
        """What Slack's authorize page hands the browser after the user approves the requested scopes."""
        code = f"code-{secrets.token_hex(6)}"
        self.codes[code] = (team_id, user_id, bot_scopes, user_scopes)
        return code

    def bot_user_id(self, team_id: str) -> str:
        return f"U{team_id}BOT"

    def bot_id(self, team_id: str) -> str:
        # A bot has its own id, B…, apart from its bot user's U… (the spec's defs_bot_id).
        return f"B{team_id}BOT"

    def issue_token(self, team_id: str, user_id: str, kind: str, scopes: tuple[str, ...]) -> str:
        prefix = "xoxb" if kind == "bot" else "xoxp"
        token = f"{prefix}-{team_id}-{user_id}-{secrets.token_hex(6)}"
        self.tokens[token] = Token(team_id, user_id, kind, scopes)
        return token

    def revoke_user_tokens(self, team_id: str, user_id: str) -> None:
        for token in self.tokens.values():
            if token.team_id == team_id and token.user_id == user_id and token.kind == "user":
                token.revoked = True

    # -- the API ---------------------------------------------------------------------------------
    def method_of(self, request: Request) -> str | None:
        return request.path[5:] if request.path.startswith("/api/") else None

    def handle(self, request: Request) -> Answer:
        path = request.path
        if path.startswith("/response/"):
            key = path.rsplit("/", 1)[-1]
            if request.verb == "GET":  # for out-of-process drivers (benchmarks): what was posted
                return Answer.json(self.responses.get(key, []))
            with self._lock:
                self.responses[key].append(request.json if request.json is not None else request.params)
                self.response_times[key].append(time.time())
            return Answer(200, "ok", content_type="text/plain")
        if path.startswith("/_fake/response_times/"):  # for benchmarks: when each post to a response_url arrived
            return Answer.json(self.response_times.get(path.rsplit("/", 1)[-1], []))
        if path == "/_fake/latency":  # test control, for out-of-process drivers
            self.latency = float(request.params.get("seconds", "0"))
            return Answer(200, "ok", content_type="text/plain")
        if path == "/_fake/faults":  # soak control: random 429s and 5xx on one method
            self.random_faults[request.params["method"]] = (
                float(request.params.get("p429", 0)),
                float(request.params.get("p5xx", 0)),
            )
            return Answer(200, "ok", content_type="text/plain")
        if path.startswith("/upload/") and request.verb == "POST":
            upload = self.uploads.get(path.rsplit("/", 1)[-1])
            if upload is None:
                return Answer(404, "no such upload", content_type="text/plain")
            upload["bytes"] = request.raw_body
            return Answer(200, "OK - 1", content_type="text/plain")
        if path == "/oauth/v2/authorize":
            return self._consent(request.params)
        if not path.startswith("/api/"):
            return Answer.json({"ok": False, "error": "not_found"}, 404)
        handler = {
            "oauth.v2.access": self._oauth_v2_access,
            "api.test": lambda *_: {"ok": True},
            "users.conversations": self._users_conversations,
            "conversations.members": self._conversations_members,
            "conversations.open": self._conversations_open,
            "users.list": self._users_list,
            "users.info": self._users_info,
            "chat.postMessage": self._chat_post_message,
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "files.info": self._files_info,
            "auth.test": self._auth_test,
            "files.list": self._files_list,
        }.get(path[5:])
        if handler is None:
            return Answer.json({"ok": False, "error": "unknown_method"})
        params = dict(request.params)
        if isinstance(request.json, dict):  # slack_sdk sends some methods (chat.postMessage) as JSON
            params.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in request.json.items()})
        token = _bearer(request) or params.get("token")
        headers = {}
        if token in self.tokens:  # Slack reports a token's scopes on every response
            headers["x-oauth-scopes"] = ",".join(self.tokens[token].scopes)
        return Answer.json(handler(params, token, _basic(request)), headers=headers)

    def _consent(self, params: dict[str, str]) -> Answer:
        """Stands in for Slack's consent page: approves as the user named by `as_user` (team:user)."""
        team_id, _, user_id = params.get("as_user", "").partition(":")
        if team_id not in self.workspaces:
            return Answer(400, "unknown user", content_type="text/plain")
        scopes = tuple(s for s in params.get("scope", "").split(",") if s)
        user_scopes = tuple(s for s in params.get("user_scope", "").split(",") if s)
        code = self.issue_code(team_id, user_id, scopes, user_scopes)  # grants what the app asked for
        query = urlencode({"code": code, "state": params.get("state", "")})
        return Answer(302, "", {"Location": f"{params.get('redirect_uri', '')}?{query}"})

    def _authenticate(self, token: str | None) -> Token | dict[str, Any]:
        if not token:
            return {"ok": False, "error": "not_authed"}
        found = self.tokens.get(token)
        if found is None:
            return {"ok": False, "error": "invalid_auth"}
        if found.revoked:
            return {"ok": False, "error": "token_revoked"}
        return found

    def _oauth_v2_access(
        self, params: dict[str, str], _token: str | None, basic: tuple[str, str] | None
    ) -> dict[str, Any]:
        client = basic or (params.get("client_id", ""), params.get("client_secret", ""))
        if client != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        found = self.codes.pop(params.get("code", ""), None)
        if found is None:
            return {"ok": False, "error": "invalid_code"}
        team_id, user_id, bot_scopes, user_scopes = found
        ws = self.workspaces[team_id]
        bot_token = self.issue_token(team_id, self.bot_user_id(team_id), "bot", bot_scopes)
        user_token = self.issue_token(team_id, user_id, "user", user_scopes)
        return {
            "ok": True,
            "app_id": "A0FILESBOT",
            "authed_user": {
                "id": user_id,
                "scope": ",".join(user_scopes),
                "access_token": user_token,
                "token_type": "user",
            },
            "scope": ",".join(bot_scopes),
            "token_type": "bot",
            "access_token": bot_token,
            "bot_user_id": self.bot_user_id(team_id),
            "team": {"id": team_id, "name": ws.name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _auth_test(self, _params: dict[str, str], token: str | None, _basic: object) -> dict[str, Any]:
        found = self._authenticate(token)
        if isinstance(found, dict):
            return found
        ws = self.workspaces[found.team_id]
        result = {
            "ok": True,
            "url": f"https://{ws.name}.slack.com/",
            "team": ws.name,
            "team_id": ws.team_id,
            "user_id": found.user_id,
            "user": "files-bot",
            "is_enterprise_install": False,
        }
        if found.kind == "bot":
            result["bot_id"] = self.bot_id(found.team_id)
        return result

    def _files_list(self, params: dict[str, str], token: str | None, _basic: object) -> dict[str, Any]:
        found = self._authenticate(token)
        if isinstance(found, dict):
            return found
        if "files:read" not in found.scopes:
            return {"ok": False, "error": "missing_scope", "needed": "files:read", "provided": ",".join(found.scopes)}
        ws = self.workspaces[found.team_id]
        try:
            count = int(params.get("count", 100))
            page = int(params.get("page", 1))
            limit = int(params["limit"]) if "limit" in params else None
            ts_from = float(params.get("ts_from", 0))
            ts_to = float(params["ts_to"]) if "ts_to" in params else None
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if count < 1 or page < 1 or (limit is not None and not 0 < limit < 1000):
            return {"ok": False, "error": "invalid_arguments"}
        types = [t for t in params.get("types", "all").split(",") if t]
        if any(t not in _TYPES for t in types):
            return {"ok": False, "error": "unknown_type"}
        user = params.get("user")
        if user is not None and user not in ws.users:
            return {"ok": False, "error": "user_not_found"}
        channel = params.get("channel")
        if channel is not None and not ws.visible_to(found.user_id, channel):
            # A private channel the caller isn't in answers exactly like one that doesn't exist. Known
            # difference (FIDELITY.md): files.list documents no error for a channel; this one is the strictest
            # reading, and the bot gives the same "can't find it" answer either way.
            return {"ok": False, "error": "channel_not_found"}

        def matches(f: File) -> bool:
            visible = [c for c in f.conversations if ws.visible_to(found.user_id, c)]
            return (
                bool(visible)
                and (channel is None or channel in visible)
                and (user is None or f.user == user)
                and f.created >= ts_from
                and (ts_to is None or f.created <= ts_to)
                and ("all" in types or not types or any(_TYPES[t](f) for t in types))
            )

        selected = sorted((f for f in ws.files if matches(f)), key=lambda f: (-f.created, f.id))

        def rendered(fs: list[File]) -> list[dict[str, Any]]:
            return [self._render(ws, f, found.user_id) for f in fs]

        # Known difference (FIDELITY.md): files.list documents only page/count paging. Cursor paging is kept,
        # on request, so the bot's handling of Slack's cursor style stays tested.
        if limit is not None or "cursor" in params or self.force_cursor_paging:
            size = min(limit or count, self.max_count)
            try:
                offset = int(base64.b64decode(params["cursor"]).decode().split(":")[1]) if params.get("cursor") else 0
            except (ValueError, IndexError):
                return {"ok": False, "error": "invalid_cursor"}
            chunk = selected[offset : offset + size]
            more = offset + size < len(selected)
            next_cursor = base64.b64encode(f"file:{offset + size}".encode()).decode() if more else ""
            return {"ok": True, "files": rendered(chunk), "response_metadata": {"next_cursor": next_cursor}}
        size = min(count, self.max_count)
        pages = max(1, -(-len(selected) // size))
        chunk = selected[(page - 1) * size : page * size]
        return {
            "ok": True,
            "files": rendered(chunk),
            "paging": {"count": size, "total": len(selected), "page": page, "pages": pages},
        }

    def _users_conversations(self, params: dict[str, str], token: str | None, _basic: object) -> dict[str, Any]:
        """Conversations the token's owner is a member of (a bot token: the bot user's)."""
        found = self._authenticate(token)
        if isinstance(found, dict):
            return found
        types = params.get("types", "public_channel").split(",")
        needed = {"public_channel": "channels:read", "private_channel": "groups:read"}
        missing = [needed[t] for t in types if t in needed and needed[t] not in found.scopes]
        if missing:
            return {
                "ok": False,
                "error": "missing_scope",
                "needed": ",".join(missing),
                "provided": ",".join(found.scopes),
            }
        kinds = {"public_channel": "public", "private_channel": "private", "im": "im"}
        wanted = {kinds[t] for t in types if t in kinds}
        ws = self.workspaces[found.team_id]
        hide_archived = params.get("exclude_archived") in ("true", "1")
        mine = [
            c
            for c in ws.conversations.values()
            if c.kind in wanted and found.user_id in c.members and not (hide_archived and c.archived)
        ]
        limit = max(1, min(int(params.get("limit", 100)), 1000))
        offset = int(params["cursor"]) if params.get("cursor", "").isdigit() else 0
        chunk = mine[offset : offset + limit]
        more = offset + limit < len(mine)
        channels = [self._conversation_object(c, found.user_id) for c in chunk]
        return {
            "ok": True,
            "channels": channels,
            "response_metadata": {"next_cursor": str(offset + limit) if more else ""},
        }

    @staticmethod
    def _conversation_object(c: Conversation, viewer: str) -> dict[str, Any]:
        """A conversation object as the spec defines it (objs_conversation: channel, or IM)."""
        if c.kind == "im":
            other = next((m for m in sorted(c.members) if m != viewer), viewer)
            return {
                "id": c.id,
                "created": _CREATED,
                "is_im": True,
                "is_org_shared": False,
                "user": other,
                "priority": 0,
            }
        blank = {"value": "", "creator": "", "last_set": 0}
        return {
            "id": c.id,
            "name": c.name,
            "name_normalized": c.name,
            "created": _CREATED,
            "creator": c.creator,
            "is_channel": c.kind == "public",
            "is_group": c.kind == "private",
            "is_im": False,
            "is_mpim": False,
            "is_private": c.kind == "private",
            "is_general": c.name == "general",
            "is_archived": c.archived,
            "is_shared": False,
            "is_org_shared": False,
            "is_member": viewer in c.members,
            "topic": blank,
            "purpose": blank,
        }

    def _bot_call(self, token: str | None, scope: str) -> Token | dict[str, Any]:
        found = self._authenticate(token)
        if isinstance(found, dict):
            return found
        if scope not in found.scopes:
            return {"ok": False, "error": "missing_scope", "needed": scope, "provided": ",".join(found.scopes)}
        return found

    def _conversations_members(self, params: dict[str, str], token: str | None, _b: object) -> dict[str, Any]:
        found = self._bot_call(token, "channels:read")
        if isinstance(found, dict):
            return found
        conv = self.workspaces[found.team_id].conversations.get(params.get("channel", ""))
        if conv is None or (conv.kind != "public" and found.user_id not in conv.members):
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "members": sorted(conv.members), "response_metadata": {"next_cursor": ""}}

    def _users_list(self, _params: dict[str, str], token: str | None, _b: object) -> dict[str, Any]:
        found = self._bot_call(token, "users:read")
        if isinstance(found, dict):
            return found
        ws = self.workspaces[found.team_id]
        members = [_user_object(ws.team_id, u.id, u.name, is_admin=u.is_admin) for u in ws.users.values()]
        members.append(
            _user_object(ws.team_id, self.bot_user_id(ws.team_id), "files-bot", bot_id=self.bot_id(ws.team_id))
        )
        # users.list answers with the time its cached member list was built (required by the spec).
        return {"ok": True, "members": members, "cache_ts": _CREATED, "response_metadata": {"next_cursor": ""}}

    def _users_info(self, params: dict[str, str], token: str | None, _b: object) -> dict[str, Any]:
        found = self._bot_call(token, "users:read")
        if isinstance(found, dict):
            return found
        ws = self.workspaces[found.team_id]
        user = ws.users.get(params.get("user", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": _user_object(ws.team_id, user.id, user.name, is_admin=user.is_admin)}

    def _conversations_open(self, params: dict[str, str], token: str | None, _b: object) -> dict[str, Any]:
        found = self._bot_call(token, "im:write")
        if isinstance(found, dict):
            return found
        ws = self.workspaces[found.team_id]
        user = params.get("users", "")
        if user not in ws.users:
            return {"ok": False, "error": "user_not_found"}
        dm = f"D{user}"
        ws.conversations.setdefault(dm, Conversation(dm, "", "im", {user, found.user_id}))
        return {"ok": True, "channel": {"id": dm}}

    def _chat_post_message(self, params: dict[str, str], token: str | None, _b: object) -> dict[str, Any]:
        found = self._bot_call(token, "chat:write")
        if isinstance(found, dict):
            return found
        conv = self.workspaces[found.team_id].conversations.get(str(params.get("channel", "")))
        if conv is None or found.user_id not in conv.members:
            return {"ok": False, "error": "channel_not_found"}
        text = params.get("text", "")
        try:
            blocks = json.loads(params["blocks"]) if params.get("blocks") else []
        except ValueError:
            return {"ok": False, "error": "invalid_blocks_format"}
        if errors := self._block_errors(blocks, found.user_id):
            return {"ok": False, "error": "invalid_blocks", "errors": errors}
        with self._lock:
            seq = next(self._sequence)
            self.messages.append(
                {
                    "channel": conv.id,
                    "text": text,
                    "blocks": blocks,
                    "to": sorted(conv.members - {found.user_id}),
                    "seq": seq,
                }
            )
        # A message ts is "0123456789.012345" (defs_ts): seconds, then a sequence that keeps it unique.
        ts = f"{int(time.time()):010d}.{seq:06d}"
        message = {
            "type": "message",
            "text": text,
            "user": found.user_id,
            "bot_id": self.bot_id(found.team_id),
            "ts": ts,
            **({"blocks": blocks} if blocks else {}),
        }
        return {"ok": True, "channel": conv.id, "ts": ts, "message": message}

    def _block_errors(self, blocks: object, poster: str) -> list[str]:
        """What Slack's block validation would say about `blocks` (the checks this emulator makes)."""
        if not isinstance(blocks, list) or not all(isinstance(b, dict) and "type" in b for b in blocks):
            return ["must be an array of blocks [json-pointer:/blocks]"]
        if len(blocks) > 50:
            return ["must provide no more than 50 items [json-pointer:/blocks]"]
        errors = []
        for n, block in enumerate(blocks):
            file_id = (block.get("slack_file") or {}).get("id") if block["type"] == "image" else None
            upload = self.uploads.get(str(file_id)) if file_id else None
            if file_id and (upload is None or upload.get("user") != poster or upload.get("polls_left", 1) > 0):
                errors.append(f"invalid slack file [json-pointer:/blocks/{n}/slack_file]")
        return errors

    def _get_upload_url(self, params: dict[str, str], token: str | None, _b: object) -> dict[str, Any]:
        found = self._bot_call(token, "files:write")
        if isinstance(found, dict):
            return found
        file_id = f"F0UP{len(self.uploads):05d}"
        self.uploads[file_id] = {
            "filename": params.get("filename"),
            "bytes": b"",
            "channel_id": None,
            "user": found.user_id,
        }
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, params: dict[str, str], token: str | None, _b: object) -> dict[str, Any]:
        found = self._bot_call(token, "files:write")
        if isinstance(found, dict):
            return found
        files = json.loads(params.get("files", "[]"))
        for f in files:
            if f["id"] not in self.uploads:
                return {"ok": False, "error": "invalid_arguments"}
            self.uploads[f["id"]].update(
                channel_id=params.get("channel_id"),
                title=f.get("title"),
                seq=next(self._sequence),
                polls_left=self.processing_polls,
            )
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

    def _files_info(self, params: dict[str, str], token: str | None, _b: object) -> dict[str, Any]:
        found = self._bot_call(token, "files:read")
        if isinstance(found, dict):
            return found
        upload = self.uploads.get(params.get("file", ""))
        if upload is None or upload.get("user") != found.user_id or "seq" not in upload:
            return {"ok": False, "error": "file_not_found"}
        with self._lock:
            processing = upload["polls_left"] > 0
            upload["polls_left"] = max(0, upload["polls_left"] - 1)
        name = str(upload.get("filename") or "")
        return {
            "ok": True,
            "file": {
                "id": params["file"],
                "name": name,
                "title": upload.get("title") or name,
                "mimetype": "" if processing else "image/png",  # what Slack answers until processing ends
                "filetype": "" if processing else "png",
                "user": found.user_id,
                "channels": [upload["channel_id"]] if upload.get("channel_id") else [],
            },
        }

    def _render(self, ws: Workspace, f: File, viewer: str) -> dict[str, Any]:
        seen = [c for c in f.conversations if ws.visible_to(viewer, c)]
        by_kind = {k: [c for c in seen if ws.conversations[c].kind == k] for k in ("public", "private", "im")}
        url = f"https://files.slack.example/files-pri/{ws.team_id}-{f.id}/{f.name}"
        return {
            "id": f.id,
            "created": f.created,
            "timestamp": f.created,
            "name": f.name,
            "title": f.title or f.name,
            "mimetype": f.mimetype,
            "filetype": f.filetype,
            "pretty_type": f.pretty_type,
            "user": f.user,
            "editable": f.mode == "snippet",
            "size": f.size,
            "mode": f.mode,
            "is_external": False,
            "external_type": "",
            "is_public": bool(by_kind["public"]),
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": url,
            "url_private_download": url,
            "permalink": f"https://{ws.name}.slack.example/files/{f.user}/{f.id}/{f.name}",
            "permalink_public": f"https://slack-files.example/{ws.team_id}-{f.id}",
            "channels": by_kind["public"],
            "groups": by_kind["private"],
            "ims": by_kind["im"],
            "comments_count": 0,
        }


# When the emulated workspace's conversations and caches were made (seconds since the epoch).
_CREATED = 1_700_000_000


def _user_object(team_id: str, user_id: str, name: str, *, is_admin: bool = False, bot_id: str = "") -> dict[str, Any]:
    """A user object with the fields the spec requires (objs_user, objs_user_profile)."""
    profile: dict[str, Any] = {
        "real_name": name,
        "real_name_normalized": name,
        "display_name": name,
        "display_name_normalized": name,
        "avatar_hash": "",
        "title": "",
        "phone": "",
        "skype": "",
        "status_text": "",
        "status_emoji": "",
        "fields": None,
        "team": team_id,
    }
    if bot_id:
        profile["bot_id"] = bot_id
    return {
        "id": user_id,
        "team_id": team_id,
        "name": name,
        "real_name": name,
        "deleted": False,
        "is_admin": is_admin,
        "is_owner": False,
        "is_primary_owner": False,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": bool(bot_id),
        "is_app_user": False,
        "updated": _CREATED,
        "profile": profile,
    }


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("Authorization") or ""
    return auth[7:] if auth.startswith("Bearer ") else None


def _basic(request: Request) -> tuple[str, str] | None:
    auth = request.headers.get("Authorization") or ""
    if not auth.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
    return user, password


_TYPES: dict[str, Callable[[File], bool]] = {
    "all": lambda f: True,
    "spaces": lambda f: f.filetype in ("space", "post"),
    "snippets": lambda f: f.mode == "snippet",
    "images": lambda f: f.mimetype.startswith("image/"),
    "gdocs": lambda f: f.filetype.startswith("gdoc"),
    "zips": lambda f: f.filetype == "zip",
    "pdfs": lambda f: f.filetype == "pdf",
}
