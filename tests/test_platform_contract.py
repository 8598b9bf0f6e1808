"""One platform contract (bot/platforms/contract.py), built by the registry from each platform's own nested
settings: what every platform provides, on both, against the emulators; and the core's boundary with the
adapters."""

from __future__ import annotations

import ast
import logging
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot import storage
from bot.platforms.contract import Platform, PlatformName
from bot.platforms.registry import Registry
from bot.process.config import Settings
from bot.process.server import running_bot
from bot.services import jobs
from bot.services.ratelimit import RateLimiter
from bot.services.sync_runner import run_sync
from handlers.errors import NotAuthorized
from handlers.source import Position, SourceQuery
from tests import conftest as slack_world
from tests import rocketchat_harness as rc_world
from tests.rocketchat_harness import BridgeDriver
from tests.slack_harness import SlackDriver

ROOT = Path(__file__).resolve().parents[1]
CORE = ("bot/process", "bot/services")
ADAPTERS = ("bot.platforms.slack", "bot.platforms.rocketchat")


# -- the core's boundary ----------------------------------------------------------------------------------
def core_modules() -> list[Path]:
    return sorted(p for package in CORE for p in (ROOT / package).rglob("*.py"))


def test_the_core_imports_no_adapter_only_the_contract_and_the_registry():
    found = []
    for path in core_modules():
        for node in ast.walk(ast.parse(path.read_text())):  # function-level imports included
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            found += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.startswith(ADAPTERS)]
    assert found == []


def test_the_core_never_branches_on_a_platform():
    """No `platform == "slack"` (nor any comparison with a platform's name) outside the platforms. (The
    command line's `files-bot rocketchat check` is a command's name, not a platform's.)"""
    found = []
    for path in core_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare) and not _is_cli_command(node.left):
                operands = [node.left, *node.comparators]
                named = [o.value for o in operands if isinstance(o, ast.Constant) and o.value in set(PlatformName)]
                found += [f"{path.relative_to(ROOT)}:{node.lineno}: {named}"] if named else []
    assert found == []


