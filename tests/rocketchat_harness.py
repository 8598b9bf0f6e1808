"""The Rocket.Chat test workspace, and helpers around the emulator's driver
(bot/sandbox/emulators/rocketchat_driver.py)."""

from __future__ import annotations

import json
from typing import Any

from bot.sandbox.emulators.rocketchat_api import FakeRocketChat, File, Room
from bot.sandbox.emulators.rocketchat_driver import BridgeDriver, protocol_fixture

APP_SECRET = "test-bridge-secret"

ANA, BEN, CAT, ADMIN = "rcAnaUserId00001", "rcBenUserId00002", "rcCatUserId00003", "rcAdminUserId004"
GENERAL, DESIGN, SECRET, DM = "GENERAL", "rcDesignRoom0001", "rcSecretRoom0001", f"{ANA}{BEN}"
USERNAMES = {ANA: "ana", BEN: "ben", CAT: "cat", ADMIN: "admin"}
SECRET_MARKERS = ("secret-plan", "rcSecretFile", "just-for-ben", "rcDmFile")
BASE = 1_780_000_000.0
DAY = 86_400


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


__all__ = ["APP_SECRET", "BridgeDriver", "element", "has", "names", "protocol_fixture", "seed"]
