"""The cache seen as one workspace's `ReportData` (for `/files report` commands)."""

from __future__ import annotations

import json

from bot.cache import FileCache
from handlers.reports import CachedFile, ConversationFacts


class CacheReportData:
    def __init__(self, cache: FileCache, platform: str, workspace: str) -> None:
        self._cache, self._platform, self._workspace = cache, platform, workspace

    def conversations(self) -> list[ConversationFacts]:
        return [
            ConversationFacts(c["id"], c["name"], bool(c["private"]))
            for c in self._cache.conversations(self._platform, self._workspace)
            if c["bot_member"]
        ]

    def owners(self, conversation: str) -> set[str]:
        for c in self._cache.conversations(self._platform, self._workspace):
            if c["id"] == conversation:
                return {str(o) for o in json.loads(c["owners"] or "[]")}
        return set()

    def files(self) -> list[CachedFile]:
        return [CachedFile.from_row(r) for r in self._cache.files(self._platform, self._workspace)]

    def previous_bytes(self, week: str) -> dict[str, int]:
        return self._cache.snapshot_bytes(self._platform, self._workspace, week)

    def trend(self) -> list[tuple[str, int]]:
        return self._cache.trend(self._platform, self._workspace, 12)

    def subscribe(self, conversation: str, user: str, *, on: bool) -> None:
        self._cache.subscribe(self._platform, self._workspace, conversation, user, on=on)
