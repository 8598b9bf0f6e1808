"""What the bot's own Rocket.Chat account can see: its rooms and their owners (only these are synced)."""

from __future__ import annotations

from typing import Any

from bot.rocketchat.client import RecordingRocketChat
from bot.sync import Conversation

ROLE_ENDPOINTS = {"c": "channels.roles", "p": "groups.roles"}


def bot_rooms(api: RecordingRocketChat) -> tuple[list[Conversation], dict[str, tuple[str, str | None]]]:
    """Channels and private groups the bot account is subscribed to, with owners (room role `owner`), and
    the room-type map a `RocketChatFileSource` needs."""
    subscriptions: dict[str, Any] = api.call_api_get("subscriptions.get")
    rooms: list[Conversation] = []
    types: dict[str, tuple[str, str | None]] = {}
    for sub in subscriptions.get("update") or []:
        kind, rid = sub.get("t"), sub.get("rid")
        if kind not in ROLE_ENDPOINTS or not rid:
            continue
        roles = api.call_api_get(ROLE_ENDPOINTS[kind], roomId=rid)
        owners = tuple(sorted(r["u"]["_id"] for r in roles.get("roles") or [] if "owner" in (r.get("roles") or [])))
        rooms.append(Conversation(id=rid, name=sub.get("name"), private=kind == "p", owners=owners))
        types[rid] = (kind, sub.get("name"))
    return rooms, types
