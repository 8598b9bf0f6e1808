"""`/files` and its buttons on Slack (each platform's `interactions.py` has this role): Bolt listeners that
turn Slack payloads into the flow's requests (`handlers/flow.py`) and carry its answers back as Block Kit.

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
from slack_sdk import WebClient

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
from handlers import flow
from handlers.answers import Answer, Answered, Later, NeedsAuthorization, Nothing, Settled
from handlers.files_command import Invocation
from handlers.names import UNNAMED, Names
from handlers.report_command import ReportDesk
from handlers.state import StateCodec
from handlers.views import ACTION_AUTHORIZE, ACTION_TYPE, NAVIGATION

log = logging.getLogger(__name__)


class SlackInteractions:
    """The `/files` command and its buttons, for one Slack app: Slack payloads into the flow's requests, its
    views into Block Kit; acks at once, and posts what work finds to `response_url`."""

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
        """`/files …`: what needs no call to Slack (help, usage errors, "please authorize") goes in the ack;
        anything else follows through `response_url`."""
        answer = flow.handle(flow.Command(str(command.get("text") or "")), self._session(context, command), self._codec)
        if isinstance(answer, Answered | NeedsAuthorization):
            ack(response_type="ephemeral", **render.answer(answer))
            return
        ack()
        self._follow(answer, respond)

    def action(
        self, ack: Ack, respond: Respond, action: dict[str, Any], body: dict[str, Any], context: BoltContext
    ) -> None:
        """Prev / Next / the type menu / Authorize: Slack shows nothing an action's ack carries, so ack, then
        post whatever the flow answers."""
        ack()
        action_id = str(action.get("action_id") or "")
        # The element's value: a button's own, or the option chosen in a menu.
        value = (action.get("selected_option") or {}).get("value") if action_id == ACTION_TYPE else action.get("value")
        click = flow.Click(action_id, value, action.get("block_id"))
        self._follow(flow.handle(click, self._session(context, body), self._codec), respond)

    # -- helpers ----------------------------------------------------------------------------------
    def _follow(self, answer: Answer, respond: Respond) -> None:
        """After the ack: run the work (or post the answer) from the pool; nothing at all for `Nothing`."""
        if isinstance(answer, Nothing):
            return
        work = answer.work if isinstance(answer, Later) else functools.partial(_settled, answer)
        # Acks first: the pool gets the work once the burst it came in has been acknowledged. The request
        # id (a contextvar) goes with it, so the worker's log lines say which request they serve.
        self._priority.defer(
            functools.partial(self._pool.submit, contextvars.copy_context().run, self._deliver, respond, work)
        )

    def _deliver(self, respond: Respond, work: Callable[[], Settled]) -> None:
        settled = safe_reply(work)
        # A new burst may have come in while the platform answered: rendering waits for its acks too.
        self._priority.wait_turn()
        if isinstance(settled, Nothing):
            return
        # A listing a click brought replaces the message clicked; anything else comes as a new message.
        replace = isinstance(settled, Answered) and settled.replace
        try:
            respond(response_type="ephemeral", replace_original=replace, **render.answer(settled))
        except Exception as error:
            log.error("could not post to response_url: %s", type(error).__name__)

    def _session(self, context: BoltContext, payload: dict[str, Any]) -> _Session:
        return _Session(context, self._invocation(context, payload), self._client, self._limiter, self._cache)

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


class _Session:
    """One Slack request, as the flow sees it (`handlers.flow.Session`)."""

    def __init__(
        self, context: BoltContext, invocation: Invocation, client: WebClient, limiter: RateLimiter, cache: Store
    ) -> None:
        self._context = context
        self._client = client
        self._limiter = limiter
        self._cache = cache
        self.invocation = invocation
        self.authorized = bool(context.user_token)

    def files(self) -> SlackFileSource:
        # Always the token of the user who typed or clicked — never the bot's, never a cached one.
        return SlackFileSource(
            self._client, self._context.user_token, limiter=self._limiter, workspace=self.invocation.team_id
        )

    def names(self) -> Names:
        return UNNAMED  # Slack names every mention for each reader

    def reports(self) -> ReportDesk:
        """Reports come from the cache and from Slack as the bot (see handlers/report_command.py), and are
        shown as the weekly DMs are: the same Block Kit, the chart uploaded privately by the bot."""
        data = self._cache.workspace("slack", self.invocation.team_id).reports()
        courier = SlackCourier(self._client, self._context.bot_token or "")
        return ReportDesk(data, courier, UNNAMED, courier.shown_chart)


def _settled(answer: Settled) -> Settled:
    return answer


def register(app: App, interactions: SlackInteractions) -> None:
    app.command("/files")(interactions.command)
    for action_id in (*NAVIGATION, ACTION_AUTHORIZE):
        # (A URL button still sends an interaction: the flow answers it with nothing, once acknowledged.)
        app.action(action_id)(interactions.action)
