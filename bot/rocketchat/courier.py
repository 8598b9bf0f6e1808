"""Sends weekly reports on Rocket.Chat as the bot account: a DM per recipient, the admin chart uploaded there."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException, RocketBadStatusCodeException

from bot.rocketchat.client import RecordingRocketChat
from bot.weekly import DeliveryFailed

MAX_MEMBERS = 10_000


class RocketChatCourier:
    def __init__(self, api: RecordingRocketChat) -> None:
        self._api = api
        self._usernames: dict[str, str] = {}

    def mention(self, user: str) -> str:
        return f"@{self._usernames.get(user, user)}"

    def members(self, conversation: str, private: bool) -> set[str]:
        endpoint = "groups.members" if private else "channels.members"
        found: set[str] = set()
        offset = 0
        while offset < MAX_MEMBERS:
            page = self._call(
                partial(self._api.call_api_get, endpoint, roomId=conversation, offset=str(offset), count="100")
            )
            batch = page.get("members") or []
            for m in batch:
                self._usernames[str(m["_id"])] = str(m.get("username") or "")
                found.add(str(m["_id"]))
            offset += len(batch)
            if not batch or offset >= int(page.get("total") or 0):
                break
        return found

    def admins(self) -> list[str]:
        page = self._call(lambda: self._api.call_api_get("roles.getUsersInRole", role="admin", count="100"))
        found = []
        for user in page.get("users") or []:
            self._usernames[str(user["_id"])] = str(user.get("username") or "")
            found.append(str(user["_id"]))
        return sorted(found)

    def is_admin(self, user: str) -> bool:
        return user in self.admins()

    def send(self, user: str, text: str, chart: Path | None) -> None:
        username = self._usernames.get(user) or self._username(user)
        room = self._call(lambda: self._api.call_api_post("dm.create", username=username)).get("room") or {}
        rid = room.get("rid") or room.get("_id")
        if not rid:
            raise DeliveryFailed("dm.create returned no room", retryable=True)
        self._call(lambda: self._api.chat_post_message(text, room_id=rid))
        if chart is not None:
            upload = self._call(lambda: self._api.rooms_media(rid, (chart.name, chart.read_bytes(), "image/png")))
            file_id = (upload.get("file") or {}).get("_id")
            if not file_id:
                raise DeliveryFailed("rooms.media returned no file", retryable=True)
            self._call(lambda: self._api.rooms_media_confirm(rid, file_id, msg="Storage trend"))

    def _username(self, user: str) -> str:
        info = self._call(lambda: self._api.call_api_get("users.info", userId=user))
        username = str((info.get("user") or {}).get("username") or "")
        if not username:
            raise DeliveryFailed("recipient not found", retryable=False)
        self._usernames[user] = username
        return username

    def _call(self, call: Any) -> dict[str, Any]:
        try:
            data = call()
        except RocketApiException as error:
            raise DeliveryFailed(
                f"Rocket.Chat: {error.error_type or error.status_code}",
                retryable=error.status_code >= 500 or error.status_code == 429,
            ) from None
        except RocketBadStatusCodeException as error:
            raise DeliveryFailed(
                f"Rocket.Chat: HTTP {error.status_code}", retryable=error.status_code >= 500 or error.status_code == 429
            ) from None
        except (requests.RequestException, ValueError) as error:
            raise DeliveryFailed(f"Rocket.Chat unreachable: {type(error).__name__}", retryable=True) from None
        if not isinstance(data, dict):
            raise DeliveryFailed("Rocket.Chat answered with something other than JSON", retryable=True)
        return data
