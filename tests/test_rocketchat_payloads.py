"""Recorded Rocket.Chat payloads (the groups.files docs: first and last page, 400 and 401) parse as expected,
and the fake answers in the same shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from bot.platforms.rocketchat.client import bot_client
from bot.platforms.rocketchat.files_source import to_file_info
from bot.platforms.rocketchat.settings import BotAccount
from handlers.query import Kind
from tests.rocketchat_harness import ADMIN, BEN, DESIGN, SECRET

FIXTURES = Path(__file__).parent / "fixtures" / "rocketchat"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def test_first_and_last_page_files_become_neutral_records():
    first = to_file_info(fixture("groups.files.first_page.json")["files"][0], "https://chat.example")
    assert (first.id, first.name, first.size, first.kind) == ("S78TNnvaWGwdYRaCD", "images.jpeg", 9778, Kind.IMAGES)
    assert first.uploader_name == "rocket.cat" and first.uploader_id == "ksKsKmrjvxzkzxkww"
    assert first.created == datetime(2018, 3, 8, 14, 47, 37, 295000, tzinfo=UTC)
    assert first.link == "https://chat.example/ufs/GridFS:Uploads/S78TNnvaWGwdYRaCD/images.jpeg"
    last = to_file_info(fixture("groups.files.last_page.json")["files"][0], "https://chat.example")
    assert last.kind is Kind.SPREADSHEETS and last.title == "Q1 numbers" and last.conversations == ("GENERAL",)


def test_fake_speaks_the_recorded_shapes(fake_rc):
    token = fake_rc._grant(BEN)["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    page = requests.get(
        f"{fake_rc.base_url}/api/v1/groups.files", params={"roomId": SECRET, "count": 1}, headers=auth, timeout=5
    ).json()
    recorded = fixture("groups.files.first_page.json")
    assert set(page) == set(recorded) and set(page["files"][0]) == set(recorded["files"][0])
    assert set(page["files"][0]["user"]) == set(recorded["files"][0]["user"])
    missing = requests.get(f"{fake_rc.base_url}/api/v1/groups.files", headers=auth, timeout=5)
    assert missing.status_code == 400 and missing.json() == fixture("error.invalid_params.json")
    anonymous = requests.get(f"{fake_rc.base_url}/api/v1/groups.files", params={"roomId": SECRET}, timeout=5)
    # The documented pair, and (REST source before 8.0, see bot/sandbox/emulators/FIDELITY.md) `success` and `error`.
    assert anonymous.status_code == 401 and anonymous.json().items() >= fixture("error.unauthorized.json").items()


def test_room_roles_for_the_bots_own_work(fake_rc):
    bot = BotAccount(ADMIN, fake_rc.personal_access_token(ADMIN))
    fake_rc.rooms[SECRET].members.add(ADMIN)
    roles = bot_client(fake_rc.base_url, bot).groups_roles(room_id=SECRET)
    assert [r["u"]["username"] for r in roles["roles"]] == ["ben"]
    assert bot_client(fake_rc.base_url, bot).channels_roles(room_id=DESIGN)["roles"][0]["roles"] == ["owner"]
