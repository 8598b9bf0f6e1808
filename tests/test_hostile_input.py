"""Hostile requests: every one ends in a clear reply or a 4xx — never a traceback, a 5xx, or data."""

from __future__ import annotations

import itertools
import json
import logging
import re
import sqlite3
import time
import uuid
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import requests
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.process import logs
from bot.process.config import Settings
from bot.services import jobs, weekly
from bot.services.ratelimit import RateLimiter
from bot.services.sync_runner import run_sync
from bot.storage import open_store
from handlers import grammar, predicates
from handlers.query import FileQuery
from handlers.views import web_link
from tests.conftest import ANA, BEN, CAT, DESIGN, GENERAL, SECRET_MARKERS
from tests.log_capture import captured_logs
from tests.readable import text_objects
from tests.rocketchat_harness import protocol_fixture
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


# -- the bridge's signature headers and body (issue #13, item 7) ----------------------------------------
def _bridge_post(rc, raw: bytes, timestamp: str, signature: str | None = None) -> requests.Response:
    """POST `raw` to the bridge with these exact header values (sent as latin-1, as HTTP carries them)."""
    from bot.platforms.rocketchat.verify import BridgeVerifier

    headers = {
        "Content-Type": "application/json",
        "X-FilesBot-Request-Timestamp": timestamp.encode("latin-1"),
        "X-FilesBot-Signature": (signature or BridgeVerifier(rc.secret).sign(timestamp, raw)).encode("latin-1"),
    }
    return requests.post(f"{rc.bot_url}/rocketchat/command", data=raw, headers=headers, timeout=30)


def _bridge_command(rc) -> bytes:
    from tests.rocketchat_harness import ANA as RC_ANA

    return json.dumps(rc.command_body(RC_ANA, "GENERAL", "help")).encode()


@pytest.mark.parametrize(
    "timestamp",
    [
        "²",  # isdigit() is True, int() refuses it
        "now²",
        "¹²³",
        "1" * 13,
        "-1",
        "1.5",
        "0x10",
        "1 ",
    ],
)
def test_a_bridge_timestamp_that_is_not_ascii_digits_is_a_401_not_a_500(rc, timestamp):
    raw = _bridge_command(rc)
    now = str(int(time.time()))
    timestamp = timestamp.replace("now", now[:-1])  # "now²": a current time, but for its last digit
    with captured_logs(logging.INFO) as log:
        response = _bridge_post(rc, raw, timestamp)
    assert response.status_code == 401, response.text
    assert "Traceback" not in log.getvalue()


def test_a_bridge_signature_with_non_ascii_characters_is_a_401_not_a_500(rc):
    raw = _bridge_command(rc)
    with captured_logs(logging.INFO) as log:
        response = _bridge_post(rc, raw, str(int(time.time())), signature="v0=é")
    assert response.status_code == 401, response.text
    assert "Traceback" not in log.getvalue()


def test_the_bridge_verifier_refuses_timestamps_that_are_not_ascii_digits():
    from bot.platforms.rocketchat.verify import BridgeVerifier

    verifier = BridgeVerifier("s", clock=lambda: 2.0)
    for timestamp in ("²", "1²", "\u0662", "\uff12", "1\n", "+2", "2.0"):
        assert not verifier.is_valid(timestamp, verifier.sign(timestamp, b"{}"), b"{}"), timestamp
    assert verifier.is_valid("2", verifier.sign("2", b"{}"), b"{}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    timestamp=st.text(
        st.characters(min_codepoint=0x21, max_codepoint=0xFF, exclude_categories=("Cc",)), min_size=1, max_size=14
    )
)
def test_fuzzed_bridge_timestamps_are_a_401_or_accepted_never_a_500(rc, timestamp):
    raw = json.dumps({**json.loads(_bridge_command(rc)), "triggerId": uuid.uuid4().hex}).encode()
    response = _bridge_post(rc, raw, timestamp)
    current = timestamp.isascii() and timestamp.isdigit() and abs(time.time() - int(timestamp)) <= 300
    assert response.status_code == (200 if current else 401), (timestamp, response.status_code)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [20, 900, 5_000, 100_000])
