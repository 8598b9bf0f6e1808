"""Sends weekly reports on Slack as the bot: a DM per recipient, as Block Kit. The admin report's chart is
uploaded once, privately (shared with no conversation), and shown in each report by an image block that
names the file (`slack_file`): the bot may show its own file anywhere, and no channel gets a copy."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.platforms.delivery import Delivery
from bot.platforms.slack import render
from bot.services import chart as charts
from bot.services.weekly import DeliveryFailed
from handlers.report_views import Chart, ReportView

log = logging.getLogger(__name__)

# An upload is processed asynchronously: until `files.info` shows its type, an image block naming it is
# refused (`invalid_blocks`). Slack's advice is to poll files.info; these are the waits between the polls.
PROCESSING_WAITS = (0.5, 1.0, 2.0, 4.0)
CHART_FILENAME = "storage-trend.png"

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


def _refused(error: Exception) -> DeliveryFailed | None:
    if not isinstance(error, SlackApiError):
        return None
    data = error.response.data
    code = str(data.get("error") if isinstance(data, dict) else "")
    return DeliveryFailed(f"Slack: {code or error.response.status_code}", retryable=code not in _PERMANENT)


DELIVERY = Delivery("Slack", refused=_refused, unreachable=(SlackClientError,))


class SlackCourier:
    def __init__(self, client: WebClient, bot_token: str, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self._client = client
        self._token = bot_token
        self._sleep = sleep
        self._charts: dict[Chart, str] = {}  # uploaded this run: every admin's report shows the same file
        self._ready: set[str] = set()
        self._unavailable: set[Chart] = set()

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

    def send(self, user: str, report: ReportView) -> None:
        message = render.report(report, self.shown_chart(report))
        opened = self._call(lambda: self._client.conversations_open(token=self._token, users=user))
        channel = (opened.get("channel") or {}).get("id")
        if not channel:
            raise DeliveryFailed("conversations.open returned no channel", retryable=True)
        self._call(lambda: self._client.chat_postMessage(token=self._token, channel=channel, **message))

    def shown_chart(self, report: ReportView) -> str | None:
        """The file id for `report`'s chart, or None — then the report goes out saying so: the figures are
        the report, the chart only draws them, and a report held back for it would be no report at all."""
        if not report.chart or report.chart in self._unavailable:
            return None
        try:
            return self.chart_file(report.chart)
        except DeliveryFailed as error:
            log.warning("report chart not shown: %s", error.reason)
            self._unavailable.add(report.chart)  # the other admins' reports don't wait for it again
            return None

    def chart_file(self, chart: Chart) -> str:
        """The id of `chart` uploaded by the bot and ready to show in an image block; raises `DeliveryFailed`."""
        file_id = self._charts.get(chart)
        if file_id is None:
            upload = self._call(
                lambda: self._client.files_upload_v2(
                    token=self._token, content=charts.png(chart), filename=CHART_FILENAME, title=chart.title
                )
            )
            file_id = str((upload.get("file") or {}).get("id") or "")
            if not file_id:
                raise DeliveryFailed("the chart upload returned no file", retryable=True)
            self._charts[chart] = file_id
        self._wait_until_processed(file_id)
        return file_id

    def _wait_until_processed(self, file_id: str) -> None:
        if file_id in self._ready:
            return
        for wait in (0.0, *PROCESSING_WAITS):
            if wait:
                self._sleep(wait)
            info = self._call(lambda: self._client.files_info(token=self._token, file=file_id))
            if (info.get("file") or {}).get("mimetype"):
                self._ready.add(file_id)
                return
        raise DeliveryFailed("the chart upload is still being processed", retryable=True)

    def _call(self, call: Callable[[], Any]) -> Any:
        return DELIVERY.call(call)
