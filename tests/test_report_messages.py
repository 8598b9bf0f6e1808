"""Reports as messages: valid Block Kit (slack_sdk's models take them back unchanged and their validation
passes) within Slack's limits whatever the data, UIKit answers within the bridge protocol, and the chart:
on Slack one private upload per run, shown once processed; on Rocket.Chat a signed URL the bot serves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from slack_sdk.models.blocks import Block

from bot.platforms.rocketchat import render as rc_render
from bot.platforms.rocketchat.charts import ChartLinks, InvalidChart
from bot.platforms.rocketchat.protocol import validate
from bot.platforms.slack import render as slack_render
from bot.platforms.slack.client import web_client
from bot.platforms.slack.courier import SlackCourier
from bot.platforms.slack.workspace import bot_tokens
from bot.process.config import Settings
from bot.services import jobs, weekly
from bot.services.ratelimit import RateLimiter
from bot.services.sync_runner import run_sync
from bot.storage import open_store
from bot.storage.interface import Store
from handlers.messages import CHART_UNAVAILABLE
from handlers.names import Names, named
from handlers.records import Conversation, StoredFile
from handlers.report_views import Chart, admin_view, channel_view
from handlers.reports import PRIVATE_OTHER, AdminReport, ChannelReport
from tests.conftest import ANA, CAT, DESIGN, GENERAL, TEAM
from tests.readable import readable, text_objects
from tests.rocketchat_harness import APP_SECRET
from tests.slack_harness import SlackDriver

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
KINDS = ("images", "video", "audio", "pdfs", "docs", "spreadsheets", "presentations", "snippets", "zips", "text")


def assert_valid_block_kit(message: dict[str, Any]) -> None:
    """What Slack checks before it posts: slack_sdk's models parse every block back to the same JSON (no
    field dropped as unknown), their validation passes, and the limits they don't check hold too."""
    blocks = message["blocks"]
    assert 1 <= len(blocks) <= 50 and message["text"]
    parsed = Block.parse_all(blocks)
    assert [b.to_dict() for b in parsed] == blocks  # to_dict() runs every validator
    for block in blocks:
        assert len(block.get("fields") or []) <= 10
        assert all(len(field["text"]) <= 2000 for field in block.get("fields") or [])
        assert len(block.get("elements") or []) <= 10


def synced(env: dict[str, str]) -> Store:
    cache = open_store(Path(env["FILES_BOT_DATA_DIR"]))
    run_sync(Settings.from_env(env), cache, RateLimiter())
    return cache


def images(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in message.get("blocks", []) if b["type"] == "image"]


