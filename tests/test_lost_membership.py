"""The bot removed from a conversation (or the conversation archived or deleted): the sync notices, the
conversation's files stop counting, and nothing breaks meanwhile. One failing conversation, workspace or
platform never stops the others: each failure is logged and counted in /metrics."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from bot.process import metrics
from bot.process.config import Settings
from bot.services import jobs, weekly
from bot.services.ratelimit import RateLimiter
from bot.services.sync_runner import run_sync
from bot.storage import open_store
from bot.storage.interface import Store
from handlers.messages import NOT_TRACKED
from tests.conftest import ANA, BEN, DESIGN, GENERAL, SECRET, TEAM
from tests.log_capture import captured_logs
from tests.readable import readable
from tests.slack_harness import SlackDriver

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SORRY = "Sorry"


def cache_of(env: dict[str, str]) -> Store:
    return open_store(Path(env["FILES_BOT_DATA_DIR"]))


def sync(env: dict[str, str], *, full: bool = False) -> dict:
    return run_sync(Settings.from_env(env), cache_of(env), RateLimiter(), full=full)


def ask(slack: SlackDriver, user: str, channel: str, text: str) -> str:
    _, url = slack.command(user, channel, text)
    return readable(slack.wait_for(url)[0])


def failures(job: str, platform: str, scope: str) -> float:
    return (
        metrics.REGISTRY.get_sample_value(
            "files_bot_failures_total", {"job": job, "platform": platform, "scope": scope}
        )
        or 0.0
    )


def bot_in_secret(slack: SlackDriver) -> None:
    slack.fake.workspaces[TEAM].conversations[SECRET].members.add(slack.fake.bot_user_id(TEAM))


def test_reports_still_answer_right_after_the_bot_is_removed(slack: SlackDriver, bot_env):
    bot_in_secret(slack)
    slack.authorize(ANA)
    sync(bot_env)
    slack.fake.workspaces[TEAM].conversations[SECRET].members.discard(slack.fake.bot_user_id(TEAM))
    # Before the next sync the cache still lists #secret; conversations.members now answers channel_not_found.
    admin = ask(slack, ANA, GENERAL, "admin report")
    assert admin.startswith("Workspace storage report") and SECRET not in admin
    assert "secret-plan" not in admin
    assert ask(slack, BEN, SECRET, "report").splitlines()[0] == NOT_TRACKED


def test_the_sync_marks_a_conversation_the_bot_left_and_its_files_stop_counting(slack: SlackDriver, bot_env):
    bot_in_secret(slack)
    slack.authorize(ANA)
    sync(bot_env)
    assert f"<#{SECRET}>" in ask(slack, ANA, GENERAL, "admin report")
    slack.fake.workspaces[TEAM].conversations[SECRET].members.discard(slack.fake.bot_user_id(TEAM))
    result = sync(bot_env)[f"slack:{TEAM}"]
    assert result.lost == 1
    cache = cache_of(bot_env).workspace("slack", TEAM)
    assert SECRET in {c.id for c in cache.left_conversations()} and SECRET not in {c.id for c in cache.conversations()}
    assert cache.sync_state(SECRET).watermark is None  # invited back: a full pass again
    assert not any(f.name.startswith("secret-plan") for f in cache.files())
    admin = ask(slack, ANA, GENERAL, "admin report")
    assert SECRET not in admin and "private conversations" not in admin
    assert "*Files*\n30\n" in admin  # #general's 25 and #design's 5 only
    assert ask(slack, BEN, SECRET, "report").splitlines()[0] == NOT_TRACKED
    # Invited back: the next sync reads it in full again.
    bot_in_secret(slack)
    sync(bot_env)
    assert f"<#{SECRET}>" in ask(slack, ANA, GENERAL, "admin report")


@pytest.mark.parametrize("how", ["archived", "deleted"])
def test_an_archived_or_deleted_channel_is_no_longer_tracked(slack: SlackDriver, bot_env, how):
    slack.authorize(ANA)
    sync(bot_env)
    conversations = slack.fake.workspaces[TEAM].conversations
    if how == "archived":
        conversations[DESIGN].archived = True
    else:
        del conversations[DESIGN]
    assert sync(bot_env)[f"slack:{TEAM}"].lost == 1
    assert ask(slack, BEN, DESIGN, "report").splitlines()[0] == NOT_TRACKED
    assert "mockups.zip" not in " ".join(f.name for f in cache_of(bot_env).workspace("slack", TEAM).files())


def test_one_failing_conversation_does_not_stop_the_sync_of_the_others(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    before = failures("sync", "slack", "conversation")
    # #general is synced first: its files.list answers an error the retries cannot fix.
    slack.fake.inject("files.list", 200, body={"ok": False, "error": "internal_error"}, times=1)
    with captured_logs(20) as log:
        result = sync(bot_env)[f"slack:{TEAM}"]
    assert result.failed == [GENERAL]
    assert "mockups.zip" in " ".join(f.name for f in cache_of(bot_env).workspace("slack", TEAM).files())  # went on
    assert failures("sync", "slack", "conversation") == before + 1
    assert GENERAL in log.getvalue()
    assert sync(bot_env)[f"slack:{TEAM}"].failed == []  # and the next run catches up


def test_the_weekly_job_on_both_platforms_survives_a_lost_private_group(slack: SlackDriver, bot_env, fake_rc, rc_env):
    from tests.rocketchat_harness import ADMIN
    from tests.rocketchat_harness import SECRET as RC_SECRET

    env = {**bot_env, **rc_env}
    slack.authorize(ANA)
    fake_rc.rooms[RC_SECRET].members.add(ADMIN)  # the bot account is in the private group
    sync(env)
    fake_rc.rooms[RC_SECRET].members.discard(ADMIN)  # and is removed: groups.members answers 400
    summary = weekly.run(cache_of(env), jobs.couriers(Settings.from_env(env)), now=MONDAY_9, sleep=lambda _: None)
    assert summary.failures == [] and summary.failed == 0
    assert len(slack.fake.messages) == 3  # Slack's reports went out (Rocket.Chat runs first)
    # The group's owner gets no report of a group the bot can no longer see: skipped, not failed.
    [(_, server)] = [key for key in cache_of(env).workspaces() if key[0] == "rocketchat"]
    [row] = [r for r in cache_of(env).workspace("rocketchat", server).ledger.entries() if r.conversation == RC_SECRET]
    assert row.status == "skipped"
    rc_admin = [readable(m) for m in fake_rc.messages if "Workspace storage report" in readable(m)]
    assert rc_admin and "secret-plan" not in rc_admin[0] and "#secret" not in rc_admin[0]


def test_a_workspace_that_fails_outright_is_logged_counted_and_skipped(slack: SlackDriver, bot_env, fake_rc, rc_env):
    env = {**bot_env, **rc_env}
    slack.authorize(ANA)
    sync(env)
    settings = Settings.from_env(env)
    make = jobs.couriers(settings)

    def broken_rocketchat(platform: str, workspace: str) -> weekly.Courier | None:
        if platform == "rocketchat":
            raise OSError("the bot's Rocket.Chat client could not be built")
        return make(platform, workspace)

    before = failures("reports", "rocketchat", "workspace")
    with captured_logs(20) as log:
        summary = weekly.run(cache_of(env), broken_rocketchat, now=MONDAY_9, sleep=lambda _: None)
    assert len(slack.fake.messages) == 3 and summary.sent == 3
    assert summary.failed == 1 and summary.failures[0].startswith("rocketchat:")
    assert failures("reports", "rocketchat", "workspace") == before + 1
    assert "rocketchat" in log.getvalue() and "OSError" in log.getvalue()
    text = requests.get(f"{slack.bot_url}/metrics", timeout=5).text
    assert 'files_bot_failures_total{job="reports",platform="rocketchat",scope="workspace"}' in text


def test_files_bot_sync_says_what_it_skipped_and_exits_1(slack: SlackDriver, bot_env, monkeypatch, capsys):
    from bot.process.cli import main

    slack.authorize(ANA)
    for key, value in bot_env.items():
        monkeypatch.setenv(key, value)
    slack.fake.inject("files.list", 200, body={"ok": False, "error": "internal_error"}, times=1)
    assert main(["sync"]) == 1
    out = capsys.readouterr().out
    assert f"slack:{TEAM}: 1 conversation(s)" in out and f"failed: {GENERAL} (run it again to resume)" in out
    assert main(["sync"]) == 0


def test_rocketchat_reports_still_answer_right_after_the_bot_leaves_a_group(rc, rc_env, fake_rc):
    from tests.rocketchat_harness import ADMIN
    from tests.rocketchat_harness import BEN as RC_BEN
    from tests.rocketchat_harness import GENERAL as RC_GENERAL
    from tests.rocketchat_harness import SECRET as RC_SECRET

    fake_rc.rooms[RC_SECRET].members.add(ADMIN)
    sync(rc_env)
    fake_rc.rooms[RC_SECRET].members.discard(ADMIN)  # groups.members now answers 400 error-room-not-found
    admin = readable(rc.command(ADMIN, RC_GENERAL, "admin report"))
    assert "Workspace storage report" in admin and "secret-plan" not in admin and "#secret" not in admin
    assert rc.command(RC_BEN, RC_SECRET, "report")["text"] == NOT_TRACKED
