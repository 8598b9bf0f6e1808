"""Sends weekly reports on Slack as the bot: a DM per recipient, the admin chart uploaded into that DM."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.weekly import DeliveryFailed

# The recipient can't be reached this way: retrying won't help.
_PERMANENT = {
    "user_not_found",
    "cannot_dm_bot",
    "user_disabled",
    "account_inactive",
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "messages_tab_disabled",
    "restricted_action",
    "missing_scope",
    "invalid_auth",
    "token_revoked",
    "not_authed",
}


class SlackCourier:
    def __init__(self, client: WebClient, bot_token: str) -> None:
        self._client = client
        self._token = bot_token

    def mention(self, user: str) -> str:
        return f"<@{user}>"

    def members(self, conversation: str, private: bool) -> set[str]:
        del private  # one method for both kinds on Slack
        found: set[str] = set()
        for page in self._call(
            lambda: self._client.conversations_members(token=self._token, channel=conversation, limit=1000)
        ):
            found.update(page.get("members") or [])
        return found

    def admins(self) -> list[str]:
        """Workspace admins and owners (`users.list`), not bots, not deactivated."""
        found: list[str] = []
        for page in self._call(lambda: self._client.users_list(token=self._token, limit=200)):
            for user in page.get("members") or []:
                admin = user.get("is_admin") or user.get("is_owner")
                if admin and not user.get("deleted") and not user.get("is_bot"):
                    found.append(str(user["id"]))
        return sorted(found)

    def is_admin(self, user: str) -> bool:
        info = self._call(lambda: self._client.users_info(token=self._token, user=user))
        person = info.get("user") or {}
        return bool(person.get("is_admin") or person.get("is_owner"))

    def send(self, user: str, text: str, chart: Path | None) -> None:
        opened = self._call(lambda: self._client.conversations_open(token=self._token, users=user))
        channel = (opened.get("channel") or {}).get("id")
        if not channel:
            raise DeliveryFailed("conversations.open returned no channel", retryable=True)
        self._call(lambda: self._client.chat_postMessage(token=self._token, channel=channel, text=text, mrkdwn=True))
        if chart is not None:
            self._call(
                lambda: self._client.files_upload_v2(
                    token=self._token, channel=channel, file=str(chart), filename=chart.name, title="Storage trend"
                )
            )

    def _call(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except SlackApiError as error:
            code = str((error.response.data or {}).get("error") if isinstance(error.response.data, dict) else "")
            raise DeliveryFailed(
                f"Slack: {code or error.response.status_code}", retryable=code not in _PERMANENT
            ) from None
        except (SlackClientError, OSError, ValueError) as error:
            raise DeliveryFailed(f"Slack unreachable: {type(error).__name__}", retryable=True) from None
