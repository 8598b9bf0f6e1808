"""`files-bot sync`: every configured platform and workspace, with the bot's own credentials.

Each platform and each workspace fails on its own (logged, counted in /metrics, recorded in its result)
while the others go on. A workspace the configuration no longer serves — a Slack workspace without a bot
installation (uninstalled while the bot was down), a Rocket.Chat server other than the configured one — is
forgotten: nothing is kept about it. A platform that is not configured at all is left alone (that may be
a shell without the variables); `files-bot forget` removes its data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection

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
    results: dict[str, SyncResult] = {}
    if settings.slack_configured and settings.slack_client_id:
        _isolated(results, "slack", "slack", "platform", lambda: _sync_slack(settings, cache, limiter, full, results))
    if settings.rocketchat_configured and settings.rocketchat_bot_token and settings.rocketchat_bot_user_id:
        _isolated(
            results,
            "rocketchat",
            "rocketchat",
            "platform",
            lambda: _sync_rocketchat(settings, cache, limiter, full, results),
        )
    return results


def _sync_slack(
    settings: Settings, cache: Store, limiter: RateLimiter, full: bool, results: dict[str, SyncResult]
) -> None:
    from bot.platforms.slack.client import web_client
    from bot.platforms.slack.files_source import SlackFileSource
    from bot.platforms.slack.workspace import bot_conversations, bot_tokens, installed

    client = web_client(settings)
    _forget_unserved(cache, "slack", installed(settings), results)
    tokens = bot_tokens(settings)
    syncer = Syncer(cache, limiter)
    for team, token in tokens.items():
        source = SlackFileSource(client, token)

        def sync_team(team: str = team, token: str = token, source: SlackFileSource = source) -> None:
            results[f"slack:{team}"] = syncer.sync("slack", team, source, bot_conversations(client, token), full=full)

        _isolated(results, f"slack:{team}", "slack", "workspace", sync_team)


def _sync_rocketchat(
    settings: Settings, cache: Store, limiter: RateLimiter, full: bool, results: dict[str, SyncResult]
) -> None:
    from bot.platforms.rocketchat.client import bot_client
    from bot.platforms.rocketchat.files_source import RocketChatFileSource
    from bot.platforms.rocketchat.pacing import Pacer
    from bot.platforms.rocketchat.workspace import bot_rooms, workspace_id

    workspace = workspace_id(settings.rocketchat_url or "")
    _forget_unserved(cache, "rocketchat", {workspace}, results)

    def sync_server() -> None:
        api = bot_client(settings)
        # Every call paced per route, from the share above the people's reserve (unless the server exempts
        # the bot account from its rate limiter, which the pacer learns from its first answer).
        pacer = Pacer(limiter, settings.rocketchat_url or "", settings.rocketchat_bot_user_id or "", background=True)
        rooms, types = bot_rooms(api, pacer)
        source = RocketChatFileSource(api, settings.rocketchat_url or "", types, pacer=pacer)
        syncer = Syncer(cache, limiter, method=None)
        results[f"rocketchat:{workspace}"] = syncer.sync("rocketchat", workspace, source, rooms, full=full)

    _isolated(results, f"rocketchat:{workspace}", "rocketchat", "workspace", sync_server)


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
