"""`files-bot rocketchat check`: is this Rocket.Chat set up for files-bot, and what is left to do?"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import requests

from bot.platforms.rocketchat import client
from bot.platforms.rocketchat.paths import REDIRECT_PATH
from bot.process.config import Settings
from bot.services.ratelimit import ServerWindow

PEOPLE_SHARE = (
    "All of files-bot's calls come from one address, so everyone it acts for shares one such budget per "
    "endpoint (a plain /files costs one call; see the README's Rocket.Chat rate limits)."
)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def run_checks(settings: Settings) -> list[Check]:
    checks = [_config(settings)]
    if not settings.rocketchat_url:
        return checks
    server = _server(settings)
    checks.append(server)
    if not server.ok:
        return checks
    account, window = _bot_account(settings)
    checks.append(account)
    if account.ok:
        checks.append(_rate_limiter(window))
    checks.append(_oauth_client(settings))
    return checks


def todo(settings: Settings) -> list[str]:
    """What an admin still has to do on the Rocket.Chat side; the bot cannot see these."""
    return [
        "Administration → Workspace → Settings → General → Apps: enable the Apps framework and development mode "
        "(for uploading a private app).",
        "Administration → Workspace → Apps → Private Apps → Upload App: upload "
        "rocketchat-app/dist/files-bot_<version>.zip (build it with `npm run package` in rocketchat-app/).",
        f"In the app's settings: files-bot URL = {settings.public_url}; Shared secret = the value of "
        "ROCKETCHAT_APP_SECRET.",
        "Administration → Workspace → Third-party login (OAuth Apps) → New: name files-bot, redirect URI "
        f"{settings.public_url}{REDIRECT_PATH}, active; copy its Client ID and Client Secret into "
        "ROCKETCHAT_OAUTH_CLIENT_ID / ROCKETCHAT_OAUTH_CLIENT_SECRET.",
    ]


def _config(settings: Settings) -> Check:
    missing = settings.rocketchat_missing
    if missing:
        return Check("configuration", False, "set " + ", ".join(missing))
    return Check("configuration", True, "all Rocket.Chat variables are set")


def _server(settings: Settings) -> Check:
    try:
        response = client.session().get(f"{settings.rocketchat_url}/api/info", timeout=client.TIMEOUT_SECONDS)
        info = response.json()
    except (requests.RequestException, ValueError) as error:
        return Check("server", False, f"{settings.rocketchat_url} is not reachable ({type(error).__name__})")
    if response.status_code != 200 or not isinstance(info, dict):
        return Check("server", False, f"{settings.rocketchat_url}/api/info answered HTTP {response.status_code}")
    return Check("server", True, f"Rocket.Chat {info.get('version', '?')} at {settings.rocketchat_url}")


def _bot_account(settings: Settings) -> tuple[Check, ServerWindow | None]:
    """Logs in as the bot account; also returns the rate-limit window its call reported (None: none)."""
    if not settings.rocketchat_bot_user_id or not settings.rocketchat_bot_token:
        return Check(
            "bot account",
            False,
            "set ROCKETCHAT_BOT_USER_ID and ROCKETCHAT_BOT_TOKEN (a personal access "
            "token of the bot user: My Account → Personal Access Tokens)",
        ), None
    api = client.bot_client(settings)
    try:
        me = api.me()
    except Exception as error:
        refused = Check("bot account", False, f"the bot's personal access token was refused ({type(error).__name__})")
        return refused, None
    if not isinstance(me, dict) or not me.get("_id"):
        return Check("bot account", False, "the bot's personal access token was refused"), None
    window = client.rate_limit_window(api.last_response.headers) if api.last_response is not None else None
    roles = ", ".join(me.get("roles", []))
    return Check("bot account", True, f"logged in as @{me.get('username')} (roles: {roles})"), window


def _rate_limiter(window: ServerWindow | None) -> Check:
    """What Rocket.Chat's REST rate limiter told the bot account's call (api.ts sends `X-RateLimit-*` on
    every limited call, none to callers holding `api-bypass-rate-limit`). Informational: files-bot lives
    within whatever it finds, and says what an admin can change."""
    if window is None:
        return Check(
            "rate limiter",
            True,
            "the bot account's calls are not rate-limited (it holds api-bypass-rate-limit, or the limiter is "
            "off), so the sync takes none of people's calls. People's calls are limited per endpoint and "
            "client address (API_Enable_Rate_Limiter_Limit_Calls_Default, 10 a minute by default). " + PEOPLE_SHARE,
        )
    limit = f"{window.limit} calls" if window.limit is not None else "a number of calls"
    resets = max(0, math.ceil(window.resets_at - time.time()))
    return Check(
        "rate limiter",
        True,
        f"on: {limit} per endpoint per window and client address ({window.remaining} left in this window, "
        f"which resets in {resets} s). {PEOPLE_SHARE} The bot account is limited too, so the sync takes its "
        "calls from the same budget (above a reserve kept for people): give it the bot role, or the "
        "api-bypass-rate-limit permission, to keep the sync out of people's way.",
    )


def _oauth_client(settings: Settings) -> Check:
    """An authorization-code exchange with a deliberately invalid code: a server that knows the client
    answers `invalid_grant`; wrong client credentials answer `invalid_client`."""
    if not settings.rocketchat_oauth_client_id or not settings.rocketchat_oauth_client_secret:
        return Check("OAuth app", False, "set ROCKETCHAT_OAUTH_CLIENT_ID and ROCKETCHAT_OAUTH_CLIENT_SECRET")
    form = {
        "grant_type": "authorization_code",
        "code": "files-bot-check",
        "client_id": settings.rocketchat_oauth_client_id,
        "client_secret": settings.rocketchat_oauth_client_secret,
        "redirect_uri": f"{settings.public_url}{REDIRECT_PATH}",
    }
    try:
        response = client.session().post(
            f"{settings.rocketchat_url}/oauth/token", data=form, timeout=client.TIMEOUT_SECONDS
        )
        error = response.json().get("error")
    except (requests.RequestException, ValueError, AttributeError) as failure:
        return Check("OAuth app", False, f"/oauth/token did not answer as expected ({type(failure).__name__})")
    if error == "invalid_client":
        return Check("OAuth app", False, "Rocket.Chat does not know this client id/secret")
    if error == "invalid_grant":
        return Check("OAuth app", True, "client id and secret accepted")
    return Check("OAuth app", False, f"/oauth/token answered HTTP {response.status_code} ({error or 'no error'})")
