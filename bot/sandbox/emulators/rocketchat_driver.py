"""Rocket.Chat's side of the conversation with the bot, as the files-bot Rocket.Chat App sends it: signed
JSON to /rocketchat/* (the protocol's own fixtures as templates, every answer validated against its
schema), and a browser through the OAuth flow. Used by the tests and `files-bot demo`."""

from __future__ import annotations

import copy
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import requests

from bot.platforms.rocketchat.protocol import PROTOCOL_DIR, validate
from bot.platforms.rocketchat.verify import BridgeVerifier
from bot.sandbox.emulators.rocketchat_api import FakeRocketChat

GENERAL_ROOM = "GENERAL"  # #general's room id on every Rocket.Chat server


def protocol_fixture(name: str) -> Any:
    return json.loads((PROTOCOL_DIR / "fixtures" / name).read_text())


@dataclass
class BridgeDriver:
    bot_url: str
    fake: FakeRocketChat
    secret: str

    def post(
        self,
        path: str,
        body: Any,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        raw: bytes | None = None,
        signed: bool = True,
    ) -> requests.Response:
        data = raw if raw is not None else json.dumps(body, separators=(",", ":")).encode()
        ts = str(int(time.time()) if timestamp is None else timestamp)
        headers = {"Content-Type": "application/json"}
        if signed:
            headers["X-FilesBot-Request-Timestamp"] = ts
            headers["X-FilesBot-Signature"] = BridgeVerifier(secret or self.secret).sign(ts, data)
        return requests.post(f"{self.bot_url}{path}", data=data, headers=headers, timeout=30)

    def command_body(self, user: str, room: str, text: str) -> dict[str, Any]:
        body: dict[str, Any] = copy.deepcopy(protocol_fixture("command.json"))
        body.update(
            user=self._user(user),
            room=self._room(room),
            text=text,
            triggerId=uuid.uuid4().hex,  # unique per interaction, as Rocket.Chat makes them
        )
        return body

    def command(self, user: str, room: str = GENERAL_ROOM, text: str = "") -> dict[str, Any]:
        answer = self._answer(self.post("/rocketchat/command", self.command_body(user, room, text)))
        validate("answer", answer)  # every answer the tests see also proves the protocol
        return answer

    def action(
        self,
        user: str,
        action_id: str,
        *,
        value: str | None = None,
        block_id: str | None = None,
        room: str = GENERAL_ROOM,
    ) -> dict[str, Any]:
        body = copy.deepcopy(protocol_fixture("action.json"))
        body.update(
            user=self._user(user),
            room=self._room(room),
            actionId=action_id,
            triggerId=uuid.uuid4().hex,
            blockId=block_id,
            value=value,
        )
        validate("action", body)
        answer = self._answer(self.post("/rocketchat/action", body))
        validate("answer", answer)
        return answer

    def authorize(self, user: str) -> requests.Response:
        """A browser: the bot's install link → the server's consent page (approves) → back to the bot."""
        browser = requests.Session()
        to_server = browser.get(f"{self.bot_url}/rocketchat/install", allow_redirects=False, timeout=10)
        if to_server.status_code != 302:
            raise RuntimeError(f"the bot's install link answered {to_server.status_code}")
        consent = to_server.headers["Location"]
        if not consent.startswith(f"{self.fake.base_url}/oauth/authorize?"):
            raise RuntimeError("the bot's install link does not lead to this Rocket.Chat")
        back = browser.get(consent, params={"as_user": user}, allow_redirects=False, timeout=10)
        if back.status_code != 302:
            raise RuntimeError(f"the consent page answered {back.status_code}")
        return browser.get(back.headers["Location"], allow_redirects=False, timeout=10)

    def _user(self, user_id: str) -> dict[str, str]:
        known = self.fake.users.get(user_id)
        return {"id": user_id, "username": known.username if known else "someone"}

    def _room(self, room_id: str) -> dict[str, Any]:
        known = self.fake.rooms.get(room_id)
        if known is None:  # a room the emulator doesn't hold: what the App sends for an unknown channel
            return {"id": room_id, "name": None, "type": "c"}
        return {"id": room_id, "name": known.name or None, "type": known.t}

    @staticmethod
    def _answer(response: requests.Response) -> dict[str, Any]:
        if response.status_code != 200:
            raise RuntimeError(f"the bot answered {response.status_code}: {response.text[:200]}")
        answer: dict[str, Any] = response.json()
        return answer
