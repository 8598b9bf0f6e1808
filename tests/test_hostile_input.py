"""Hostile requests: every one ends in a clear reply or a 4xx — never a traceback, a 5xx, or data."""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import jobs, weekly
from bot.cache import FileCache
from bot.config import Settings
from bot.ratelimit import RateLimiter
from bot.sync_runner import run_sync
from handlers.report_views import web_link
from tests.conftest import ANA, BEN, CAT, DESIGN, GENERAL, SECRET_MARKERS
from tests.readable import text_objects
from tests.slack_harness import SlackDriver


def test_a_replayed_slack_request_is_refused(slack: SlackDriver):
    slack.authorize(ANA)
    body, url = slack.command_body(ANA, GENERAL, "")
    ts = int(time.time())
    first = slack.post_signed(body, "application/x-www-form-urlencoded", timestamp=ts)
    again = slack.post_signed(body, "application/x-www-form-urlencoded", timestamp=ts)
    assert first.status_code == 200 and again.status_code == 401
    assert len(slack.wait_for(url)) == 1


def test_a_replayed_bridge_request_is_refused(rc):
    from tests.rocketchat_harness import ANA as RC_ANA

    body = rc.command_body(RC_ANA, "GENERAL", "help")
    ts = int(time.time())
    assert rc.post("/rocketchat/command", body, timestamp=ts).status_code == 200
    assert rc.post("/rocketchat/command", body, timestamp=ts).status_code == 401


def test_bodies_that_are_neither_form_nor_json_and_oversized_bodies(slack: SlackDriver):
    for body, kind in (
        ("\x00\x01garbage", "application/octet-stream"),
        ("{not json", "application/json"),
        ("payload=%7Bbroken", "application/x-www-form-urlencoded"),
    ):
        response = slack.post_signed(body, kind)
        assert 200 <= response.status_code < 500, (body, response.status_code)
    huge = requests.post(
        f"{slack.bot_url}/slack/events",
        data=b"x" * (2 * 1024 * 1024),
        timeout=10,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert huge.status_code == 413


def test_unknown_action_ids_are_acknowledged_and_ignored(slack: SlackDriver):
    slack.authorize(ANA)
    response, url = slack.click(ANA, {"action_id": "files_delete_everything", "value": "x"})
    assert response.status_code < 500
    time.sleep(0.2)
    assert slack.fake.responses_for(url) == []


def test_slack_429_without_retry_after_is_retried(slack: SlackDriver):
    slack.authorize(ANA)
    slack.fake.inject("files.list", 429, body={"ok": False, "error": "ratelimited"})  # no Retry-After header
    _, url = slack.command(ANA, GENERAL, "")
    assert "page 1 of 3" in slack.wait_for(url)[0]["text"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fields=st.dictionaries(
        st.sampled_from(
            ["team_id", "user_id", "channel_id", "text", "command", "response_url", "trigger_id", "payload"]
        ),
        st.text(max_size=60),
        max_size=8,
    )
)
def test_fuzzed_signed_slack_bodies_never_cause_a_5xx_or_leak(slack: SlackDriver, fields):
    from urllib.parse import urlencode

    fields = {**fields, "nonce": uuid.uuid4().hex}  # hypothesis may repeat an example: not a replay
    response = slack.post_signed(urlencode(fields), "application/x-www-form-urlencoded")
    assert response.status_code < 500
    assert not any(m in response.text for m in SECRET_MARKERS)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    payload=st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30)),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=12), c, max_size=4),
        max_leaves=15,
    )
)
def test_fuzzed_block_actions_never_cause_a_5xx(slack: SlackDriver, payload):
    from urllib.parse import urlencode

    body = urlencode(
        {
            "payload": json.dumps(
                {"type": "block_actions", "team": {"id": "T0ACME"}, "user": {"id": ANA}, "actions": [payload]}
            )
        }
    )
    assert slack.post_signed(body, "application/x-www-form-urlencoded").status_code < 500


