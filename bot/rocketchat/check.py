"""`files-bot rocketchat check`: is this Rocket.Chat set up for files-bot, and what is left to do?"""

from __future__ import annotations

from dataclasses import dataclass

import requests

from bot.config import Settings
from bot.rocketchat import client
from bot.rocketchat.paths import REDIRECT_PATH


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
    checks.append(_bot_account(settings))
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


def _bot_account(settings: Settings) -> Check:
    if not settings.rocketchat_bot_user_id or not settings.rocketchat_bot_token:
        return Check(
            "bot account",
            False,
            "set ROCKETCHAT_BOT_USER_ID and ROCKETCHAT_BOT_TOKEN (a personal access "
            "token of the bot user: My Account → Personal Access Tokens)",
        )
    try:
        me = client.bot_client(settings).me()
    except Exception as error:
        return Check("bot account", False, f"the bot's personal access token was refused ({type(error).__name__})")
    if not isinstance(me, dict) or not me.get("_id"):
        return Check("bot account", False, "the bot's personal access token was refused")
    return Check("bot account", True, f"logged in as @{me.get('username')} (roles: {', '.join(me.get('roles', []))})")


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
