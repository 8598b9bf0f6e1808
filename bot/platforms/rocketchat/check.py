"""`files-bot rocketchat check`: is this Rocket.Chat set up for files-bot, and what is left to do? It works on a
half-done set-up too (as far as the variables set allow); `files-bot doctor` runs the same server checks.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import requests

from bot.platforms.contract import Check
from bot.platforms.rocketchat import client
from bot.platforms.rocketchat.paths import REDIRECT_PATH
from bot.platforms.rocketchat.settings import BotAccount, OAuthClient, RocketChatSetup
from bot.services.ratelimit import ServerWindow

PEOPLE_SHARE = (
    "All of files-bot's calls come from one address, so everyone it acts for shares one such budget per "
    "endpoint (a plain /files costs one call; see the README's Rocket.Chat rate limits)."
)


def run_checks(setup: RocketChatSetup, missing: Sequence[str], public_url: str) -> list[Check]:
    """The configuration (`missing`: the variables still unset), then whatever the server lets us check."""
    checks = [_config(missing)]
    if setup.url is None:
        return checks
    return checks + server_checks(setup.url, setup.oauth, setup.bot, public_url)


def server_checks(url: str, oauth: OAuthClient | None, bot: BotAccount | None, public_url: str) -> list[Check]:
    """The server answers, the bot account logs in (and which rate limiter it meets), the OAuth app exists."""
    server = _server(url)
    checks = [server]
    if not server.ok:
        return checks
    account, window = _bot_account(url, bot)
    checks.append(account)
    if account.ok:
        checks.append(_rate_limiter(window))
    checks.append(_oauth_client(url, oauth, public_url))
    return checks


def todo(public_url: str) -> list[str]:
    """What an admin still has to do on the Rocket.Chat side; the bot cannot see these."""
    return [
        "Administration → Workspace → Settings → General → Apps: enable the Apps framework and development mode "
        "(for uploading a private app).",
        "Administration → Workspace → Apps → Private Apps → Upload App: upload "
        "rocketchat-app/dist/files-bot_<version>.zip (build it with `npm run package` in rocketchat-app/).",
        f"In the app's settings: files-bot URL = {public_url}; Shared secret = the value of ROCKETCHAT_APP_SECRET.",
        "Administration → Workspace → Third-party login (OAuth Apps) → New: name files-bot, redirect URI "
        f"{public_url}{REDIRECT_PATH}, active; copy its Client ID and Client Secret into "
        "ROCKETCHAT_OAUTH_CLIENT_ID / ROCKETCHAT_OAUTH_CLIENT_SECRET.",
    ]


def _config(missing: Sequence[str]) -> Check:
    if missing:
        return Check("configuration", False, "set " + ", ".join(missing))
    return Check("configuration", True, "all Rocket.Chat variables are set")


def _server(url: str) -> Check:
    try:
        response = client.session().get(f"{url}/api/info", timeout=client.TIMEOUT_SECONDS)
        info = response.json()
    except (requests.RequestException, ValueError) as error:
        return Check("server", False, f"{url} is not reachable ({type(error).__name__})")
    if response.status_code != 200 or not isinstance(info, dict):
        return Check("server", False, f"{url}/api/info answered HTTP {response.status_code}")
    return Check("server", True, f"Rocket.Chat {info.get('version', '?')} at {url}")


def _bot_account(url: str, bot: BotAccount | None) -> tuple[Check, ServerWindow | None]:
    """Logs in as the bot account; also returns the rate-limit window its call reported (None: none)."""
    if bot is None:
        return Check(
            "bot account",
            False,
            "set ROCKETCHAT_BOT_USER_ID and ROCKETCHAT_BOT_TOKEN (a personal access "
            "token of the bot user: My Account → Personal Access Tokens)",
        ), None
    api = client.bot_client(url, bot)
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


def _oauth_client(url: str, oauth: OAuthClient | None, public_url: str) -> Check:
    """An authorization-code exchange with a deliberately invalid code: a server that knows the client
    answers `invalid_grant`; wrong client credentials answer `invalid_client`."""
    if oauth is None:
        return Check("OAuth app", False, "set ROCKETCHAT_OAUTH_CLIENT_ID and ROCKETCHAT_OAUTH_CLIENT_SECRET")
    form = {
        "grant_type": "authorization_code",
        "code": "files-bot-check",
        "client_id": oauth.client_id,
        "client_secret": oauth.client_secret,
        "redirect_uri": f"{public_url}{REDIRECT_PATH}",
    }
    try:
        response = client.session().post(f"{url}/oauth/token", data=form, timeout=client.TIMEOUT_SECONDS)
        error = response.json().get("error")
    except (requests.RequestException, ValueError, AttributeError) as failure:
        return Check("OAuth app", False, f"/oauth/token did not answer as expected ({type(failure).__name__})")
    if error == "invalid_client":
        return Check("OAuth app", False, "Rocket.Chat does not know this client id/secret")
    if error == "invalid_grant":
        return Check("OAuth app", True, "client id and secret accepted")
    return Check("OAuth app", False, f"/oauth/token answered HTTP {response.status_code} ({error or 'no error'})")
