"""`files-bot doctor`, run as an admin would: configuration, permissions, reachability, scopes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.conftest import ANA
from tests.slack_harness import SlackDriver


def doctor(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ROCKETCHAT_", "FILES_BOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "doctor"], env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_healthy_slack_install(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    subprocess.run(
        [sys.executable, "-m", "bot", "sync"],
        env={**os.environ, **bot_env},
        capture_output=True,
        timeout=60,
        check=True,
    )  # a CLI run: creates the cache with the CLI's umask
    result = doctor(bot_env)
    assert "[ok] configuration: serving slack" in result.stdout
    assert "[ok] Slack API" in result.stdout
    assert "[ok] Slack T0ACME: bot token has every scope the code uses" in result.stdout
    cache = Path(bot_env["FILES_BOT_DATA_DIR"]) / "cache.sqlite"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600


def test_loose_permissions_and_missing_scopes_are_named(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    data = Path(bot_env["FILES_BOT_DATA_DIR"])
    (data / "slack-installations.sqlite").chmod(0o644)
    for token in slack.fake.tokens.values():
        if token.kind == "bot":
            token.scopes = tuple(s for s in token.scopes if s != "files:write")
    result = doctor(bot_env)
    assert result.returncode == 1
    assert "[FIX] data dir: readable by others: slack-installations.sqlite" in result.stdout
    assert "lacks files:write" in result.stdout


def test_nothing_configured():
    result = doctor({"FILES_BOT_DATA_DIR": "/nonexistent/files-bot"})
    assert (
        result.returncode == 1
        and "[FIX] configuration: no platform configured: set SLACK_SIGNING_SECRET" in result.stdout
    )


def test_rocketchat_contributes_its_own_checks(rc_env, fake_rc):
    result = doctor(rc_env)
    assert result.returncode == 0, result.stdout
    assert "[ok] configuration: serving rocketchat" in result.stdout
    assert "[ok] server: Rocket.Chat 7.0.0" in result.stdout
    assert "[ok] bot account: logged in as @admin" in result.stdout
    assert "[ok] OAuth app: client id and secret accepted" in result.stdout


def test_half_a_rocketchat_set_up_still_gets_its_server_checked():
    result = doctor({"FILES_BOT_DATA_DIR": "/nonexistent/files-bot", "ROCKETCHAT_URL": "http://127.0.0.1:9"})
    assert result.returncode == 1
    assert "[FIX] configuration: no platform configured: set SLACK_SIGNING_SECRET" in result.stdout
    assert "[FIX] server: http://127.0.0.1:9 is not reachable" in result.stdout
