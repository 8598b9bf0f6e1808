"""Scheduled jobs, referenced by import path from the persistent job store (`bot.services.jobs:weekly_reports`).

They take no arguments: configuration is read from the environment when they run, so a stored job never
carries secrets or stale settings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.process.config import Settings
from bot.services import ratelimit, weekly
from bot.services.sync import describe
from bot.services.sync_runner import run_sync
from bot.services.weekly import Courier
from bot.storage import open_store

log = logging.getLogger(__name__)


def weekly_reports(settings: Settings | None = None) -> weekly.Summary:
    """This week's reports (the scheduler passes no settings: they are read from the environment)."""
    settings = settings or Settings.from_env()
    store = open_store(settings.data_dir)
    for entry in store.interrupted():
        log.warning(
            "report %s/%s for %s was being sent when the process stopped; not resent",
            entry.conversation or "the workspace",
            entry.week,
            entry.recipient,
        )
    summary = weekly.run(store, couriers(settings), now=datetime.now(ZoneInfo(settings.timezone)))
    log.info(
        "weekly reports: %d sent, %d failed, %d skipped, %d already done",
        summary.sent,
        summary.failed,
        summary.skipped,
        summary.already,
    )
    return summary


def sync_all(full: bool = False, settings: Settings | None = None) -> None:
    """Incremental sync; with `full`, the reconcile that also removes files from the conversations they are
    no longer in. Failures are isolated and counted inside; they are logged there and summed up here."""
    settings = settings or Settings.from_env()
    store = open_store(settings.data_dir)
    for where, result in run_sync(settings, store, ratelimit.shared(), full=full).items():
        log.info("%s %s: %s", "reconcile" if full else "sync", where, describe(result))


def reconcile_all() -> None:
    sync_all(full=True)


def couriers(settings: Settings) -> Callable[[str, str], Courier | None]:
    """platform, workspace → the bot's sender there (None when the bot has no credentials for it, or the
    workspace is not the one configured: a cached Rocket.Chat server the bot no longer serves is never
    reported on through the one it serves now)."""

    def make(platform: str, workspace: str) -> Courier | None:
        if platform == "slack" and settings.slack_configured and settings.slack_client_id:
            from bot.platforms.slack.client import web_client
            from bot.platforms.slack.courier import SlackCourier
            from bot.platforms.slack.workspace import bot_tokens

            token = bot_tokens(settings).get(workspace)
            return SlackCourier(web_client(settings), token) if token else None
        if platform == "rocketchat" and settings.rocketchat_url and settings.rocketchat_bot_token:
            from bot.platforms.rocketchat.charts import ChartLinks
            from bot.platforms.rocketchat.client import bot_client
            from bot.platforms.rocketchat.courier import RocketChatCourier
            from bot.platforms.rocketchat.workspace import workspace_id

            if workspace != workspace_id(settings.rocketchat_url):
                return None
            secret = settings.rocketchat_app_secret
            charts = ChartLinks(secret, settings.public_url) if secret else None
            return RocketChatCourier(bot_client(settings), charts)
        return None

    return make
