"""The one place Rocket.Chat REST clients are made: `rocketchat_API` on a `requests` session with
timeouts and urllib3's retry handling for 429 (honouring `Retry-After` or `X-RateLimit-Reset`) and 5xx."""

from __future__ import annotations

import math
import time
from typing import Any, Self

import requests
from requests.adapters import HTTPAdapter
from rocketchat_API.rocketchat import RocketChat
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from bot.config import Settings

TIMEOUT_SECONDS = 10
# Longer waits are not worth holding a request for: the user is told when to try again instead.
MAX_WAIT_SECONDS = 10


class RateLimitRetry(Retry):
    """urllib3's Retry, reading Rocket.Chat's `X-RateLimit-Reset` (ms since epoch) when `Retry-After` is
    absent, and giving up — returning the 429 to the caller — when the wait would be too long."""

    def get_retry_after(self, response: Any) -> float | None:
        standard = super().get_retry_after(response)
        return standard if standard is not None else rate_limit_wait(response.headers)

    def increment(
        self,
        method: Any = None,
        url: Any = None,
        response: Any = None,
        error: Any = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Self:
        if response is not None and response.status == 429:
            wait = self.get_retry_after(response)
            if wait is not None and wait > MAX_WAIT_SECONDS:
                raise MaxRetryError(_pool, url, "rate limited for too long")  # type: ignore[arg-type]
        return super().increment(method, url, response, error, _pool, _stacktrace)


def rate_limit_wait(headers: Any) -> float | None:
    """Seconds until a Rocket.Chat rate limit resets, from `Retry-After` or `X-RateLimit-Reset`."""
    retry_after = headers.get("Retry-After")
    if retry_after is not None and str(retry_after).strip().isdigit():
        return float(retry_after)
    reset = headers.get("X-RateLimit-Reset")
    if reset is None:
        return None
    try:
        return max(0.0, float(reset) / 1000 - time.time())
    except ValueError:
        return None


def retry_policy() -> Retry:
    return RateLimitRetry(
        total=2,
        connect=1,
        read=1,
        status_forcelist=(429, 500, 502, 503, 504),
        backoff_factor=0.5,
        respect_retry_after_header=True,
        raise_on_status=False,  # after the last try, hand back the response so errors can be explained
    )


class RecordingRocketChat(RocketChat):  # type: ignore[misc]
    """`rocketchat_API` client that keeps the last HTTP response, whose headers (rate limits) its
    exceptions do not carry."""

    last_response: requests.Response | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session.hooks["response"].append(self._record)

    def _record(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        self.last_response = response
        return response


def session(bearer: str | None = None) -> requests.Session:
    s = requests.Session()
    adapter = HTTPAdapter(max_retries=retry_policy())
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    if bearer:
        # OAuth access tokens from Rocket.Chat's own OAuth provider authenticate REST calls as the user.
        s.headers["Authorization"] = f"Bearer {bearer}"
    return s


def user_client(settings: Settings, access_token: str) -> RecordingRocketChat:
    """Acts as one user, with their own OAuth access token: Rocket.Chat enforces what they may see."""
    return RecordingRocketChat(
        server_url=settings.rocketchat_url, session=session(access_token), timeout=TIMEOUT_SECONDS
    )


def bot_client(settings: Settings) -> RecordingRocketChat:
    """The bot's own account (personal access token), only for the bot's own work."""
    return RecordingRocketChat(
        server_url=settings.rocketchat_url,
        auth_token=settings.rocketchat_bot_token,
        user_id=settings.rocketchat_bot_user_id,
        session=session(),
        timeout=TIMEOUT_SECONDS,
    )


def seconds(value: float | None) -> int | None:
    return None if value is None else max(1, math.ceil(value))