@pytest.mark.parametrize("where", ["root", "unknown key", "room"])
def test_a_deeply_nested_signed_bridge_body_is_a_400_not_a_500(rc, depth, where):
    command = _bridge_command(rc).decode()
    raw = {
        "root": _nested(depth),
        "unknown key": command[:-1] + f', "extra": {_nested(depth)}}}',
        "room": command[:-1] + f', "room": {{"id": "GENERAL", "type": "c", "name": {_nested(depth)}}}}}',
    }[where].encode()
    with captured_logs(logging.INFO) as log:
        response = _bridge_post(rc, raw, str(int(time.time())))
    assert response.status_code == 400, response.text
    assert "Traceback" not in log.getvalue()


def test_bridge_bodies_nested_deeper_than_the_protocol_are_refused_before_validation():
    from bot.platforms.rocketchat import protocol

    body = protocol_fixture("command.json")
    body["room"]["name"] = json.loads(_nested(protocol.MAX_DEPTH))
    with pytest.raises(protocol.BadRequest, match="nested too deeply"):
        protocol.parse_command(json.dumps(body).encode())
    with pytest.raises(protocol.BadRequest, match="not JSON"):
        protocol.parse_command(b'{"text": ' + b"9" * 5_000 + b"}")  # int() refuses so many digits


@pytest.mark.parametrize(
    "timestamp, signature",
    [("²", None), ("now²", None), ("9" * 5_000, None), ("abc", None), ("now", "v0=é")],
)
def test_slack_headers_that_cannot_be_verified_are_refused_not_a_500(slack: SlackDriver, timestamp, signature):
    body, _ = slack.command_body(ANA, GENERAL, "")
    signed = slack.signed_headers(body, "application/x-www-form-urlencoded")
    now = str(int(time.time()))
    timestamp = timestamp.replace("now", now[:-1] if "²" in timestamp else now)
    headers: dict[str, str | bytes] = {
        **signed,
        "X-Slack-Request-Timestamp": timestamp.encode("latin-1"),
        "X-Slack-Signature": signature.encode("latin-1") if signature else signed["X-Slack-Signature"],
    }
    with captured_logs(logging.INFO) as log:
        response = requests.post(f"{slack.bot_url}/slack/events", data=body.encode(), headers=headers, timeout=10)
    assert response.status_code in (400, 401), response.text
    assert "Traceback" not in log.getvalue()


@pytest.mark.parametrize("depth", [900, 5_000, 100_000])
def test_a_deeply_nested_signed_slack_body_is_a_400_not_a_500(slack: SlackDriver, depth):
    from urllib.parse import urlencode

    payload = '{"type": "block_actions", "team": {"id": "T0ACME"}, "user": {"id": "U0ANA"}, "actions": %s}'
    form = urlencode({"payload": payload % _nested(depth)})
    with captured_logs(logging.INFO) as log:
        as_form = slack.post_signed(form, "application/x-www-form-urlencoded")
        as_json = slack.post_signed(_nested(depth), "application/json")
    assert as_form.status_code < 500 and as_json.status_code < 500, (as_form.text, as_json.text)
    assert "Traceback" not in log.getvalue()


# -- dates at the edges of the calendar (issue #13, item 8) -----------------------------------------------
TODAY = date(2026, 11, 23)


def test_the_last_day_a_date_can_name_is_a_valid_until():
    parsed = grammar.parse("until:9999-12-31", today=TODAY)
    assert isinstance(parsed, grammar.ListFiles) and parsed.query.until == date.max
    assert predicates.day_end(date.max) == datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)
    assert predicates.day_end(TODAY) == predicates.day_start(TODAY + timedelta(days=1)) - timedelta(microseconds=1)


@pytest.mark.parametrize("word", ["since:0001-01-01", "until:0001-01-01", "since:1969-12-31", "until:1900-06-01"])
def test_dates_before_the_epoch_get_a_clear_message(word):
    parsed = grammar.parse(f"images {word}", today=TODAY)
    assert isinstance(parsed, grammar.ParseError) and parsed.word == word
    assert "too early" in parsed.message and "1970-01-01" in parsed.message


