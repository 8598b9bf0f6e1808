"""Weekly reports delivered as the bot: to owners, subscribers and admins, each at most once, with the
chart for admins, privacy for private conversations, failures recorded, and restarts handled."""

from __future__ import annotations

import pickle
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
import time_machine

from bot.process.config import Settings
from bot.services import jobs, weekly
from bot.services.ratelimit import RateLimiter
from bot.services.sync_runner import run_sync
from bot.storage import open_store
from bot.storage.interface import Store
from bot.storage.sqlite import SCHEDULER_FILE
from tests.conftest import ANA, BEN, CAT, DESIGN, GENERAL, SECRET, TEAM
from tests.readable import readable
from tests.slack_harness import SlackDriver

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def synced(env: dict[str, str]) -> Store:
    cache = open_store(Path(env["FILES_BOT_DATA_DIR"]))
    run_sync(Settings.from_env(env), cache, RateLimiter())
    return cache


def deliver(env: dict[str, str], cache: Store, now: datetime = MONDAY_9) -> weekly.Summary:
    return weekly.run(cache, jobs.couriers(Settings.from_env(env)), now=now, sleep=lambda _: None)


def texts_to(slack: SlackDriver, user: str) -> list[str]:
    return [readable(m) for m in slack.fake.messages if m["to"] == [user]]


def images(message: dict) -> list[dict]:
    return [b for b in message.get("blocks", []) if b["type"] == "image"]


