"""Each user authorizes files-bot once with Rocket.Chat's own OAuth2 provider; we keep their token.

`/rocketchat/install` → the server's `/oauth/authorize` → `/rocketchat/oauth_redirect` → code exchanged at
`/oauth/token`. Who authorized is learned from `GET /api/v1/me` with the new token — never from the request.
Expired access tokens are refreshed with the refresh token; a failed refresh means "authorize again".
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

import requests

from bot.platforms.rocketchat import client
from bot.platforms.rocketchat.paths import REDIRECT_PATH
from bot.platforms.rocketchat.settings import RocketChatSettings
from bot.storage.interface import TokenStore
from bot.storage.model import UserToken

log = logging.getLogger(__name__)

STATE_COOKIE = "files-bot-rc-oauth-state"
STATE_SECONDS = 600  # how long an authorization link is good for


class OAuthError(Exception):
    """The authorization could not be completed; the message is safe to show to the user."""


class RocketChatOAuth:
    def __init__(self, settings: RocketChatSettings, public_url: str, store: TokenStore) -> None:
        self._settings = settings
        self._public_url = public_url
        self._store = store

    @property
    def redirect_uri(self) -> str:
        return f"{self._public_url}{REDIRECT_PATH}"

    def start(self) -> tuple[str, str]:
        """A fresh state and the consent-page URL to send the browser to."""
        state = self._store.issue_state()
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self._settings.oauth.client_id,
                "redirect_uri": self.redirect_uri,
                "state": state,
            }
        )
        return state, f"{self._settings.url}/oauth/authorize?{query}"

    def finish(self, *, code: str | None, state: str | None, cookie_state: str | None) -> UserToken:
        """Exchange the code, learn who it belongs to, and store their token."""
        # The state must be ours, unused, fresh, and from this same browser (the cookie).
        if not code or not state or state != cookie_state or not self._store.consume_state(state):
            raise OAuthError("This authorization link has expired or was opened in another browser.")
        grant = self._token_request(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri}
        )
        access_token = grant["access_token"]
        try:
            me = client.user_client(self._settings.url, access_token).me()
        except Exception as error:
            log.error("GET /api/v1/me failed after the token exchange: %s", type(error).__name__)
            raise OAuthError("Rocket.Chat did not accept the new authorization. Please try again.") from None
        if not isinstance(me, dict) or not me.get("_id"):
            raise OAuthError("Rocket.Chat did not say who you are. Please try again.")
        token = UserToken(
            user_id=str(me["_id"]),
            username=str(me.get("username") or ""),
            access_token=access_token,
            refresh_token=grant.get("refresh_token"),
            expires_at=_expiry(grant),
        )
        self._store.save(token)
        return token

    def current_token(self, user_id: str) -> str | None:
        """The user's usable access token, refreshed if it has expired; None means "authorize again"."""
        token = self._store.find(user_id)
        if token is None:
            return None
        if not token.expired(time.time()):
            return token.access_token
        if not token.refresh_token:
            return None
        try:
            grant = self._token_request({"grant_type": "refresh_token", "refresh_token": token.refresh_token})
        except OAuthError:
            self._store.delete(user_id)
            return None
        refreshed = UserToken(
            user_id,
            token.username,
            grant["access_token"],
            grant.get("refresh_token") or token.refresh_token,
            _expiry(grant),
        )
        self._store.save(refreshed)
        return refreshed.access_token

    def forget(self, user_id: str) -> None:
        """Drop a token Rocket.Chat no longer accepts."""
        self._store.delete(user_id)

    def _token_request(self, form: dict[str, str]) -> dict[str, Any]:
        form = {
            **form,
            "client_id": self._settings.oauth.client_id,
            "client_secret": self._settings.oauth.client_secret,
        }
        try:
            response = client.session().post(
                f"{self._settings.url}/oauth/token", data=form, timeout=client.TIMEOUT_SECONDS
            )
            grant = response.json()
        except (requests.RequestException, ValueError) as error:
            log.error("OAuth token request failed: %s", type(error).__name__)
            raise OAuthError("Rocket.Chat could not be reached to complete the authorization.") from None
        if response.status_code != 200 or not isinstance(grant, dict) or not grant.get("access_token"):
            log.warning(
                "OAuth token request refused: HTTP %s %s",
                response.status_code,
                grant.get("error") if isinstance(grant, dict) else "",
            )
            raise OAuthError("Rocket.Chat refused the authorization. Please start again.")
        return grant


def _expiry(grant: dict[str, Any]) -> float | None:
    expires_in = grant.get("expires_in")
    return time.time() + float(expires_in) if isinstance(expires_in, int | float) else None
