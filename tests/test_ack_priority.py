"""Deferred work yields to requests in flight (bot/process/ack_priority.py), and never waits without bound.

These tests check order and outcome, not speed: the waits are events and generous timeouts."""

from __future__ import annotations

import threading

from bot.process.ack_priority import AckPriority


def _waiter(priority: AckPriority) -> tuple[threading.Thread, threading.Event, list[bool]]:
    done = threading.Event()
    outcome: list[bool] = []

    def run() -> None:
        outcome.append(priority.wait_turn())
        done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, done, outcome


def test_an_idle_server_lets_work_run_at_once() -> None:
    assert AckPriority(quiet=0.01, max_wait=30).wait_turn() is True


def test_work_waits_while_a_request_is_in_flight_and_runs_once_it_ends() -> None:
    priority = AckPriority(quiet=0.01, max_wait=30)
    priority.started()
    _, done, outcome = _waiter(priority)
    assert not done.wait(0.3), "deferred work ran while a request was still being acknowledged"
    priority.finished()
    assert done.wait(10), "deferred work did not run after the request ended"
    assert outcome == [True]


def test_work_waits_until_the_last_of_several_requests_ends() -> None:
    priority = AckPriority(quiet=0.01, max_wait=30)
    priority.started()
    priority.started()
    _, done, _ = _waiter(priority)
    priority.finished()
    assert not done.wait(0.3), "one request still in flight, yet deferred work ran"
    priority.finished()
    assert done.wait(10)


def test_a_steady_stream_of_requests_cannot_starve_work_forever() -> None:
    priority = AckPriority(quiet=0.01, max_wait=0.2)
    with priority.request():  # never ends while the worker waits
        _, done, outcome = _waiter(priority)
        assert done.wait(10), "deferred work waited past its bound"
    assert outcome == [False]


def test_the_request_context_counts_even_when_handling_fails() -> None:
    priority = AckPriority(quiet=0.01, max_wait=30)
    try:
        with priority.request():
            raise RuntimeError("handler failed")
    except RuntimeError:
        pass
    assert priority.wait_turn() is True


# -- deferred work: queued, and started by one dispatcher once the server is quiet -------------------------
def test_deferred_work_starts_once_the_request_in_flight_ends_in_the_order_queued() -> None:
    priority = AckPriority(quiet=0.01, max_wait=30)
    started: list[str] = []
    both = threading.Event()

    def start(name: str) -> None:
        started.append(name)
        if len(started) == 2:
            both.set()

    priority.started()
    priority.defer(lambda: start("first"))
    priority.defer(lambda: start("second"))
    assert not both.wait(0.3) and started == [], "deferred work started while a request was in flight"
    priority.finished()
    assert both.wait(10), "deferred work did not start after the request ended"
    assert started == ["first", "second"]


def test_deferred_work_on_an_idle_server_starts_and_the_dispatcher_serves_again() -> None:
    priority = AckPriority(quiet=0.01, max_wait=30)
    for _ in range(2):  # the second time, the dispatcher is asleep on an empty queue and must wake
        done = threading.Event()
        priority.defer(done.set)
        assert done.wait(10)


def test_a_steady_stream_of_requests_cannot_hold_deferred_work_back_forever() -> None:
    priority = AckPriority(quiet=0.01, max_wait=0.2)
    done = threading.Event()
    with priority.request():  # never ends while the work waits
        priority.defer(done.set)
        assert done.wait(10), "deferred work waited past its bound"


def test_work_that_fails_to_start_does_not_stop_the_work_behind_it() -> None:
    priority = AckPriority(quiet=0.01, max_wait=30)
    done = threading.Event()

    def broken() -> None:
        raise RuntimeError("pool shut down")

    priority.started()
    priority.defer(broken)
    priority.defer(done.set)
    priority.finished()
    assert done.wait(10)
    again = threading.Event()
    priority.defer(again.set)
    assert again.wait(10), "the dispatcher stopped after a failed start"


def test_at_shutdown_queued_work_is_started_even_while_requests_are_in_flight() -> None:
    priority = AckPriority(quiet=0.01, max_wait=30)
    done = threading.Event()
    priority.started()
    priority.defer(done.set)
    priority.drain()  # what `files-bot serve` does once its in-flight requests are done
    assert done.is_set()
