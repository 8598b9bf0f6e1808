"""`/files` and its buttons on Rocket.Chat (each platform's `interactions.py` has this role): verified bridge
requests in as the flow's requests (`handlers/flow.py`), its answers back as UIKit, in the same exchange.

Unlike Slack, the App waits for the answer in the same request (it shows it in a contextual bar), so the
flow's work is done here, within the request, with the user's own token — and within `ANSWER_SECONDS`:
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
from bot.platforms.rocketchat.files_source import RocketChatFileSource, SeenNames
from bot.platforms.rocketchat.oauth import RocketChatOAuth
from bot.platforms.rocketchat.pacing import Pacer
from bot.platforms.rocketchat.paths import INSTALL_PATH
from bot.platforms.rocketchat.protocol import Action, Command, Room
from bot.platforms.rocketchat.settings import RocketChatSettings
from bot.process.safe_reply import safe_reply
from bot.services.ratelimit import RateLimiter
from bot.storage.interface import Store
from handlers import flow, messages
from handlers.answers import Answer, Later, NeedsAuthorization, Nothing
from handlers.files_command import Invocation
from handlers.listing import Budget
from handlers.names import Names
from handlers.report_command import ReportDesk
from handlers.state import StateCodec
from handlers.views import Notice

log = logging.getLogger(__name__)

# The App gives up on the bot after 10 s; this leaves room for the request's way there and back.
ANSWER_SECONDS = 5.0
# Which rooms hold files changes with the hourly sync: re-reading the cache for it once a minute is plenty.
ROOM_FILES_SECONDS = 60.0


class RocketChatInteractions:
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
        session = _Session(self, cmd.user_id, cmd.username, cmd.room)
        return self._carry(flow.handle(flow.Command(cmd.text), session, self._codec), cmd.user_id)

    def action(self, act: Action) -> dict[str, Any]:
        session = _Session(self, act.user_id, act.username, act.room)
        click = flow.Click(act.action_id, act.value, act.block_id)
        return self._carry(flow.handle(click, session, self._codec), act.user_id)

    def busy(self) -> dict[str, Any]:
        """The answer when too many Rocket.Chat requests are being worked on already (see bot/process/server.py)."""
        return render.render(Notice(messages.BUSY))

    def _carry(self, answer: Answer, user_id: str) -> dict[str, Any]:
        """The App waits for the answer: work is done now, within the request's time."""
        settled = safe_reply(answer.work) if isinstance(answer, Later) else answer
        if isinstance(settled, Nothing):
            return render.nothing()
        if isinstance(settled, NeedsAuthorization):
            self._oauth.forget(user_id)  # Rocket.Chat no longer accepts it (or there never was one)
        return render.answer(settled)

    def _source(
        self, token: str | None, room: Room | None, user_id: str, budget: Budget, seen: SeenNames
    ) -> RocketChatFileSource:
        api = client.user_client(self._settings.url, token, time_left=budget.left) if token else None
        rooms = {room.id: (room.type, room.name)} if room else {}
        pacer = Pacer(self._limiter, self._workspace, user_id, time_left=budget.left)
        return RocketChatFileSource(api, self._settings.url, rooms, pacer=pacer, room_files=self._room_files, seen=seen)

    def _report_desk(self, budget: Budget) -> ReportDesk | None:
        """Reports come from the cache and the platform as the bot account (see handlers/report_command.py);
        a report opens in the contextual bar, with the same blocks as the weekly DM."""
        account = self._settings.bot
        if account is None:
            return None
        data = self._cache.workspace("rocketchat", self._workspace).reports()
        courier = RocketChatCourier(client.bot_client(self._settings.url, account, budget.left), self._charts)
        return ReportDesk(data, courier, Names(person=courier.user_name), courier.chart_url)

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


class _Session:
    """One bridge request, as the flow sees it (`handlers.flow.Session`). The user's token is looked up
    (and refreshed if it has expired) only when the flow needs it."""

    def __init__(self, bridge: RocketChatInteractions, user_id: str, username: str, room: Room | None) -> None:
        self._bridge = bridge
        self._user_id = user_id
        self._room = room
        self._budget = Budget.seconds(ANSWER_SECONDS)
        self._token: str | None = None
        self._token_read = False
        self._seen = SeenNames()
        self._seen.user(user_id, username)
        self.invocation = bridge._invocation(user_id, room, self._budget)

    @property
    def authorized(self) -> bool:
        return self._user_token() is not None

    def files(self) -> RocketChatFileSource:
        return self._bridge._source(self._user_token(), self._room, self._user_id, self._budget, self._seen)

    def names(self) -> Names:
        return self._seen.names()

    def reports(self) -> ReportDesk | None:
        return self._bridge._report_desk(self._budget)

    def _user_token(self) -> str | None:
        if not self._token_read:
            self._token, self._token_read = self._bridge._oauth.current_token(self._user_id), True
        return self._token
