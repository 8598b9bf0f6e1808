"""Acks before deferred work: work that may wait (listings posted to Slack's response_url) yields to
requests that may not (Slack's 3-second ack).

One process serves both, and on a small machine they share a couple of cores and one GIL. A burst of
`/files` commands would otherwise start its own listings — HTTP calls, JSON, Block Kit — while later
commands in the same burst still wait for their ack. A response_url stays valid for 30 minutes, an ack
for 3 seconds, so deferred work waits until the server has been quiet for a moment, bounded by
`max_wait` so that a steady stream of requests never starves it (bench/ack_latency.py measures the gain).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class AckPriority:
    """Counts requests in flight; `wait_turn()` lets deferred work run once the server is quiet."""

    QUIET_SECONDS = 0.02  # the gap between two requests of one burst is far shorter than this
    MAX_WAIT_SECONDS = 2.0

    def __init__(self, *, quiet: float = QUIET_SECONDS, max_wait: float = MAX_WAIT_SECONDS) -> None:
        self._quiet = quiet
        self._max_wait = max_wait
        self._changed = threading.Condition()
        self._in_flight = 0
        self._last_activity = float("-inf")

    @contextmanager
    def request(self) -> Iterator[None]:
        """Wrap the handling of one inbound request."""
        self.started()
        try:
            yield
        finally:
            self.finished()

    def started(self) -> None:
        with self._changed:
            self._in_flight += 1
            self._last_activity = time.monotonic()

    def finished(self) -> None:
        with self._changed:
            self._in_flight -= 1
            self._last_activity = time.monotonic()
            # Waking every waiting worker on each request would itself cost the acks CPU: only at zero.
            if self._in_flight == 0:
                self._changed.notify_all()

    def wait_turn(self) -> bool:
        """Block until no request is in flight and none has been for `quiet` seconds, or `max_wait`
        has passed. Returns whether the server was quiet (False: gave up waiting)."""
        deadline = time.monotonic() + self._max_wait
        with self._changed:
            while True:
                now = time.monotonic()
                if self._in_flight == 0 and now - self._last_activity >= self._quiet:
                    return True
                if now >= deadline:
                    return False
                # Idle but not yet quiet long enough: re-check when it would be; busy: when it drains.
                pause = self._quiet - (now - self._last_activity) if self._in_flight == 0 else deadline - now
                self._changed.wait(min(pause, deadline - now))
