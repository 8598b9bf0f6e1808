"""Slack events that keep the cache honest."""

from __future__ import annotations

import time
from typing import Any

from slack_bolt import App, BoltContext

from bot.cache import FileCache


def register(app: App, cache: FileCache) -> None:
    @app.event("file_deleted")
    def file_deleted(event: dict[str, Any], context: BoltContext) -> None:
        """A file was deleted on Slack: mark it deleted in the cache (reports stop counting it)."""
        file_id = event.get("file_id")
        if isinstance(file_id, str) and context.team_id:
            cache.mark_deleted("slack", context.team_id, file_id, now=time.time())
