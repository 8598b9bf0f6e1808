"""Sends weekly reports on Rocket.Chat as the bot account: a DM per recipient, as UIKit blocks.

`chat.sendMessage` carries a message's `blocks` (its schema takes them, from any account); `chat.postMessage`
would drop them (it builds the message from text, attachments and a few display fields only). The admin
report's chart is an image block pointing at the bot's own chart URL (see `charts.py`).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException, RocketBadStatusCodeException

from bot.platforms.delivery import Delivery
from bot.platforms.rocketchat import render
from bot.platforms.rocketchat.charts import ChartLinks
from bot.platforms.rocketchat.client import RecordingRocketChat
from bot.services.weekly import DeliveryFailed
from handlers.names import Names, named
from handlers.report_views import ReportView

log = logging.getLogger(__name__)

MAX_MEMBERS = 10_000


def _refused(error: Exception) -> DeliveryFailed | None:
    if isinstance(error, RocketApiException):
        reason, status = error.error_type or error.status_code, error.status_code
    elif isinstance(error, RocketBadStatusCodeException):
        reason, status = f"HTTP {error.status_code}", error.status_code
    else:
        return None
    # Rate limited, or the server failed: another try may go through.
    return DeliveryFailed(f"Rocket.Chat: {reason}", retryable=status == 429 or status >= 500)


DELIVERY = Delivery("Rocket.Chat", refused=_refused, unreachable=(requests.RequestException,))


class RocketChatCourier:
    def __init__(self, api: RecordingRocketChat, charts: ChartLinks | None = None) -> None:
        self._api = api
        self._charts = charts
        self._usernames: dict[str, str] = {}

    def user_name(self, user: str) -> str | None:
        """The username of `user` (the renderers' names port), or None when it can't be found."""
        if user not in self._usernames:
            try:
                info = self._call(lambda: self._api.call_api_get("users.info", userId=user))
            except DeliveryFailed as error:
                log.info("no username for a report: %s", error.reason)
                return None
            self._usernames[user] = str((info.get("user") or {}).get("username") or "")
        return self._usernames[user] or None

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

    def send(self, user: str, report: ReportView) -> None:
        username = self._usernames.get(user) or self._username(user)
        room = self._call(lambda: self._api.call_api_post("dm.create", username=username)).get("room") or {}
        rid = room.get("rid") or room.get("_id")
        if not rid:
            raise DeliveryFailed("dm.create returned no room", retryable=True)
        blocks = render.report_blocks(named(report, Names(person=self.user_name)), self.chart_url(report))
        message = {"rid": rid, "msg": render.report_text(report), "blocks": blocks}
        self._call(lambda: self._api.chat_send_message(message))

    def chart_url(self, report: ReportView) -> str | None:
        return self._charts.url(report.chart) if self._charts and report.chart else None

    def _username(self, user: str) -> str:
        info = self._call(lambda: self._api.call_api_get("users.info", userId=user))
        username = str((info.get("user") or {}).get("username") or "")
        if not username:
            raise DeliveryFailed("recipient not found", retryable=False)
        self._usernames[user] = username
        return username

    def _call(self, call: Any) -> dict[str, Any]:
        data = DELIVERY.call(call)
        if not isinstance(data, dict):
            raise DeliveryFailed("Rocket.Chat answered with something other than JSON", retryable=True)
        return data
