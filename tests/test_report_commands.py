"""`/files report`, `/files report weekly on|off` and `/files admin report`, on both platforms."""

from __future__ import annotations

from pathlib import Path

from bot.process.config import Settings
from bot.services.ratelimit import RateLimiter
from bot.services.sync_runner import run_sync
from bot.storage import open_store
from bot.storage.interface import Store
from handlers.messages import NOT_ADMIN, NOT_OWNER, NOT_TRACKED
from tests.conftest import ANA, BEN, CAT, DESIGN, GENERAL, SECRET, TEAM
from tests.readable import readable
from tests.slack_harness import SlackDriver


def cache_of(env: dict[str, str]) -> Store:
    return open_store(Path(env["FILES_BOT_DATA_DIR"]))


def ask(slack: SlackDriver, user: str, channel: str, text: str) -> str:
    ack, url = slack.command(user, channel, text)
    assert ack.status_code == 200 and ack.text == ""  # the answer follows, privately
    return readable(slack.wait_for(url)[0])


def test_slack_report_commands(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    run_sync(Settings.from_env(bot_env), cache_of(bot_env), RateLimiter())
    assert "Weekly storage report for #design" in ask(slack, CAT, DESIGN, "report")
    assert NOT_TRACKED in ask(slack, CAT, SECRET, "report")  # the bot isn't in #secret
    assert NOT_OWNER in ask(slack, CAT, DESIGN, "report weekly on")
    assert f"you'll get <#{DESIGN}>'s storage report every week" in ask(slack, BEN, DESIGN, "report weekly on")
    assert cache_of(bot_env).workspace("slack", TEAM).reports().subscribers(DESIGN) == {BEN}  # BEN created #design
    assert "no more weekly" in ask(slack, ANA, DESIGN, "report weekly off")  # ANA is an admin
    assert NOT_ADMIN in ask(slack, BEN, GENERAL, "admin report")
    assert "Workspace storage report" in ask(slack, ANA, GENERAL, "admin report")


def test_report_words_are_checked(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    ack, _ = slack.command(ANA, GENERAL, "report monthly")
    assert "I don't understand “report monthly”" in ack.json()["text"]


def test_rocketchat_report_commands(rc, rc_env, fake_rc):
    from tests.rocketchat_harness import ADMIN
    from tests.rocketchat_harness import ANA as RC_ANA
    from tests.rocketchat_harness import BEN as RC_BEN
    from tests.rocketchat_harness import DESIGN as RC_DESIGN

    fake_rc.rooms[RC_DESIGN].members.add(ADMIN)
    run_sync(Settings.from_env(rc_env), cache_of(rc_env), RateLimiter())
    report = rc.command(RC_BEN, RC_DESIGN, "report")
    assert report["surface"] == "contextualBar" and "Weekly storage report for #design" in readable(report)
    assert rc.command(RC_BEN, RC_DESIGN, "report weekly on")["text"] == NOT_OWNER  # ANA owns #design
    assert "you'll get #design's storage report every week" in readable(
        rc.command(RC_ANA, RC_DESIGN, "report weekly on")
    )
    assert rc.command(RC_ANA, RC_DESIGN, "admin report")["text"] == NOT_ADMIN
    assert "Workspace storage report" in readable(rc.command(ADMIN, RC_DESIGN, "admin report"))
