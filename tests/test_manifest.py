"""The Slack app manifest requests exactly the scopes the code uses, and points at the bot's routes."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import yaml

from bot.platforms.slack import scopes
from bot.platforms.slack.paths import EVENTS_PATH, REDIRECT_PATH
from tests.conftest import ANA, GENERAL

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_scopes_are_exactly_what_the_code_declares():
    assert sorted(MANIFEST["oauth_config"]["scopes"]["bot"]) == list(scopes.BOT_SCOPES)
    assert sorted(MANIFEST["oauth_config"]["scopes"]["user"]) == list(scopes.USER_SCOPES)


def test_every_web_api_call_in_the_code_is_declared_with_its_scope():
    declared = set(scopes.USER_TOKEN_METHODS) | set(scopes.BOT_TOKEN_METHODS) | scopes.UNSCOPED_METHODS
    called = set()
    for path in (ROOT / "bot" / "platforms" / "slack").rglob("*.py"):  # the Slack adapter is the only Slack caller
        for name in re.findall(r"\.(files_\w+|chat_\w+|conversations_\w+|users_\w+|search_\w+)\(", path.read_text()):
            method = name.replace("_", ".", 1)
            called.update(scopes.COMPOSITE_METHODS.get(method, (method,)))
    assert called, "expected to find Web API calls in bot/"
    assert called <= declared, called - declared


def test_methods_seen_by_slack_are_declared_and_user_methods_use_user_tokens(slack):
    slack.authorize(ANA)
    _, url = slack.command(ANA, GENERAL, "")
    slack.wait_for(url)
    for method, _params, token in slack.fake.calls:
        if method in scopes.UNSCOPED_METHODS:
            continue
        kind = slack.fake.tokens[token].kind
        declared = scopes.USER_TOKEN_METHODS if kind == "user" else scopes.BOT_TOKEN_METHODS
        assert method in declared, (method, kind)
        assert set(declared[method]) <= set(slack.fake.tokens[token].scopes)


def test_slash_command_escapes_mentions_and_all_urls_reach_the_bot():
    [command] = MANIFEST["features"]["slash_commands"]
    assert command["command"] == "/files" and command["should_escape"] is True
    assert len(command["description"]) <= 2000 and command["usage_hint"]
    assert urlparse(command["url"]).path == EVENTS_PATH
    assert urlparse(MANIFEST["settings"]["interactivity"]["request_url"]).path == EVENTS_PATH
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert urlparse(MANIFEST["settings"]["event_subscriptions"]["request_url"]).path == EVENTS_PATH
    assert [urlparse(u).path for u in MANIFEST["oauth_config"]["redirect_urls"]] == [REDIRECT_PATH]


def test_events_and_display_information():
    assert set(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) == {
        "tokens_revoked",
        "app_uninstalled",
        "file_deleted",
        "file_unshared",
    }
    info = MANIFEST["display_information"]
    assert len(info["name"]) <= 35 and len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    assert MANIFEST["features"]["bot_user"]["display_name"]
