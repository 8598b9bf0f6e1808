"""A clock that moves only when told: the rate limiters' clock in tests and `bench/`, shared by the emulated
Rocket.Chat and the bot's limiter so that both see the same windows open and reset."""

from __future__ import annotations

import threading
import time


class ManualClock:
    """Seconds since the epoch, starting now, that pass only through `advance` — or `sleep`, which by
    default lets its time pass at once. With `blocking_sleep`, a sleeper waits until someone else advances
    the clock past its wake-up time (a test can then act while, say, the sync waits for its share)."""

    def __init__(self, start: float | None = None, *, blocking_sleep: bool = False) -> None:
        self._now = time.time() if start is None else start
        self._blocking = blocking_sleep
        self._changed = threading.Condition()
        self._wakes: list[float] = []  # when each sleeper wakes up

    def __call__(self) -> float:
        with self._changed:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._changed:
            self._now += seconds
            self._changed.notify_all()

    def sleep(self, seconds: float) -> None:
        if not self._blocking:
            self.advance(seconds)
            return
        with self._changed:
            wake = self._now + seconds
            self._wakes.append(wake)
            self._changed.notify_all()
            try:
                if not self._changed.wait_for(lambda: self._now >= wake, timeout=60):
                    raise TimeoutError("nobody advanced the clock")
            finally:
                self._wakes.remove(wake)

    def wait_for_sleeper(self, timeout: float = 30.0) -> bool:
        """Block until someone sleeps on this clock, waiting for it to be advanced (False if `timeout`
        real seconds pass first). A sleeper the clock has already been advanced past does not count."""
        with self._changed:
            return self._changed.wait_for(lambda: any(wake > self._now for wake in self._wakes), timeout)
