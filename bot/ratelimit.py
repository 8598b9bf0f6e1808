"""One rate limiter per (platform, workspace, method), shared by interactive `/files` and background sync.

Platforms count requests per app, per workspace, per method (Slack's tiers; Rocket.Chat's per-endpoint
limits), so both kinds of traffic draw from one token bucket. Interactive calls always go through at once
(they only draw tokens down); background calls wait until the bucket holds more than a reserve kept for
people, and everything waits out a `Retry-After` the platform announced. So a sync never makes anyone's
`/files` wait or fail.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

Key = tuple[str, str, str]  # (platform, workspace, method)

# Requests per minute by method; Slack's Tier 3 (files.list) is "50+ per minute".
DEFAULT_PER_MINUTE = 50
PER_MINUTE: dict[str, int] = {"files.list": 50, "users.conversations": 20, "conversations.info": 50}
RESERVE_FRACTION = 0.4


@dataclass
class _Bucket:
    capacity: float
    tokens: float
    updated: float
    paused_until: float = 0.0


class RateLimiter:
    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        per_minute: dict[str, int] | None = None,
        reserve_fraction: float = RESERVE_FRACTION,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._per_minute = {**PER_MINUTE, **(per_minute or {})}
        self._reserve_fraction = reserve_fraction
        self._buckets: dict[Key, _Bucket] = {}
        self._lock = threading.Lock()

    def acquire_interactive(self, key: Key) -> None:
        """A person is waiting: take a token and go, even into debt (the platform's 429 is the real limit)."""
        with self._lock:
            bucket = self._refill(key)
            # Debt is capped: past one bucket's worth the platform is refusing calls, not counting them.
            bucket.tokens = max(bucket.tokens - 1, -bucket.capacity)

    def acquire_background(self, key: Key, *, timeout: float = 300.0) -> bool:
        """Wait until a token above the people's reserve is free (or `timeout` passes: False)."""
        deadline = self._clock() + timeout
        while True:
            with self._lock:
                bucket = self._refill(key)
                now = self._clock()
                reserve = bucket.capacity * self._reserve_fraction
                if now >= bucket.paused_until and bucket.tokens - 1 >= reserve:
                    bucket.tokens -= 1
                    return True
                wait = max(bucket.paused_until - now, (reserve + 1 - bucket.tokens) / self._rate(key), 0.05)
            if self._clock() + wait > deadline:
                return False
            self._sleep(wait)

    def pause(self, key: Key, seconds: float) -> None:
        """The platform said `Retry-After: seconds`: background work on this key waits that long."""
        with self._lock:
            bucket = self._refill(key)
            bucket.paused_until = max(bucket.paused_until, self._clock() + seconds)

    def tokens(self, key: Key) -> float:
        with self._lock:
            return self._refill(key).tokens

    def _rate(self, key: Key) -> float:
        return self._per_minute.get(key[2], DEFAULT_PER_MINUTE) / 60.0

    def _refill(self, key: Key) -> _Bucket:
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            capacity = float(self._per_minute.get(key[2], DEFAULT_PER_MINUTE))
            bucket = self._buckets[key] = _Bucket(capacity, capacity, now)
        bucket.tokens = min(bucket.capacity, bucket.tokens + (now - bucket.updated) * self._rate(key))
        bucket.updated = now
        return bucket


_shared: RateLimiter | None = None
_shared_lock = threading.Lock()


def shared() -> RateLimiter:
    """The process's limiter: `/files` and the scheduled sync in this process draw from the same buckets."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = RateLimiter()
        return _shared
