"""The file cache and its sync: only conversations the bot is in, incremental, deletions, resume, limits."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from bot.process.config import Settings
from bot.sandbox.emulators.slack_api import File
from bot.services.ratelimit import RateLimiter
from bot.services.sync_runner import run_sync
from bot.storage import open_store
from bot.storage.interface import Store
from bot.storage.sqlite import CACHE_FILE
from bot.storage.sqlite.store import SQLiteStore
from tests.conftest import ANA, BEN, DESIGN, GENERAL, SECRET_MARKERS, TEAM
from tests.slack_harness import SlackDriver


def cache_for(env: dict[str, str]) -> Store:
    return open_store(Path(env["FILES_BOT_DATA_DIR"]))


def names(cache: Store, platform: str, workspace: str, conversation: str | None = None) -> list[str]:
    return sorted(f.name for f in cache.workspace(platform, workspace).files(conversation=conversation))


def sync(env: dict[str, str], *, full: bool = False) -> dict:
    return run_sync(Settings.from_env(env), cache_for(env), RateLimiter(), full=full)


# -- the cache itself ----------------------------------------------------------------------------------------
def test_cache_is_created_migrated_and_in_wal_mode(tmp_path):
    cache = SQLiteStore(tmp_path / CACHE_FILE)
    again = SQLiteStore(tmp_path / CACHE_FILE)  # reopening migrates nothing twice
    assert cache.schema_version == again.schema_version == 2
    with closing(sqlite3.connect(cache.path)) as db:
        assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
        tables = {name for (name,) in db.execute("select name from sqlite_master where type = 'table'")}
        indexes = {name for (name,) in db.execute("select name from sqlite_master where type = 'index'")}
    expected = {"files", "presences", "conversations", "snapshots", "subscriptions", "report_ledger", "sync_state"}
    assert expected <= tables
    assert "presences_by_file" in indexes


def test_a_failed_transaction_leaves_nothing_behind(tmp_path):
    cache = open_store(tmp_path).workspace("slack", "T")
    with pytest.raises(RuntimeError), cache.transaction():
        cache.reports().subscribe("C", "U", on=True)
        raise RuntimeError("killed mid-write")
    assert cache.reports().subscribers("C") == set()


# -- Slack -------------------------------------------------------------------------------------------------
def test_sync_takes_only_conversations_the_bot_is_in(slack: SlackDriver, bot_env):
    slack.authorize(ANA)  # installs the bot
    results = sync(bot_env)
    assert results[f"slack:{TEAM}"].conversations == 2 and results[f"slack:{TEAM}"].files == 30
    cache = cache_for(bot_env)
    assert len(names(cache, "slack", TEAM, conversation=GENERAL)) == 25
    assert "mockups.zip" in names(cache, "slack", TEAM, conversation=DESIGN)
    assert not any(m in " ".join(names(cache, "slack", TEAM)) for m in SECRET_MARKERS)
    owners = {c.id: c.owners for c in cache.workspace("slack", TEAM).conversations()}
    assert owners == {GENERAL: (ANA,), DESIGN: (BEN,)}
    sync_calls = [(p, t) for m, p, t in slack.fake.calls if m == "files.list"]
    assert all(slack.fake.tokens[t].kind == "bot" for _, t in sync_calls)


def test_incremental_sync_reads_only_new_files_and_keeps_one_row_per_file(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    sync(bot_env)
    before = len(slack.fake.calls_of("files.list"))
    now = int(time.time())
    slack.fake.workspaces[TEAM].files.append(
        File("F0NEW0001", "fresh.png", BEN, now, 4_000, "image/png", "png", "PNG", [GENERAL])
    )
    result = sync(bot_env)[f"slack:{TEAM}"]
    calls = slack.fake.calls_of("files.list")[before:]
    assert all("ts_from" in c for c in calls)  # only newer than the watermark (minus the overlap)
    assert result.files < 10  # the new file plus the overlap, not the 30 already known
    cache = cache_for(bot_env)
    rows = cache.workspace("slack", TEAM).files()
    assert len(rows) == 31 and len({r.id for r in rows}) == 31
    assert "fresh.png" in names(cache, "slack", TEAM, conversation=GENERAL)


def test_full_reconcile_forgets_vanished_files(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    sync(bot_env)
    files = slack.fake.workspaces[TEAM].files
    files[:] = [f for f in files if f.name != "spec.pdf"]
    result = sync(bot_env, full=True)[f"slack:{TEAM}"]
    assert (result.removed, result.deleted) == (1, 1)
    assert "spec.pdf" not in names(cache_for(bot_env), "slack", TEAM)


def test_file_deleted_event_forgets_the_file(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    sync(bot_env)
    assert slack.event({"type": "file_deleted", "file_id": "F0DES003", "event_ts": "1.2"}).status_code == 200
    assert "mockups.zip" not in names(cache_for(bot_env), "slack", TEAM)


def test_a_sync_killed_midway_resumes_where_it_stopped(slack: SlackDriver, bot_env, monkeypatch):
    from bot.services import sync as sync_module

    slack.authorize(ANA)
    monkeypatch.setattr(sync_module, "PAGE_SIZE", 10)
    # #general (25 files, 3 pages): the second page fails, retries included. #design goes on regardless.
    slack.fake.inject("files.list", 500, body="oops", times=2, after=1)
    assert sync(bot_env)[f"slack:{TEAM}"].failed == [GENERAL]
    cache = cache_for(bot_env)
    kept = cache.workspace("slack", TEAM)
    assert len(kept.files(conversation=DESIGN)) == 5
    assert len(kept.files(conversation=GENERAL)) == 10  # the first page, committed with its cursor
    state = kept.sync_state(GENERAL)
    assert state.mode == "full" and state.cursor and state.cursor.position.page == 2
    before = len(slack.fake.calls_of("files.list"))
    sync(bot_env)
    resumed = slack.fake.calls_of("files.list")[before:]
    assert resumed[0]["page"] == "2" and resumed[0]["channel"] == GENERAL
    rows = kept.files()
    assert len(rows) == 30 and len({r.id for r in rows}) == 30
    assert kept.sync_state(GENERAL).mode is None


def test_files_bot_sync_command(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ROCKETCHAT_", "FILES_BOT_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sync"], env={**env, **bot_env}, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert f"slack:{TEAM}: 2 conversation(s)" in result.stdout and "30 file(s) stored" in result.stdout
    with sqlite3.connect(Path(bot_env["FILES_BOT_DATA_DIR"]) / "cache.sqlite") as conn:
        assert conn.execute("select count(*) from files").fetchone()[0] == 30


# -- Rocket.Chat ------------------------------------------------------------------------------------------
def test_rocketchat_sync_uses_the_bot_account_and_its_rooms(fake_rc, rc_env):
    from tests.rocketchat_harness import ADMIN
    from tests.rocketchat_harness import GENERAL as RC_GENERAL

    fake_rc.rooms[RC_GENERAL].owners.add(ADMIN)
    results = sync(rc_env)
    [(where, result)] = results.items()
    assert where.startswith("rocketchat:") and result.conversations == 1 and result.files == 25
    workspace = where.split(":", 1)[1]
    cache = cache_for(rc_env)
    assert not any(m in " ".join(names(cache, "rocketchat", workspace)) for m in SECRET_MARKERS)
    owners = [c.owners for c in cache.workspace("rocketchat", workspace).conversations() if c.id == RC_GENERAL]
    assert owners == [(ADMIN,)]
    assert {
        fake_rc.bearer_user(r) or r.headers.get("X-User-Id") for r in fake_rc.requests if r.path.endswith(".files")
    } == {ADMIN}
    before = len(fake_rc.calls_of("channels.files"))
    again = sync(rc_env)[where]
    assert len(fake_rc.calls_of("channels.files")) - before == 1  # one page reaches the watermark
    assert again.files < 25 and len(cache.workspace("rocketchat", workspace).files()) == 25


# -- the rate limiter --------------------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_background_work_leaves_a_reserve_for_people():
    clock = Clock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep, per_minute={"files.list": 10}, reserve_fraction=0.4)
    key = ("slack", "T", "files.list")
    taken = 0
    while limiter.acquire_background(key, timeout=0):
        taken += 1
    assert taken == 6 and clock.now == 0  # 10 minus the reserve of 4, without waiting
    for _ in range(4):
        limiter.acquire_interactive(key)  # people never wait
    assert limiter.tokens(key) == 0
    for _ in range(25):
        limiter.acquire_interactive(key)
    assert limiter.tokens(key) == -10  # debt stops at one bucket: the platform refuses the rest
    clock.now += 60  # a minute later the bucket has refilled by 10
    assert limiter.acquire_background(key, timeout=60)  # waits for the refill above the reserve
    assert clock.now == pytest.approx(90, abs=0.1)


def test_retry_after_pauses_background_work():
    clock = Clock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    key = ("rocketchat", "chat", "channels.files")
    limiter.pause(key, 20)
    assert not limiter.acquire_background(key, timeout=5)
    assert limiter.acquire_background(key, timeout=60) and clock.now >= 20
