"""`files-bot sync`: every configured platform and workspace, with the bot's own credentials."""

from __future__ import annotations

import logging

from bot.cache import FileCache
from bot.config import Settings
from bot.ratelimit import RateLimiter
from bot.sync import Syncer, SyncResult

log = logging.getLogger(__name__)


def run_sync(
    settings: Settings, cache: FileCache, limiter: RateLimiter, *, full: bool = False
) -> dict[str, SyncResult]:
    """Sync every workspace the bot is installed in; returns results by "platform:workspace"."""
    results: dict[str, SyncResult] = {}
    syncer = Syncer(cache, limiter)
    if settings.slack_configured and settings.slack_client_id:
        from bot.slack.client import web_client
        from bot.slack.files_source import SlackFileSource
        from bot.slack.workspace import bot_conversations, bot_tokens

        client = web_client(settings)
        for team, token in bot_tokens(settings).items():
            source = SlackFileSource(client, token)
            results[f"slack:{team}"] = syncer.sync("slack", team, source, bot_conversations(client, token), full=full)
    if settings.rocketchat_configured and settings.rocketchat_bot_token and settings.rocketchat_bot_user_id:
        from urllib.parse import urlparse

        from bot.rocketchat.client import bot_client
        from bot.rocketchat.files_source import RocketChatFileSource
        from bot.rocketchat.pacing import Pacer
        from bot.rocketchat.workspace import bot_rooms

        api = bot_client(settings)
        # Every call paced per route, from the share above the people's reserve (unless the server exempts
        # the bot account from its rate limiter, which the pacer learns from its first answer).
        pacer = Pacer(limiter, settings.rocketchat_url or "", settings.rocketchat_bot_user_id, background=True)
        rooms, types = bot_rooms(api, pacer)
        workspace = urlparse(settings.rocketchat_url or "").netloc
        rc_source = RocketChatFileSource(api, settings.rocketchat_url or "", types, pacer=pacer)
        rc_syncer = Syncer(cache, limiter, method=None)
        results[f"rocketchat:{workspace}"] = rc_syncer.sync("rocketchat", workspace, rc_source, rooms, full=full)
    return results
