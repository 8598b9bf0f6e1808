"""Deferred work yields to requests in flight (bot/ack_priority.py), and never waits without bound.

These tests check order and outcome, not speed: the waits are events and generous timeouts."""

from __future__ import annotations

import threading

from bot.ack_priority import AckPriority


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
