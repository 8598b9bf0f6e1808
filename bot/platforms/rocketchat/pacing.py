"""Rocket.Chat calls paced by the process's shared limiter, one window per route (see bot/services/ratelimit.py).

Rocket.Chat counts REST calls per route and client address, and every call files-bot makes comes from one
address: people and the sync share each route's window. A `Pacer` takes each call from its route's window
before making it, and afterwards adopts what the server's `X-RateLimit-*` headers said. A caller whose
successful calls carry no such headers is not limited at all (`api-bypass-rate-limit`): its calls stop
counting. A person's call the window has no room for is not made (`RateLimited`, with the wait); the
sync's calls (`background`) wait for the share above the people's reserve, and when the server refuses
one all the same (another client on the address, clocks that differ) wait for the window it names and
try again.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import TypeVar

from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException, RocketBadStatusCodeException

from bot.platforms.rocketchat.client import RecordingRocketChat, TimeLeft, rate_limit_window, seconds
from bot.services.ratelimit import SCAN_RESERVE_FRACTION, Key, RateLimiter
from handlers.errors import RateLimited

T = TypeVar("T")

log = logging.getLogger(__name__)

# A person may wait this long for a window to reset before being told to come back later.
PATIENCE_SECONDS = 2.0
# The sync waits at most this long for its share of a window before giving the call up.
BACKGROUND_TIMEOUT_SECONDS = 300.0
# How often the sync tries a call the server refused with a 429.
BACKGROUND_ATTEMPTS = 3


class Pacer:
    """The pacing of one command's calls (or one sync's) on the server `workspace`, made as `caller` (a user
    id)."""

    def __init__(
        self,
        limiter: RateLimiter,
        workspace: str,
        caller: str,
        *,
        background: bool = False,
        time_left: TimeLeft | None = None,
    ) -> None:
        self._limiter = limiter
        self._workspace = workspace
        self._caller = ("rocketchat", self._workspace, caller)
        self._background = background
        self._time_left = time_left
        self._routes_called: set[str] = set()

    def call(self, api: RecordingRocketChat, route: str, call: Callable[[], T]) -> T:
        """`call()`, one request on `route` made through `api`, taken from the route's window."""
        key = self._key(route)
        attempts = BACKGROUND_ATTEMPTS if self._background else 1
        for attempt in range(1, attempts + 1):
            taken = self._take(key)
            api.last_response = None  # what `_settle` reads must be this call's response
            try:
                return call()
            except (RocketApiException, RocketBadStatusCodeException) as error:
                if error.status_code != 429 or attempt == attempts:
                    raise
                log.info("sync refused by the rate limiter on %s; waiting for its window", route)
            finally:
                self._settle(key, taken, api)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def resets_in(self, route: str) -> float | None:
        """Seconds until `route`'s window resets, as the server last said (None: no window known)."""
        return self._limiter.resets_in(self._key(route))

    def _key(self, route: str) -> Key:
        return ("rocketchat", self._workspace, route)

    def _take(self, key: Key) -> bool:
        """Take the call from its window; False when it does not count (the server exempts this caller)."""
        if self._limiter.is_exempt(self._caller):
            return False
        if self._background:
            if not self._limiter.acquire_background(key, timeout=BACKGROUND_TIMEOUT_SECONDS):
                raise RateLimited("no rate-limit budget left for the sync", seconds(self._limiter.resets_in(key)))
            return True
        # A command's first call on a route may take the window's last call; its further ones (a scan, a
        # walk) leave a few to other people's first calls.
        first = key[2] not in self._routes_called
        self._routes_called.add(key[2])
        time_left = self._time_left() if self._time_left is not None else math.inf
        patience = min(PATIENCE_SECONDS, max(0.0, time_left - PATIENCE_SECONDS))
        wait = self._limiter.try_acquire(key, reserve=0.0 if first else SCAN_RESERVE_FRACTION, patience=patience)
        if wait is not None:
            raise RateLimited(f"{key[2]}: the rate-limit window is spent", seconds(wait))
        return True

    def _settle(self, key: Key, taken: bool, api: RecordingRocketChat) -> None:
        response = api.last_response
        seen = rate_limit_window(response.headers) if response is not None else None
        succeeded = response is not None and response.status_code == 200
        if taken:
            # A success without the headers: the server did not count the call.
            self._limiter.settle(key, refund=succeeded and seen is None)
        if seen is not None:
            self._limiter.observe(key, seen)
            self._limiter.set_exempt(self._caller, False)
        elif succeeded:
            self._limiter.set_exempt(self._caller, True)
