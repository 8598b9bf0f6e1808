"""Scheduled jobs, referenced by import path from the persistent job store (`bot.services.jobs:weekly_reports`).

They take no arguments: configuration is read from the environment when they run, so a stored job never
carries secrets or stale settings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.platforms.registry import Registry
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
    """platform, workspace → the bot's sender there (None when the platform is not served, or the bot has
    no credentials in that workspace, or does not serve it: a cached Rocket.Chat server the bot no longer
    serves is never reported on through the one it serves now)."""
    registry = Registry.build(settings)

    def make(platform: str, workspace: str) -> Courier | None:
        served = registry.get(platform)
        bot = served.bot_workspace(workspace) if served is not None else None
        return bot.courier() if bot is not None else None

    return make
