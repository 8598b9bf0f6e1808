"""What the bot's own Rocket.Chat account can see: its rooms and their owners (only these are synced)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from bot.platforms.rocketchat.client import RecordingRocketChat
from bot.platforms.rocketchat.pacing import Pacer
from handlers.records import Conversation

ROLE_ENDPOINTS = {"c": "channels.roles", "p": "groups.roles"}


def workspace_id(server_url: str) -> str:
    """How the cache and the ledger name a Rocket.Chat server: its host (one server per bot)."""
    return urlparse(server_url).netloc or server_url


def bot_rooms(
    api: RecordingRocketChat, pacer: Pacer | None = None
) -> tuple[list[Conversation], dict[str, tuple[str, str | None]]]:
    """Channels and private groups the bot account is subscribed to, with owners (room role `owner`), and
    the room-type map a `RocketChatFileSource` needs. An archived room keeps its subscriptions (marked
    `archived`) but is no longer one the bot works in. `pacer`: keeps the calls within the rate limits."""

    def get(route: str, **params: str) -> Any:
        if pacer is None:
            return api.call_api_get(route, **params)
        return pacer.call(api, route, lambda: api.call_api_get(route, **params))

    subscriptions: dict[str, Any] = get("subscriptions.get")
    rooms: list[Conversation] = []
    types: dict[str, tuple[str, str | None]] = {}
    for sub in subscriptions.get("update") or []:
        kind, rid = sub.get("t"), sub.get("rid")
        if kind not in ROLE_ENDPOINTS or not rid or sub.get("archived"):
            continue
        roles = get(ROLE_ENDPOINTS[kind], roomId=rid)
        owners = tuple(sorted(r["u"]["_id"] for r in roles.get("roles") or [] if "owner" in (r.get("roles") or [])))
        rooms.append(Conversation(id=rid, name=sub.get("name") or "", private=kind == "p", owners=owners))
        types[rid] = (kind, sub.get("name"))
    return rooms, types
