"""Refuses a signed request seen before: a signature is good once, for the 5-minute window it is valid in.

Both Slack and our Rocket.Chat bridge sign `v0:{timestamp}:{body}`; an attacker who captured one request
could otherwise send it again until its timestamp expires. Memory is bounded by the window.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

WINDOW_SECONDS = 300


class ReplayGuard:
    def __init__(self, clock: Callable[[], float] = time.time, window: float = WINDOW_SECONDS) -> None:
        self._clock = clock
        self._window = window
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_time(self, signature: str) -> bool:
        """True the first time a signature is presented within the window; False for a replay."""
        now = self._clock()
        with self._lock:
            if len(self._seen) > 10_000:  # forget what can no longer be replayed (its timestamp expired)
                self._seen = {s: t for s, t in self._seen.items() if now - t <= self._window * 2}
            if signature in self._seen and now - self._seen[signature] <= self._window * 2:
                return False
            self._seen[signature] = now
            return True
