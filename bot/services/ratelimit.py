"""One rate limiter per (platform, workspace, method), shared by interactive `/files` and background sync.

Platforms count requests per app or client, per workspace, per method, so both kinds of traffic draw from
one budget per key. Two kinds of budget:

* **Slack** counts per app, workspace and method (its tiers): a token bucket refilling continuously.
  Interactive calls always go through at once (they only draw tokens down; Slack's 429 and `Retry-After`
  are the real limit).
* **Rocket.Chat** counts per route and *client address* in fixed windows (`API_Enable_Rate_Limiter_Limit_
  Calls_Default` calls per `…_Time_Default` ms, 10 per minute by default). Every call files-bot makes comes
  from one address, so every user and the sync share one window per route. Each limited response says
  where the window stands (`X-RateLimit-Limit`, `-Remaining`, `-Reset`), and `observe` adopts it; users
  who hold `api-bypass-rate-limit` get no such headers and do not count (`exempt`). Here a person's call
  never goes over: when the window is spent they are told when it resets instead (`try_acquire`).

Every budget keeps a share for people: background calls (the sync) only take tokens above
`RESERVE_FRACTION`, and a command's second and later calls on a route (a scan, "everywhere") only above
`SCAN_RESERVE_FRACTION`, so one person's scan leaves the last calls to other people's single ones.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

Key = tuple[str, str, str]  # (platform, workspace, method or route)
Caller = tuple[str, str, str]  # (platform, workspace, user id)

# Requests per minute by method; Slack's Tier 3 (files.list) is "50+ per minute".
DEFAULT_PER_MINUTE = 50
PER_MINUTE: dict[str, int] = {"files.list": 50, "users.conversations": 20, "conversations.info": 50}
# Rocket.Chat's defaults for every REST route: API_Enable_Rate_Limiter_Limit_Calls_Default and
# API_Enable_Rate_Limiter_Limit_Time_Default (60000 ms). Assumed until the server's headers say otherwise.
ROCKETCHAT_CALLS = 10
ROCKETCHAT_WINDOW_SECONDS = 60.0
WINDOWS: dict[str, tuple[int, float]] = {"rocketchat": (ROCKETCHAT_CALLS, ROCKETCHAT_WINDOW_SECONDS)}
RESERVE_FRACTION = 0.4
SCAN_RESERVE_FRACTION = 0.2
# A window is taken to reset this long after the moment the server named: its clock and ours differ, and
# a call a moment early is refused (and counted).
RESET_MARGIN_SECONDS = 1.0
_MIN_SLEEP = 0.05


@dataclass(frozen=True)
class ServerWindow:
    """A fixed window as the server reported it: `limit` calls (None: not said), `remaining` of them left,
    and when it resets (seconds since the epoch, on the limiter's clock)."""

    limit: int | None
    remaining: int
    resets_at: float


@dataclass
class _Bucket:
    capacity: float
    tokens: float
    updated: float
    paused_until: float = 0.0
    window: float | None = None  # a fixed window's length; None: a token bucket refilling continuously
    resets_at: float | None = None  # when the open window ends (margin included); None: no window open
    in_flight: int = 0  # window calls taken and not yet settled (the server may not have counted them yet)


class RateLimiter:
    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        per_minute: dict[str, int] | None = None,
        reserve_fraction: float = RESERVE_FRACTION,
        windows: dict[str, tuple[int, float]] | None = None,
    ) -> None:
        """`clock` is wall-clock time: Rocket.Chat's windows reset at a moment the server names."""
        self._clock = clock
        self._sleep = sleep
        self._per_minute = {**PER_MINUTE, **(per_minute or {})}
        self._windows = WINDOWS if windows is None else windows
        self._reserve_fraction = reserve_fraction
        self._buckets: dict[Key, _Bucket] = {}
        self._exempt: set[Caller] = set()
        self._lock = threading.Lock()

    # -- taking calls ---------------------------------------------------------------------------------
    def acquire_interactive(self, key: Key) -> None:
        """A person is waiting: take a token and go, even into debt (the platform's 429 is the real limit)."""
        with self._lock:
            bucket = self._refill(key)
            # Debt is capped: past one bucket's worth the platform is refusing calls, not counting them.
            bucket.tokens = max(bucket.tokens - 1, -bucket.capacity)

    def try_acquire(self, key: Key, *, reserve: float = 0.0, patience: float = 0.0) -> float | None:
        """Take a token if one is free above `reserve` (a fraction of the budget), waiting at most
        `patience` seconds for it. None: taken. Else the seconds until one would be free."""
        deadline = self._clock() + patience
        while True:
            with self._lock:
                wait = self._take(key, reserve)
            if wait is None or self._clock() + wait > deadline:
                return wait
            self._sleep(max(wait, _MIN_SLEEP))

    def acquire_background(self, key: Key, *, timeout: float = 300.0) -> bool:
        """Wait until a token above the people's reserve is free (or `timeout` passes: False)."""
        return self.try_acquire(key, reserve=self._reserve_fraction, patience=timeout) is None

    def pause(self, key: Key, seconds: float) -> None:
        """The platform said `Retry-After: seconds`: background work on this key waits that long."""
        with self._lock:
            bucket = self._refill(key)
            bucket.paused_until = max(bucket.paused_until, self._clock() + seconds)

    # -- what the server said -------------------------------------------------------------------------
    def settle(self, key: Key, *, refund: bool = False) -> None:
        """A windowed call taken with `try_acquire` is over. `refund`: the server did not count it."""
        with self._lock:
            bucket = self._refill(key)
            bucket.in_flight = max(0, bucket.in_flight - 1)
            if refund:
                bucket.tokens = min(bucket.capacity, bucket.tokens + 1)

    def observe(self, key: Key, seen: ServerWindow) -> None:
        """Adopt the server's view of a window. Within the window we counted in, the server's count can
        only lower ours (which already leaves out our calls in flight). Of another window, or another
        limit, all we know is the server's count: our calls still in flight may not be in it yet, so
        they stay spent."""
        with self._lock:
            bucket = self._refill(key)
            same_limit = seen.limit is None or seen.limit == bucket.capacity
            if seen.limit is not None and seen.limit > 0:
                bucket.capacity = float(seen.limit)
            remaining = min(float(seen.remaining), bucket.capacity)
            named = seen.resets_at + RESET_MARGIN_SECONDS
            same_window = bucket.resets_at is not None and abs(bucket.resets_at - named) < 1.0
            if same_window and same_limit:
                bucket.tokens = min(bucket.tokens, remaining)
            else:
                bucket.tokens = remaining - bucket.in_flight
            bucket.resets_at = seen.resets_at + RESET_MARGIN_SECONDS
            if bucket.resets_at < self._clock():  # the window named has already ended
                bucket.resets_at = None
                bucket.tokens = bucket.capacity - bucket.in_flight

    def is_exempt(self, caller: Caller) -> bool:
        with self._lock:
            return caller in self._exempt

    def set_exempt(self, caller: Caller, exempt: bool) -> None:
        """Whether the server limits `caller` at all (Rocket.Chat's `api-bypass-rate-limit`)."""
        with self._lock:
            if exempt:
                self._exempt.add(caller)
            else:
                self._exempt.discard(caller)

    # -- inspection -----------------------------------------------------------------------------------
    def tokens(self, key: Key) -> float:
        with self._lock:
            return self._refill(key).tokens

    def resets_in(self, key: Key) -> float | None:
        """Seconds until the open window of `key` resets; None: no window open (or not a window)."""
        with self._lock:
            bucket = self._refill(key)
            return None if bucket.resets_at is None else max(0.0, bucket.resets_at - self._clock())

    # -- the buckets ----------------------------------------------------------------------------------
    def _take(self, key: Key, reserve: float) -> float | None:
        # Called with the lock held.
        bucket = self._refill(key)
        now = self._clock()
        kept = math.floor(bucket.capacity * reserve) if bucket.window is not None else bucket.capacity * reserve
        if now >= bucket.paused_until and bucket.tokens - 1 >= kept:
            bucket.tokens -= 1
            if bucket.window is not None:
                bucket.in_flight += 1
                if bucket.resets_at is None:  # the server opens a window at the first call after one ends
                    bucket.resets_at = now + bucket.window + RESET_MARGIN_SECONDS
            return None
        if bucket.window is not None:
            refill = bucket.resets_at - now if bucket.resets_at is not None else 0.0
        else:
            refill = (kept + 1 - bucket.tokens) / self._rate(key)
        return max(bucket.paused_until - now, refill, 0.0)

    def _rate(self, key: Key) -> float:
        return self._per_minute.get(key[2], DEFAULT_PER_MINUTE) / 60.0

    def _refill(self, key: Key) -> _Bucket:
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = self._new_bucket(key, now)
        if bucket.window is None:
            elapsed = max(0.0, now - bucket.updated)  # a wall clock may step back
            bucket.tokens = min(bucket.capacity, bucket.tokens + elapsed * self._rate(key))
        elif bucket.resets_at is not None and now >= bucket.resets_at:
            # A new window: whatever is still in flight is the server's to count in one or the other.
            bucket.tokens, bucket.resets_at, bucket.in_flight = bucket.capacity, None, 0
        bucket.updated = now
        return bucket

    def _new_bucket(self, key: Key, now: float) -> _Bucket:
        if key[0] in self._windows:
            calls, seconds = self._windows[key[0]]
            return _Bucket(float(calls), float(calls), now, window=seconds)
        capacity = float(self._per_minute.get(key[2], DEFAULT_PER_MINUTE))
        return _Bucket(capacity, capacity, now)


_shared: RateLimiter | None = None
_shared_lock = threading.Lock()


def shared() -> RateLimiter:
    """The process's limiter: `/files` and the scheduled sync in this process draw from the same buckets."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = RateLimiter()
        return _shared