@pytest.mark.parametrize("today", [date(1, 1, 1), date(50, 6, 1), date(1969, 12, 31), TODAY, date.max])
@pytest.mark.parametrize("text", ["last 100y", "since:100y", "until:9999d", "last 1d"])
def test_periods_reaching_past_the_epoch_cover_everything_whatever_today_is(text, today):
    parsed = grammar.parse(text, today=today)
    assert isinstance(parsed, grammar.ListFiles), parsed
    day = parsed.query.since or parsed.query.until
    assert day is not None and day >= grammar.EARLIEST
    assert grammar.parse("last 100y", today=TODAY) == grammar.ListFiles(FileQuery(since=grammar.EARLIEST))


@pytest.mark.parametrize("text", ["since:２０２６-０１-０１", "last ３０d", "since:٢٠٢٦-٠١-٠١", "last ٣d"])  # noqa: RUF001
def test_look_alike_digits_are_not_digits(text):
    parsed = grammar.parse(text, today=TODAY)
    assert isinstance(parsed, grammar.ParseError), parsed


@settings(max_examples=300, deadline=None)
@given(since=st.dates(), until=st.dates(), today=st.dates(), amount=st.integers(0, 9999), unit=st.sampled_from("dwmy"))
def test_every_date_the_grammar_accepts_has_a_platform_timestamp(since, until, today, amount, unit):
    for text in (f"since:{since} until:{until}", f"last {amount}{unit} until:{until}", f"since:{amount}{unit}"):
        parsed = grammar.parse(text, today=today)
        if not isinstance(parsed, grammar.ListFiles):
            continue
        query = parsed.query
        if query.since is not None:  # Slack's ts_from is unsigned seconds; Rocket.Chat compares datetimes
            assert predicates.day_start(query.since).timestamp() >= 0
            assert predicates.created_since(query.since)
        if query.until is not None:
            assert predicates.day_end(query.until).timestamp() >= 0
            assert predicates.created_until(query.until)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("until:9999-12-31", "page 1 of 3"),
        ("since:1970-01-01 until:9999-12-31 largest", "page 1 of 3"),
        ("since:9999-12-31", " 0 files"),
        ("last 100y", "page 1 of 3"),
        ("since:0001-01-01", "too early"),
    ],
)
def test_far_dates_on_slack_get_a_listing_or_a_clear_message(slack: SlackDriver, text, expected):
    slack.authorize(ANA)
    with captured_logs(logging.INFO) as log:
        response, url = slack.command(ANA, GENERAL, text)
        reply = response.text if "too early" in expected else slack.wait_for(url)[0]["text"]
    assert expected in reply and "went wrong" not in reply
    assert "Traceback" not in log.getvalue()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("until:9999-12-31", "page 1 of 3"),
        ("since:1970-01-01 until:9999-12-31 largest", "page 1 of 3"),
        ("since:9999-12-31", " 0 files"),
        ("last 100y", "page 1 of 3"),
        ("since:0001-01-01", "too early"),
    ],
)
def test_far_dates_on_rocketchat_get_a_listing_or_a_clear_message(rc, text, expected):
    from tests.rocketchat_harness import ANA as RC_ANA

    rc.authorize(RC_ANA)
    with captured_logs(logging.INFO) as log:
        answer = rc.command(RC_ANA, "GENERAL", text)
    assert expected in json.dumps(answer, ensure_ascii=False) and "went wrong" not in json.dumps(answer)
    assert "Traceback" not in log.getvalue()


# -- pending OAuth states stay bounded (issue #13, item 9) --------------------------------------------------
def _pending_states(database: Path) -> int:
    with closing(sqlite3.connect(database)) as conn:
        count: int = conn.execute("select count(*) from oauth_states").fetchone()[0]
    return count


def _flood(url: str, visits: int) -> None:
    with requests.Session() as browser:
        for _ in range(visits):
            assert browser.get(url, allow_redirects=False, timeout=10).status_code == 302


def test_a_flood_of_slack_install_visits_is_deleted_once_expired(slack: SlackDriver, bot_env):
    from bot.platforms.slack.app import OAUTH_STATE_SECONDS
    from bot.storage.sqlite import SLACK_OAUTH_STATES_FILE

    database = Path(bot_env["FILES_BOT_DATA_DIR"]) / SLACK_OAUTH_STATES_FILE
    _flood(f"{slack.bot_url}/slack/install", 100)
    assert _pending_states(database) == 100  # each may still come back from Slack's consent page
    with time_machine.travel(time.time() + OAUTH_STATE_SECONDS + 1, tick=True):
        _flood(f"{slack.bot_url}/slack/install", 1)
        assert _pending_states(database) == 1
    assert slack.authorize(ANA).status_code == 200  # and a person still gets through


