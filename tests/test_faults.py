"""Processes killed mid-work and stopped gracefully: nothing half-written, nothing lost, nothing twice."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import requests

from tests.conftest import ANA, BEN, GENERAL, TEAM
from tests.slack_harness import SIGNING_SECRET, SlackDriver


def env_for(bot_env: dict[str, str]) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ROCKETCHAT_", "FILES_BOT_"))}
    return {**clean, **bot_env}


def kill_when(proc: subprocess.Popen[bytes], ready: callable, timeout: float = 20) -> None:  # type: ignore[valid-type]
    deadline = time.monotonic() + timeout
    while not ready() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def test_sync_killed_with_sigkill_resumes_and_leaves_the_cache_consistent(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    slack.fake.max_count = 5  # #general is 5 pages, each answered slowly
    slack.fake.latency = 0.3
    before = len(slack.fake.calls_of("files.list"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "sync"],
        env=env_for(bot_env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    kill_when(proc, lambda: len(slack.fake.calls_of("files.list")) - before >= 3)
    db = Path(bot_env["FILES_BOT_DATA_DIR"]) / "cache.sqlite"
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        partial = conn.execute("select count(*) from files").fetchone()[0]
        cursor = conn.execute("select cursor from sync_state where cursor is not null").fetchall()
    assert 0 < partial < 30 and cursor  # killed mid-way: some pages and the cursor after them
    slack.fake.latency = 0
    resumed_from = len(slack.fake.calls_of("files.list"))
    done = subprocess.run(
        [sys.executable, "-m", "bot", "sync"], env=env_for(bot_env), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    first_call = slack.fake.calls_of("files.list")[resumed_from]
    assert first_call["page"] != "1"  # it went on from the saved cursor, not from the start
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select id from files").fetchall()
        assert len(rows) == len(set(rows)) == 30
        assert conn.execute("select count(*) from sync_state where mode is not null").fetchone()[0] == 0


def test_report_job_killed_mid_send_delivers_each_report_at_most_once(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    subprocess.run(
        [sys.executable, "-m", "bot", "sync"], env=env_for(bot_env), check=True, capture_output=True, timeout=60
    )
    slack.fake.latency = 0.4
    job = [sys.executable, "-c", "from bot.services import jobs; jobs.weekly_reports()"]
    proc = subprocess.Popen(job, env=env_for(bot_env), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kill_when(proc, lambda: len(slack.fake.messages) >= 1)
    first_run = len(slack.fake.messages)
    slack.fake.latency = 0
    subprocess.run(job, env=env_for(bot_env), check=True, capture_output=True, timeout=60)
    texts = [(m["to"][0], m["text"].splitlines()[0]) for m in slack.fake.messages]
    assert len(texts) == len(set(texts)), texts  # no report reached anyone twice
    with sqlite3.connect(Path(bot_env["FILES_BOT_DATA_DIR"]) / "cache.sqlite") as conn:
        statuses = dict(conn.execute("select recipient || ' ' || conversation, status from report_ledger"))
    sent = sum(s == "sent" for s in statuses.values())
    sending = sum(s == "sending" for s in statuses.values())
    # Whatever was being sent at the kill stays `sending` and is never re-sent (it may or may not have
    # reached Slack before the kill); everything else went out exactly once.
    assert set(statuses.values()) <= {"sent", "sending"} and len(statuses) == 3 and sending <= 1
    assert sent <= len(texts) <= sent + sending and len(texts) >= first_run
    assert {to for to, _ in texts} <= {ANA, BEN}


@contextlib.contextmanager
def served(env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`files-bot serve` as its own process on a free port, configured from `env`; killed if still running."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env_for({**env, "FILES_BOT_PUBLIC_URL": url}),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{url}/healthz", timeout=1)
                break
            except requests.RequestException:  # not listening yet, or bound but still starting up
                time.sleep(0.05)
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_sigterm_lets_in_flight_requests_finish(fake_rc, rc_env):
    from tests.rocketchat_harness import ANA as RC_ANA
    from tests.rocketchat_harness import APP_SECRET, BridgeDriver

    with served(rc_env) as (proc, url):
        driver = BridgeDriver(bot_url=url, fake=fake_rc, secret=APP_SECRET)
        driver.authorize(RC_ANA)
        fake_rc.latency = 1.0  # each Rocket.Chat call now takes a second: the request is in flight a while
        answers: list[dict] = []
        worker = threading.Thread(target=lambda: answers.append(driver.command(RC_ANA)))
        worker.start()
        time.sleep(0.4)
        proc.send_signal(signal.SIGTERM)
        worker.join(timeout=30)
        assert answers and "page 1 of 3" in answers[0]["text"]  # finished, not cut off
        assert proc.wait(timeout=30) == 0
    assert "Traceback" not in proc.stderr.read().decode()  # type: ignore[union-attr]


def test_sigterm_right_after_an_ack_still_delivers_the_listing(fake_slack, bot_env):
    with served(bot_env) as (proc, url):
        driver = SlackDriver(bot_url=url, fake=fake_slack, team_id=TEAM, secret=SIGNING_SECRET)
        driver.authorize(ANA)
        fake_slack.latency = 0.5  # the listing is still to be fetched when the signal arrives
        ack, response_url = driver.command(ANA, GENERAL)
        assert ack.status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    delivered = fake_slack.responses_for(response_url)
    assert delivered and "page 1 of" in delivered[0]["text"], "the acknowledged listing was lost at shutdown"
    assert "Traceback" not in proc.stderr.read().decode()  # type: ignore[union-attr]


def test_a_locked_cache_gets_a_clear_answer_and_the_bot_stays_up(slack: SlackDriver, bot_env, monkeypatch):
    from bot.storage.sqlite import connection

    monkeypatch.setattr(connection, "BUSY_TIMEOUT_SECONDS", 0.3)
    slack.authorize(ANA)
    subprocess.run(
        [sys.executable, "-m", "bot", "sync"], env=env_for(bot_env), check=True, capture_output=True, timeout=60
    )
    db = Path(bot_env["FILES_BOT_DATA_DIR"]) / "cache.sqlite"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("begin exclusive")  # another process holds the write lock (and, in WAL, blocks readers too)
    try:
        _, url = slack.command(BEN, "C0DESIGN", "report weekly on")
        assert slack.wait_for(url)[0]["text"].startswith("Sorry — my storage is busy or full")
    finally:
        holder.execute("rollback")
        holder.close()
    assert requests.get(f"{slack.bot_url}/healthz", timeout=5).status_code == 200
    _, url = slack.command(BEN, "C0DESIGN", "report weekly on")
    assert "every week" in slack.wait_for(url)[0]["text"]


def test_a_slack_answer_slower_than_the_client_timeout_gets_an_apology(fake_slack, bot_env, monkeypatch):
    from bot.platforms.slack import client
    from tests.conftest import TEAM
    from tests.slack_harness import running_bot

    monkeypatch.setattr(client, "TIMEOUT_SECONDS", 1)  # before the bot builds its Web API clients
    with running_bot(bot_env) as url:
        slack = SlackDriver(bot_url=url, fake=fake_slack, team_id=TEAM, secret=SIGNING_SECRET)
        slack.authorize(ANA)
        fake_slack.latency = 2.5
        ack, response_url = slack.command(ANA, "C0GENERAL", "")
        assert ack.status_code == 200 and ack.text == ""  # Slack got its ack at once
        reply = slack.wait_for(response_url, timeout=30)[0]["text"]
        assert reply.startswith("Sorry — I couldn't reach the chat server")


def test_a_full_disk_during_sync_is_a_clear_error_and_the_cache_stays_consistent(
    slack: SlackDriver, bot_env, monkeypatch, capsys
):
    from bot.process.cli import main
    from bot.storage.sqlite import connection

    slack.authorize(ANA)
    for key, value in bot_env.items():
        monkeypatch.setenv(key, value)
    real_connect = sqlite3.connect

    def tiny_disk(*args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real_connect(*args, **kwargs)  # type: ignore[arg-type]
        conn.execute("pragma max_page_count = 40")  # a cache that can't grow past ~160 kB: "disk is full"
        return conn

    monkeypatch.setattr(connection.sqlite3, "connect", tiny_disk)
    slack.fake.workspaces["T0ACME"].files.extend(
        slack.fake.workspaces["T0ACME"]
        .files[0]
        .__class__(
            f"F0BIG{i:05d}",
            f"{'long-name-' * 20}{i}.txt",
            ANA,
            1_780_000_000 + i,
            10,
            "text/plain",
            "text",
            "Text",
            ["C0GENERAL"],
        )
        for i in range(3_000)
    )
    assert main(["sync"]) == 1
    assert "the cache could not be written (database or disk is full)" in capsys.readouterr().out
    monkeypatch.setattr(connection.sqlite3, "connect", real_connect)
    db = Path(bot_env["FILES_BOT_DATA_DIR"]) / "cache.sqlite"
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("select id from files").fetchall()
        assert len(rows) == len(set(rows))  # whole pages only: the failed page left nothing behind
    assert requests.get(f"{slack.bot_url}/healthz", timeout=5).status_code == 200
