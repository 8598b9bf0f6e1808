"""Drive the bot the way the files-bot Rocket.Chat App does: signed JSON to /rocketchat/*, and a browser
through the OAuth flow against the fake server's consent page."""

from __future__ import annotations

import copy
import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from bot.rocketchat.protocol import validate
from bot.rocketchat.verify import BridgeVerifier
from tests.fakes.rocketchat_api import FakeRocketChat, File, Room

PROTOCOL = Path(__file__).resolve().parents[1] / "bot" / "rocketchat" / "protocol"
APP_SECRET = "test-bridge-secret"

ANA, BEN, CAT, ADMIN = "rcAnaUserId00001", "rcBenUserId00002", "rcCatUserId00003", "rcAdminUserId004"
GENERAL, DESIGN, SECRET, DM = "GENERAL", "rcDesignRoom0001", "rcSecretRoom0001", f"{ANA}{BEN}"
USERNAMES = {ANA: "ana", BEN: "ben", CAT: "cat", ADMIN: "admin"}
SECRET_MARKERS = ("secret-plan", "rcSecretFile", "just-for-ben", "rcDmFile")
BASE = 1_780_000_000.0
DAY = 86_400


def protocol_fixture(name: str) -> Any:
    return json.loads((PROTOCOL / "fixtures" / name).read_text())


def seed(fake: FakeRocketChat) -> None:
    """Mirrors the Slack seed: 25 files in #general, typed files in #design, a private group, a DM."""
    for uid, name in USERNAMES.items():
        fake.add_user(uid, name, roles=["user", "admin"] if uid == ADMIN else ["user"])
    fake.rooms[GENERAL] = Room(GENERAL, "general", "c", {ANA, BEN, CAT, ADMIN})
    fake.rooms[DESIGN] = Room(DESIGN, "design", "c", {ANA, BEN}, owners={ANA})
    fake.rooms[SECRET] = Room(SECRET, "secret", "p", {ANA, BEN}, owners={BEN})
    fake.rooms[DM] = Room(DM, "", "d", {ANA, BEN})
    for i in range(25):
        fake.files.append(
            File(
                f"rcGenFile{i:03d}",
                f"notes-{i:02d}.txt",
                GENERAL,
                [ANA, BEN, CAT][i % 3],
                1_000 * (i + 1),
                "text/plain",
                BASE + i * DAY,
            )
        )
    design = [
        ("rcDesFile001", "logo.png", ANA, 2_400_000, "image/png"),
        ("rcDesFile002", "spec.pdf", BEN, 800_000, "application/pdf"),
        ("rcDesFile003", "mockups.zip", ANA, 95_000_000, "application/zip"),
        ("rcDesFile004", "demo.mp4", BEN, 40_000_000, "video/mp4"),
        ("rcDesFile005", "Quarterly Report.pdf", ANA, 3_100_000, "application/pdf"),
    ]
    for n, (fid, name, user, size, mime) in enumerate(design):
        fake.files.append(File(fid, name, DESIGN, user, size, mime, BASE + (30 + n) * DAY))
    for n in range(3):
        fake.files.append(
            File(
                f"rcSecretFile{n}",
                f"secret-plan-{n}.pdf",
                SECRET,
                ANA,
                7_000_000 + n,
                "application/pdf",
                BASE + (40 + n) * DAY,
            )
        )
    fake.files.append(File("rcDmFile0001", "just-for-ben.png", DM, ANA, 12_345, "image/png", BASE + 50 * DAY))


ROOMS = {GENERAL: ("general", "c"), DESIGN: ("design", "c"), SECRET: ("secret", "p"), DM: (None, "d")}


@dataclass
class BridgeDriver:
    bot_url: str
    fake: FakeRocketChat
    secret: str = APP_SECRET

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
        body = copy.deepcopy(protocol_fixture("command.json"))
        name, kind = ROOMS.get(room, (None, "c"))
        body.update(
            user={"id": user, "username": USERNAMES.get(user, "someone")},
            room={"id": room, "name": name, "type": kind},
            text=text,
            triggerId=uuid.uuid4().hex,  # unique per interaction, as Rocket.Chat makes them
        )
        return body

    def command(self, user: str, room: str = GENERAL, text: str = "") -> dict[str, Any]:
        response = self.post("/rocketchat/command", self.command_body(user, room, text))
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        validate("answer", answer)  # every answer the tests see also proves the protocol
        return answer

    def action(
        self, user: str, action_id: str, *, value: str | None = None, block_id: str | None = None, room: str = GENERAL
    ) -> dict[str, Any]:
        body = copy.deepcopy(protocol_fixture("action.json"))
        name, kind = ROOMS.get(room, (None, "c"))
        body.update(
            user={"id": user, "username": USERNAMES.get(user, "someone")},
            room={"id": room, "name": name, "type": kind},
            actionId=action_id,
            triggerId=uuid.uuid4().hex,
            blockId=block_id,
            value=value,
        )
        validate("action", body)
        response = self.post("/rocketchat/action", body)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        validate("answer", answer)
        return answer

    def authorize(self, user: str) -> requests.Response:
        """A browser: the bot's install link → the server's consent page (approves) → back to the bot."""
        browser = requests.Session()
        to_server = browser.get(f"{self.bot_url}/rocketchat/install", allow_redirects=False, timeout=10)
        assert to_server.status_code == 302, to_server.text
        consent = to_server.headers["Location"]
        assert consent.startswith(f"{self.fake.base_url}/oauth/authorize?")
        back = browser.get(consent, params={"as_user": user}, allow_redirects=False, timeout=10)
        assert back.status_code == 302, back.text
        return browser.get(back.headers["Location"], allow_redirects=False, timeout=10)


def element(answer: dict[str, Any], action_id: str) -> dict[str, Any]:
    for block in answer["blocks"]:
        for el in block.get("elements", []) if block["type"] == "actions" else []:
            if el.get("actionId") == action_id:
                return {**el, "blockId": block.get("blockId")}
    raise KeyError(action_id)


def has(answer: dict[str, Any], action_id: str) -> bool:
    try:
        element(answer, action_id)
    except KeyError:
        return False
    return True


def names(answer: dict[str, Any]) -> list[str]:
    import re

    return re.findall(
        r"\*\[((?:[^\]\\]|\\.)+)\]\(",
        json.dumps([b.get("text", {}).get("text", "") for b in answer["blocks"]], ensure_ascii=False),
    )
