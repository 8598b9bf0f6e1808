from __future__ import annotations

import os
import subprocess
import sys

from tests.rocketchat_harness import ADMIN


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ROCKETCHAT_", "SLACK_", "FILES_BOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "rocketchat", "check"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_everything_configured(rc_env, fake_rc):
    result = run_check(rc_env)
    assert result.returncode == 0, result.stdout
    assert "[ok] server: Rocket.Chat 7.0.0" in result.stdout
    assert "[ok] bot account: logged in as @admin" in result.stdout
    assert "[ok] rate limiter: the bot account's calls are not rate-limited" in result.stdout  # an admin
    assert "[ok] OAuth app: client id and secret accepted" in result.stdout
    assert "Upload App" in result.stdout and "/rocketchat/oauth_redirect" in result.stdout


def test_wrong_oauth_secret_and_bot_token(rc_env, fake_rc):
    result = run_check({**rc_env, "ROCKETCHAT_OAUTH_CLIENT_SECRET": "nope", "ROCKETCHAT_BOT_TOKEN": "bad"})
    assert result.returncode == 1
    assert "[FAIL] OAuth app: Rocket.Chat does not know this client id/secret" in result.stdout
    assert "[FAIL] bot account" in result.stdout


def test_missing_configuration_and_unreachable_server():
    result = run_check({"ROCKETCHAT_URL": "http://127.0.0.1:9"})
    assert result.returncode == 1
    assert "[FAIL] configuration: set ROCKETCHAT_APP_SECRET" in result.stdout
    assert "[FAIL] server: http://127.0.0.1:9 is not reachable" in result.stdout


def test_bot_account_not_set(rc_env, fake_rc):
    env = {k: v for k, v in rc_env.items() if k not in ("ROCKETCHAT_BOT_USER_ID", "ROCKETCHAT_BOT_TOKEN")}
    result = run_check(env)
    assert "[FAIL] bot account: set ROCKETCHAT_BOT_USER_ID" in result.stdout
    assert ADMIN not in result.stdout


def test_the_rate_limiter_the_bot_account_meets(rc_env, fake_rc):
    fake_rc.users[ADMIN].roles = ["user"]  # neither admin nor bot: no api-bypass-rate-limit
    fake_rc.rate_limiter.calls = 25
    result = run_check(rc_env)
    assert result.returncode == 0, result.stdout
    assert "[ok] rate limiter: on: 25 calls per endpoint per window and client address (24 left" in result.stdout
    assert "give it the bot role, or the api-bypass-rate-limit permission" in result.stdout
