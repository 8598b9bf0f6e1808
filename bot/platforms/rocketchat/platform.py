"""Rocket.Chat as a `Platform` (bot/platforms/contract.py): built once, by the registry, from
`RocketChatSettings`. One server per bot: its one workspace."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint

from bot.platforms.contract import Check, Host, PlatformName, Services, TimeLeft
from bot.platforms.rocketchat import check, render, routes
from bot.platforms.rocketchat.charts import ChartLinks
from bot.platforms.rocketchat.client import bot_client, user_client
from bot.platforms.rocketchat.courier import RocketChatCourier
from bot.platforms.rocketchat.files_source import RocketChatFileSource
from bot.platforms.rocketchat.pacing import Pacer
from bot.platforms.rocketchat.settings import BotAccount, RocketChatSettings
from bot.platforms.rocketchat.workspace import bot_rooms, room_types
from bot.services.ratelimit import RateLimiter
from handlers.answers import Answered, NeedsAuthorization
from handlers.records import Conversation


class RocketChatBot:
    """The bot account on the server, with its personal access token."""

    # Rocket.Chat's routes differ by room type and only the source sees the server's rate-limit headers:
    # the file source paces its own calls.
    sync_method = None

    def __init__(self, settings: RocketChatSettings, account: BotAccount, charts: ChartLinks) -> None:
        self.id = settings.workspace
        self._settings = settings
        self._account = account
        self._charts = charts
        self._api = bot_client(settings.url, account)

    def conversations(self, limiter: RateLimiter) -> list[Conversation]:
        return bot_rooms(self._api, self._pacer(limiter))

    def file_source(self, conversations: Sequence[Conversation], limiter: RateLimiter) -> RocketChatFileSource:
        pacer = self._pacer(limiter)
        return RocketChatFileSource(self._api, self._settings.url, room_types(conversations), pacer=pacer)

    def courier(self) -> RocketChatCourier:
        return RocketChatCourier(self._api, self._charts)

    def _pacer(self, limiter: RateLimiter) -> Pacer:
        # Every call from the share above the people's reserve (unless the server exempts the bot account
        # from its rate limiter, which the pacer learns from its first answer).
        return Pacer(limiter, self.id, self._account.user_id, background=True)


class RocketChatPlatform:
    name = PlatformName.ROCKETCHAT

    def __init__(self, settings: RocketChatSettings, host: Host) -> None:
        self._settings = settings
        self._host = host
        self._charts = ChartLinks(settings.app_secret, host.public_url)

    def workspaces(self) -> list[str]:
        return [self._settings.workspace]

    def bot_workspaces(self) -> list[RocketChatBot]:
        account = self._settings.bot
        return [RocketChatBot(self._settings, account, self._charts)] if account is not None else []

    def bot_workspace(self, workspace: str) -> RocketChatBot | None:
        # A cached server the bot no longer serves is never reached through the one it serves now.
        return next((bot for bot in self.bot_workspaces() if bot.id == workspace), None)

    def person_source(
        self, workspace: str, user_id: str, token: str | None, limiter: RateLimiter, time_left: TimeLeft | None = None
    ) -> RocketChatFileSource:
        del workspace  # one server
        api = user_client(self._settings.url, token, time_left=time_left) if token else None
        pacer = Pacer(limiter, self._settings.workspace, user_id, time_left=time_left)
        return RocketChatFileSource(api, self._settings.url, {}, pacer=pacer)

    def render(self, answer: Answered | NeedsAuthorization) -> dict[str, Any]:
        return render.answer(answer)

    def routes(self, services: Services) -> Blueprint:
        return routes.blueprint(self._settings, self._host, services)

    def checks(self) -> list[Check]:
        settings = self._settings
        return check.server_checks(settings.url, settings.oauth, settings.bot, self._host.public_url)