def _is_cli_command(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "args"


# -- nested settings --------------------------------------------------------------------------------------
SLACK_ENV = {"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c"}
RC_ENV = {
    "ROCKETCHAT_URL": "https://chat.example.com:8443/",
    "ROCKETCHAT_APP_SECRET": "shared",
    "ROCKETCHAT_OAUTH_CLIENT_ID": "id",
    "ROCKETCHAT_OAUTH_CLIENT_SECRET": "secret",
}


def test_each_platform_has_its_own_settings_present_only_when_configured():
    both = Settings.from_env({**SLACK_ENV, **RC_ENV})
    assert both.slack is not None and both.slack.client_id == "1.2"
    assert both.rocketchat is not None and both.rocketchat.url == "https://chat.example.com:8443"
    assert both.slack_missing == () and both.rocketchat_missing == ()
    half = Settings.from_env({**SLACK_ENV, "SLACK_CLIENT_SECRET": "", "ROCKETCHAT_URL": "https://chat.example.com"})
    assert half.slack is None and half.slack_missing == ("SLACK_CLIENT_SECRET",)
    assert half.rocketchat is None and half.rocketchat_missing[0] == "ROCKETCHAT_APP_SECRET"
    assert half.has_credentials and half.rocketchat_setup.url == "https://chat.example.com"


def test_the_rocketchat_workspace_is_derived_once_from_its_url():
    settings = Settings.from_env(RC_ENV).rocketchat
    assert settings is not None and settings.workspace == "chat.example.com:8443"


@pytest.mark.parametrize(
    "bot_vars",
    [{"ROCKETCHAT_BOT_TOKEN": "t"}, {"ROCKETCHAT_BOT_USER_ID": "u"}, {}],
)
def test_a_rocketchat_bot_account_needs_both_its_user_id_and_its_token(bot_vars):
    settings = Settings.from_env({**RC_ENV, **bot_vars})
    assert settings.rocketchat is not None and settings.rocketchat.bot is None
    registry = Registry.build(settings)
    rocketchat = registry.get(PlatformName.ROCKETCHAT)
    assert rocketchat is not None and rocketchat.bot_workspaces() == []
    # …so nothing the bot would do as that account is attempted: no courier, no sync.
    assert jobs.couriers(settings)(PlatformName.ROCKETCHAT, "chat.example.com:8443") is None


def test_a_rocketchat_bot_account_with_both_is_the_bot_of_that_server_only():
    settings = Settings.from_env({**RC_ENV, "ROCKETCHAT_BOT_USER_ID": "u", "ROCKETCHAT_BOT_TOKEN": "t"})
    rocketchat = Registry.build(settings).get(PlatformName.ROCKETCHAT)
    assert rocketchat is not None
    assert [bot.id for bot in rocketchat.bot_workspaces()] == ["chat.example.com:8443"]
    assert rocketchat.bot_workspace("chat.example.com:8443") is not None
    assert rocketchat.bot_workspace("old-chat.example.com") is None


# -- the registry -----------------------------------------------------------------------------------------
def test_the_registry_builds_the_configured_platforms_only():
    assert [p.name for p in Registry.build(Settings.from_env({})).platforms] == []
    assert [p.name for p in Registry.build(Settings.from_env(SLACK_ENV)).platforms] == ["slack"]
    registry = Registry.build(Settings.from_env({**SLACK_ENV, **RC_ENV}))
    assert [p.name for p in registry.platforms] == ["slack", "rocketchat"]
    assert registry.served() == {"slack": True, "rocketchat": True}
    assert registry.get("slack") is registry.get(PlatformName.SLACK)  # built once
    assert registry.get("no-such-platform") is None


def test_a_platform_that_is_not_configured_answers_503_and_the_log_says_what_is_missing(tmp_path, caplog):
    env = {**SLACK_ENV, "ROCKETCHAT_URL": "https://chat.example.com", "FILES_BOT_DATA_DIR": str(tmp_path)}
    with caplog.at_level(logging.WARNING), running_bot(env) as url:
        assert requests.get(f"{url}/healthz", timeout=5).json()["platforms"] == {"slack": True, "rocketchat": False}
        for path in ("/rocketchat/command", "/rocketchat/action"):
            refused = requests.post(f"{url}{path}", json={}, timeout=5)
            assert refused.status_code == 503 and "Rocket.Chat is not configured" in refused.json()["error"]
        assert requests.get(f"{url}/rocketchat/install", timeout=5).status_code == 503
    assert (
        "Rocket.Chat is not configured: set ROCKETCHAT_APP_SECRET, ROCKETCHAT_OAUTH_CLIENT_ID, "
        "ROCKETCHAT_OAUTH_CLIENT_SECRET to serve it" in caplog.text
    )


# -- what every platform provides, on both ------------------------------------------------------------------
@dataclass(frozen=True)
class World:
    """One platform's emulated workspace, seen through the registry."""

    name: PlatformName
    env: dict[str, str]
    workspace: str
    bot_rooms: set[str]  # the conversations the bot itself is in
    person: str  # a person who may see `private`, which the bot is not in
    token: str  # their own token, from the platform's OAuth flow
    general: str
    private: str

    @property
    def platform(self) -> Platform:
        found = Registry.build(Settings.from_env(self.env)).get(self.name)
        assert found is not None
        return found


def slack_world_of(request: pytest.FixtureRequest) -> World:
    slack: SlackDriver = request.getfixturevalue("slack")
    env: dict[str, str] = request.getfixturevalue("bot_env")
    slack.authorize(slack_world.BEN)  # installs the app, and Ben authorizes it
    fake = slack.fake
    token = next(t for t, v in fake.tokens.items() if v.kind == "user" and v.user_id == slack_world.BEN)
    return World(
        PlatformName.SLACK,
        env,
        slack_world.TEAM,
        {slack_world.GENERAL, slack_world.DESIGN},
        slack_world.BEN,
        token,
        slack_world.GENERAL,
        slack_world.SECRET,
    )


def rocketchat_world_of(request: pytest.FixtureRequest) -> World:
    rc: BridgeDriver = request.getfixturevalue("rc")
    env: dict[str, str] = request.getfixturevalue("rc_env")
    rc.authorize(rc_world.BEN)
    token = next(t for t, grant in rc.fake.grants.items() if grant.user_id == rc_world.BEN)
    workspace = Registry.build(Settings.from_env(env)).platforms[0].workspaces()
    return World(
        PlatformName.ROCKETCHAT,
        env,
        next(iter(workspace)),
        {rc_world.GENERAL},
        rc_world.BEN,
        token,
        rc_world.GENERAL,
        rc_world.SECRET,
    )


@pytest.fixture(params=[PlatformName.SLACK, PlatformName.ROCKETCHAT])
def world(request: pytest.FixtureRequest) -> World:
    return slack_world_of(request) if request.param is PlatformName.SLACK else rocketchat_world_of(request)


def test_it_serves_its_workspaces_and_the_bot_has_its_own_credentials_there(world: World):
    platform = world.platform
    assert list(platform.workspaces()) == [world.workspace]
    assert [bot.id for bot in platform.bot_workspaces()] == [world.workspace]


def test_the_bot_lists_its_own_conversations_and_their_files_as_itself(world: World):
    limiter = RateLimiter()
    bot = world.platform.bot_workspace(world.workspace)
    assert bot is not None
    conversations = bot.conversations(limiter)
    assert {c.id for c in conversations} == world.bot_rooms  # never the private one it is not in
    page = bot.file_source(conversations, limiter).fetch(SourceQuery(conversation_id=world.general), Position(), 10)
    assert len(page.files) == 10 and all(world.general in f.conversations for f in page.files)


def test_the_courier_knows_members_and_admins(world: World):
    bot = world.platform.bot_workspace(world.workspace)
    assert bot is not None
    courier = bot.courier()
    assert world.person in courier.members(world.general, False)
    assert courier.admins()  # each world has one


def test_a_person_lists_files_with_their_own_token(world: World):
    platform = world.platform
    mine = platform.person_source(world.workspace, world.person, world.token, RateLimiter())
    page = mine.fetch(SourceQuery(conversation_id=world.private), Position(), 10)
    assert page.files and all(world.private in f.conversations for f in page.files)
    never_authorized = platform.person_source(world.workspace, world.person, None, RateLimiter())
    with pytest.raises(NotAuthorized):
        never_authorized.fetch(SourceQuery(conversation_id=world.private), Position(), 10)


def test_the_sync_goes_through_the_contract(world: World):
    cache = storage.open_store(Path(world.env["FILES_BOT_DATA_DIR"]))
    results = run_sync(Settings.from_env(world.env), cache, RateLimiter())
    assert list(results) == [f"{world.name}:{world.workspace}"]
    assert {c.id for c in cache.workspace(world.name, world.workspace).conversations()} == world.bot_rooms


def test_it_renders_an_answer_as_its_own_payload(world: World):
    from handlers.answers import Answered
    from handlers.views import Notice

    payload = world.platform.render(Answered(Notice("Hello *there*")))
    assert payload["text"] and payload["blocks"]


def test_it_contributes_its_checks_to_the_doctor(world: World):
    checks = world.platform.checks()
    assert checks and all(check.ok for check in checks), checks


# -- what the adapters share ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "7"}, 7),
        ({"retry-after": ["3"]}, 3),  # slack_sdk hands headers over as lists
        ({"RETRY-AFTER": " 12 "}, 12),
        ({"Retry-After": "-4"}, 0),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "1.5"}, None),
        ({}, None),
        (None, None),
    ],
)
def test_one_retry_after_parser_for_both_clients(headers, seconds):
    from bot.platforms.payloads import retry_after
    from bot.platforms.rocketchat.client import rate_limit_wait

    assert retry_after(headers) == seconds
    if headers is not None and seconds is not None:
        assert rate_limit_wait(headers) == float(seconds)  # Rocket.Chat's reads it first, then X-RateLimit-Reset


