"""What the bot's own Rocket.Chat account can see: its rooms and their owners (only these are synced)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.platforms.rocketchat.client import RecordingRocketChat
from bot.platforms.rocketchat.pacing import Pacer
from handlers.records import Conversation

ROLE_ENDPOINTS = {"c": "channels.roles", "p": "groups.roles"}


def bot_rooms(api: RecordingRocketChat, pacer: Pacer | None = None) -> list[Conversation]:
    """Channels and private groups the bot account is subscribed to, with owners (room role `owner`). An
    archived room keeps its subscriptions (marked `archived`) but is no longer one the bot works in.
    `pacer`: keeps the calls within the rate limits."""

    def get(route: str, **params: str) -> Any:
        if pacer is None:
            return api.call_api_get(route, **params)
        return pacer.call(api, route, lambda: api.call_api_get(route, **params))

    subscriptions: dict[str, Any] = get("subscriptions.get")
    rooms: list[Conversation] = []
    for sub in subscriptions.get("update") or []:
        kind, rid = sub.get("t"), sub.get("rid")
        if kind not in ROLE_ENDPOINTS or not rid or sub.get("archived"):
            continue
        roles = get(ROLE_ENDPOINTS[kind], roomId=rid)
        owners = tuple(sorted(r["u"]["_id"] for r in roles.get("roles") or [] if "owner" in (r.get("roles") or [])))
        rooms.append(Conversation(id=rid, name=sub.get("name") or "", private=kind == "p", owners=owners))
    return rooms


def room_types(rooms: Iterable[Conversation]) -> dict[str, tuple[str, str | None]]:
    """The room-type map a `RocketChatFileSource` needs, for rooms from `bot_rooms`."""
    return {room.id: ("p" if room.private else "c", room.name) for room in rooms}
