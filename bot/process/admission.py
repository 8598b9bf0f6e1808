"""How many requests of one platform may be worked on at once.

One waitress server serves both platforms from one pool of threads. Slack's requests only hold a thread
for their ack (their work goes to the listeners' own pool), but a Rocket.Chat bridge request holds its
thread until its answer is built, calls to Rocket.Chat included. Without a bound, a burst of slow
Rocket.Chat commands (scriptable: Rocket.Chat accepts slash commands over REST) would take every thread,
and Slack's acks, due within 3 seconds, would queue behind them. With one, a request over the bound is
answered at once ("busy, try again in a moment"): it never waits for a slot, so it never holds a thread.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Admission:
    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._free = threading.BoundedSemaphore(slots)

    @contextmanager
    def slot(self) -> Iterator[bool]:
        """Yields whether this request got a slot (False: turn it away); frees the slot afterwards."""
        admitted = self._free.acquire(blocking=False)
        try:
            yield admitted
        finally:
            if admitted:
                self._free.release()