@pytest.mark.parametrize(("value", "number"), [("12", 12), (12, 12), (None, 0), ("x", 0), ([], 0)])
def test_numbers_from_either_platform_are_read_leniently(value, number):
    from bot.platforms.payloads import as_int

    assert as_int(value) == number


def test_both_couriers_tell_a_refusal_from_no_answer():
    from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException, RocketBadStatusCodeException
    from slack_sdk.errors import SlackApiError, SlackClientError
    from slack_sdk.web import SlackResponse

    from bot.platforms.rocketchat.courier import DELIVERY as ROCKETCHAT
    from bot.platforms.slack.courier import DELIVERY as SLACK
    from bot.services.weekly import DeliveryFailed

    def failure(delivery, error: Exception) -> DeliveryFailed:
        def call() -> None:
            raise error

        with pytest.raises(DeliveryFailed) as caught:
            delivery.call(call)
        return caught.value

    def slack_refusal(code: str) -> SlackApiError:
        response = SlackResponse(
            client=None,
            http_verb="POST",
            api_url="chat.postMessage",
            req_args={},
            data={"ok": False, "error": code},
            headers={},
            status_code=200,
        )
        return SlackApiError(code, response)

    gone = failure(SLACK, slack_refusal("user_not_found"))
    assert (gone.reason, gone.retryable) == ("Slack: user_not_found", False)
    assert failure(SLACK, slack_refusal("internal_error")).retryable
    down = failure(SLACK, SlackClientError("boom"))
    assert (down.reason, down.retryable) == ("Slack unreachable: SlackClientError", True)
    limited = failure(ROCKETCHAT, RocketApiException(429, "", {"error": "slow down", "errorType": "too-many"}))
    assert (limited.reason, limited.retryable) == ("Rocket.Chat: too-many", True)
    assert not failure(ROCKETCHAT, RocketApiException(403, "", {"error": "no"})).retryable
    proxy = failure(ROCKETCHAT, RocketBadStatusCodeException(502, "<html>"))
    assert (proxy.reason, proxy.retryable) == ("Rocket.Chat: HTTP 502", True)
    assert failure(ROCKETCHAT, requests.ConnectionError()).reason == "Rocket.Chat unreachable: ConnectionError"

    def bug() -> None:
        raise KeyError("a bug is not a delivery failure")

    with pytest.raises(KeyError):
        SLACK.call(bug)
