"""`/files` for Rocket.Chat: turns verified bridge requests into skill calls and UIKit answers.

Unlike Slack, the App waits for the answer in the same request (it shows it in a contextual bar), so the
listing is computed here, within the request, with the user's own token — and within `ANSWER_SECONDS`:
the App stops waiting after 10 s (`REQUEST_TIMEOUT_MS` in rocketchat-app/src/bridge.ts), so an answer
that cannot be complete by then is partial, and says so.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.platforms.rocketchat import client, render
from bot.platforms.rocketchat.charts import ChartLinks
from bot.platforms.rocketchat.courier import RocketChatCourier
from bot.platforms.rocketchat.files_source import RocketChatFileSource
from bot.platforms.rocketchat.oauth import RocketChatOAuth
from bot.platforms.rocketchat.pacing import Pacer
from bot.platforms.rocketchat.paths import INSTALL_PATH
from bot.platforms.rocketchat.protocol import Action, Command, Room
from bot.platforms.rocketchat.settings import RocketChatSettings
from bot.process.safe_reply import safe_reply
from bot.services.ratelimit import RateLimiter
from bot.storage.interface import Store
from handlers import files_command
from handlers.cards import Notice, Reply
from handlers.files_command import Invocation
from handlers.grammar import Report
from handlers.listing import Budget
from handlers.query import FileQuery
from handlers.report_command import run_report
from handlers.report_views import ReportNotice, ReportView
from handlers.state import StateCodec

log = logging.getLogger(__name__)

NO_BOT_ACCOUNT = "Reports need files-bot's own account on this server. Ask an admin to set it up."
UNKNOWN_ACTION = "That button doesn't look like one of mine. Run `/files` again to get a fresh list."
BUSY = "I'm busy with other people's requests right now. Please try again in a moment."
# The App gives up on the bot after 10 s; this leaves room for the request's way there and back.
ANSWER_SECONDS = 5.0
# Which rooms hold files changes with the hourly sync: re-reading the cache for it once a minute is plenty.
ROOM_FILES_SECONDS = 60.0


class RocketChatFiles:
    def __init__(
        self,
        settings: RocketChatSettings,
        public_url: str,
        oauth: RocketChatOAuth,
        cache: Store,
        limiter: RateLimiter,
    ) -> None:
        """`limiter`: the process's, shared with the sync (Rocket.Chat counts both alike)."""
        self._settings = settings
        self._public_url = public_url
        self._oauth = oauth
        self._cache = cache
        self._limiter = limiter
        self._codec = StateCodec(settings.app_secret, purpose="rocketchat")
        self._charts = ChartLinks(settings.app_secret, public_url)
        # One Rocket.Chat server per bot: its host stands in for Slack's workspace id in button state.
        self._workspace = settings.workspace
        self._room_files_lock = threading.Lock()
        self._room_files_read: tuple[float, Mapping[str, int]] | None = None

    def command(self, cmd: Command) -> dict[str, Any]:
        budget = Budget.seconds(ANSWER_SECONDS)
        token = self._oauth.current_token(cmd.user_id)
        inv = self._invocation(cmd.user_id, cmd.room, budget)
        triaged = files_command.triage(cmd.text, inv, authorized=token is not None)
        if isinstance(triaged, Report):
            return self._report_answer(triaged.action, inv)
        if not isinstance(triaged, FileQuery):
            return self._answer(triaged, None, cmd.user_id)
        source = self._source(token, cmd.room, cmd.user_id, cmd.username, budget)
        return self._run(lambda: files_command.list_files(triaged, inv, source, self._codec), source, cmd.user_id)

    def action(self, act: Action) -> dict[str, Any]:
        if act.action_id == render.ACTION_AUTHORIZE:
            return render.nothing()
        if act.action_id not in (render.ACTION_PREV, render.ACTION_NEXT, render.ACTION_TYPE):
            return self._answer(Notice(UNKNOWN_ACTION), None, act.user_id)
        budget = Budget.seconds(ANSWER_SECONDS)
        token = self._oauth.current_token(act.user_id)
        inv = self._invocation(act.user_id, act.room, budget)
        source = self._source(token, act.room, act.user_id, act.username, budget)
        if act.action_id == render.ACTION_TYPE:
            state, kind = act.block_id, act.value or ""
        else:
            state, kind = act.value, None
        return self._run(
            lambda: files_command.navigate(state, inv, source, self._codec, kind=kind), source, act.user_id
        )

    def _report_answer(self, action: str, inv: Invocation) -> dict[str, Any]:
        answer = safe_reply(lambda: self._report(action, inv))
        return answer if isinstance(answer, dict) else self._answer(answer, None, inv.user_id)

    def _report(self, action: str, inv: Invocation) -> dict[str, Any] | Notice:
        """Reports come from the cache and the platform as the bot account (see handlers/report_command.py);
        a report opens in the contextual bar, with the same blocks as the weekly DM."""
        account = self._settings.bot
        if account is None:
            return Notice(NO_BOT_ACCOUNT)
        data = self._cache.workspace("rocketchat", self._workspace).reports()
        time_left = inv.budget.left if inv.budget is not None else None
        courier = RocketChatCourier(client.bot_client(self._settings.url, account, time_left), self._charts)
        reply = run_report(action, inv, data, courier, now=datetime.now(UTC))
        if isinstance(reply, ReportView):
            return render.report(reply, courier.user_name, courier.chart_url(reply))
        if isinstance(reply, ReportNotice):
            return render.report_notice(reply)
        return reply

    def busy(self) -> dict[str, Any]:
        """The answer when too many Rocket.Chat requests are being worked on already (see bot/process/server.py)."""
        return render.render(Notice(BUSY), lambda _: None, lambda _: None)

    def _run(self, work: Any, source: RocketChatFileSource | None, user_id: str) -> dict[str, Any]:
        return self._answer(safe_reply(work), source, user_id)

    def _answer(self, reply: Reply, source: RocketChatFileSource | None, user_id: str) -> dict[str, Any]:
        if isinstance(reply, Notice) and reply.authorize_url:
            self._oauth.forget(user_id)  # Rocket.Chat no longer accepts it (or there never was one)
        if source is None:
            return render.render(reply, lambda _: None, lambda _: None)
        return render.render(reply, source.room_name, source.user_name)

    def _source(
        self, token: str | None, room: Room | None, user_id: str, username: str, budget: Budget
    ) -> RocketChatFileSource:
        api = client.user_client(self._settings.url, token, time_left=budget.left) if token else None
        rooms = {room.id: (room.type, room.name)} if room else {}
        pacer = Pacer(self._limiter, self._workspace, user_id, time_left=budget.left)
        source = RocketChatFileSource(api, self._settings.url, rooms, pacer=pacer, room_files=self._room_files)
        source.know_user(user_id, username)
        return source

    def _room_files(self) -> Mapping[str, int]:
        """How many files the cache (the bot's own sync) holds per room: 0 for a room the bot is in and
        found empty, absent for rooms it knows nothing of. Orders a walk; never shown to anyone."""
        with self._room_files_lock:
            now = time.monotonic()
            if self._room_files_read is None or now - self._room_files_read[0] > ROOM_FILES_SECONDS:
                data = self._cache.workspace("rocketchat", self._workspace).reports()
                counts = {c.id: 0 for c in data.conversations()}
                counts.update({room: files for room, (files, _bytes) in data.totals().items()})
                self._room_files_read = (now, counts)
            return self._room_files_read[1]

    def _invocation(self, user_id: str, room: Room | None, budget: Budget) -> Invocation:
        return Invocation(
            team_id=self._workspace,
            user_id=user_id,
            conversation_id=room.id if room else "",
            today=datetime.now(UTC).date(),
            authorize_url=f"{self._public_url}{INSTALL_PATH}",
            budget=budget,
        )