def test_owners_get_their_channel_report_and_admins_the_workspace_report_with_chart(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    cache = synced(bot_env)
    summary = deliver(bot_env, cache)
    # #general's creator is ANA, #design's is BEN; ANA is the workspace admin.
    assert (summary.sent, summary.failed, summary.skipped) == (3, 0, 0)
    ana, ben = texts_to(slack, ANA), texts_to(slack, BEN)
    assert any("Weekly storage report for #general · 2026-W48" in t for t in ana)
    assert any("Workspace storage report · 2026-W48" in t for t in ana)
    assert len(ben) == 1 and "#design" in ben[0] and "mockups.zip" in ben[0]
    # The chart is uploaded once, shared with no conversation, and shown in the admin report by file id.
    [(chart_id, upload)] = slack.fake.uploads.items()
    assert upload["channel_id"] is None and upload["bytes"][:4] == b"\x89PNG"
    [admin_report] = [m for m in slack.fake.messages if "Workspace storage report" in m["text"]]
    assert [i["slack_file"] for i in images(admin_report)] == [{"id": chart_id}]
    statuses = {(r.conversation, r.recipient): r.status for r in cache.workspace("slack", TEAM).ledger.entries()}
    assert statuses == {(GENERAL, ANA): "sent", (DESIGN, BEN): "sent", (None, ANA): "sent"}


def test_the_same_week_is_never_sent_twice(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    cache = synced(bot_env)
    deliver(bot_env, cache)
    again = deliver(bot_env, cache, MONDAY_9.replace(hour=17))  # the job fired twice, or a second process
    assert again.sent == 0 and again.already == 3
    assert len(slack.fake.messages) == 3


def test_subscribers_are_rechecked_for_membership_at_send_time(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    cache = synced(bot_env)
    cache.workspace("slack", TEAM).reports().subscribe(DESIGN, CAT, on=True)  # CAT subscribed, but is not in #design
    summary = deliver(bot_env, cache)
    assert summary.skipped == 1 and texts_to(slack, CAT) == []
    [row] = [r for r in cache.workspace("slack", TEAM).ledger.entries() if r.recipient == CAT]
    assert row.status == "skipped" and "no longer a member" in (row.last_error or "")


def test_a_failed_send_is_retried_then_recorded_without_blocking_others(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    cache = synced(bot_env)
    # The first delivery (BEN's #design report: conversations go by name) fails on every attempt — three
    # attempts, each retried once by slack_sdk's 5xx handler — and ANA's reports go out regardless.
    slack.fake.inject("chat.postMessage", 503, body="<html>busy</html>", times=6)
    summary = deliver(bot_env, cache)
    assert summary.failed == 1 and summary.sent == 2
    [row] = [r for r in cache.workspace("slack", TEAM).ledger.entries() if r.recipient == BEN]
    assert row.status == "failed" and row.attempts == 3 and "Slack" in (row.last_error or "")


def test_private_channels_are_aggregates_for_admins_who_are_not_members(slack: SlackDriver, bot_env):
    ws = slack.fake.workspaces[TEAM]
    ws.conversations[SECRET].members.add(slack.fake.bot_user_id(TEAM))  # the bot was invited to #secret
    ws.users[CAT].is_admin = True  # CAT administers the workspace but is not in #secret
    slack.authorize(ANA)
    cache = synced(bot_env)
    deliver(bot_env, cache)
    [cat_report] = texts_to(slack, CAT)
    assert "secret" not in cat_report and SECRET not in cat_report and "private conversations (other)" in cat_report
    ana_admin = next(t for t in texts_to(slack, ANA) if "Workspace storage report" in t)
    assert f"<#{SECRET}>: 21.0 MB · 3 files" in ana_admin  # Slack names it for Ana, who is a member
    assert not any("secret-plan" in t for t in texts_to(slack, CAT))


def test_a_report_due_while_the_process_was_down_is_sent_once_on_start(slack: SlackDriver, bot_env, monkeypatch):
    from bot.process import scheduler as scheduling

    for key, value in bot_env.items():
        monkeypatch.setenv(key, value)
    slack.authorize(ANA)
    synced(bot_env)
    settings = Settings.from_env(bot_env)
    with time_machine.travel(datetime(2026, 11, 23, 8, 0, tzinfo=UTC), tick=True):
        first = scheduling.build(settings)  # the job is stored: next run Monday 09:00
        assert first.get_job(scheduling.REPORTS_JOB).next_run_time.hour == 9
        first.shutdown()
    assert slack.fake.messages == []
    with time_machine.travel(datetime(2026, 11, 23, 9, 40, tzinfo=UTC), tick=True):
        second = scheduling.build(settings)  # started 40 minutes late: within the grace window
        deadline = time.monotonic() + 20
        while len(slack.fake.messages) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        second.shutdown()
        assert len(slack.fake.messages) == 3
        third = scheduling.build(settings)  # another restart the same day
        assert third.get_job(scheduling.REPORTS_JOB).next_run_time.date().isoformat() == "2026-11-30"
        third.shutdown()
    assert len(slack.fake.messages) == 3  # once, not again


@pytest.fixture
def rc_reports(fake_rc, rc_env):
    from tests.rocketchat_harness import ADMIN
    from tests.rocketchat_harness import DESIGN as RC_DESIGN
    from tests.rocketchat_harness import GENERAL as RC_GENERAL

    fake_rc.rooms[RC_DESIGN].members.add(ADMIN)  # the bot account is in #general and #design
    fake_rc.rooms[RC_GENERAL].owners.add(ADMIN)
    cache = synced(rc_env)
    return cache


def test_rocketchat_owners_by_room_role_and_admins_by_role(fake_rc, rc_env, rc_reports, rc):
    from tests.rocketchat_harness import ANA as RC_ANA

    settings = Settings.from_env({**rc_env, "FILES_BOT_PUBLIC_URL": rc.bot_url})  # where the chart is served
    summary = weekly.run(rc_reports, jobs.couriers(settings), now=MONDAY_9, sleep=lambda _: None)
    # #design's owner ANA gets its report; the admin (the bot account's own user) owns #general and is admin.
    assert summary.sent == 3 and summary.failed == 0
    to_ana = [readable(m) for m in fake_rc.messages if m["to"] == [RC_ANA]]
    assert len(to_ana) == 1 and "#design" in to_ana[0] and "mockups.zip" in to_ana[0]
    # The admin report shows its chart by URL: the bot serves it (signed), nothing is uploaded to the server.
    [admin_report] = [m for m in fake_rc.messages if "Workspace storage report" in m["text"]]
    [image] = images(admin_report)
    chart = requests.get(image["imageUrl"], timeout=10)
    assert chart.status_code == 200 and chart.content[:4] == b"\x89PNG" and fake_rc.media == {}


def test_a_bot_that_may_not_list_admins_still_sends_the_channel_reports(fake_rc, rc_env, rc_reports):
    from tests.rocketchat_harness import ADMIN
    from tests.rocketchat_harness import ANA as RC_ANA

    fake_rc.users[ADMIN].roles = ["user", "bot"]  # roles.getUsersInRole now answers 403 (no access-permissions)
    first = weekly.run(rc_reports, jobs.couriers(Settings.from_env(rc_env)), now=MONDAY_9, sleep=lambda _: None)
    assert first.sent == 2 and first.failed == 1 and first.failures == ["admins: Rocket.Chat: 403"]
    assert [RC_ANA] in [m["to"] for m in fake_rc.messages] and len(fake_rc.messages) == 2  # channel reports
    assert not any(images(m) for m in fake_rc.messages)  # no admin report, so no chart
    # Once the permission is granted, the next run sends the admin report and nothing twice.
    fake_rc.users[ADMIN].roles = ["user", "admin"]
    second = weekly.run(rc_reports, jobs.couriers(Settings.from_env(rc_env)), now=MONDAY_9, sleep=lambda _: None)
    assert second.sent == 1 and second.already == 2 and second.failed == 0


def test_two_processes_running_the_job_at_once_send_each_report_once(slack: SlackDriver, bot_env):
    import threading

    slack.authorize(ANA)
    synced(bot_env)
    data_dir = Path(bot_env["FILES_BOT_DATA_DIR"])
    summaries: list[weekly.Summary] = []
    start = threading.Barrier(2)

    def process() -> None:
        cache = open_store(data_dir)  # its own connection, as another process would have
        start.wait()
        summaries.append(deliver(bot_env, cache))

    workers = [threading.Thread(target=process) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert sum(s.sent for s in summaries) == 3 and sum(s.already for s in summaries) == 3
    assert len(slack.fake.messages) == 3


def test_scheduler_keeps_sync_reconcile_and_reports_jobs(tmp_path):
    from bot.process import scheduler as scheduling

    settings = Settings.from_env(
        {
            "FILES_BOT_DATA_DIR": str(tmp_path),
            "FILES_BOT_REPORT_SCHEDULE": "30 7 * * fri",
            "FILES_BOT_TIMEZONE": "Europe/Paris",
        }
    )
    first = scheduling.build(settings)
    try:
        jobs_by_id = {job.id: job for job in first.get_jobs()}
        assert set(jobs_by_id) == {scheduling.REPORTS_JOB, scheduling.SYNC_JOB, scheduling.RECONCILE_JOB}
        report = jobs_by_id[scheduling.REPORTS_JOB]
        assert report.func_ref == "bot.services.jobs:weekly_reports"
        assert report.next_run_time.weekday() == 4 and (report.next_run_time.hour, report.next_run_time.minute) == (
            7,
            30,
        )
        assert str(report.next_run_time.tzinfo) == "Europe/Paris"
    finally:
        first.shutdown()
    assert (tmp_path / SCHEDULER_FILE).exists()
    changed = scheduling.build(Settings.from_env({"FILES_BOT_DATA_DIR": str(tmp_path)}))  # schedule changed
    try:
        assert changed.get_job(scheduling.REPORTS_JOB).next_run_time.weekday() == 0
    finally:
        changed.shutdown()


def test_jobs_stored_under_a_function_path_that_has_moved_keep_their_next_run(tmp_path):
    """An upgrade moved the job functions (bot.jobs → bot.services.jobs): the stored jobs can't be loaded any
    more, yet the scheduler starts, and the weekly report stays due when it was (a run missed while the bot
    was down for the upgrade is still made)."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

    from bot.process import scheduler as scheduling

    settings = Settings.from_env({"FILES_BOT_DATA_DIR": str(tmp_path)})
    store = tmp_path / SCHEDULER_FILE
    due = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 11, 23, 8, 0, tzinfo=UTC), tick=False):
        old = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{store}")})
        old.start(paused=True)
        # A function that exists today is stored, then its path is written over with the old one.
        weekly_at_9 = CronTrigger.from_crontab("0 9 * * mon", timezone="UTC")
        old.add_job("bot.services.jobs:weekly_reports", weekly_at_9, id=scheduling.REPORTS_JOB)
        old.shutdown()
        with sqlite3.connect(store) as conn:
            [(state,)] = conn.execute("select job_state from apscheduler_jobs where id = ?", [scheduling.REPORTS_JOB])
            stored = pickle.loads(state)
            stored["func"] = "bot.jobs:weekly_reports"
            conn.execute(
                "update apscheduler_jobs set job_state = ? where id = ?", [pickle.dumps(stored), scheduling.REPORTS_JOB]
            )
        upgraded = scheduling.build(settings)
        try:
            job = upgraded.get_job(scheduling.REPORTS_JOB)
            assert job.func_ref == "bot.services.jobs:weekly_reports"
            assert job.next_run_time == due
        finally:
            upgraded.shutdown()
