"""`files-bot sync`: every configured platform and workspace, with the bot's own credentials."""

from __future__ import annotations

import logging

from slack_sdk.oauth.installation_store.sqlite3 import SQLite3InstallationStore

from bot.cache import FileCache
from bot.config import Settings
from bot.ratelimit import RateLimiter
from bot.sync import Syncer, SyncResult

log = logging.getLogger(__name__)

SLACK_INSTALLATIONS = "slack-installations.sqlite"


def run_sync(
    settings: Settings, cache: FileCache, limiter: RateLimiter, *, full: bool = False
) -> dict[str, SyncResult]:
    """Sync every workspace the bot is installed in; returns results by "platform:workspace"."""
    results: dict[str, SyncResult] = {}
    syncer = Syncer(cache, limiter)
    if settings.slack_configured and settings.slack_client_id:
        from bot.slack.client import web_client
        from bot.slack.files_source import SlackFileSource
        from bot.slack.workspace import bot_conversations, installed_teams

        db = settings.data_dir / SLACK_INSTALLATIONS
        store = SQLite3InstallationStore(database=str(db), client_id=settings.slack_client_id)
        client = web_client(settings)
        for team in installed_teams(db, settings.slack_client_id):
            bot = store.find_bot(enterprise_id=None, team_id=team)
            if bot is None or not bot.bot_token:
                continue
            source = SlackFileSource(client, bot.bot_token)
            results[f"slack:{team}"] = syncer.sync(
                "slack", team, source, bot_conversations(client, bot.bot_token), full=full
            )
    if settings.rocketchat_configured and settings.rocketchat_bot_token and settings.rocketchat_bot_user_id:
        from urllib.parse import urlparse

        from bot.rocketchat.client import bot_client
        from bot.rocketchat.files_source import FILES_METHOD, RocketChatFileSource
        from bot.rocketchat.workspace import bot_rooms

        api = bot_client(settings)
        rooms, types = bot_rooms(api)
        workspace = urlparse(settings.rocketchat_url or "").netloc
        rc_source = RocketChatFileSource(api, settings.rocketchat_url or "", types)
        rc_syncer = Syncer(cache, limiter, method=FILES_METHOD)
        results[f"rocketchat:{workspace}"] = rc_syncer.sync("rocketchat", workspace, rc_source, rooms, full=full)
    return results
