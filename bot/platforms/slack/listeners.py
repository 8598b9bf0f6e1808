"""Bolt listeners for `/files` and its buttons: translate Slack payloads, call the skill, render, reply.

Slack's timing rule: a slash command or interaction must get its HTTP 200 within 3 seconds, or the user
sees "operation_timeout". So each listener, opsdroid-style, acks first — computed in the request thread
from parsing alone, no API call — and then hands the slow part (files.list with the user's token,
rendering, posting to `response_url`, valid for 30 minutes and 5 posts) to the listeners' own thread pool.
(Bolt's lazy listeners would do the same but deep-copy every request first, which costs more than the
whole ack under load.)
"""

from __future__ import annotations

import contextvars
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.platforms.slack import render
from bot.platforms.slack.client import web_client
from bot.platforms.slack.courier import SlackCourier
from bot.platforms.slack.files_source import SlackFileSource
from bot.platforms.slack.paths import INSTALL_PATH
from bot.platforms.slack.settings import SlackSettings
from bot.process.ack_priority import AckPriority
from bot.process.safe_reply import safe_reply
from bot.services.ratelimit import RateLimiter
from bot.storage.interface import Store
from handlers import files_command
from handlers.cards import Listing, Reply
from handlers.files_command import Invocation
from handlers.grammar import Report
from handlers.query import FileQuery
from handlers.report_command import run_report
from handlers.report_views import ReportNotice, ReportView
from handlers.state import StateCodec

log = logging.getLogger(__name__)


class FilesListeners:
    """The `/files` command and its navigation, for one Slack app."""

    # The work waits on Slack (I/O), not the CPU, so the pool can be wider than the core count.
    WORKERS = 32

    def __init__(
        self,
        settings: SlackSettings,
        public_url: str,
        codec: StateCodec,
        limiter: RateLimiter,
        cache: Store,
        priority: AckPriority,
        today: Callable[[], Any] | None = None,
    ) -> None:
        self._public_url = public_url
        self._cache = cache
        self._priority = priority
        self._codec = codec
        self._limiter = limiter
        self._client = web_client(settings.api_url)
        self._today = today or (lambda: datetime.now(UTC).date())
        self._pool = ThreadPoolExecutor(max_workers=self.WORKERS, thread_name_prefix="files-work")

    def command(self, ack: Ack, respond: Respond, command: dict[str, Any], context: BoltContext) -> None:
        """`/files …`: help, usage errors and "please authorize" go in the ack; a listing follows."""
        inv = self._invocation(context, command)
        triaged = files_command.triage(str(command.get("text") or ""), inv, authorized=bool(context.user_token))
        if isinstance(triaged, Report):
            ack()
            action, bot_token = triaged.action, context.bot_token or ""
            self._submit(self._deliver_report, respond, lambda: self._report(action, inv, bot_token))
            return
        if not isinstance(triaged, FileQuery):
            ack(response_type="ephemeral", **render.render(triaged))
            return
        ack()
        query, source = triaged, self._source(context)
        self._submit(self._deliver, respond, False, lambda: files_command.list_files(query, inv, source, self._codec))

    def navigate(
        self, ack: Ack, respond: Respond, action: dict[str, Any], body: dict[str, Any], context: BoltContext
    ) -> None:
        """Prev / Next / Type menu: ack, then re-run the (verified) query as the clicking user."""
        ack()
        inv = self._invocation(context, body)
        kind: str | None = None
        if action.get("action_id") == render.ACTION_TYPE:
            token = action.get("block_id")
            choice = (action.get("selected_option") or {}).get("value")
            kind = choice if isinstance(choice, str) else ""
        else:
            token = action.get("value")
        source = self._source(context)
        self._submit(
            self._deliver,
            respond,
            True,
            lambda: files_command.navigate(token, inv, source, self._codec, kind=kind),
        )

    def ack_only(self, ack: Ack) -> None:
        ack()

    def _report(self, action: str, inv: Invocation, bot_token: str) -> dict[str, Any] | Reply:
        """Reports come from the cache and the platform as the bot (see handlers/report_command.py), and are
        rendered as the weekly DMs are: the same Block Kit, the chart uploaded privately by the bot."""
        data = self._cache.workspace("slack", inv.team_id).reports()
        courier = SlackCourier(self._client, bot_token)
        reply = run_report(action, inv, data, courier, now=datetime.now(UTC))
        if isinstance(reply, ReportNotice):
            return render.report_notice(reply)
        if not isinstance(reply, ReportView):
            return reply
        return render.report(reply, courier.shown_chart(reply))

    # -- helpers ----------------------------------------------------------------------------------
    def _submit(self, fn: Callable[..., None], *args: Any) -> None:
        # Acks first: the pool gets the work once the burst it came in has been acknowledged. The request
        # id (a contextvar) goes with it, so the worker's log lines say which request they serve.
        self._priority.defer(functools.partial(self._pool.submit, contextvars.copy_context().run, fn, *args))

    def _source(self, context: BoltContext) -> SlackFileSource:
        # Always the token of the user who typed or clicked — never the bot's, never a cached one.
        return SlackFileSource(
            self._client, context.user_token, limiter=self._limiter, workspace=str(context.team_id or "")
        )

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
            authorize_url=f"{self._public_url}{INSTALL_PATH}",
        )

    def _deliver(self, respond: Respond, replace: bool, work: Callable[[], Reply]) -> None:
        reply = safe_reply(work)
        # A new burst may have come in while the platform answered: rendering waits for its acks too.
        self._priority.wait_turn()
        # A listing replaces the message it came from; a notice leaves it in place, as a new message.
        replace_original = replace and isinstance(reply, Listing)
        try:
            respond(response_type="ephemeral", replace_original=replace_original, **render.render(reply))
        except Exception as error:
            log.error("could not post to response_url: %s", type(error).__name__)

    def _deliver_report(self, respond: Respond, work: Callable[[], dict[str, Any] | Reply]) -> None:
        answer = safe_reply(work)
        self._priority.wait_turn()  # as for listings: a burst that came in meanwhile is acknowledged first
        message = answer if isinstance(answer, dict) else render.render(answer)
        try:
            respond(response_type="ephemeral", replace_original=False, **message)
        except Exception as error:
            log.error("could not post to response_url: %s", type(error).__name__)


def register(app: App, listeners: FilesListeners) -> None:
    app.command("/files")(listeners.command)
    for action_id in (render.ACTION_PREV, render.ACTION_NEXT, render.ACTION_TYPE):
        app.action(action_id)(listeners.navigate)
    # A URL button still sends an interaction; acknowledge it and let the browser do the rest.
    app.action(render.ACTION_AUTHORIZE)(listeners.ack_only)