# -- hostile names in reports -------------------------------------------------------------------------------
# File names (and conversation and user names) are whatever people typed. In a report they must stay text:
# never a working link, a mention, or markup, on either platform, on every path a report takes.
HOSTILE = (
    "<!channel>",
    "<https://evil.example|Storage full \u2013 click to keep your files>",
    "<@U0CAT>",  # Cat is in no file of #design: her mention in its report could only come from the name
    "@all",
    "[text](https://evil.example)",
    "_@all_",  # in a link's label Rocket.Chat parses italics, and a mention inside them: `\_` doesn't stop it
)
LONG_AGO = 1_780_000_000 - 10 * 86_400  # older than the cleanup age on report day: in both file lists
REPORT_DAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SLACK_TOKEN = re.compile(r"<([^<>]*)>")  # what Slack parses in mrkdwn: <@U…>, <#C…>, <!…>, <url|label>
RC_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")


def cached_links(env: dict[str, str]) -> set[str]:
    """The links the platform gave for the files (the only ones a report may contain), as they must appear."""
    cache = FileCache(Path(env["FILES_BOT_DATA_DIR"]) / "cache.sqlite")
    return {href for (link,) in cache.db.conn.execute("select link from files") if (href := web_link(link))}


def assert_slack_message_is_inert(message: dict, links: set[str], ids: set[str]) -> None:
    """Every link and mention in the message is one the bot meant — a file's own link, a person or a
    conversation by its real id — and Slack is told not to find more (`verbatim`)."""
    mrkdwn = [o for o in text_objects(message.get("blocks", [])) if o["type"] == "mrkdwn"]
    for text in [message["text"], *(o["text"] for o in mrkdwn)]:
        for token in SLACK_TOKEN.findall(text):
            target, _, label = token.partition("|")
            if re.fullmatch(r"!date\^\d+\^\{date_short\}", target):  # a listing's date, Slack-formatted
                continue
            if target.startswith(("@", "#")):
                assert target[1:] in ids, (token, text)
            else:
                assert target.replace("&amp;", "&") in links and "|" not in label, (token, text)
    assert all(o.get("verbatim") is True for o in mrkdwn), "Slack would link URLs and parse mentions in names"


def shown_by_slack(name: str) -> str:
    """How a name reads in a link's label: escaped, and no `|` to end the label."""
    return name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "¦")


def assert_rocketchat_message_is_inert(message: dict, name: str, links: set[str]) -> None:
    """Names appear as plain text or as a link's label made inert; mrkdwn holds no other trace of them."""
    objects = list(text_objects(message.get("blocks", [])))
    for text in [message["text"], *(o["text"] for o in objects if o["type"] == "mrkdwn")]:
        for label, href in RC_LINK.findall(text):
            assert href in links, (href, text)
            assert not set(label) & set("*~`[]<>|@#\\"), label  # nothing in the label the parser reads
        outside = RC_LINK.sub("", text)
        assert not set(outside) & set("[]<>|@\\") and "evil" not in outside, text
    plain = " ".join(o["text"] for o in objects if o["type"] == "plain_text")
    assert name in plain  # the name itself is shown, unparsed


@pytest.fixture
def hostile_slack(fake_slack, request):
    """#design is named, and holds a file named, `request.param`."""
    from bot.emulators.slack_api import File

    ws = fake_slack.workspaces["T0ACME"]
    ws.conversations[DESIGN].name = request.param
    ws.files.append(
        File("F0HOSTILE1", request.param, BEN, LONG_AGO, 60_000_000, "application/pdf", "pdf", "PDF", [DESIGN])
    )
    return request.param


@pytest.mark.parametrize("hostile_slack", HOSTILE, indirect=True)
def test_slack_reports_keep_hostile_names_inert(slack: SlackDriver, bot_env, hostile_slack):
    name = hostile_slack
    slack.authorize(ANA)
    cache = FileCache(Path(bot_env["FILES_BOT_DATA_DIR"]) / "cache.sqlite")
    run_sync(Settings.from_env(bot_env), cache, RateLimiter())
    links = cached_links(bot_env)
    _, url = slack.command(BEN, DESIGN, "report")
    [on_demand] = slack.wait_for(url)
    _, url = slack.command(ANA, GENERAL, "admin report")
    [admin_on_demand] = slack.wait_for(url)
    summary = weekly.run(cache, jobs.couriers(Settings.from_env(bot_env)), now=REPORT_DAY, sleep=lambda _: None)
    assert summary.sent == 3 and summary.failed == 0
    [weekly_dm] = [m for m in slack.fake.messages if m["to"] == [BEN]]
    [admin_dm] = [m for m in slack.fake.messages if "Workspace storage report" in m["text"]]
    for message in (on_demand, weekly_dm):  # #design's files are Ana's and Ben's
        assert_slack_message_is_inert(message, links, {ANA, BEN, DESIGN})
        header = message["blocks"][0]  # the conversation's name, as typed, where Slack parses nothing
        assert header["text"]["type"] == "plain_text" and f"report for #{name} · " in header["text"]["text"]
        rows = [
            o for o in text_objects(message["blocks"]) if o["type"] == "mrkdwn" and shown_by_slack(name) in o["text"]
        ]
        assert len(rows) == 2  # the file is shown, as text, among the largest files and the cleanup candidates
    for message in (admin_on_demand, admin_dm):  # conversations by id: Slack names them for each reader
        assert_slack_message_is_inert(message, links, {ANA, BEN, CAT, GENERAL, DESIGN})


