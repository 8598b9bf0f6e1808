"""Full garbage collections between bursts of requests, not in the middle of one.

CPython's cycle collector stops every thread while it runs. Its young generations are cheap (about a
millisecond), but a full collection scans every tracked object alive at that moment: measured in
`files-bot serve` under load, 10-40 ms, and whichever acks were in flight paid for it (Slack allows 3 s,
and bench/ack_latency.py compares our p99 with an app that does nothing but ack). So:

- what start-up loaded (Bolt, Flask, slack_sdk, SQLAlchemy: ~100,000 objects that live as long as the
  process) is frozen, out of every collection's reach;
- CPython keeps collecting the young generations itself;
- the full collections are ours: every `every` seconds, once no request is in flight (`AckPriority`,
  which gives up waiting after its `max_wait`, so a server that is never quiet still gets them).
"""

from __future__ import annotations

import gc
import logging
import threading

from bot.process.ack_priority import AckPriority

log = logging.getLogger(__name__)

FULL_EVERY_SECONDS = 30.0
# The third threshold counts young collections between full ones; this many never comes, so CPython
# itself no longer starts a full collection (ours reset the count).
NEVER = 2**31 - 1


class QuietCollector:
    """Runs the process's full garbage collections, each once `priority` reports a quiet moment."""

    def __init__(self, priority: AckPriority, every: float = FULL_EVERY_SECONDS) -> None:
        self._priority = priority
        self._every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._thresholds = gc.get_threshold()

    def start(self) -> None:
        """Freeze what is loaded, take the full collections over, and start running them."""
        gc.collect()
        gc.freeze()
        young, middle, _ = self._thresholds
        gc.set_threshold(young, middle, NEVER)
        self._thread = threading.Thread(target=self._run, name="quiet-gc", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Hand full collections back to CPython (tests; the server's process simply ends)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        gc.set_threshold(*self._thresholds)
        gc.unfreeze()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self._priority.wait_turn()
            try:
                gc.collect()
            except Exception:  # a finalizer that raises must not end full collections for good
                log.exception("full garbage collection failed")
