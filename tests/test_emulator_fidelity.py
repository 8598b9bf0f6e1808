"""The emulators answer as the platforms' published descriptions say: status codes, bodies, paging, headers.

Slack: every answer of every Web API method files-bot calls is validated against the response schemas of
Slack's OpenAPI spec (an excerpt of slackapi/slack-api-specs, vendored in tests/fixtures/specs/ with its
commit). Rocket.Chat: against the REST source (RocketChat/Rocket.Chat, apps/meteor/app/api/server/) and the
schemas of RocketChat/Rocket.Chat-Open-API. bot/sandbox/emulators/FIDELITY.md says which fact comes from where.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests

from bot.sandbox.emulators.rocketchat_api import FakeRocketChat
from bot.sandbox.emulators.rocketchat_api import File as RcFile
from bot.sandbox.emulators.rocketchat_api import Room as RcRoom
from bot.sandbox.emulators.slack_api import Conversation, FakeSlack, File, User

SPECS = Path(__file__).parent / "fixtures" / "specs"


def errors_of(schema: dict[str, Any], instance: Any) -> list[str]:
    validator = jsonschema.Draft4Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


# == Slack ====================================================================================================
def _unions(node: Any) -> Any:
    """The spec writes "one of these objects" as a top-level `items` list on an object definition (objs_user,
    objs_conversation, …). JSON Schema ignores `items` for objects, which would let anything pass; read each
    such list as the `anyOf` it means."""
    if isinstance(node, dict):
        node = {k: _unions(v) for k, v in node.items()}
        if isinstance(node.get("items"), list) and node.get("type") != "array":
            node["anyOf"] = node.pop("items")
        return node
    if isinstance(node, list):
        return [_unions(v) for v in node]
    return node


SLACK_SPEC = _unions(json.loads((SPECS / "slack_web_openapi_v2.excerpt.json").read_text()))
SLACK_DOCS = json.loads((SPECS / "slack_methods.docs.json").read_text())

# Errors Slack documents outside the 2020 spec's per-method enums, with the fields that come with them.
SLACK_COMMON_ERRORS = {
    # docs.slack.dev/apis/web-api: "missing_scope" comes with `needed` and `provided` (also typed in the
    # official node SDK: docs.slack.dev/tools/node-slack-sdk/reference/web-api/type-aliases/FilesListResponse)
    "missing_scope": {"needed", "provided"},
    # docs.slack.dev/authentication/tokens: a revoked token answers token_revoked on every method
    "token_revoked": set(),
    "invalid_auth": set(),
    "not_authed": set(),
}
# Answers the emulator gives knowingly although no description documents them (see the comment at each).
SLACK_KNOWN_DIFFERENCES = {("files.list", "channel_not_found")}


def slack_schema(method: str, ok: bool) -> dict[str, Any]:
    """The documented answer: the spec's response schema (with its definitions), or the method page's."""
    if method in SLACK_DOCS["methods"]:
        return dict(SLACK_DOCS["methods"][method]["200" if ok else "default"])
    return {**SLACK_SPEC["paths"][method]["200" if ok else "default"], "definitions": SLACK_SPEC["definitions"]}


def slack_answer_problems(method: str, response: requests.Response) -> list[str]:
    """Where `response` departs from what Slack documents for `method` (empty: nowhere)."""
    body = response.json()
    if response.status_code != 200:
        return [f"HTTP {response.status_code}: Slack answers every call with 200 except rate limiting"]
    if body.get("ok") is True:
        return errors_of(slack_schema(method, ok=True), body)
    code = body.get("error")
    extra = SLACK_COMMON_ERRORS.get(code, set())
    if (method, code) in SLACK_KNOWN_DIFFERENCES:
        return []
    schema = slack_schema(method, ok=False)
    enum = schema.get("properties", {}).get("error", {}).get("enum")
    if enum is not None and code not in enum and code not in SLACK_COMMON_ERRORS:
        return [f"error {code!r} is documented neither for {method} nor for every method"]
    if enum is not None:
        schema = {**schema, "properties": {**schema["properties"], "error": {"type": "string"}}}
    return errors_of(schema, {k: v for k, v in body.items() if k not in extra})


TEAM = "T0NWIND01"
ADA, SAM, GHOST = "U0ADA0001", "U0SAM0001", "U0GHOST01"
GENERAL, LEADERS, DM = "C0GENERAL1", "G0LEADERS1", "D0ADASAM01"
ALL_BOT_SCOPES = ("channels:read", "groups:read", "files:read", "users:read", "im:write", "chat:write", "files:write")


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    """A workspace whose ids have Slack's documented forms (defs_team, defs_user_id, defs_group_id, …)."""
    with FakeSlack() as slack:
        ws = slack.add_workspace(TEAM, "northwind")
        ws.users[ADA] = User(ADA, "ada", is_admin=True)
        ws.users[SAM] = User(SAM, "sam")
        bot = slack.bot_user_id(TEAM)
        ws.conversations[GENERAL] = Conversation(GENERAL, "general", "public", {ADA, SAM, bot}, creator=ADA)
        ws.conversations[LEADERS] = Conversation(LEADERS, "leaders", "private", {ADA, bot}, creator=ADA)
        ws.conversations[DM] = Conversation(DM, "", "im", {ADA, SAM})
        for n, (where, mode) in enumerate([(GENERAL, "hosted"), (LEADERS, "hosted"), (DM, "snippet")] * 3):
            ws.files.append(
                File(
                    f"F0FILE{n:04d}",
                    f"file-{n}.pdf",
                    ADA,
                    1_780_000_000 + n,
                    10 + n,
                    "application/pdf",
                    "pdf",
                    "PDF",
                    [where],
                    mode=mode,
                )
            )
        yield slack