@pytest.fixture
def hostile_rc(fake_rc, request):
    """#design is named, holds a file named, and has a member whose username is, `request.param`."""
    from bot.emulators.rocketchat_api import File
    from tests.rocketchat_harness import ADMIN
    from tests.rocketchat_harness import DESIGN as RC_DESIGN

    fake_rc.add_user("rcHostileUser001", request.param)
    fake_rc.rooms[RC_DESIGN].name = request.param
    fake_rc.rooms[RC_DESIGN].members |= {ADMIN, "rcHostileUser001"}  # the bot account is in #design
    fake_rc.files.append(
        File("rcHostileFile01", request.param, RC_DESIGN, "rcHostileUser001", 60_000_000, "application/pdf", LONG_AGO)
    )
    return request.param


@pytest.mark.parametrize("hostile_rc", HOSTILE, indirect=True)
def test_rocketchat_reports_keep_hostile_names_inert(rc, rc_env, hostile_rc):
    from tests.rocketchat_harness import ADMIN
    from tests.rocketchat_harness import ANA as RC_ANA
    from tests.rocketchat_harness import DESIGN as RC_DESIGN

    name = hostile_rc
    cache = FileCache(Path(rc_env["FILES_BOT_DATA_DIR"]) / "cache.sqlite")
    run_sync(Settings.from_env(rc_env), cache, RateLimiter())
    links = cached_links(rc_env)
    on_demand = rc.command(RC_ANA, RC_DESIGN, "report")
    admin_on_demand = rc.command(ADMIN, RC_DESIGN, "admin report")
    settings = Settings.from_env({**rc_env, "FILES_BOT_PUBLIC_URL": rc.bot_url})
    summary = weekly.run(cache, jobs.couriers(settings), now=REPORT_DAY, sleep=lambda _: None)
    assert summary.failed == 0
    [weekly_dm] = [m for m in rc.fake.messages if m["to"] == [RC_ANA]]  # ANA owns #design
    [admin_dm] = [m for m in rc.fake.messages if "Workspace storage report" in m["text"]]
    for message in (on_demand, weekly_dm, admin_on_demand, admin_dm):
        assert_rocketchat_message_is_inert(message, name, links)


@pytest.mark.parametrize("name", HOSTILE)
def test_listing_rows_keep_hostile_names_and_links_inert(name):
    """The same names in a `/files` listing, with the platform's link for the file carrying the name too
    (Rocket.Chat's file URLs do, `encodeURI`d: a `)` or a space in them would end a Markdown link)."""
    from bot.rocketchat import render as rc_render
    from bot.slack import render as slack_render
    from handlers.cards import Listing
    from handlers.source import FileInfo, SourceQuery

    link = f"https://chat.example/file-upload/F1/{name} (1)"
    row = FileInfo("F1", name, "", 10, "application/pdf", "pdf", "", "U0BEN", "ben", REPORT_DAY, link, ("C0D",))
    listing = Listing(SourceQuery(conversation_id="C0D"), [row], 1, 1, 1, 10, 10, None, False, None, None, None)
    slack_row = slack_render.render(listing)["blocks"][2]
    assert_slack_message_is_inert({"text": "", "blocks": [slack_row]}, {web_link(link) or ""}, {"U0BEN", "C0D"})
    rc_row = rc_render.render(listing, lambda _: "design", lambda _: "ben")["blocks"][2]["text"]["text"]
    [(label, href)] = RC_LINK.findall(rc_row)
    assert href == web_link(link) and " " not in href and ")" not in href and not set(label) & set("*~`[]<>|@#\\")
    assert "evil" not in RC_LINK.sub("", rc_row) and "@all" not in RC_LINK.sub("", rc_row)
