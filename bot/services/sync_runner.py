"""`files-bot sync`: every configured platform and workspace, with the bot's own credentials.

Each platform and each workspace fails on its own (logged, counted in /metrics, recorded in its result)
while the others go on. A workspace the configuration no longer serves — a Slack workspace without a bot
installation (uninstalled while the bot was down), a Rocket.Chat server other than the configured one — is
forgotten: nothing is kept about it. A platform that is not configured at all is left alone (that may be
a shell without the variables); `files-bot forget` removes its data.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Collection

from bot.platforms.contract import BotWorkspace, Platform
from bot.platforms.registry import Registry
from bot.process import metrics
from bot.process.config import Settings
from bot.services.ratelimit import RateLimiter
from bot.services.sync import Syncer, SyncResult
from bot.storage.interface import Store
from bot.storage.model import StorageError
from handlers.errors import SourceError

log = logging.getLogger(__name__)


def run_sync(settings: Settings, cache: Store, limiter: RateLimiter, *, full: bool = False) -> dict[str, SyncResult]:
    """Sync every workspace the bot is installed in; returns results by "platform:workspace"."""
    run = _Run(cache, limiter, full)
    for platform in Registry.build(settings).platforms:
        _isolated(run.results, platform.name, platform.name, "platform", functools.partial(run.platform, platform))
    return run.results


class _Run:
    def __init__(self, cache: Store, limiter: RateLimiter, full: bool) -> None:
        self._cache = cache
        self._limiter = limiter
        self._full = full
        self.results: dict[str, SyncResult] = {}

    def platform(self, platform: Platform) -> None:
        _forget_unserved(self._cache, platform.name, platform.workspaces(), self.results)
        for bot in platform.bot_workspaces():
            work = functools.partial(self.workspace, platform.name, bot)
            _isolated(self.results, f"{platform.name}:{bot.id}", platform.name, "workspace", work)

    def workspace(self, platform: str, bot: BotWorkspace) -> None:
        """One workspace, with the bot's own credentials: only the conversations the bot is in."""
        conversations = bot.conversations(self._limiter)
        source = bot.file_source(conversations, self._limiter)
        syncer = Syncer(self._cache, self._limiter, method=bot.sync_method)
        self.results[f"{platform}:{bot.id}"] = syncer.sync(platform, bot.id, source, conversations, full=self._full)


def _forget_unserved(cache: Store, platform: str, served: Collection[str], results: dict[str, SyncResult]) -> None:
    for cached_platform, workspace in cache.workspaces():
        if cached_platform == platform and workspace not in served:
            cache.workspace(platform, workspace).forget()
            log.info("%s %s is no longer served: everything kept about it was deleted", platform, workspace)
            results[f"{platform}:{workspace}"] = SyncResult(forgotten=True)


def _isolated(results: dict[str, SyncResult], where: str, platform: str, scope: str, work: Callable[[], None]) -> None:
    """Run `work`; if it fails, record it under `where` and go on. The cache failing (locked, disk full)
    is not isolated: everything else would fail the same way, and the caller says so."""
    try:
        work()
    except StorageError:
        raise
    except Exception as error:
        reason = str(error) if isinstance(error, SourceError) else type(error).__name__
        log.warning("sync of %s failed; the others go on: %s", where, reason)
        metrics.FAILURES.labels("sync", platform, scope).inc()
        results[where] = SyncResult(error=reason)