def call(slack: FakeSlack, method: str, token: str | None = None, **params: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(slack.api_url + method, data=params, headers=headers, timeout=5)


def tokens(slack: FakeSlack) -> tuple[str, str]:
    """(bot token, Ada's user token) through the OAuth exchange, as the bot gets them."""
    code = slack.issue_code(TEAM, ADA, ALL_BOT_SCOPES, ("files:read",))
    grant = call(slack, "oauth.v2.access", code=code, client_id=slack.client_id, client_secret=slack.client_secret)
    assert slack_answer_problems("oauth.v2.access", grant) == []
    body = grant.json()
    return body["access_token"], body["authed_user"]["access_token"]


def slack_calls(slack: FakeSlack) -> Iterator[tuple[str, requests.Response]]:
    """Every method files-bot calls, answering and refusing, as the bot calls them."""
    bot, user = tokens(slack)
    bad = "xoxb-not-a-token"
    yield (
        "oauth.v2.access",
        call(slack, "oauth.v2.access", code="used", client_id=slack.client_id, client_secret=slack.client_secret),
    )
    for token in (bot, user, bad, None):
        yield "auth.test", call(slack, "auth.test", token)
    for params in (
        {},
        {"channel": GENERAL},
        {"channel": LEADERS, "types": "pdfs,snippets"},
        {"user": ADA, "page": 2, "count": 2},
        {"ts_from": 1_780_000_003, "ts_to": 1_780_000_005},
        {"page": 99},
    ):
        yield "files.list", call(slack, "files.list", user, **params)
    yield "files.list", call(slack, "files.list", bad)
    yield "files.list", call(slack, "files.list", user, user=GHOST)
    yield "files.list", call(slack, "files.list", user, types="videos")
    yield "files.list", call(slack, "files.list", user, channel="C0NOSUCH01")
    yield "users.conversations", call(slack, "users.conversations", bot, types="public_channel,private_channel")
    yield "users.conversations", call(slack, "users.conversations", bot, types="im", limit=1)
    yield "users.conversations", call(slack, "users.conversations", user, types="private_channel")
    yield "conversations.members", call(slack, "conversations.members", bot, channel=LEADERS)
    yield "conversations.members", call(slack, "conversations.members", bot, channel="C0NOSUCH01")
    yield "users.list", call(slack, "users.list", bot, limit=200)
    yield "users.info", call(slack, "users.info", bot, user=SAM)
    yield "users.info", call(slack, "users.info", bot, user=GHOST)
    yield "conversations.open", call(slack, "conversations.open", bot, users=SAM)
    yield "conversations.open", call(slack, "conversations.open", bot, users=GHOST)
    yield "chat.postMessage", call(slack, "chat.postMessage", bot, channel="D" + SAM, text="*Weekly report*")
    yield "chat.postMessage", call(slack, "chat.postMessage", bot, channel=DM, text="not a member")
    upload = call(slack, "files.getUploadURLExternal", bot, filename="chart.png", length=3)
    yield "files.getUploadURLExternal", upload
    files = json.dumps([{"id": upload.json()["file_id"], "title": "Trend"}])
    yield (
        "files.completeUploadExternal",
        call(slack, "files.completeUploadExternal", bot, files=files, channel_id="D" + SAM),
    )
    slack.revoke_user_tokens(TEAM, ADA)
    yield "files.list", call(slack, "files.list", user)


def test_every_slack_answer_matches_the_openapi_spec(fake: FakeSlack):
    problems = {
        f"{method} #{n}": found
        for n, (method, response) in enumerate(slack_calls(fake))
        if (found := slack_answer_problems(method, response))
    }
    assert problems == {}


def test_the_spec_check_catches_what_it_should():
    """The check itself: a shape Slack does not document is reported (so a passing run means something)."""

    class Canned(requests.Response):
        def __init__(self, body: dict[str, Any], status: int = 200) -> None:
            super().__init__()
            self.status_code, self._content = status, json.dumps(body).encode()

    assert slack_answer_problems("chat.postMessage", Canned({"ok": True, "channel": DM, "ts": "1.000100"}))
    assert slack_answer_problems(
        "auth.test",
        Canned({"ok": True, "url": "u", "team": "t", "user": "u", "team_id": TEAM, "user_id": ADA, "bot_id": ADA}),
    )
    assert slack_answer_problems("users.info", Canned({"ok": True, "user": {"id": SAM, "name": "sam"}}))
    assert slack_answer_problems("files.list", Canned({"ok": False, "error": "no_such_error"}))
    assert slack_answer_problems("files.list", Canned({"ok": False, "error": "invalid_auth"}, status=401))
    assert not slack_answer_problems(
        "files.list", Canned({"ok": False, "error": "missing_scope", "needed": "a", "provided": "b"})
    )


def test_slack_rate_limiting_is_a_429_with_retry_after(fake: FakeSlack):
    """docs.slack.dev/apis/web-api/rate-limits: HTTP 429, a Retry-After header in seconds, error ratelimited."""
    bot, _ = tokens(fake)
    fake.random_faults["users.list"] = (1.0, 0.0)
    answer = call(fake, "users.list", bot)
    assert answer.status_code == 429 and answer.headers["Retry-After"].isdigit()
    assert answer.json() == {"ok": False, "error": "ratelimited"}


def test_slack_reports_the_tokens_scopes_in_a_header(fake: FakeSlack):
    """docs.slack.dev/authentication/tokens: every answer to a token carries its scopes in X-OAuth-Scopes."""
    bot, user = tokens(fake)
    assert set(call(fake, "auth.test", bot).headers["X-OAuth-Scopes"].split(",")) == set(ALL_BOT_SCOPES)
    assert call(fake, "files.list", user).headers["X-OAuth-Scopes"] == "files:read"


# == Rocket.Chat ==============================================================================================
RC_OPENAPI = json.loads((SPECS / "rocketchat_openapi.excerpt.json").read_text())["endpoints"]

# What the REST source (RocketChat/Rocket.Chat, apps/meteor/app/api/server/) answers beyond the Open-API
# documents; FIDELITY.md names the file and commit of each.
_FAILURE = {  # APIClass.failure(): a thrown Meteor.Error becomes `"<reason> [<error>]"` and its errorType
    "type": "object",
    "properties": {"success": {"enum": [False]}, "error": {"type": "string"}, "errorType": {"type": "string"}},
    "required": ["success", "error"],
}
_LISTED = {"count": {"type": "integer"}, "offset": {"type": "integer"}, "total": {"type": "integer"}}
RC_SOURCE: dict[str, dict[int, dict[str, Any]]] = {
    # v1/groups.ts, v1/im.ts, v1/channels.ts (typed routes): exactly these keys
    "files": {
        200: {
            "type": "object",
            "properties": {"files": {"type": "array"}, **_LISTED, "success": {"enum": [True]}},
            "required": ["files", "count", "offset", "total", "success"],
            "additionalProperties": False,
        }
    },
    "rooms.info": {  # v1/rooms.ts
        200: {
            "type": "object",
            "properties": {"room": {"type": ["object", "null"]}, "success": {"enum": [True]}},
            "required": ["room", "success"],
            "additionalProperties": False,
        }
    },
    "*": {
        400: _FAILURE,
        401: {  # ApiClass.ts addRoute: unauthorized('You must be logged in to do this.') + the legacy pair
            "type": "object",
            "properties": {
                "success": {"enum": [False]},
                "error": {"enum": ["You must be logged in to do this."]},
                "status": {"enum": ["error"]},
                "message": {"enum": ["You must be logged in to do this."]},
            },
            "required": ["success", "error", "status", "message"],
        },
        403: {  # ApiClass.ts forbidden(): 'unauthorized' before 8.0, or the reason given
            "type": "object",
            "properties": {"success": {"enum": [False]}, "error": {"type": "string"}},
            "required": ["success", "error"],
            "additionalProperties": False,
        },
    },
}


def rc_answer_problems(endpoint: str, response: requests.Response) -> list[str]:
    """Where `response` departs from the Open-API schema and the REST source for `endpoint`."""
    status, body = response.status_code, response.json()
    problems: list[str] = []
    documented = RC_OPENAPI[endpoint]["responses"].get(str(status))
    source = RC_SOURCE.get("files" if endpoint.endswith(".files") else endpoint, {}).get(status)
    source = source or RC_SOURCE["*"].get(status)
    if documented is None and source is None:
        return [f"HTTP {status} is documented for {endpoint} neither by the Open-API nor by the source"]
    for schema in (documented, source):
        if schema is not None:
            problems += errors_of(schema, body)
    return problems


ANN, BOB, GUS, ROOT = "rcAnnUserId00001", "rcBobUserId00002", "rcGusGuestId0003", "rcRootAdminId004"
PUBLIC, PRIVATE, DIRECT = "rcPublicRoom0001", "rcPrivateRoom001", f"{ANN}{BOB}"


@pytest.fixture
def rc_fake() -> Iterator[FakeRocketChat]:
    """Ann and Bob share a channel, a private group and a DM; Gus is a guest; Root the admin is in none."""
    with FakeRocketChat() as fake:
        fake.add_user(ANN, "ann")
        fake.add_user(BOB, "bob")
        fake.add_user(GUS, "gus", roles=["guest"])
        fake.add_user(ROOT, "root", roles=["user", "admin"])
        fake.rooms[PUBLIC] = RcRoom(PUBLIC, "public", "c", {ANN, BOB}, owners={ANN})
        fake.rooms[PRIVATE] = RcRoom(PRIVATE, "private", "p", {ANN, BOB}, owners={BOB})
        fake.rooms[DIRECT] = RcRoom(DIRECT, "", "d", {ANN, BOB})
        names = ["b-report.PDF", "a-notes.txt", "c-photo.png", "report(1).pdf", "Report 2.pdf"]
        for n, name in enumerate(names):
            for room in (PUBLIC, PRIVATE, DIRECT):
                mime = "image/png" if name.endswith("png") else "application/pdf"
                fake.files.append(RcFile(f"{room[:6]}File{n:04d}", name, room, ANN, 100 * (n + 1), mime, 1.78e9 + n))
        yield fake


class Caller:
    def __init__(self, fake: FakeRocketChat, user: str | None) -> None:
        self.base = fake.base_url
        self.headers = {"X-User-Id": user, "X-Auth-Token": fake.personal_access_token(user)} if user else {}

    def get(self, endpoint: str, **params: Any) -> requests.Response:
        return requests.get(f"{self.base}/api/v1/{endpoint}", params=params, headers=self.headers, timeout=5)

    def post(self, endpoint: str, **body: Any) -> requests.Response:
        return requests.post(f"{self.base}/api/v1/{endpoint}", json=body, headers=self.headers, timeout=5)

    def upload(self, room: str, data: bytes | None) -> requests.Response:
        files = {"file": ("chart.png", data, "image/png")} if data is not None else {"other": ("x", b"", "text/plain")}
        return requests.post(f"{self.base}/api/v1/rooms.media/{room}", files=files, headers=self.headers, timeout=5)


def rc_calls(fake: FakeRocketChat) -> Iterator[tuple[str, requests.Response]]:
    """Every endpoint files-bot calls, answering and refusing, as the bot calls them."""
    ann, gus, root, nobody = Caller(fake, ANN), Caller(fake, GUS), Caller(fake, ROOT), Caller(fake, None)
    for endpoint, room in (("channels.files", PUBLIC), ("groups.files", PRIVATE), ("im.files", DIRECT)):
        yield endpoint, ann.get(endpoint, roomId=room, offset=0, count=2, sort='{"size":-1}')
        yield endpoint, ann.get(endpoint, roomId=room, typeGroup="image", name="PHOTO")
        yield endpoint, root.get(endpoint, roomId=room)
        yield endpoint, ann.get(endpoint, roomId="rcNoSuchRoom0001")
        yield endpoint, ann.get(endpoint, roomId=room, name="report(")
        yield endpoint, nobody.get(endpoint, roomId=room)
    yield "channels.files", gus.get("channels.files", roomId=PUBLIC)
    for room in (PUBLIC, PRIVATE, DIRECT, "rcNoSuchRoom0001"):
        yield "rooms.info", root.get("rooms.info", roomId=room)
    yield "rooms.info", ann.get("rooms.info", roomName="private")
    yield "users.info", ann.get("users.info", username="bob")
    yield "users.info", ann.get("users.info", username="nobody")
    yield "subscriptions.get", ann.get("subscriptions.get")
    for endpoint, room in (("channels.roles", PUBLIC), ("groups.roles", PRIVATE)):
        yield endpoint, root.get(endpoint, roomId=room)
        yield endpoint, ann.get(endpoint, roomId=room)
    for endpoint, room in (("channels.members", PUBLIC), ("groups.members", PRIVATE)):
        yield endpoint, root.get(endpoint, roomId=room)
        yield endpoint, ann.get(endpoint, roomId=room, offset=1, count=1)
    yield "roles.getUsersInRole", root.get("roles.getUsersInRole", role="admin")
    yield "roles.getUsersInRole", ann.get("roles.getUsersInRole", role="admin")
    yield "dm.create", root.post("dm.create", username="ann")
    yield "dm.create", root.post("dm.create", username="nobody")
    yield "chat.postMessage", ann.post("chat.postMessage", roomId=DIRECT, text="*report*")
    yield "chat.postMessage", root.post("chat.postMessage", roomId=DIRECT, text="not a member")
    media = ann.upload(DIRECT, b"\x89PNG")
    yield "rooms.media", media
    yield "rooms.media", ann.upload(DIRECT, None)
    yield "rooms.media", root.upload(DIRECT, b"\x89PNG")
    file_id = media.json()["file"]["_id"]
    yield "rooms.mediaConfirm", root.post(f"rooms.mediaConfirm/{DIRECT}/{file_id}", msg="x")
    yield "rooms.mediaConfirm", ann.post(f"rooms.mediaConfirm/{PUBLIC}/{file_id}", msg="x")
    yield "rooms.mediaConfirm", ann.post(f"rooms.mediaConfirm/{DIRECT}/{file_id}", msg="Trend")
    yield "me", ann.get("me")


def test_every_rocketchat_answer_matches_the_open_api_and_the_rest_source(rc_fake: FakeRocketChat):
    problems = {
        f"{endpoint} #{n}": found
        for n, (endpoint, response) in enumerate(rc_calls(rc_fake))
        if (found := rc_answer_problems(endpoint.split("/")[0], response))
    }
    assert problems == {}


def rc_refusal(response: requests.Response) -> tuple[int, dict[str, Any]]:
    return response.status_code, response.json()


def not_found(word: str, params: str = '"roomId" or "roomName"') -> tuple[int, dict[str, Any]]:
    return 400, {
        "success": False,
        "error": f"The required {params} param provided does not match any {word} [error-room-not-found]",
        "errorType": "error-room-not-found",
    }


def test_a_room_the_caller_may_not_access_is_refused_as_each_files_endpoint_does(rc_fake: FakeRocketChat):
    """channels.ts / im.ts: the room is found, then `API.v1.forbidden()`: 403, `unauthorized` before 8.0.
    groups.ts: findPrivateGroupByIdOrName throws error-room-not-found for a non-member as for no group."""
    forbidden = (403, {"success": False, "error": "unauthorized"})
    root, gus = Caller(rc_fake, ROOT), Caller(rc_fake, GUS)
    assert rc_refusal(gus.get("channels.files", roomId=PUBLIC)) == forbidden
    assert rc_refusal(root.get("im.files", roomId=DIRECT)) == forbidden
    assert rc_refusal(root.get("groups.files", roomId=PRIVATE)) == not_found("group")
    assert rc_refusal(root.get("groups.files", roomId="rcNoSuchRoom0001")) == not_found("group")
    assert rc_refusal(root.get("channels.files", roomId=PRIVATE)) == not_found("channel")
    assert rc_refusal(root.get("im.files", roomId=PUBLIC)) == not_found("direct message", '"roomId"')
    assert Caller(rc_fake, ROOT).get("channels.files", roomId=PUBLIC).status_code == 200  # view-c-room


def test_each_refusal_rocketchat_documents_elsewhere(rc_fake: FakeRocketChat):
    ann, root = Caller(rc_fake, ANN), Caller(rc_fake, ROOT)
    assert rc_refusal(root.get("rooms.info", roomId=DIRECT)) == (
        400,
        {"success": False, "error": "not-allowed", "errorType": "Not Allowed"},
    )
    assert rc_refusal(root.get("rooms.info", roomId="rcNoSuchRoom0001")) == not_found("channel")
    assert rc_refusal(ann.get("users.info", username="nobody")) == (400, {"success": False, "error": "User not found."})
    assert rc_refusal(ann.get("roles.getUsersInRole", role="admin")) == (
        403,
        {"success": False, "error": "User does not have the permissions required for this action [error-unauthorized]"},
    )
    created = rc_refusal(root.post("dm.create", username="nobody"))
    assert created[0] == 400 and created[1]["errorType"] == "error-invalid-user"
    assert created[1]["error"] == "Invalid user [error-invalid-user]"
    posted = root.post("chat.postMessage", roomId=DIRECT, text="x")
    assert rc_refusal(posted) == (400, {"success": False, "error": "[invalid-channel]", "errorType": "invalid-channel"})
    assert rc_refusal(root.upload(DIRECT, b"png")) == (403, {"success": False, "error": "unauthorized"})
    no_file = rc_refusal(ann.upload(DIRECT, None))
    assert no_file == (
        400,
        {
            "success": False,
            "error": "No file was uploaded [error-no-file-uploaded]",
            "errorType": "error-no-file-uploaded",
        },
    )
    assert rc_refusal(ann.post(f"rooms.mediaConfirm/{DIRECT}/rcNoSuchFile")) == (
        400,
        {"success": False, "error": "[invalid-file]", "errorType": "invalid-file"},
    )
    assert rc_refusal(Caller(rc_fake, None).get("me")) == (
        401,
        {
            "success": False,
            "error": "You must be logged in to do this.",
            "status": "error",
            "message": "You must be logged in to do this.",
        },
    )


def test_files_endpoints_page_sort_and_filter_as_the_server_does(rc_fake: FakeRocketChat):
    ann = Caller(rc_fake, ANN)
    names = lambda response: [f["name"] for f in response.json()["files"]]  # noqa: E731
    by_default = ann.get("channels.files", roomId=PUBLIC)
    assert names(by_default) == sorted(names(by_default))  # `sort: sort || { name: 1 }`
    page = ann.get("channels.files", roomId=PUBLIC, offset=1, count=2).json()
    assert (page["count"], page["offset"], page["total"], len(page["files"])) == (2, 1, 5, 2)
    assert ann.get("channels.files", roomId=PUBLIC, count=1000).json()["count"] == 5  # API_Upper_Count_Limit
    # `name` is `{ $regex: name, $options: 'i' }`: a case-insensitive regular expression, unescaped
    assert names(ann.get("channels.files", roomId=PUBLIC, name="^REPORT")) == ["Report 2.pdf", "report(1).pdf"]
    assert len(names(ann.get("channels.files", roomId=PUBLIC, name=".*"))) == 5
    invalid = ann.get("channels.files", roomId=PUBLIC, name="report(")
    assert invalid.status_code == 400 and invalid.json()["success"] is False
    assert names(ann.get("channels.files", roomId=PUBLIC, typeGroup="image")) == ["c-photo.png"]
    assert names(ann.get("channels.files", roomId=PUBLIC, typeGroup="all")) == []  # no such typeGroup


def test_the_open_api_check_catches_what_it_should(rc_fake: FakeRocketChat):
    class Canned(requests.Response):
        def __init__(self, body: Any, status: int) -> None:
            super().__init__()
            self.status_code, self._content = status, json.dumps(body).encode()

    assert rc_answer_problems("groups.files", Canned({"files": [], "count": 0, "success": True}, 200))
    assert rc_answer_problems(
        "groups.files", Canned({"files": [], "count": 0, "offset": 0, "total": 0, "success": True, "extra": 1}, 200)
    )
    assert rc_answer_problems(
        "im.files", Canned({"status": "error", "message": "You must be logged in to do this."}, 401)
    )
    assert rc_answer_problems("chat.postMessage", Canned({"ts": "1", "message": {}, "success": True}, 200))
    assert rc_answer_problems("rooms.info", Canned({"success": False, "error": "x"}, 404))


# -- what the bot makes of these answers -------------------------------------------------------------------
def test_the_bot_answers_every_refused_room_alike_whatever_the_endpoint_said(rc):
    """403 from channels.files and im.files, 400 error-room-not-found from groups.files, and an unknown
    room: the person gets the one "can't find it, or you're not a member" answer, and nothing more."""
    from tests.rocketchat_harness import CAT, DESIGN, DM, SECRET, SECRET_MARKERS

    guest = "rcGuestUserId005"
    rc.fake.add_user(guest, "gus", roles=["guest"])
    rc.authorize(CAT)
    rc.authorize(guest)
    cases = [
        (guest, DESIGN, "channels.files"),  # 403
        (CAT, DM, "im.files"),  # 403
        (CAT, SECRET, "groups.files"),  # 400 error-room-not-found
        (CAT, "rcNoSuchRoom0001", "channels.files"),  # 400 error-room-not-found
    ]
    for user, room, endpoint in cases:
        answer = rc.command(user, room, "")
        assert rc.fake.calls_of(endpoint)[-1].params["roomId"] == room  # the platform was asked, and refused
        assert re.fullmatch(r"I can't find .+, or you're not a member of it\.", answer["text"]), answer["text"]
        assert not any(marker in json.dumps(answer) for marker in SECRET_MARKERS)


def test_a_name_with_regular_expression_syntax_is_searched_literally(rc):
    from tests.rocketchat_harness import ANA, GENERAL

    rc.fake.files.append(RcFile("rcParenFile01", "budget (final).xlsx", GENERAL, ANA, 10, "text/csv", 1.79e9))
    rc.authorize(ANA)
    for text in ['name:"(final"', 'name:"t (fin"', 'name:"l).xl"']:  # each an invalid or a different regex
        answer = json.dumps(rc.command(ANA, GENERAL, text))
        assert "budget (final).xlsx" in answer and "1 file" in answer, text