def test_the_slack_state_store_keeps_the_newest_states_and_each_is_good_once(tmp_path):
    from bot.storage.sqlite.slack import SlackOAuthStateStore

    database = tmp_path / "states.sqlite"
    store = SlackOAuthStateStore(database=str(database), expiration_seconds=600, max_pending=20)
    states = [store.issue() for _ in range(50)]
    assert _pending_states(database) == 20
    assert not store.consume(states[0]) and not store.consume(states[-21])  # pushed out by the flood
    assert store.consume(states[-20]) and store.consume(states[-1])
    assert not store.consume(states[-1])  # single use
    with time_machine.travel(time.time() + 601):
        assert not store.consume(states[-2])  # expired
        store.issue()
    assert _pending_states(database) == 1


def test_a_flood_of_rocketchat_install_visits_is_bounded_and_deleted_once_expired(rc, rc_env):
    from bot.platforms.rocketchat.oauth import STATE_SECONDS
    from bot.storage.sqlite import ROCKETCHAT_TOKENS_FILE
    from tests.rocketchat_harness import ANA as RC_ANA

    database = Path(rc_env["FILES_BOT_DATA_DIR"]) / ROCKETCHAT_TOKENS_FILE
    _flood(f"{rc.bot_url}/rocketchat/install", 100)
    assert _pending_states(database) == 100
    with time_machine.travel(time.time() + STATE_SECONDS + 1, tick=True):
        _flood(f"{rc.bot_url}/rocketchat/install", 1)
        assert _pending_states(database) == 1
    assert rc.authorize(RC_ANA).status_code == 200


def test_the_rocketchat_state_store_keeps_the_newest_states_and_each_is_good_once(tmp_path):
    from bot.storage.sqlite.tokens import SQLiteTokenStore

    database = tmp_path / "tokens.sqlite"
    store = SQLiteTokenStore(database, state_seconds=600, max_pending_states=20)
    states = [store.issue_state() for _ in range(50)]
    assert _pending_states(database) == 20
    assert not store.consume_state(states[0]) and not store.consume_state(states[-21])
    assert store.consume_state(states[-20]) and store.consume_state(states[-1])
    assert not store.consume_state(states[-1])


# -- the hostile pass: what else a member or an outsider can send --------------------------------------------
LONE_SURROGATE = "\ud800"
ODD_CHARACTERS = [LONE_SURROGATE, "\udfff", "\x00", "\u200b", "\u202e", "\ufeff", "\U0001f4c4", "\u0130", "\u212a"]


@pytest.mark.parametrize(
    "field", ["text", "room.id", "room.name", "user.id", "user.username", "triggerId", "extra key", "extra.key"]
)
def test_a_bridge_string_holding_a_lone_surrogate_is_a_400_not_a_500(rc, field):
    """JSON can escape a lone UTF-16 surrogate ("\\ud800"), which a Rocket.Chat member can type through the
    REST API; no database, platform API or log can encode it."""
    from tests.rocketchat_harness import ANA as RC_ANA

    rc.authorize(RC_ANA)
    body = rc.command_body(RC_ANA, "GENERAL", "name:report")
    if field == "extra key":
        body[f"x{LONE_SURROGATE}"] = 1
    elif field == "extra.key":
        body["x"] = {"y": [f"z{LONE_SURROGATE}"]}
    else:
        outer, _, inner = field.partition(".")
        target = body[outer] if inner else body
        target[inner or outer] = f"name:{LONE_SURROGATE}" if field == "text" else f"a{LONE_SURROGATE}"
    with captured_logs(logging.INFO) as log:
        response = rc.post("/rocketchat/command", None, raw=json.dumps(body).encode())
    assert response.status_code == 400, response.text
    assert "Traceback" not in log.getvalue()


