"""What `files-bot doctor` checks of Slack: the Web API answers, and every bot token has the scopes the code
uses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.platforms.contract import Check
from bot.platforms.slack import scopes
from bot.platforms.slack.paths import INSTALL_PATH


def checks(api_url: str, client: WebClient, bot_tokens: Mapping[str, str], public_url: str) -> list[Check]:
    """`bot_tokens`: team id → the bot token installed there."""
    return [_reachable(api_url), *_scopes(client, bot_tokens, public_url)]


def _reachable(api_url: str) -> Check:
    try:
        response = requests.get(f"{api_url}api.test", timeout=10)
        ok = response.status_code == 200 and response.json().get("ok") is True
    except (requests.RequestException, ValueError) as error:
        return Check("Slack API", False, f"{api_url} unreachable ({type(error).__name__})")
    return Check("Slack API", ok, f"{api_url} answers" if ok else "api.test did not answer ok")


def _scopes(client: WebClient, bot_tokens: Mapping[str, str], public_url: str) -> Iterable[Check]:
    if not bot_tokens:
        yield Check("Slack installations", False, f"none yet: open {public_url}{INSTALL_PATH}")
        return
    for team, token in bot_tokens.items():
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
                f"manifest.yml and reinstall ({public_url}{INSTALL_PATH})",
            )
        else:
            yield Check(f"Slack {team}", True, "bot token has every scope the code uses")
