"""A workspace's data does not outlive the bot's place in it: `app_uninstalled` purges the cache (files,
conversations, snapshots, subscriptions, the report ledger, sync state), `files-bot forget --workspace W`
does it on an admin's say-so, and a Rocket.Chat server the configuration no longer names is forgotten
by the next sync — never reported on through another server."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from bot.platforms.slack.workspace import bot_tokens
from bot.process.config import Settings
from bot.sandbox.emulators.rocketchat_api import FakeRocketChat
from bot.services import jobs, weekly
from bot.services.ratelimit import RateLimiter
from bot.services.sync_runner import run_sync
from bot.storage.model import LedgerKey, LedgerStatus
from bot.storage.sqlite import CACHE_FILE, SLACK_INSTALLATIONS_FILE
from bot.storage.sqlite.store import SQLiteStore
from handlers.records import Conversation
from tests.conftest import ANA, BEN, DESIGN, TEAM
from tests.slack_harness import SlackDriver

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TABLES = ("files", "presences", "conversations", "snapshots", "subscriptions", "report_ledger", "sync_state")
OTHER = "T0OTHER"


def cache_of(env: dict[str, str]) -> SQLiteStore:
    return SQLiteStore(Path(env["FILES_BOT_DATA_DIR"]) / CACHE_FILE)


def rows_of(cache: SQLiteStore, platform: str, workspace: str) -> dict[str, int]:
    """Row counts in the SQLite file itself, table by table."""
    with closing(sqlite3.connect(cache.path)) as db:
        return {
            t: db.execute(
                f"select count(*) from {t} where platform = ? and workspace = ?", [platform, workspace]
            ).fetchone()[0]
            for t in TABLES
        }


def installed_bot_tokens(env: dict[str, str]) -> dict[str, str]:
    settings = Settings.from_env(env)
    assert settings.slack is not None
    return bot_tokens(settings.data_dir, settings.slack.client_id)


def used_workspace(slack: SlackDriver, env: dict[str, str]) -> SQLiteStore:
    """Synced, subscribed to, reported on (ledger and snapshots), plus another workspace that must stay."""
    slack.authorize(ANA)
    cache = cache_of(env)
    run_sync(Settings.from_env(env), cache, RateLimiter())
    cache.workspace("slack", TEAM).reports().subscribe(DESIGN, ANA, on=True)
    weekly.run(cache, jobs.couriers(Settings.from_env(env)), now=MONDAY_9, sleep=lambda _: None)
    cache.workspace("slack", OTHER).save_conversation(Conversation("C0ELSE", "else", private=False))
    cache.workspace("slack", OTHER).reports().subscribe("C0ELSE", "U0ELSE", on=True)
    assert all(rows_of(cache, "slack", TEAM).values()), rows_of(cache, "slack", TEAM)
    return cache


def test_app_uninstalled_purges_the_workspace_and_still_deletes_its_tokens(slack: SlackDriver, bot_env):
    cache = used_workspace(slack, bot_env)
    assert installed_bot_tokens(bot_env)  # installed
    assert slack.event({"type": "app_uninstalled", "event_ts": "1780000000.000100"}).status_code == 200
    assert rows_of(cache, "slack", TEAM) == dict.fromkeys(TABLES, 0)
    assert ("slack", TEAM) not in cache.workspaces() and ("slack", OTHER) in cache.workspaces()
    assert cache.workspace("slack", OTHER).reports().subscribers("C0ELSE") == {"U0ELSE"}
    assert installed_bot_tokens(bot_env) == {}  # Bolt's own listener still ran: the tokens are gone


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ROCKETCHAT_", "FILES_BOT_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def test_files_bot_forget_purges_one_workspace(slack: SlackDriver, bot_env):
    cache = used_workspace(slack, bot_env)
    done = cli(bot_env, "forget", "--workspace", TEAM)
    assert done.returncode == 0, done.stderr
    assert f"slack:{TEAM}" in done.stdout and "30 file(s)" in done.stdout
    assert "still installed" in done.stdout  # the next sync would read it again: the admin is told
    assert rows_of(cache, "slack", TEAM) == dict.fromkeys(TABLES, 0)
    assert cache.workspace("slack", OTHER).reports().subscribers("C0ELSE") == {"U0ELSE"}
    unknown = cli(bot_env, "forget", "--workspace", "T0NOSUCH")
    assert unknown.returncode == 1 and "nothing is kept for T0NOSUCH" in unknown.stdout


def test_a_rocketchat_server_no_longer_configured_is_never_reported_on_and_is_forgotten(fake_rc, rc_env, tmp_path):
    from tests.rocketchat_harness import ADMIN, seed
    from tests.rocketchat_harness import DESIGN as RC_DESIGN

    fake_rc.rooms[RC_DESIGN].members.add(ADMIN)
    run_sync(Settings.from_env(rc_env), cache_of(rc_env), RateLimiter())
    old_host = urlparse(fake_rc.base_url).netloc
    with FakeRocketChat() as other:  # the bot now serves another server, with users of the same ids
        seed(other)
        env = {
            **rc_env,
            "ROCKETCHAT_URL": other.base_url,
            "ROCKETCHAT_BOT_TOKEN": other.personal_access_token(ADMIN),
        }
        settings = Settings.from_env(env)
        summary = weekly.run(cache_of(env), jobs.couriers(settings), now=MONDAY_9, sleep=lambda _: None)
        assert other.messages == [] and summary.sent == 0  # the old server's reports never go to the new one
        run_sync(settings, cache_of(env), RateLimiter())
        assert ("rocketchat", old_host) not in cache_of(env).workspaces()
        assert ("rocketchat", urlparse(other.base_url).netloc) in cache_of(env).workspaces()
        assert rows_of(cache_of(env), "rocketchat", old_host) == dict.fromkeys(TABLES, 0)


def test_a_version_1_cache_is_migrated_to_presences(tmp_path):
    path = tmp_path / CACHE_FILE
    conn = sqlite3.connect(path, isolation_level=None)
    from bot.storage.sqlite import schema

    conn.execute("create table schema_migrations (version integer primary key, applied real)")
    schema.cache_v1(conn)
    conn.execute("insert into schema_migrations values (1, 0)")
    conn.executemany(
        "insert into conversations values ('slack', 'T1', ?, ?, ?, '[]', ?, null)",
        [("C1", "design", 0, 1), ("G1", "secret", 1, 1), ("C9", "left", 0, 0)],
    )
    conn.executemany(
        "insert into files values ('slack', 'T1', ?, ?, ?, 'pdfs', 'application/pdf', ?, ?, 1.0, 'https://x', "
        "1.0, 2.0, 3, ?, null)",
        [
            ("F1", "kept.pdf", 10, "C1", BEN, 0),
            ("F2", "secret.pdf", 20, "G1", ANA, 0),
            ("F3", "gone.pdf", 30, "C1", ANA, 1),  # deleted: not carried over
            ("F4", "left.pdf", 40, "C9", ANA, 0),  # in a conversation the bot had left: not carried over
        ],
    )
    conn.close()
    cache = SQLiteStore(path)
    assert cache.schema_version == len(schema.CACHE_MIGRATIONS) >= 2
    ws = cache.workspace("slack", "T1")
    assert sorted(f.name for f in ws.files()) == ["kept.pdf", "secret.pdf"]
    assert ws.files(conversation="G1")[0].name == "secret.pdf"
    with closing(sqlite3.connect(path)) as db:
        state = dict(db.execute("select fid, seen_generation from presences").fetchall())
    assert sorted(state.values()) == [3, 3]  # generations carry over: no pass has to start again


def test_the_weekly_job_keeps_thirteen_weeks_of_snapshots_and_ledger(slack: SlackDriver, bot_env):
    cache = used_workspace(slack, bot_env)
    ws = cache.workspace("slack", TEAM)
    for week in ("2026-W33", "2026-W34", "2026-W35"):  # MONDAY_9 is in 2026-W48
        ws.record_snapshot(week, conversation=DESIGN, file_count=1, total_bytes=1, by_type={})
        assert ws.ledger.claim(LedgerKey(DESIGN, ANA, week))
        ws.ledger.finish(LedgerKey(DESIGN, ANA, week), LedgerStatus.SENT, attempts=1)
    weekly.run(cache, jobs.couriers(Settings.from_env(bot_env)), now=MONDAY_9, sleep=lambda _: None)
    with closing(sqlite3.connect(cache.path)) as db:
        weeks = {w for (w,) in db.execute("select week from snapshots union select week from report_ledger")}
    assert weeks == {"2026-W35", "2026-W48"}  # 13 weeks back from W48 is W35; W33 and W34 are gone


def test_a_locked_installation_file_is_not_taken_for_an_uninstall(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    cache = cache_of(bot_env)
    run_sync(Settings.from_env(bot_env), cache, RateLimiter())
    holder = sqlite3.connect(Path(bot_env["FILES_BOT_DATA_DIR"]) / SLACK_INSTALLATIONS_FILE, isolation_level=None)
    holder.execute("begin exclusive")  # another process is writing the installation store
    try:
        results = run_sync(Settings.from_env(bot_env), cache, RateLimiter())
    finally:
        holder.execute("rollback")
        holder.close()
    assert results["slack"].error  # the platform's sync failed this time, and says so
    # nothing forgotten
    assert ("slack", TEAM) in cache.workspaces() and len(cache.workspace("slack", TEAM).files()) == 30


def test_a_workspace_uninstalled_while_the_bot_was_down_is_forgotten_by_the_next_sync(slack: SlackDriver, bot_env):
    cache = used_workspace(slack, bot_env)
    with sqlite3.connect(Path(bot_env["FILES_BOT_DATA_DIR"]) / SLACK_INSTALLATIONS_FILE) as store:
        for table in ("slack_bots", "slack_installations"):  # what Bolt's own listener deletes on uninstall
            store.execute(f"delete from {table} where team_id = ?", [TEAM])
    results = run_sync(Settings.from_env(bot_env), cache, RateLimiter())
    assert results[f"slack:{TEAM}"].forgotten and results[f"slack:{OTHER}"].forgotten
    assert rows_of(cache, "slack", TEAM) == dict.fromkeys(TABLES, 0)
