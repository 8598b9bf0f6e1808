"""OAuth authorization codes and states never reach the logs, even at DEBUG, where slack_sdk, urllib3,
requests and the state stores log URLs, bodies and the states they keep (issue #13, item 12)."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlparse

import requests

from bot.process import logs
from bot.sandbox.emulators.http_fake import HTTPFake
from tests.conftest import ANA, CAT
from tests.log_capture import captured_logs
from tests.slack_harness import SlackDriver


def _oauth_round_trip(install_url: str, as_user: str) -> tuple[str, str, str]:
    """A browser through one OAuth flow: install link → consent page (approves) → back to the bot, once;
    then the same callback again (a reload, or someone replaying it). Returns (state, code, callback)."""
    browser = requests.Session()
    to_consent = browser.get(install_url, allow_redirects=False, timeout=10)
    for cookie in browser.cookies:
        cookie.secure = False  # Bolt marks its state cookie `Secure`; a browser on http://localhost sends it
    consent = to_consent.headers["Location"]
    back = browser.get(consent, params={"as_user": as_user}, allow_redirects=False, timeout=10)
    callback = back.headers["Location"]
    assert browser.get(callback, allow_redirects=False, timeout=10).status_code == 200
    assert browser.get(callback, allow_redirects=False, timeout=10).status_code >= 400  # used: refused
    return parse_qs(urlparse(consent).query)["state"][0], parse_qs(urlparse(callback).query)["code"][0], callback


def _issued(fake: HTTPFake, path: str, name: str) -> set[str]:
    """Every value of parameter `name` the fake received at `path` (query or form)."""
    return {r.params[name] for r in list(fake.requests) if r.path == path and r.params.get(name)}


def test_no_slack_oauth_code_or_state_reaches_the_debug_log(slack: SlackDriver):
    with captured_logs(logging.DEBUG) as stream:
        state, code, callback = _oauth_round_trip(f"{slack.bot_url}/slack/install", f"{slack.team_id}:{ANA}")
        slack.authorize(CAT)
        requests.get(f"{slack.bot_url}/slack/oauth_redirect?code=forged-code&state=forged-state", timeout=10)
    captured = stream.getvalue()
    assert "oauth.v2.access" in captured and "/slack/oauth_redirect" in captured  # the debug log did run
    states = _issued(slack.fake, "/oauth/v2/authorize", "state") | {state, "forged-state"}
    codes = _issued(slack.fake, "/api/oauth.v2.access", "code") | {code, "forged-code"}
    assert len(states) == 3 and len(codes) == 3
    leaked = [value for value in states | codes if value in captured]
    assert leaked == [], f"{len(leaked)} OAuth codes or states leaked into the logs"
    assert callback.split("?")[0] in captured


def test_no_rocketchat_oauth_code_or_state_reaches_the_debug_log(rc):
    from tests.rocketchat_harness import ANA as RC_ANA
    from tests.rocketchat_harness import CAT as RC_CAT

    with captured_logs(logging.DEBUG) as stream:
        state, code, _ = _oauth_round_trip(f"{rc.bot_url}/rocketchat/install", RC_ANA)
        rc.authorize(RC_CAT)
        requests.get(f"{rc.bot_url}/rocketchat/oauth_redirect?code=forged-code&state=forged-state", timeout=10)
    captured = stream.getvalue()
    assert "/oauth/token" in captured and "/rocketchat/oauth_redirect" in captured  # the debug log did run
    states = _issued(rc.fake, "/oauth/authorize", "state") | {state, "forged-state"}
    codes = _issued(rc.fake, "/oauth/token", "code") | {code, "forged-code"}
    assert len(states) == 3 and len(codes) == 3
    leaked = [value for value in states | codes if value in captured]
    assert leaked == [], f"{len(leaked)} OAuth codes or states leaked into the logs"


def test_scrub_removes_oauth_codes_and_states_and_keeps_prose():
    lines = {
        '"GET /slack/oauth_redirect?code=c-1&state=s-1 HTTP/1.1" 200': ("c-1", "s-1"),
        "body_params: {'redirect_uri': 'https://x/r', 'code': 'c-2'}, files: {}": ("c-2",),
        '{"code": "c-3", "state": "s-3"}': ("c-3", "s-3"),
        "Cookie: slack-app-oauth-state=s-4; files-bot-rc-oauth-state=s-5": ("s-4", "s-5"),
        "grant_type=authorization_code&code=c-6&redirect_uri=x": ("c-6",),
    }
    for line, secrets in lines.items():
        cleaned = logs.scrub(line)
        assert not any(s in cleaned for s in secrets), cleaned
    for prose in ("rejected button state: invalid signature", "HTTP status_code=429", '"state": {"values": {}}'):
        assert logs.scrub(prose) == prose
