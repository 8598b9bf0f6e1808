"""Hostile requests: every one ends in a clear reply or a 4xx — never a traceback, a 5xx, or data."""

from __future__ import annotations

import json
import time
import uuid

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ANA, GENERAL, SECRET_MARKERS
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