def test_a_bridge_action_holding_a_lone_surrogate_is_a_400_not_a_500(rc):
    from tests.rocketchat_harness import ANA as RC_ANA

    body = {**protocol_fixture("action.json"), "user": {"id": RC_ANA, "username": "ana"}}
    for field in ("value", "blockId", "actionId"):
        raw = json.dumps({**body, field: f"files_next{LONE_SURROGATE}", "triggerId": uuid.uuid4().hex}).encode()
        assert rc.post("/rocketchat/action", None, raw=raw).status_code == 400, field


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.one_of(st.characters(), st.sampled_from(ODD_CHARACTERS)), max_size=80))
def test_fuzzed_bridge_commands_never_cause_a_5xx_or_leak(rc, text):
    from tests.rocketchat_harness import CAT as RC_CAT
    from tests.rocketchat_harness import SECRET_MARKERS as RC_SECRET_MARKERS

    rc.authorize(RC_CAT)  # Cat is in #general, and in neither #secret nor the DM
    for words in (text, f"name:{text}", f"#{text}", f"@{text} largest", f"everywhere {text}"):
        response = rc.post("/rocketchat/command", rc.command_body(RC_CAT, "GENERAL", words))
        assert response.status_code in (200, 400), (words, response.status_code)
        assert "went wrong" not in response.text and not any(m in response.text for m in RC_SECRET_MARKERS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    action_id=st.one_of(st.sampled_from(["files_next", "files_prev", "files_type", "files_authorize"]), st.text()),
    value=st.one_of(st.none(), st.text(st.one_of(st.characters(), st.sampled_from(ODD_CHARACTERS)), max_size=300)),
    block_id=st.one_of(st.none(), st.text(max_size=100)),
)
def test_fuzzed_bridge_actions_never_cause_a_5xx_or_leak(rc, action_id, value, block_id):
    from tests.rocketchat_harness import CAT as RC_CAT
    from tests.rocketchat_harness import SECRET_MARKERS as RC_SECRET_MARKERS

    body = {
        **protocol_fixture("action.json"),
        "user": {"id": RC_CAT, "username": "cat"},
        "room": {"id": "GENERAL", "name": "general", "type": "c"},
        "actionId": action_id[:256],
        "value": value,
        "blockId": block_id,
        "triggerId": uuid.uuid4().hex,
    }
    response = rc.post("/rocketchat/action", body)
    assert response.status_code in (200, 400), (body, response.status_code)
    assert "went wrong" not in response.text and not any(m in response.text for m in RC_SECRET_MARKERS)


@pytest.mark.parametrize("character", ["\u200b", "\u202e", "\ufeff", "\x00", "\u2066"])
def test_invisible_characters_in_a_word_are_shown_when_it_is_not_understood(character):
    parsed = grammar.parse(f"images{character} last 30d", today=TODAY)
    assert isinstance(parsed, grammar.ParseError)
    assert character not in parsed.message and f"[U+{ord(character):04X}]" in parsed.message
    assert f"images{character}" == parsed.word  # the word itself is kept as typed, for the logs' sake


@pytest.mark.parametrize(
    "word",
    ["ｉｍａｇｅｓ", "іmages", "#ｄｅｓｉｇｎ", "lаst", "sіnce:2026-01-01", "ｌａｒｇｅｓｔ"],  # noqa: RUF001
)
def test_look_alike_letters_are_not_keywords(word):
    """Fullwidth and Cyrillic look-alikes are other words: refused, never silently taken as the keyword."""
    parsed = grammar.parse(word, today=TODAY)
    if word.startswith("#"):  # a name of a channel, which may hold any letters; looked up, not a keyword
        assert isinstance(parsed, grammar.ListFiles) and parsed.query.conversation is not None
        return
    assert isinstance(parsed, grammar.ParseError) and parsed.word == word


def test_scrub_removes_slack_response_urls():
    lines = [
        "Sending a request - url: https://hooks.slack.com/commands/T0001/1234/AbCdEfGh, body: {}",
        '"response_url": "https:\\/\\/hooks.slack.com\\/actions\\/T0001\\/123\\/AbCdEfGh"',
        "{'response_url': 'https://hooks.slack.com/app/T111/123/AbCdEfGh'}",
        "url: https://hooks.slack-gov.com/services/T0/B0/AbCdEfGh)",
    ]
    for line in lines:
        cleaned = logs.scrub(line)
        assert "AbCdEfGh" not in cleaned and "hooks.slack" in cleaned, cleaned


