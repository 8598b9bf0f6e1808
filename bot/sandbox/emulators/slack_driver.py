"""Slack's side of the conversation with the bot: signed slash commands and block actions sent the way
Slack sends them (from recorded real payloads), a browser through OAuth, and what the bot posted back to
each response_url. Used by the tests, the benchmarks and `files-bot demo`."""

from __future__ import annotations

import copy
import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests
from slack_sdk.signature import SignatureVerifier

from bot.sandbox.emulators.slack_api import FakeSlack

PAYLOADS = Path(__file__).parent / "payloads"


def recorded(name: str) -> Any:
    """A recorded real Slack payload, to be filled in per request."""
    return json.loads((PAYLOADS / name).read_text())


@dataclass
class SlackDriver:
    """Sends what Slack would send to the bot, and reads back what the bot posted to response_url."""

    bot_url: str
    fake: FakeSlack
    team_id: str
    secret: str

    def post_signed(
        self, body: str, content_type: str, *, timestamp: int | None = None, secret: str | None = None
    ) -> requests.Response:
        headers = self.signed_headers(body, content_type, timestamp=timestamp, secret=secret)
        return requests.post(f"{self.bot_url}/slack/events", data=body.encode(), headers=headers, timeout=10)

    def signed_headers(
        self, body: str, content_type: str, *, timestamp: int | None = None, secret: str | None = None
    ) -> dict[str, str]:
        """The headers Slack sends with `body`: its content type, timestamp and v0 signature."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret or self.secret).generate_signature(timestamp=ts, body=body)
        return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature or ""}

    def event(self, event: dict[str, Any]) -> requests.Response:
        """An Events API callback for this workspace carrying `event`, signed as Slack signs it."""
        envelope = {
            "token": "x",
            "team_id": self.team_id,
            "api_app_id": "A0FILESBOT",
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "event": event,
        }
        return self.post_signed(json.dumps(envelope), "application/json")

    def command_body(self, user_id: str, channel_id: str, text: str) -> tuple[str, str]:
        form = recorded("slash_command.form.json")
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
        payload = copy.deepcopy(recorded("block_actions.payload.json"))
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
        raise TimeoutError(f"expected {count} response(s) at {response_url}, got {len(got)}")

    def authorize(self, user_id: str) -> requests.Response:
        """A browser: the bot's install link → Slack's consent page (approves) → back to the bot."""
        browser = requests.Session()
        to_slack = browser.get(f"{self.bot_url}/slack/install", allow_redirects=False, timeout=10)
        if to_slack.status_code != 302:
            raise RuntimeError(f"the bot's install link answered {to_slack.status_code}")
        # Bolt marks its state cookie `Secure`; a browser on http://localhost still sends it back.
        for cookie in browser.cookies:
            cookie.secure = False
        consent = to_slack.headers["Location"]
        if not consent.startswith(f"{self.fake.base_url}/oauth/v2/authorize?"):
            raise RuntimeError("the bot's install link does not lead to this Slack")
        back = browser.get(consent, params={"as_user": f"{self.team_id}:{user_id}"}, allow_redirects=False, timeout=10)
        if back.status_code != 302:
            raise RuntimeError(f"Slack's consent page answered {back.status_code}")
        return browser.get(back.headers["Location"], allow_redirects=False, timeout=10)
