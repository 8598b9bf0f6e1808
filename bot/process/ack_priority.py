"""Acks before deferred work: work that may wait (listings posted to Slack's response_url) yields to
requests that may not (Slack's 3-second ack).

One process serves both, and on a small machine they share a couple of cores and one GIL. A burst of
`/files` commands would otherwise start its own listings — HTTP calls, JSON, Block Kit — while later
commands in the same burst still wait for their ack. A response_url stays valid for 30 minutes, an ack
for 3 seconds, so deferred work waits until the server has been quiet for a moment, bounded by
`max_wait` so that a steady stream of requests never starves it (bench/ack_latency.py measures the gain).

Deferred work is queued, and one dispatcher thread releases it: during a burst only that thread wakes
(when the count of requests in flight drops to zero), not one worker per queued listing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)


class AckPriority:
    """Counts requests in flight; deferred work runs once the server is quiet."""

    QUIET_SECONDS = 0.02  # the gap between two requests of one burst is far shorter than this
    MAX_WAIT_SECONDS = 2.0

    def __init__(self, *, quiet: float = QUIET_SECONDS, max_wait: float = MAX_WAIT_SECONDS) -> None:
        self._quiet = quiet
        self._max_wait = max_wait
        self._changed = threading.Condition()
        self._in_flight = 0
        self._last_activity = float("-inf")
        self._deferred: deque[tuple[float, Callable[[], object]]] = deque()
        self._dispatcher: threading.Thread | None = None

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
            # Waking the waiters on each request would itself cost the acks CPU: only at zero.
            if self._in_flight == 0:
                self._changed.notify_all()

    def defer(self, start: Callable[[], object]) -> None:
        """Call `start` once the server is quiet (or after `max_wait`), from the dispatcher thread.
        `start` should hand the work to a pool and return: everything queued behind it waits for it."""
        with self._changed:
            self._deferred.append((time.monotonic(), start))
            if self._dispatcher is None:
                self._dispatcher = threading.Thread(target=self._dispatch, name="ack-priority", daemon=True)
                self._dispatcher.start()
            elif len(self._deferred) == 1:
                self._changed.notify_all()  # the dispatcher sleeps while the queue is empty

    def drain(self) -> None:
        """Start everything queued now, quiet or not: at shutdown, once the requests in flight have
        finished, so that no acknowledged work is lost (the pools finish it before the process ends)."""
        with self._changed:
            ready = self._take()
        self._start(ready)

    def wait_turn(self) -> bool:
        """Block until no request is in flight and none has been for `quiet` seconds, or `max_wait`
        has passed. Returns whether the server was quiet (False: gave up waiting)."""
        with self._changed:
            return self._wait_quiet(time.monotonic() + self._max_wait)

    def _wait_quiet(self, deadline: float) -> bool:
        # Called with the condition held.
        while True:
            now = time.monotonic()
            if self._in_flight == 0 and now - self._last_activity >= self._quiet:
                return True
            if now >= deadline:
                return False
            # Idle but not yet quiet long enough: re-check when it would be; busy: when it drains.
            pause = self._quiet - (now - self._last_activity) if self._in_flight == 0 else deadline - now
            self._changed.wait(min(pause, deadline - now))

    def _dispatch(self) -> None:
        while True:
            with self._changed:
                while not self._deferred:
                    self._changed.wait()
                # The oldest queued item bounds the wait: nothing waits longer than max_wait.
                self._wait_quiet(self._deferred[0][0] + self._max_wait)
                ready = self._take()
            self._start(ready)

    def _take(self) -> list[Callable[[], object]]:
        # Called with the condition held.
        ready = [start for _, start in self._deferred]
        self._deferred.clear()
        return ready

    @staticmethod
    def _start(ready: list[Callable[[], object]]) -> None:
        for start in ready:
            try:
                start()
            except Exception:  # a failed hand-off must not stop the dispatcher for everyone else
                log.exception("deferred work could not be started")
