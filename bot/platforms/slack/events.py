"""Slack events that keep the cache honest, and that make an uninstall forget the workspace."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.storage.interface import Store

log = logging.getLogger(__name__)


def register(app: App, cache: Store) -> None:
    """The token-revocation listeners Bolt provides, the cache's own, and `app_uninstalled` as both.

    Bolt runs only the first listener that matches an event (`App.dispatch` returns the response of the
    first match), so a second `app_uninstalled` listener would never run: ours calls Bolt's own."""
    app.event("tokens_revoked")(app.default_tokens_revoked_event_listener())
    delete_installation = app.default_app_uninstalled_event_listener()

    @app.event("app_uninstalled")
    def app_uninstalled(context: BoltContext) -> None:
        """The app was removed: its tokens go first (Bolt's listener), then everything the cache keeps about
        the workspace. If the purge fails, Bolt answers an error and Slack sends the event again."""
        delete_installation(context=context)
        if context.team_id:
            deleted = cache.workspace("slack", context.team_id).forget()
            log.info("files-bot was uninstalled from %s: deleted %s", context.team_id, deleted)

    @app.event("file_deleted")
    def file_deleted(event: dict[str, Any], context: BoltContext) -> None:
        """A file was deleted on Slack: gone from every conversation (reports stop counting it)."""
        file_id = event.get("file_id")
        if isinstance(file_id, str) and context.team_id:
            cache.workspace("slack", context.team_id).delete_file(file_id)

    @app.event("file_unshared")
    def file_unshared(event: dict[str, Any], context: BoltContext) -> None:
        """A file was removed from a conversation (`channel_id`): it no longer counts there, at once. An event
        without the conversation (Slack's documented example has none) changes nothing: the next full
        reconcile removes the file from wherever it is no longer listed."""
        file_id, channel = event.get("file_id"), event.get("channel_id")
        if isinstance(file_id, str) and isinstance(channel, str) and context.team_id:
            cache.workspace("slack", context.team_id).unshare(file_id, channel)