# -- Slack ----------------------------------------------------------------------------------------------------
def test_every_slack_report_is_valid_block_kit(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    cache = synced(bot_env)
    posted = []
    for user, channel, text in (
        (ANA, DESIGN, "report"),
        (ANA, GENERAL, "admin report"),
        (ANA, DESIGN, "report weekly on"),
    ):
        _, url = slack.command(user, channel, text)
        posted += slack.wait_for(url)
    weekly.run(cache, jobs.couriers(Settings.from_env(bot_env)), now=MONDAY_9, sleep=lambda _: None)
    posted += slack.fake.messages
    assert len(posted) == 7  # three answers; four DMs (Ana now subscribes to #design too)
    for message in posted:
        assert_valid_block_kit(message)
    reports = [m for m in posted if m["text"].startswith(("Weekly storage report", "Workspace storage report"))]
    kinds = [[b["type"] for b in m["blocks"]] for m in reports]
    assert all(k[0] == "header" for k in kinds) and sum("image" in k for k in kinds) == 2  # the admin reports


def test_slack_reports_stay_within_block_kit_limits_whatever_the_data():
    """Names and links of any length, every kind, hundreds of conversations: still one valid message."""
    long_name, long_link = "x" * 5_000 + ".pdf", "https://files.example/" + "a" * 4_000
    files = [
        StoredFile(f"F{n}", long_name, 10**9, "pdfs", f"U{n}", MONDAY_9 - timedelta(days=400), long_link)
        for n in range(10)
    ]
    kinds = {kind: (n + 1, 10**6 * (n + 1)) for n, kind in enumerate((*KINDS, "other"))}
    conv = Conversation("C1", "c" * 2_000, private=False)
    channel = ChannelReport(conv, "2026-W48", 10, 10**10, 10**9, kinds, files, files)
    convs = [Conversation(f"C{n}", "n" * 500, private=n % 2 == 0) for n in range(500)]
    admin = AdminReport(
        week="2026-W48",
        file_count=10**6,
        bytes=10**13,
        by_conversation=[(c.id, 3, 10**6) for c in convs] + [(PRIVATE_OTHER, 9, 10**9)],
        by_uploader=[(f"U{'X' * 300}{n}", 1, 1) for n in range(10)],
        by_type=[(kind, 1, 1) for kind in (*KINDS, "other")],
        growers=[(c.id, 10**5) for c in convs[:5]],
        trend=[(f"2026-W{w:02d}", w) for w in range(37, 49)],
    )
    for view in (channel_view(channel), admin_view(admin, convs)):
        message = slack_render.report(view, "F0CHART01")
        assert_valid_block_kit(message)
        longest = Names(person=lambda user: "u" * 1_000)
        answer = rc_render.report(named(view, longest), "https://bot.example/rocketchat/chart/x.png")
        validate("answer", answer)


def test_the_chart_is_uploaded_once_privately_and_shown_once_processed(slack: SlackDriver, bot_env):
    slack.fake.workspaces[TEAM].users[CAT].is_admin = True  # two admins: one chart
    slack.fake.processing_polls = 2  # files.info sees it processing twice before it is ready
    slack.authorize(ANA)
    cache = synced(bot_env)
    summary = weekly.run(cache, jobs.couriers(Settings.from_env(bot_env)), now=MONDAY_9, sleep=lambda _: None)
    assert summary.sent == 4 and summary.failed == 0
    [(chart_id, upload)] = slack.fake.uploads.items()
    assert upload["channel_id"] is None  # shared with no conversation
    admin_reports = [m for m in slack.fake.messages if "Workspace storage report" in m["text"]]
    assert sorted(m["to"][0] for m in admin_reports) == [ANA, CAT]
    assert all(images(m)[0]["slack_file"] == {"id": chart_id} for m in admin_reports)
    assert len(slack.fake.calls_of("files.info")) == 3  # polled until processed, then never again


def test_a_chart_that_never_gets_processed_does_not_hold_the_reports_back(slack: SlackDriver, bot_env):
    slack.fake.workspaces[TEAM].users[CAT].is_admin = True
    slack.fake.processing_polls = 1_000
    slack.authorize(ANA)
    cache = synced(bot_env)
    settings = Settings.from_env(bot_env)
    waits: list[float] = []
    token = bot_tokens(settings.data_dir, settings.slack.client_id)[TEAM]
    couriers = lambda *_: SlackCourier(web_client(settings.slack.api_url), token, sleep=waits.append)  # noqa: E731
    summary = weekly.run(cache, couriers, now=MONDAY_9, sleep=waits.append)
    assert summary.sent == 4 and summary.failed == 0
    for admin_report in [m for m in slack.fake.messages if "Workspace storage report" in m["text"]]:
        assert images(admin_report) == [] and CHART_UNAVAILABLE in readable(admin_report)
        assert_valid_block_kit(admin_report)
    assert waits == [0.5, 1.0, 2.0, 4.0]  # one round of polls for both admins; the job had nothing to retry


def test_an_on_demand_admin_report_without_its_chart_is_still_sent(slack: SlackDriver, bot_env):
    slack.authorize(ANA)
    synced(bot_env)
    slack.fake.inject("files.getUploadURLExternal", 400, body={"ok": False, "error": "missing_scope"}, times=5)
    _, url = slack.command(ANA, GENERAL, "admin report")
    [message] = slack.wait_for(url)
    assert "Workspace storage report" in readable(message) and images(message) == []
    assert CHART_UNAVAILABLE in readable(message)
    assert_valid_block_kit(message)


# -- Rocket.Chat ----------------------------------------------------------------------------------------------
def test_rocketchat_report_answers_follow_the_bridge_protocol_and_show_the_chart(rc, rc_env, fake_rc):
    from tests.rocketchat_harness import ADMIN
    from tests.rocketchat_harness import DESIGN as RC_DESIGN

    fake_rc.rooms[RC_DESIGN].members.add(ADMIN)
    synced(rc_env)
    for answer in (rc.command(ADMIN, RC_DESIGN, "report"), rc.command(ADMIN, RC_DESIGN, "admin report")):
        validate("answer", answer)  # the App shows it as it is, in the contextual bar
        assert answer["surface"] == "contextualBar" and answer["title"] in readable(answer)
        assert all(o["type"] in ("plain_text", "mrkdwn") for o in text_objects(answer["blocks"]))
    [image] = images(answer)
    chart = requests.get(image["imageUrl"], timeout=10)
    assert chart.status_code == 200 and chart.headers["Content-Type"] == "image/png" and chart.content[:4] == b"\x89PNG"


def test_the_chart_route_draws_only_charts_the_bot_issued(rc):
    links = ChartLinks(APP_SECRET, rc.bot_url)
    url = links.url(Chart("Storage", "a line", (("2026-W47", 1_000), ("2026-W48", 2_000))))
    assert requests.get(url, timeout=10).content[:4] == b"\x89PNG"
    token = url.rsplit("/", 1)[1].removesuffix(".png")
    payload, signature = token.split(".")
    forged = ChartLinks("another-secret", rc.bot_url).url(Chart("Storage", "a line", (("2026-W48", 10**15),)))
    for bad in (forged, url.replace(payload, payload[:-2] + "AA"), url.replace(signature, "A" * len(signature))):
        assert requests.get(bad, timeout=10).status_code == 404
    assert requests.get(f"{rc.bot_url}/rocketchat/chart/not-a-chart.png", timeout=10).status_code == 404
    with pytest.raises(InvalidChart):
        links.chart("x" * 5_000)
