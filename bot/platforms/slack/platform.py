"""Slack as a `Platform` (bot/platforms/contract.py): built once, by the registry, from `SlackSettings`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint
from slack_sdk import WebClient

from bot.platforms.contract import Check, Host, PlatformName, Services, TimeLeft
from bot.platforms.slack import check, render, routes
from bot.platforms.slack.app import build_app
from bot.platforms.slack.client import web_client
from bot.platforms.slack.courier import SlackCourier
from bot.platforms.slack.files_source import SlackFileSource
from bot.platforms.slack.settings import SlackSettings
from bot.platforms.slack.workspace import bot_conversations, bot_tokens, installed
from bot.services.ratelimit import RateLimiter
from handlers.answers import Answered, NeedsAuthorization
from handlers.records import Conversation

# Slack counts `files.list` per method and workspace: the sync takes each page from that bucket.
FILES_METHOD = "files.list"


class SlackBot:
    """The bot in one Slack workspace, with the bot token its installation holds."""

    sync_method = FILES_METHOD

    def __init__(self, team: str, client: WebClient, token: str) -> None:
        self.id = team
        self._client = client
        self._token = token

    def conversations(self, limiter: RateLimiter) -> list[Conversation]:
        del limiter  # `users.conversations` is a few calls per sync: Slack's own retry handler paces them
        return bot_conversations(self._client, self._token)

    def file_source(self, conversations: Sequence[Conversation], limiter: RateLimiter) -> SlackFileSource:
        del conversations, limiter  # one `files.list` for every kind of conversation; the sync paces it
        return SlackFileSource(self._client, self._token)

    def courier(self) -> SlackCourier:
        return SlackCourier(self._client, self._token)


class SlackPlatform:
    name = PlatformName.SLACK

    def __init__(self, settings: SlackSettings, host: Host) -> None:
        self._settings = settings
        self._host = host
        self._client = web_client(settings.api_url)

    def workspaces(self) -> list[str]:
        return installed(self._host.data_dir, self._settings.client_id)

    def bot_workspaces(self) -> list[SlackBot]:
        return [SlackBot(team, self._client, token) for team, token in self._bot_tokens().items()]

    def bot_workspace(self, workspace: str) -> SlackBot | None:
        token = self._bot_tokens().get(workspace)
        return SlackBot(workspace, self._client, token) if token else None

    def person_source(
        self, workspace: str, user_id: str, token: str | None, limiter: RateLimiter, time_left: TimeLeft | None = None
    ) -> SlackFileSource:
        del user_id, time_left  # the token says who; the ack comes first, the listing has its own time
        return SlackFileSource(self._client, token, limiter=limiter, workspace=workspace)

    def render(self, answer: Answered | NeedsAuthorization) -> dict[str, Any]:
        return render.answer(answer)

    def routes(self, services: Services) -> Blueprint:
        return routes.blueprint(build_app(self._settings, self._host, services))

    def checks(self) -> list[Check]:
        return check.checks(self._settings.api_url, self._client, self._bot_tokens(), self._host.public_url)

    def _bot_tokens(self) -> dict[str, str]:
        return bot_tokens(self._host.data_dir, self._settings.client_id)
