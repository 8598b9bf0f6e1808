"""A file is where it is shared, now: shared in several conversations it counts in each, and once it is
removed from one (unshared, or gone at the reconcile) no report of that conversation names it any more.

The hostile case: a file shared in a public channel and in a private one, then removed from the public
channel. Reports of the public channel (asked for, or the weekly DM) must stop showing its name, size and
link to people outside the private channel.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.process.config import Settings
from bot.sandbox.emulators.slack_api import File
from bot.services import jobs, weekly
from bot.services.ratelimit import RateLimiter
from bot.services.sync_runner import run_sync
from bot.storage import open_store
from bot.storage.interface import Store
from tests.conftest import ANA, BEN, CAT, DAY, DM, GENERAL, SECRET, TEAM
from tests.readable import readable
from tests.slack_harness import SlackDriver

ROADMAP = "roadmap-2027-confidential.pdf"
ROADMAP_ID = "F0ROADMAP1"
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def cache_of(env: dict[str, str]) -> Store:
    return open_store(Path(env["FILES_BOT_DATA_DIR"]))


def sync(env: dict[str, str], *, full: bool = False) -> None:
    run_sync(Settings.from_env(env), cache_of(env), RateLimiter(), full=full)


def shared_in_general_and_secret(slack: SlackDriver, *, created: int) -> File:
    """The bot is in #general, #design and the private #secret (CAT is not); ANA shares one file in both
    #general and #secret."""
    ws = slack.fake.workspaces[TEAM]
    ws.conversations[SECRET].members.add(slack.fake.bot_user_id(TEAM))
    roadmap = File(ROADMAP_ID, ROADMAP, ANA, created, 31_415_926, "application/pdf", "pdf", "PDF", [GENERAL, SECRET])
    ws.files.append(roadmap)
    return roadmap


def report(slack: SlackDriver, user: str, channel: str) -> str:
    _, url = slack.command(user, channel, "report")
    return readable(slack.wait_for(url)[0])


def test_a_file_shared_in_two_conversations_counts_in_both(slack: SlackDriver, bot_env):
    shared_in_general_and_secret(slack, created=int(time.time()) - 3 * DAY)
    slack.authorize(ANA)
    sync(bot_env)
    assert ROADMAP in report(slack, CAT, GENERAL)  # #general is public: anyone may see its files
    assert ROADMAP in report(slack, BEN, SECRET)  # and it is in #secret too, for its members


def test_removed_from_the_public_channel_it_leaves_its_reports_at_the_reconcile(slack: SlackDriver, bot_env):
    roadmap = shared_in_general_and_secret(slack, created=int(time.time()) - 40 * DAY)
    slack.authorize(ANA)
    sync(bot_env)
    roadmap.conversations.remove(GENERAL)  # removed from #general (an old file: no incremental pass sees it)
    sync(bot_env, full=True)
    cat_sees = report(slack, CAT, GENERAL)
    assert ROADMAP not in cat_sees and ROADMAP_ID not in cat_sees and "31.4 MB" not in cat_sees
    assert ROADMAP in report(slack, BEN, SECRET)  # still in #secret, for its members


def test_an_incremental_pass_drops_the_conversations_a_file_object_no_longer_lists(slack: SlackDriver, bot_env):
    roadmap = shared_in_general_and_secret(slack, created=int(time.time()) - 600)  # new: within the overlap
    slack.authorize(ANA)
    sync(bot_env)
    roadmap.conversations.remove(GENERAL)
    sync(bot_env)  # incremental: #secret's page lists the file with `groups: [#secret]` and no channel
    assert ROADMAP not in report(slack, CAT, GENERAL)


def test_the_file_unshared_event_removes_it_at_once(slack: SlackDriver, bot_env):
    roadmap = shared_in_general_and_secret(slack, created=int(time.time()) - 40 * DAY)
    slack.authorize(ANA)
    sync(bot_env)
    roadmap.conversations.remove(GENERAL)
    unshared = {
        "type": "file_unshared",
        "file_id": ROADMAP_ID,
        "user_id": ANA,
        "file": {"id": ROADMAP_ID},
        "channel_id": GENERAL,
        "event_ts": "1780000000.000100",
    }
    assert slack.event(unshared).status_code == 200
    assert ROADMAP not in report(slack, CAT, GENERAL)
    assert ROADMAP in report(slack, BEN, SECRET)


def test_the_weekly_dm_of_the_public_channel_no_longer_names_it(slack: SlackDriver, bot_env):
    roadmap = shared_in_general_and_secret(slack, created=int(time.time()) - 40 * DAY)
    slack.authorize(ANA)
    sync(bot_env)
    # CAT reads #general's weekly report
    cache_of(bot_env).workspace("slack", TEAM).reports().subscribe(GENERAL, CAT, on=True)
    roadmap.conversations.remove(GENERAL)
    sync(bot_env, full=True)
    weekly.run(cache_of(bot_env), jobs.couriers(Settings.from_env(bot_env)), now=MONDAY_9, sleep=lambda _: None)
    to_cat = [readable(m) for m in slack.fake.messages if m["to"] == [CAT]]
    assert to_cat and "#general" in to_cat[0]
    assert not any(ROADMAP in t for t in to_cat)


def test_deleted_everywhere_it_is_forgotten(slack: SlackDriver, bot_env):
    shared_in_general_and_secret(slack, created=int(time.time()) - 40 * DAY)
    slack.authorize(ANA)
    sync(bot_env)
    assert slack.event({"type": "file_deleted", "file_id": ROADMAP_ID, "event_ts": "1.2"}).status_code == 200
    assert ROADMAP not in report(slack, BEN, SECRET) and ROADMAP not in report(slack, CAT, GENERAL)


@pytest.mark.parametrize("where", ["channel_id", "no channel"])
def test_an_unshared_event_for_an_unknown_file_or_without_a_channel_changes_nothing(slack: SlackDriver, bot_env, where):
    shared_in_general_and_secret(slack, created=int(time.time()) - 40 * DAY)
    slack.authorize(ANA)
    sync(bot_env)
    event = {"type": "file_unshared", "file_id": "F0NOSUCH", "file": {"id": "F0NOSUCH"}, "event_ts": "1.2"}
    if where == "channel_id":
        event["channel_id"] = GENERAL
    else:  # Slack's own example carries no channel: the file stays until the reconcile says otherwise
        event.update(file_id=ROADMAP_ID, file={"id": ROADMAP_ID})
    assert slack.event(event).status_code == 200
    assert ROADMAP in report(slack, CAT, GENERAL)


def test_the_workspace_trend_counts_a_file_in_two_conversations_once(slack: SlackDriver, bot_env):
    roadmap = shared_in_general_and_secret(slack, created=int(time.time()) - 3 * DAY)
    slack.authorize(ANA)
    sync(bot_env)
    cache = cache_of(bot_env)
    weekly.run(cache, jobs.couriers(Settings.from_env(bot_env)), now=MONDAY_9, sleep=lambda _: None)
    data = cache.workspace("slack", TEAM).reports()
    _, total = data.file_totals()
    assert total == sum(f.size for f in slack.fake.workspaces[TEAM].files if f.conversations != [DM])
    assert data.trend()[-1] == ("2026-W48", total)  # the chart's last point is the report's total
    assert sum(data.previous_bytes("2026-W48").values()) == total + roadmap.size
