"""`/files` on Rocket.Chat within the server's real rate limiter (10 calls a minute per route, for every
call files-bot makes: they all come from one address), and within the bridge App's patience."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import requests

from bot.platforms.rocketchat import interactions
from bot.process.config import Settings
from bot.sandbox.emulators.rocketchat_api import FakeRocketChat, File, Room
from bot.services import ratelimit
from bot.services.ratelimit import RateLimiter
from bot.services.sync_runner import run_sync
from bot.storage import open_store
from tests.clocks import ManualClock
from tests.rocketchat_harness import ADMIN, ANA, APP_SECRET, BASE, BEN, CAT, GENERAL, BridgeDriver, names
from tests.slack_harness import running_bot

PEOPLE = (ANA, BEN, CAT)


def text_of(answer: dict) -> str:
    return json.dumps(answer, ensure_ascii=False)


def add_rooms(fake: FakeRocketChat, count: int, members: set[str], *, prefix: str = "rcRoom") -> list[str]:
    ids = [f"{prefix}{n:04d}" for n in range(count)]
    for n, rid in enumerate(ids):
        fake.rooms[rid] = Room(rid, f"room-{n:04d}", "c", set(members))
    return ids


def test_people_share_one_window_and_are_told_when_it_resets(rc, rc_clock):
    for person in PEOPLE:
        rc.authorize(person)
    answers = [rc.command(PEOPLE[n % 3]) for n in range(10)]
    assert all("page 1 of 3" in a["text"] for a in answers)  # ten people's /files: the window's ten calls

    rc_clock.advance(20)
    limited = rc.command(CAT)
    assert limited["surface"] == "notification"
    assert "slow down. Please try again in about 41 seconds" in limited["text"]  # the window's reset, and a margin
    assert rc.fake.rate_limiter.refused == 0  # the bot knew: it did not spend a call to hear "no"
    assert len(rc.fake.calls_of("channels.files")) == 10

    rc_clock.advance(41)
    assert "page 1 of 3" in rc.command(CAT)["text"]


def test_a_window_spent_elsewhere_is_learned_from_the_servers_answer(rc, rc_clock):
    rc.authorize(ANA)
    token = {"X-User-Id": CAT, "X-Auth-Token": rc.fake.personal_access_token(CAT)}
    for _ in range(10):  # another client on the same address (a script on the bot's host) takes the window
        requests.get(f"{rc.fake.base_url}/api/v1/channels.files", params={"roomId": GENERAL}, headers=token)
    rc_clock.advance(15)
    refused = rc.command(ANA)
    assert "try again in about 46 seconds" in refused["text"]  # from the 429's X-RateLimit-Reset, and a margin
    assert rc.fake.rate_limiter.refused == 1
    before = len(rc.fake.requests)
    assert "try again in about 46 seconds" in rc.command(ANA)["text"]
    assert len(rc.fake.requests) == before  # learned: no second call into a spent window


def test_everywhere_is_bounded_even_for_someone_the_server_does_not_limit(rc, fake_rc):
    add_rooms(fake_rc, 400, {ADMIN})
    rc.authorize(ADMIN)  # an admin: api-bypass-rate-limit, so only the bot's own bound applies
    answer = rc.command(ADMIN, GENERAL, "everywhere name:zzzz")
    calls = [r for r in fake_rc.requests if r.path.startswith("/api/v1/") and r.path != "/api/v1/me"]
    assert len(calls) == 1 + 10  # subscriptions.get, then one call per room for at most 10 rooms
    assert "No files match" in text_of(answer)
    assert "I checked 10 of your 401 conversations" in text_of(answer)  # GENERAL and the 400


def test_everywhere_within_the_window_leaves_calls_for_others_and_says_when_to_go_on(rc, fake_rc):
    add_rooms(fake_rc, 40, {CAT})
    for person in PEOPLE:
        rc.authorize(person)
    answer = rc.command(CAT, GENERAL, "everywhere name:zzzz")
    assert "I checked 8 of your 41 conversations before the chat server asked me to slow down" in text_of(answer)
    assert "try again in about 61 seconds" in text_of(answer)
    assert fake_rc.rate_limiter.refused == 0
    # The walk stopped two calls short of the window: other people's /files still get through.
    assert "page 1 of 3" in rc.command(BEN)["text"]
    assert "page 1 of 3" in rc.command(ANA)["text"]
    assert "try again in about 61 seconds" in rc.command(BEN)["text"]


def test_a_walk_looks_first_where_the_cache_knows_files_are(rc, fake_rc, rc_env):
    rooms = add_rooms(fake_rc, 40, {ANA})
    fake_rc.rooms[rooms[37]].members.add(ADMIN)  # the bot is in one of them, the only one with a file
    fake_rc.files.append(File("rcFarFile001", "far-away.pdf", rooms[37], ANA, 5_000, "application/pdf", BASE))
    data = Path(rc_env["FILES_BOT_DATA_DIR"])
    run_sync(Settings.from_env(rc_env), open_store(data), ratelimit.shared())
    rc.authorize(ANA)
    answer = rc.command(ANA, GENERAL, "everywhere pdfs")
    assert "far-away.pdf" in names(answer)  # found although the walk reads only 10 of ANA's 44 rooms
    assert "of your 44 conversations" in text_of(answer)


def test_a_hung_call_gets_a_partial_answer_before_the_app_gives_up(rc, fake_rc, monkeypatch):
    monkeypatch.setattr(interactions, "ANSWER_SECONDS", 2.0)
    rc.authorize(ANA)
    held = fake_rc.hold("channels.files", after=1)  # the walk's second room never answers
    answer = rc.command(ANA, GENERAL, "everywhere")
    assert held.waiting == 1  # answered while the call still hangs
    assert "I checked 1 of your 4 conversations" in text_of(answer)
    assert names(answer)[:2] == ["notes-24.txt", "notes-23.txt"]
    held.release()


def test_the_sync_never_takes_the_calls_people_need(fake_rc, rc_env, tmp_path):
    """A bot account the server limits (no bot role): its sync waits for the share above the reserve."""
    fake_rc.users[ADMIN].roles = ["user"]
    for rid in add_rooms(fake_rc, 12, {ADMIN}, prefix="rcSync"):
        fake_rc.files.append(File(f"{rid}-f", f"{rid}.txt", rid, ADMIN, 10, "text/plain", BASE))
    clock = ManualClock(blocking_sleep=True)
    fake_rc.rate_limiter.clock = clock
    ratelimit._shared = limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    settings = Settings.from_env(rc_env)
    cache = open_store(tmp_path / "sync")
    with running_bot(rc_env) as url:
        rc = BridgeDriver(bot_url=url, fake=fake_rc, secret=APP_SECRET)
        for person in PEOPLE:
            rc.authorize(person)
        sync = threading.Thread(target=run_sync, args=(settings, cache, limiter))
        sync.start()
        # Let the sync run a window at a time until it waits for more of channels.files than its share.
        while clock.wait_for_sleeper() and not fake_rc.calls_of("channels.files"):
            clock.advance(60)
        assert len(fake_rc.calls_of("channels.files")) == 6  # of the window's 10
        answers = [rc.command(person) for person in (ANA, BEN, CAT, ANA)]
        assert all("page 1 of 3" in a["text"] for a in answers)  # the people's four are theirs
        assert "try again in about" in rc.command(BEN)["text"]
        while sync.is_alive():  # and the sync goes on, a window at a time
            if clock.wait_for_sleeper(timeout=1):
                clock.advance(60)
            sync.join(timeout=0.1)
    assert fake_rc.rate_limiter.refused == 0
    assert settings.rocketchat is not None
    kept = cache.workspace("rocketchat", settings.rocketchat.workspace)
    rooms = [c.id for c in kept.conversations() + kept.left_conversations()]
    synced = {room for room in rooms if kept.files(conversation=room)}
    assert synced == {GENERAL, *(f"rcSync{n:04d}" for n in range(12))}
