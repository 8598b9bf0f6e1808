"""Rocket.Chat's REST rate limiter: the emulator's copy of it, and the bot's model of it (bot/services/ratelimit.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from bot.platforms.rocketchat.client import rate_limit_window
from bot.sandbox.emulators.rocketchat_api import FakeRocketChat
from bot.services.ratelimit import RateLimiter, ServerWindow
from tests.clocks import ManualClock
from tests.rocketchat_harness import ADMIN, ANA, BEN, GENERAL, seed

ROUTE = "channels.files"


@pytest.fixture
def server() -> Iterator[tuple[FakeRocketChat, ManualClock]]:
    clock = ManualClock()
    with FakeRocketChat() as fake:
        fake.rate_limiter.clock = clock
        seed(fake)
        yield fake, clock


def call(fake: FakeRocketChat, user: str, method: str = ROUTE, **headers: str) -> requests.Response:
    auth = {"X-User-Id": user, "X-Auth-Token": fake.personal_access_token(user), **headers}
    return requests.get(f"{fake.base_url}/api/v1/{method}", params={"roomId": GENERAL}, headers=auth, timeout=10)


# -- the emulator ---------------------------------------------------------------------------------------------
def test_ten_calls_a_minute_per_route_and_address_then_the_real_429(server):
    fake, clock = server
    answers = [call(fake, ANA if i % 2 else BEN) for i in range(10)]  # two users, one address: one budget
    assert [a.status_code for a in answers] == [200] * 10
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == [str(n) for n in range(9, -1, -1)]
    assert {a.headers["X-RateLimit-Limit"] for a in answers} == {"10"}
    reset_ms = int(answers[0].headers["X-RateLimit-Reset"])
    assert reset_ms == int((clock() + 60) * 1000)  # a fixed window: the same reset on every answer in it
    assert {a.headers["X-RateLimit-Reset"] for a in answers} == {str(reset_ms)}

    clock.advance(15)
    refused = call(fake, ANA)
    assert refused.status_code == 429 and "Retry-After" not in refused.headers
    assert refused.json() == {
        "success": False,
        "error": "Error, too many requests. Please slow down. You must wait 45 seconds before trying this "
        "endpoint again. [error-too-many-requests]",
    }
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["X-RateLimit-Reset"] == str(reset_ms)

    assert call(fake, ANA, "rooms.info").status_code == 200  # another route has its own budget
    assert call(fake, ANA, **{"X-Real-IP": "10.0.0.7"}).status_code == 200  # so has another address
    clock.advance(46)
    again = call(fake, ANA)
    assert again.status_code == 200 and again.headers["X-RateLimit-Remaining"] == "9"


def test_bypass_permission_and_switches(server):
    fake, _clock = server
    for _ in range(12):
        exempt = call(fake, ADMIN)  # the admin role holds api-bypass-rate-limit
        assert exempt.status_code == 200 and "X-RateLimit-Limit" not in exempt.headers
    assert call(fake, ANA).headers["X-RateLimit-Remaining"] == "9"  # the admin's calls did not count

    fake.rate_limiter.bypass_roles.add("user")  # an admin granting the permission to every user
    assert "X-RateLimit-Limit" not in call(fake, ANA).headers
    fake.rate_limiter.bypass_roles.discard("user")
    fake.rate_limiter.calls = 100  # API_Enable_Rate_Limiter_Limit_Calls_Default raised
    assert call(fake, BEN).headers["X-RateLimit-Limit"] == "100"
    fake.rate_limiter.enabled = False  # API_Enable_Rate_Limiter off
    assert "X-RateLimit-Limit" not in call(fake, BEN).headers


def test_unauthenticated_calls_are_refused_before_they_are_counted(server):
    fake, _clock = server
    for _ in range(12):
        anonymous = requests.get(f"{fake.base_url}/api/v1/{ROUTE}", params={"roomId": GENERAL}, timeout=10)
        assert anonymous.status_code == 401 and "X-RateLimit-Limit" not in anonymous.headers
    assert call(fake, ANA).headers["X-RateLimit-Remaining"] == "9"


def test_a_refused_call_has_no_effect(server):
    fake, _clock = server
    post = {"X-User-Id": ANA, "X-Auth-Token": fake.personal_access_token(ANA)}
    statuses = [
        requests.post(
            f"{fake.base_url}/api/v1/chat.postMessage", json={"roomId": GENERAL, "text": f"m{n}"}, headers=post
        ).status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]
    assert [m["text"] for m in fake.messages] == [f"m{n}" for n in range(10)]


# -- the bot's model ------------------------------------------------------------------------------------------
KEY = ("rocketchat", "chat.example.com", ROUTE)


def test_a_window_is_shared_and_says_when_it_resets():
    clock = ManualClock(1_000.0)
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    assert [limiter.try_acquire(KEY) for _ in range(10)] == [None] * 10  # Rocket.Chat's default: 10
    assert limiter.try_acquire(KEY) == 61  # the window opened with the first call (and a margin)
    clock.advance(61)
    assert limiter.try_acquire(KEY) is None


def test_the_servers_headers_correct_the_model():
    clock = ManualClock(1_000.0)
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    assert limiter.try_acquire(KEY) is None
    limiter.settle(KEY)
    limiter.observe(KEY, ServerWindow(limit=10, remaining=2, resets_at=1_042.0))  # others used the rest
    assert limiter.try_acquire(KEY) is None and limiter.try_acquire(KEY) is None
    assert limiter.try_acquire(KEY) == 43  # when the server said the window resets, and a margin

    raised = RateLimiter(clock=clock, sleep=clock.sleep)  # an admin raised the limit to 100
    assert raised.try_acquire(KEY) is None
    raised.settle(KEY)
    raised.observe(KEY, ServerWindow(limit=100, remaining=99, resets_at=1_060.0))
    assert raised.tokens(KEY) == 99


def test_calls_in_flight_stay_spent_when_the_server_has_not_counted_them_yet():
    clock = ManualClock(1_000.0)
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    for _ in range(3):
        assert limiter.try_acquire(KEY) is None
    limiter.settle(KEY)  # the first answer came back: the server had counted only that one
    limiter.observe(KEY, ServerWindow(limit=10, remaining=9, resets_at=1_060.0))
    assert limiter.tokens(KEY) == 7  # not 9: two calls are still on their way


def test_the_sync_and_scans_leave_a_reserve_for_people():
    clock = ManualClock(1_000.0)
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    background = 0
    while limiter.acquire_background(KEY, timeout=0):
        background += 1
    assert background == 6  # 40 % of the window is kept for people
    assert limiter.try_acquire(KEY, reserve=0.2) is None and limiter.try_acquire(KEY, reserve=0.2) is None
    assert limiter.try_acquire(KEY, reserve=0.2) == 61  # a scan's further calls leave the last two
    assert limiter.try_acquire(KEY) is None and limiter.try_acquire(KEY) is None  # for people's first calls
    assert limiter.try_acquire(KEY) == 61
    assert limiter.acquire_background(KEY, timeout=120) and clock() == 1_061.0  # waits for the reset


def test_an_exempt_callers_call_is_refunded():
    limiter = RateLimiter()
    caller = ("rocketchat", "chat.example.com", "rcBotUser")
    assert limiter.try_acquire(KEY) is None
    limiter.settle(KEY, refund=True)
    limiter.set_exempt(caller, True)
    assert limiter.tokens(KEY) == 10 and limiter.is_exempt(caller)


def test_rate_limit_headers_are_read_or_absent():
    headers = {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "1780000060000"}
    assert rate_limit_window(headers) == ServerWindow(10, 3, 1_780_000_060.0)
    assert rate_limit_window({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1780000060000"}) == ServerWindow(
        None, 0, 1_780_000_060.0
    )
    assert rate_limit_window({}) is None
    assert rate_limit_window({**headers, "X-RateLimit-Reset": "soon"}) is None
    assert rate_limit_window({"X-RateLimit-Remaining": "1"}) is None
