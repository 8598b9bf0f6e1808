"""Drive the real bot server the way Slack does: signed requests, a browser through OAuth, response_url."""

from __future__ import annotations

import contextlib
import copy
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import requests
from slack_sdk.signature import SignatureVerifier

from bot.config import Settings
from tests.fakes.slack_api import FakeSlack

FIXTURES = Path(__file__).parent / "fixtures" / "slack"
SIGNING_SECRET = "test-signing-secret"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


class _LateApp:
    """Lets the server bind port 0 first, so the app can be built knowing its own URL (no port race)."""

    app: Any = None

    def __call__(self, environ: Any, start_response: Any) -> Any:
        return self.app(environ, start_response)


@contextlib.contextmanager
def running_bot(env: dict[str, str]) -> Iterator[str]:
    """Start `files-bot serve`'s server on a free 127.0.0.1 port; yields its base URL."""
    from bot.server import create_app, make_server, shutdown

    late = _LateApp()
    server = make_server(Settings.from_env(env), host="127.0.0.1", port=0, app=late)
    port = server.effective_port
    base = f"http://127.0.0.1:{port}"
    late.app = create_app(Settings.from_env({"FILES_BOT_PUBLIC_URL": base, "PORT": str(port), **env}))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        shutdown(server)
        thread.join(timeout=15)
        assert not thread.is_alive(), "the server did not stop"


@dataclass
class SlackDriver:
    """Sends what Slack would send to the bot, and reads back what the bot posted to response_url."""

    bot_url: str
    fake: FakeSlack
    team_id: str
    secret: str = SIGNING_SECRET

    def post_signed(
        self, body: str, content_type: str, *, timestamp: int | None = None, secret: str | None = None
    ) -> requests.Response:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret or self.secret).generate_signature(timestamp=ts, body=body)
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}
        return requests.post(f"{self.bot_url}/slack/events", data=body.encode(), headers=headers, timeout=10)

    def command_body(self, user_id: str, channel_id: str, text: str) -> tuple[str, str]:
        form = fixture("slash_command.form.json")
        response_url = self.fake.response_url()
        form.update(
            team_id=self.team_id,
            user_id=user_id,
            channel_id=channel_id,
            text=text,
            response_url=response_url,
            trigger_id=uuid.uuid4().hex,
        )  # unique per request, as Slack makes them
        return urlencode(form), response_url

    def command(self, user_id: str, channel_id: str, text: str = "") -> tuple[requests.Response, str]:
        body, response_url = self.command_body(user_id, channel_id, text)
        return self.post_signed(body, "application/x-www-form-urlencoded"), response_url

    def click(
        self, user_id: str, action: dict[str, Any], channel_id: str = "C0GENERAL", team_id: str | None = None
    ) -> tuple[requests.Response, str]:
        payload = copy.deepcopy(fixture("block_actions.payload.json"))
        response_url = self.fake.response_url()
        team = team_id or self.team_id
        payload["user"].update(id=user_id, team_id=team)
        payload["team"]["id"] = team
        payload["channel"]["id"] = channel_id
        payload["container"]["channel_id"] = channel_id
        payload["response_url"] = response_url
        payload["trigger_id"] = uuid.uuid4().hex
        payload["actions"] = [{**payload["actions"][0], **action}]
        body = urlencode({"payload": json.dumps(payload)})
        return self.post_signed(body, "application/x-www-form-urlencoded"), response_url

    def wait_for(self, response_url: str, count: int = 1, timeout: float = 15.0) -> list[dict[str, Any]]:
        """The messages posted to `response_url`, once `count` have arrived (bounded wait)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.fake.responses_for(response_url)
            if len(got) >= count:
                return got
            time.sleep(0.02)
        got = self.fake.responses_for(response_url)
        raise AssertionError(f"expected {count} response(s) at {response_url}, got {got}")

    def authorize(self, user_id: str) -> requests.Response:
        """A browser: the bot's install link → Slack's consent page (approves) → back to the bot."""
        browser = requests.Session()
        to_slack = browser.get(f"{self.bot_url}/slack/install", allow_redirects=False, timeout=10)
        assert to_slack.status_code == 302, to_slack.text
        # Bolt marks its state cookie `Secure`; a browser on http://localhost still sends it back.
        for cookie in browser.cookies:
            cookie.secure = False
        consent = to_slack.headers["Location"]
        assert consent.startswith(f"{self.fake.base_url}/oauth/v2/authorize?")
        back = browser.get(consent, params={"as_user": f"{self.team_id}:{user_id}"}, allow_redirects=False, timeout=10)
        assert back.status_code == 302
        return browser.get(back.headers["Location"], allow_redirects=False, timeout=10)


def consent_params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def all_text(messages: list[dict[str, Any]]) -> str:
    """Everything a user could read or click in these messages, as one string, for privacy checks."""
    return json.dumps(messages, ensure_ascii=False)


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """action_id → element (with its block's block_id) for every interactive element of a message."""
    found: dict[str, dict[str, Any]] = {}
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            found[element["action_id"]] = {**element, "block_id": block.get("block_id")}
    return found
