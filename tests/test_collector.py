"""Full garbage collections run between requests, never during one (bot/process/collector.py).

Observed through `gc.callbacks`, which CPython calls around every collection with its generation. These
tests change the process's collector settings and put them back; the waits are events with generous
timeouts, nothing here measures speed."""

from __future__ import annotations

import gc
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot.process.ack_priority import AckPriority
from bot.process.collector import QuietCollector


@contextmanager
def full_collections() -> Iterator[threading.Event]:
    """An event set whenever a full (generation 2) collection finishes."""
    seen = threading.Event()

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info["generation"] == 2:
            seen.set()

    gc.callbacks.append(callback)
    try:
        yield seen
    finally:
        gc.callbacks.remove(callback)


def churn_cycles_that_reach_the_oldest_generation(n: int, window: int = 200_000) -> None:
    """Reference cycles that stay alive through the young collections, then become garbage: what makes
    CPython start full collections (cycles that die young are collected young)."""
    alive: deque[list[object]] = deque(maxlen=window)
    for _ in range(n):
        cycle: list[object] = []
        cycle.append(cycle)
        alive.append(cycle)


def test_cpython_no_longer_starts_full_collections_by_itself() -> None:
    thresholds = gc.get_threshold()
    collector = QuietCollector(AckPriority(), every=3600)
    collector.start()
    try:
        assert gc.get_freeze_count() > 0  # what was loaded is out of the collector's reach
        with full_collections() as full:
            churn_cycles_that_reach_the_oldest_generation(2_000_000)  # default thresholds: several full ones
            assert not full.is_set()
    finally:
        collector.stop()
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == 0


def test_a_full_collection_runs_once_no_request_is_in_flight() -> None:
    priority = AckPriority(quiet=0.01, max_wait=30)
    collector = QuietCollector(priority, every=0.05)
    priority.started()
    collector.start()  # its own first collection (before freezing) is not the one observed below
    try:
        with full_collections() as full:
            assert not full.wait(0.5), "a full collection ran while a request was in flight"
            priority.finished()
            assert full.wait(10), "no full collection once the server was quiet"
    finally:
        collector.stop()


def test_a_server_that_is_never_quiet_still_gets_full_collections() -> None:
    priority = AckPriority(quiet=0.01, max_wait=0.2)
    collector = QuietCollector(priority, every=0.05)
    with priority.request():  # a request in flight the whole time
        collector.start()
        try:
            with full_collections() as full:
                assert full.wait(10)
        finally:
            collector.stop()
