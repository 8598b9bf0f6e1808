"""`files-bot doctor`: configuration, data-dir permissions, platform reachability and token scopes — each
with what to fix."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

import requests

from bot.platforms.rocketchat.check import Check, run_checks
from bot.platforms.slack import scopes
from bot.process.config import Settings

PRIVATE_MODE = 0o600


def diagnose(settings: Settings) -> list[Check]:
    checks = [_platforms(settings), *_data_dir(settings.data_dir)]
    if settings.slack_configured:
        checks.append(_slack_reachable(settings))
        checks.extend(_slack_scopes(settings))
    if settings.rocketchat_url:
        checks.extend(c for c in run_checks(settings) if c.name != "configuration")
    return checks


def _platforms(settings: Settings) -> Check:
    on = [name for name, configured in settings.platforms.items() if configured]
    if on:
        return Check("configuration", True, f"serving {', '.join(on)}")
    missing = settings.slack_missing + settings.rocketchat_missing
    return Check("configuration", False, "no platform configured: set " + ", ".join(missing))


def _data_dir(data_dir: Path) -> Iterable[Check]:
    if not data_dir.exists():
        yield Check("data dir", True, f"{data_dir} will be created on first start")
        return
    if not os.access(data_dir, os.W_OK):
        yield Check("data dir", False, f"{data_dir} is not writable by this user")
        return
    loose = [p.name for p in sorted(data_dir.glob("*.sqlite*")) if stat.S_IMODE(p.stat().st_mode) & 0o077]
    if loose:
        yield Check(
            "data dir",
            False,
            f"readable by others: {', '.join(loose)} — run "
            f"`chmod 600 {data_dir}/*.sqlite*` (they hold tokens and file metadata)",
        )
    else:
        yield Check("data dir", True, f"{data_dir}: SQLite files are private (0600)")


def _slack_reachable(settings: Settings) -> Check:
    try:
        response = requests.get(f"{settings.slack_api_url}api.test", timeout=10)
        ok = response.status_code == 200 and response.json().get("ok") is True
    except (requests.RequestException, ValueError) as error:
        return Check("Slack API", False, f"{settings.slack_api_url} unreachable ({type(error).__name__})")
    return Check("Slack API", ok, f"{settings.slack_api_url} answers" if ok else "api.test did not answer ok")


def _slack_scopes(settings: Settings) -> Iterable[Check]:
    from slack_sdk.errors import SlackApiError

    from bot.platforms.slack.client import web_client
    from bot.platforms.slack.workspace import bot_tokens

    tokens = bot_tokens(settings)
    if not tokens:
        yield Check("Slack installations", False, f"none yet: open {settings.public_url}/slack/install")
        return
    client = web_client(settings)
    for team, token in tokens.items():
        try:
            response = client.auth_test(token=token)
        except SlackApiError as error:
            yield Check(f"Slack {team}", False, f"bot token refused ({error.response.get('error')}): reinstall")
            continue
        granted = {s.strip() for s in str(response.headers.get("x-oauth-scopes", "")).split(",") if s.strip()}
        missing = sorted(set(scopes.BOT_SCOPES) - granted)
        if missing:
            yield Check(
                f"Slack {team}",
                False,
                f"bot token lacks {', '.join(missing)}: update the app from "
                f"manifest.yml and reinstall ({settings.public_url}/slack/install)",
            )
        else:
            yield Check(f"Slack {team}", True, "bot token has every scope the code uses")
