"""Operations: request ids, structured logs that never contain secrets, Prometheus metrics."""

from __future__ import annotations

import io
import json
import logging

import requests

from bot.process import logs
from tests.conftest import ANA, CAT, GENERAL, SECRET
from tests.log_capture import captured_logs
from tests.slack_harness import SIGNING_SECRET, SlackDriver


def test_scrub_removes_tokens_and_secrets():
    line = (
        "headers={'Authorization': 'Bearer xoxp-T1-U1-abc'} token=xoxb-1-2-3 access_token=rc-at-99 "
        '"refresh_token": "rc-rt-1" client_secret=shh X-Auth-Token: pat-123'
    )
    cleaned = logs.scrub(line)
    for secret in ("xoxp-T1-U1-abc", "xoxb-1-2-3", "rc-at-99", "rc-rt-1", "shh", "pat-123"):
        assert secret not in cleaned, cleaned


def test_json_lines_carry_the_request_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logs.install_filter(handler)
    handler.setFormatter(logs.JsonFormatter())
    log = logging.getLogger("files-bot.test")
    log.addHandler(handler)
    try:
        token = logs.request_id.set("req-42")
        log.warning("listing for %s with token=%s", "someone", "xoxp-secret-1")
        logs.request_id.reset(token)
    finally:
        log.removeHandler(handler)
    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["request_id"] == "req-42" and record["level"] == "warning"
    assert "xoxp-secret-1" not in line and "[redacted]" in record["message"]


def test_no_token_or_secret_ever_reaches_the_logs(slack: SlackDriver, bot_env):
    # DEBUG, the chattiest setting: slack_sdk logs request headers there.
    with captured_logs(logging.DEBUG) as stream:
        slack.authorize(ANA)
        slack.authorize(CAT)
        for user, text in ((ANA, ""), (CAT, f"<#{SECRET}>"), (CAT, "everywhere largest"), (ANA, "bogus words")):
            _, url = slack.command(user, GENERAL, text)
            if text != "bogus words":
                slack.wait_for(url)
        slack.fake.inject("files.list", 500, body="boom", times=2)
        slack.wait_for(slack.command(ANA, GENERAL, "")[1])
        body, _ = slack.command_body(ANA, GENERAL, "")
        slack.post_signed(body, "application/x-www-form-urlencoded", secret="wrong")
    captured = stream.getvalue()
    assert "files.list" in captured  # the debug log did run
    secrets = [*slack.fake.tokens, SIGNING_SECRET, slack.fake.client_secret]
    leaked = [s for s in secrets if s in captured]
    assert leaked == [], f"{len(leaked)} of {len(secrets)} secrets leaked into the logs"
    # CAT asked about #secret twice; nothing from it reached the logs (ANA, a member, listed #general only).
    assert "secret-plan" not in captured


def test_requests_get_an_id_and_metrics_count_them(slack: SlackDriver):
    slack.authorize(ANA)
    ack, url = slack.command(ANA, GENERAL, "")
    slack.wait_for(url)
    assert len(ack.headers["X-Request-Id"]) == 16
    echoed = requests.get(f"{slack.bot_url}/healthz", headers={"X-Request-Id": "abc-123"}, timeout=5)
    assert echoed.headers["X-Request-Id"] == "abc-123"
    hostile = requests.get(f"{slack.bot_url}/healthz", headers={"X-Request-Id": "a\\nb<script>"}, timeout=5)
    assert hostile.headers["X-Request-Id"] != "a\\nb<script>"
    text = requests.get(f"{slack.bot_url}/metrics", timeout=5).text
    assert 'files_bot_requests_total{outcome="ok",platform="slack"}' in text
    assert 'files_bot_api_calls_total{method="files.list",platform="slack",result="ok"}' in text
    assert "files_bot_ack_seconds_bucket" in text


def test_no_rocketchat_token_or_secret_reaches_the_logs(rc, rc_env, fake_rc):
    from tests.rocketchat_harness import ANA as RC_ANA
    from tests.rocketchat_harness import CAT as RC_CAT

    with captured_logs(logging.DEBUG) as stream:
        rc.authorize(RC_ANA)
        rc.authorize(RC_CAT)
        rc.command(RC_ANA)
        rc.command(RC_CAT, "GENERAL", "#secret")
        fake_rc.expire_all()  # forces a refresh-token exchange
        rc.command(RC_ANA)
        rc.command(RC_ANA, "GENERAL", "admin report")
        rc.post("/rocketchat/command", rc.command_body(RC_ANA, "GENERAL", ""), secret="wrong")
    captured = stream.getvalue()
    assert "channels.files" in captured  # the debug log did run
    secrets = [
        *fake_rc.grants,
        *(g.refresh_token for g in fake_rc.grants.values()),
        *(token for _, token in fake_rc.personal_tokens),
        rc_env["ROCKETCHAT_APP_SECRET"],
        fake_rc.client_secret,
    ]
    leaked = [s for s in secrets if s in captured]
    assert leaked == [], f"{len(leaked)} of {len(secrets)} secrets leaked into the logs"
