"""The emulators answer as the platforms' published descriptions say: status codes, bodies, paging, headers.

Slack: every answer of every Web API method files-bot calls is validated against the response schemas of
Slack's OpenAPI spec (an excerpt of slackapi/slack-api-specs, vendored in tests/fixtures/specs/ with its
commit). Rocket.Chat: against the REST source (RocketChat/Rocket.Chat, apps/meteor/app/api/server/) and the
schemas of RocketChat/Rocket.Chat-Open-API. bot/emulators/FIDELITY.md says which fact comes from where.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests

from bot.emulators.slack_api import Conversation, FakeSlack, File, User

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
    if method in SLACK_DOCS["methods"]:
        schema = SLACK_DOCS["methods"][method]["200" if ok else "default"]
        return schema  # type: ignore[no-any-return]
    schema = copy.deepcopy(SLACK_SPEC["paths"][method]["200" if ok else "default"])
    return {**schema, "definitions": SLACK_SPEC["definitions"]}


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
