"""Bolt listeners for `/files` and its buttons: translate Slack payloads, call the skill, render, reply.

Slack's timing rule: a slash command or interaction must get its HTTP 200 within 3 seconds, or the user
sees "operation_timeout". So every listener is split, opsdroid-style, into an `ack_*` that answers
instantly (parsing only, no API call) and a lazy `*_work` that calls the Web API with the user's token
and delivers through `response_url` (valid for 30 minutes, up to 5 posts).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.config import Settings
from bot.slack import render
from bot.slack.client import web_client
from bot.slack.files_source import SlackFileSource
from bot.slack.paths import INSTALL_PATH
from handlers import files_command
from handlers.cards import Listing, Notice, Reply
from handlers.files_command import Invocation
from handlers.query import FileQuery
from handlers.state import StateCodec

log = logging.getLogger(__name__)

SORRY = "Sorry — something went wrong on my side. Please try again in a minute."


class FilesListeners:
    """The `/files` command and its navigation, for one Slack app."""

    def __init__(self, settings: Settings, codec: StateCodec, today: Callable[[], Any] | None = None) -> None:
        self._settings = settings
        self._codec = codec
        self._client = web_client(settings)
        self._today = today or (lambda: datetime.now(UTC).date())

    # -- /files -----------------------------------------------------------------------------------
    def ack_command(self, ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        triaged = files_command.triage(
            str(command.get("text") or ""), self._invocation(context, command), authorized=bool(context.user_token)
        )
        if isinstance(triaged, Notice):
            ack(response_type="ephemeral", **render.render(triaged))
        else:
            ack()  # the listing follows through response_url

    def command_work(self, respond: Respond, command: dict[str, Any], context: BoltContext) -> None:
        inv = self._invocation(context, command)
        triaged = files_command.triage(str(command.get("text") or ""), inv, authorized=bool(context.user_token))
        if not isinstance(triaged, FileQuery):
            return  # already answered in the ack
        query = triaged
        self._deliver(
            respond,
            replace=False,
            work=lambda: files_command.list_files(query, inv, self._source(context), self._codec),
        )

    # -- buttons and menus ------------------------------------------------------------------------
    def ack_action(self, ack: Ack) -> None:
        ack()

    def navigate_work(
        self, respond: Respond, action: dict[str, Any], body: dict[str, Any], context: BoltContext
    ) -> None:
        inv = self._invocation(context, body)
        if action.get("action_id") == render.ACTION_TYPE:
            token = action.get("block_id")
            kind = (action.get("selected_option") or {}).get("value")
            kind = kind if isinstance(kind, str) else ""
        else:
            token, kind = action.get("value"), None
        self._deliver(
            respond,
            replace=True,
            work=lambda: files_command.navigate(token, inv, self._source(context), self._codec, kind=kind),
        )

    # -- helpers ----------------------------------------------------------------------------------
    def _source(self, context: BoltContext) -> SlackFileSource:
        # Always the token of the user who typed or clicked — never the bot's, never a cached one.
        return SlackFileSource(self._client, context.user_token)

    def _invocation(self, context: BoltContext, payload: dict[str, Any]) -> Invocation:
        channel = (
            payload.get("channel_id")
            or (payload.get("channel") or {}).get("id")
            or (payload.get("container") or {}).get("channel_id")
            or ""
        )
        return Invocation(
            team_id=str(context.team_id or ""),
            user_id=str(context.user_id or ""),
            conversation_id=str(channel),
            today=self._today(),
            authorize_url=f"{self._settings.public_url}{INSTALL_PATH}",
        )

    def _deliver(self, respond: Respond, *, replace: bool, work: Callable[[], Reply]) -> None:
        try:
            reply = work()
        except Exception:
            log.exception("/files failed")
            reply = Notice(SORRY)
        # A listing replaces the message it came from; a notice leaves it in place, as a new message.
        replace_original = replace and isinstance(reply, Listing)
        try:
            respond(response_type="ephemeral", replace_original=replace_original, **render.render(reply))
        except Exception as error:
            log.error("could not post to response_url: %s", type(error).__name__)


def register(app: App, listeners: FilesListeners) -> None:
    app.command("/files")(ack=listeners.ack_command, lazy=[listeners.command_work])
    for action_id in (render.ACTION_PREV, render.ACTION_NEXT, render.ACTION_TYPE):
        app.action(action_id)(ack=listeners.ack_action, lazy=[listeners.navigate_work])
    # A URL button still sends an interaction; acknowledge it and let the browser do the rest.
    app.action(render.ACTION_AUTHORIZE)(listeners.ack_action)
