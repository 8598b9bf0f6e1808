"""The one place Rocket.Chat REST clients are made: `rocketchat_API` on a `requests` session with
timeouts and urllib3's retry handling for 429 (honouring `Retry-After` or `X-RateLimit-Reset`) and 5xx.

A client acting for a person can be given the time its command has left: no call, retry or wait then
outlasts it (the bridge App stops waiting for the bot after 10 s)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import Any, Self

import requests
from requests.adapters import HTTPAdapter
from rocketchat_API.rocketchat import RocketChat
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from bot.platforms.payloads import retry_after
from bot.platforms.rocketchat.settings import BotAccount
from bot.services.ratelimit import ServerWindow

TimeLeft = Callable[[], float]

TIMEOUT_SECONDS = 10
# Longer waits are not worth holding a request for: the user is told when to try again instead.
MAX_WAIT_SECONDS = 10
# A retry with less of the command's time left than this could only time out.
MIN_RETRY_SECONDS = 0.5


class RateLimitRetry(Retry):
    """urllib3's Retry, reading Rocket.Chat's `X-RateLimit-Reset` (ms since epoch) when `Retry-After` is
    absent, and giving up — returning the 429 to the caller — when the wait would be too long, or would
    outlast the command's `time_left`."""

    time_left: TimeLeft | None = None

    def new(self, **kw: Any) -> Self:
        retry = super().new(**kw)
        retry.time_left = self.time_left  # urllib3 makes a new Retry per attempt: keep the deadline
        return retry

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
        left = self.time_left() if self.time_left is not None else math.inf
        if left < MIN_RETRY_SECONDS:
            raise MaxRetryError(_pool, url, "no time left to retry")  # type: ignore[arg-type]
        if response is not None and response.status == 429:
            wait = self.get_retry_after(response)
            if wait is not None and wait > min(MAX_WAIT_SECONDS, left):
                raise MaxRetryError(_pool, url, "rate limited for too long")  # type: ignore[arg-type]
        return super().increment(method, url, response, error, _pool, _stacktrace)


class DeadlineAdapter(HTTPAdapter):
    """Never lets one request (with its retries' waits) outlast the command's `time_left`."""

    def __init__(self, time_left: TimeLeft | None = None) -> None:
        retry = retry_policy()
        retry.time_left = time_left
        super().__init__(max_retries=retry)
        self._time_left = time_left

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        if self._time_left is not None:
            left = self._time_left()
            if left <= 0:
                raise requests.Timeout("the command has no time left for this call")
            timeout = left if timeout is None or isinstance(timeout, tuple) else min(float(timeout), left)
        return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)


def rate_limit_wait(headers: Any) -> float | None:
    """Seconds until a Rocket.Chat rate limit resets, from `Retry-After` or `X-RateLimit-Reset`."""
    wait = retry_after(headers)
    if wait is not None:
        return float(wait)
    reset = headers.get("X-RateLimit-Reset")
    if reset is None:
        return None
    try:
        return max(0.0, float(reset) / 1000 - time.time())
    except ValueError:
        return None


def rate_limit_window(headers: Mapping[str, Any]) -> ServerWindow | None:
    """The rate-limit window a Rocket.Chat response reports (api.ts sets `X-RateLimit-Limit`, `-Remaining`
    and `-Reset`, in ms since the epoch, on every response of a limited route, refused or not); None when
    the call was not limited (the caller holds `api-bypass-rate-limit`, or the limiter is off)."""
    remaining, reset = headers.get("X-RateLimit-Remaining"), headers.get("X-RateLimit-Reset")
    if remaining is None or reset is None:
        return None
    try:
        limit_header = headers.get("X-RateLimit-Limit")
        limit = int(limit_header) if limit_header not in (None, "") else None
        resets_at = float(reset) / 1000
        left = max(0, int(remaining))
    except ValueError:
        return None
    return ServerWindow(limit=limit, remaining=left, resets_at=resets_at)


def retry_policy() -> RateLimitRetry:
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


def session(bearer: str | None = None, time_left: TimeLeft | None = None) -> requests.Session:
    s = requests.Session()
    adapter = DeadlineAdapter(time_left)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    if bearer:
        # OAuth access tokens from Rocket.Chat's own OAuth provider authenticate REST calls as the user.
        s.headers["Authorization"] = f"Bearer {bearer}"
    return s


def user_client(server_url: str, access_token: str, time_left: TimeLeft | None = None) -> RecordingRocketChat:
    """Acts as one user, with their own OAuth access token: Rocket.Chat enforces what they may see.
    `time_left`: the seconds the user's command has left, which bounds every call and retry."""
    return RecordingRocketChat(server_url=server_url, session=session(access_token, time_left), timeout=TIMEOUT_SECONDS)


def bot_client(server_url: str, account: BotAccount, time_left: TimeLeft | None = None) -> RecordingRocketChat:
    """The bot's own account (personal access token), only for the bot's own work. `time_left`: when the
    work answers a person's command, the seconds it has left."""
    return RecordingRocketChat(
        server_url=server_url,
        auth_token=account.token,
        user_id=account.user_id,
        session=session(time_left=time_left),
        timeout=TIMEOUT_SECONDS,
    )


def seconds(value: float | None) -> int | None:
    return None if value is None else max(1, math.ceil(value))
