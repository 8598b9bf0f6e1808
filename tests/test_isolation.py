"""One process serves both platforms: a burst on one must not delay the other's acknowledgements."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from bot.platforms.rocketchat import client, interactions
from bot.process.server import ROCKETCHAT_SLOTS
from bot.sandbox.emulators.rocketchat_api import FakeRocketChat
from bot.sandbox.emulators.slack_api import FakeSlack
from bot.services import ratelimit
from bot.services.ratelimit import RateLimiter
from tests.clocks import ManualClock
from tests.conftest import ANA as SLACK_ANA
from tests.conftest import GENERAL as SLACK_GENERAL
from tests.conftest import TEAM
from tests.rocketchat_harness import ADMIN, APP_SECRET, GENERAL, BridgeDriver
from tests.slack_harness import SIGNING_SECRET, SlackDriver, running_bot

BURST = 20  # more Rocket.Chat commands than the server has threads (16)
SLACK_COMMANDS = 5
GUARD_SECONDS = 20  # only bounds a failure: passing never waits for it


def eventually(condition: Callable[[], bool], guard: float = GUARD_SECONDS) -> bool:
    """Whether `condition` came true (polled) before `guard` seconds, which only bound a failure."""
    deadline = time.monotonic() + guard
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def both(
    fake_slack: FakeSlack,
    fake_rc: FakeRocketChat,
    bot_env: dict[str, str],
    rc_env: dict[str, str],
    rc_clock: ManualClock,
) -> Iterator[tuple[SlackDriver, BridgeDriver]]:
    ratelimit._shared = RateLimiter(clock=rc_clock, sleep=rc_clock.sleep)
    with running_bot({**bot_env, **rc_env}) as url:
        yield (
            SlackDriver(bot_url=url, fake=fake_slack, team_id=TEAM, secret=SIGNING_SECRET),
            BridgeDriver(bot_url=url, fake=fake_rc, secret=APP_SECRET),
        )


def test_slack_acks_are_answered_while_a_burst_of_rocketchat_work_is_stuck(both, fake_rc, monkeypatch):
    slack, rc = both
    # The Rocket.Chat work stays stuck for as long as the test holds the server's answer.
    monkeypatch.setattr(interactions, "ANSWER_SECONDS", 120.0)
    monkeypatch.setattr(client, "TIMEOUT_SECONDS", 120)
    slack.authorize(SLACK_ANA)
    # An admin: api-bypass-rate-limit, so no rate limit thins the burst out (nor would one an admin raised).
    rc.authorize(ADMIN)
    assert "25 files" in rc.command(ADMIN, GENERAL, "everywhere")["text"]  # the bot learns it is not limited
    stuck = fake_rc.hold("subscriptions.get")  # every "everywhere" starts there

    rc_answers: list[dict] = []
    lock = threading.Lock()

    def rocketchat_everywhere() -> None:
        answer = rc.command(ADMIN, GENERAL, "everywhere")
        with lock:
            rc_answers.append(answer)

    burst = [threading.Thread(target=rocketchat_everywhere) for _ in range(BURST)]
    for t in burst:
        t.start()
    # The whole burst has landed: each request is stuck at the server or already answered.
    landed = eventually(lambda: stuck.waiting + len(rc_answers) == BURST)

    acked = threading.Event()
    acks: list[int] = []

    def slack_commands() -> None:
        for _ in range(SLACK_COMMANDS):
            acks.append(slack.command(SLACK_ANA, SLACK_GENERAL)[0].status_code)
        acked.set()

    threading.Thread(target=slack_commands, daemon=True).start()
    acked_while_stuck = acked.wait(GUARD_SECONDS)
    with lock:
        answered_while_stuck = list(rc_answers)
    still_stuck = stuck.waiting
    stuck.release()
    for t in burst:
        t.join(timeout=60)

    assert acked_while_stuck and acks == [200] * SLACK_COMMANDS
    assert landed and still_stuck == ROCKETCHAT_SLOTS  # the Rocket.Chat work was still blocked meanwhile
    # Over the slots, Rocket.Chat requests were told at once to come back, never left to hang.
    assert len(answered_while_stuck) == BURST - ROCKETCHAT_SLOTS
    assert all("busy" in a["text"] and a["surface"] == "notification" for a in answered_while_stuck)
    listings = [a for a in rc_answers if a not in answered_while_stuck]
    assert len(listings) == ROCKETCHAT_SLOTS and all("25 files" in a["text"] for a in listings)