@pytest.mark.parametrize(
    "query",
    [
        "?code=%ED%A0%80&state=%FF",
        "?code=a&state=" + "s" * 4_000,
        "?error=access_denied&state=x",
        "?code=a&code=b&state=c&state=d",
        "?state=",
        "?code=%00&state=%00",
        "?" + "&".join(f"k{i}=v" for i in range(500)),
    ],
)
def test_hostile_oauth_callbacks_get_a_page_never_a_500(slack: SlackDriver, rc, query):
    jar = {"files-bot-rc-oauth-state": "x" * 4_000, "slack-app-oauth-state": "%ff\\"}
    with captured_logs(logging.INFO) as log:
        for url in (f"{slack.bot_url}/slack/oauth_redirect", f"{rc.bot_url}/rocketchat/oauth_redirect"):
            response = requests.get(url + query, cookies=jar, timeout=10)
            assert 200 <= response.status_code < 500, (url, response.status_code)
            assert "Traceback" not in response.text
    assert "Traceback" not in log.getvalue()


def test_every_route_answers_odd_methods_headers_and_bodies_without_a_5xx(slack: SlackDriver, rc):
    """Even a GET with a body its Content-Type says is JSON or a form (Bolt's adapter parses it)."""
    paths = ["/slack/events", "/slack/install", "/slack/oauth_redirect", "/healthz", "/metrics", "/nope"]
    bridge = ["/rocketchat/command", "/rocketchat/action", "/rocketchat/install", "/rocketchat/oauth_redirect"]
    odd_headers = [
        {"Content-Type": "application/json; charset=utf-16"},
        {"Content-Type": "application/x-www-form-urlencoded", "Content-Encoding": "gzip"},
        {"Cookie": "=; ;;=\\", "X-Request-Id": "x" * 5_000},
        {"X-Slack-Request-Timestamp": "²", "X-FilesBot-Request-Timestamp": "²", "X-FilesBot-Signature": "v0="},
    ]
    failures = []
    with captured_logs(logging.INFO) as log:
        for base, routes in ((slack.bot_url, paths), (rc.bot_url, bridge)):
            for path, method, headers, body in itertools.product(
                routes, ("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"), odd_headers, (b"\xff{", b"payload=%7B")
            ):
                response = requests.request(
                    method, base + path, headers=headers, data=body, allow_redirects=False, timeout=10
                )
                if response.status_code >= 500:
                    failures.append((method, path, headers, body, response.status_code))
    assert failures == []
    assert "Traceback" not in log.getvalue()


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
    cache = open_store(Path(env["FILES_BOT_DATA_DIR"]))
    stored = [f for platform, ws in cache.workspaces() for f in cache.workspace(platform, ws).files()]
    return {href for f in stored if (href := web_link(f.link))}


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
    from bot.sandbox.emulators.slack_api import File

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
    cache = open_store(Path(bot_env["FILES_BOT_DATA_DIR"]))
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
    from bot.sandbox.emulators.rocketchat_api import File
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
    cache = open_store(Path(rc_env["FILES_BOT_DATA_DIR"]))
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
    from bot.platforms.rocketchat import render as rc_render
    from bot.platforms.slack import render as slack_render
    from handlers.listing_views import Listing, listing_view
    from handlers.names import Names, named
    from handlers.source import FileInfo, SourceQuery

    link = f"https://chat.example/file-upload/F1/{name} (1)"
    row = FileInfo("F1", name, "", 10, "application/pdf", "pdf", "", "U0BEN", "ben", REPORT_DAY, link, ("C0D",))
    listing = listing_view(
        Listing(SourceQuery(conversation_id="C0D"), [row], 1, 1, 1, 10, 10, None, False, None, None, None)
    )
    slack_row = slack_render.render(listing)["blocks"][2]
    assert_slack_message_is_inert({"text": "", "blocks": [slack_row]}, {web_link(link) or ""}, {"U0BEN", "C0D"})
    names = Names(conversation=lambda _: "design", person=lambda _: "ben")
    rc_row = rc_render.render(named(listing, names))["blocks"][2]["text"]["text"]
    [(label, href)] = RC_LINK.findall(rc_row)
    assert href == web_link(link) and " " not in href and ")" not in href and not set(label) & set("*~`[]<>|@#\\")
    assert "evil" not in RC_LINK.sub("", rc_row) and "@all" not in RC_LINK.sub("", rc_row)
