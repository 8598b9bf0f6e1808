"""The one place Slack Web API clients are made: base URL from config, timeouts, and retry handlers."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from bot.platforms.payloads import retry_after

TIMEOUT_SECONDS = 10
# Longer waits are not worth holding a worker for: the user is told when to try again instead.
MAX_RETRY_AFTER_SECONDS = 10


class BoundedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler (sleeps for `Retry-After`), but only when the wait is short."""

    def __init__(self, max_retry_count: int = 2, max_wait: int = MAX_RETRY_AFTER_SECONDS) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    def _can_retry(self, *, state: Any, request: Any, response: Any = None, error: Any = None) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        headers = response.headers
        wait = retry_after(headers)
        if wait is None:
            # No header: slack_sdk waits about a second. A malformed one: it would crash, so give up.
            return not any(name.lower() == "retry-after" for name in headers)
        return wait <= self.max_wait


def retry_handlers() -> list[RetryHandler]:
    return [
        BoundedRateLimitRetryHandler(),
        ConnectionErrorRetryHandler(max_retry_count=1),
        ServerErrorRetryHandler(max_retry_count=1),
    ]


def web_client(api_url: str, token: str | None = None) -> WebClient:
    """A `WebClient` for `api_url` (`SlackSettings.api_url`; the OAuth token exchange included)."""
    return WebClient(
        token=token,
        base_url=api_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=retry_handlers(),
    )
