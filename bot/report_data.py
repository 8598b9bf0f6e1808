"""The cache seen as one workspace's report data: conversations, owners, subscriptions and `FileStats`
aggregates computed in SQL (indexed), so a report never loads the files themselves."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.cache import FileCache
from handlers.reports import CachedFile, ConversationFacts

_LIVE = "platform = ? and workspace = ? and deleted = 0"


class CacheReportData:
    def __init__(self, cache: FileCache, platform: str, workspace: str) -> None:
        self._cache, self._platform, self._workspace = cache, platform, workspace
        self._totals: dict[str, tuple[int, int]] | None = None
        self._conversation_rows: list[dict[str, Any]] | None = None

    # -- conversations ----------------------------------------------------------------------------------
    def _rows(self) -> list[dict[str, Any]]:
        if self._conversation_rows is None:  # read once per report run, not once per question
            self._conversation_rows = self._cache.conversations(self._platform, self._workspace)
        return self._conversation_rows

    def conversations(self) -> list[ConversationFacts]:
        """The conversations the bot is in (the only ones the cache holds files for)."""
        return [ConversationFacts(c["id"], c["name"], bool(c["private"])) for c in self._rows() if c["bot_member"]]

    def owners(self, conversation: str) -> set[str]:
        row = next((c for c in self._rows() if c["id"] == conversation), None)
        try:
            owners = json.loads(row["owners"] or "[]") if row else []
        except ValueError:
            return set()
        return {str(o) for o in owners} if isinstance(owners, list) else set()

    def subscribers(self, conversation: str) -> set[str]:
        return self._cache.subscribers(self._platform, self._workspace, conversation)

    def previous_bytes(self, week: str) -> dict[str, int]:
        return self._cache.snapshot_bytes(self._platform, self._workspace, week)

    def trend(self) -> list[tuple[str, int]]:
        return self._cache.trend(self._platform, self._workspace, 12)

    def subscribe(self, conversation: str, user: str, *, on: bool) -> None:
        self._cache.subscribe(self._platform, self._workspace, conversation, user, on=on)

    # -- FileStats --------------------------------------------------------------------------------------
    def totals(self) -> dict[str, tuple[int, int]]:
        if self._totals is None:  # asked for by several reports in one run
            rows = self._query(
                f"select conversation, count(*), coalesce(sum(size), 0) from files where {_LIVE} group by conversation"
            )
            self._totals = {conv: (count, total) for conv, count, total in rows}
        return self._totals

    def totals_before(self, moment: datetime) -> dict[str, tuple[int, int]]:
        """`totals()` as they stood at `moment`: the live files created before it."""
        rows = self._query(
            f"select conversation, count(*), coalesce(sum(size), 0) from files where {_LIVE} and created < ? "
            "group by conversation",
            moment.timestamp(),
        )
        return {conv: (count, total) for conv, count, total in rows}

    def by_type(self, conversation: str) -> dict[str, tuple[int, int]]:
        rows = self._query(
            f"select kind, count(*), sum(size) from files where {_LIVE} and conversation = ? group by kind",
            conversation,
        )
        return {kind: (count, total) for kind, count, total in rows}

    def by_type_all(self) -> dict[str, tuple[int, int]]:
        rows = self._query(f"select kind, count(*), sum(size) from files where {_LIVE} group by kind")
        return {kind: (count, total) for kind, count, total in rows}

    def by_uploader(self, limit: int) -> list[tuple[str, int, int]]:
        rows = self._query(
            f"select uploader, count(*), sum(size) as total from files where {_LIVE} "
            "group by uploader order by total desc, uploader limit ?",
            limit,
        )
        return [(uploader, count, total) for uploader, count, total in rows]

    def largest(self, conversation: str, limit: int) -> list[CachedFile]:
        return self._files(f"{_LIVE} and conversation = ? order by size desc, name limit ?", conversation, limit)

    def old_and_large(self, conversation: str, *, min_bytes: int, before: datetime, limit: int) -> list[CachedFile]:
        return self._files(
            f"{_LIVE} and conversation = ? and size >= ? and created <= ? order by size desc limit ?",
            conversation,
            min_bytes,
            before.timestamp(),
            limit,
        )

    def _files(self, where: str, *args: Any) -> list[CachedFile]:
        columns = "id, name, size, kind, conversation, uploader, created, link"
        rows = self._query(f"select {columns} from files where {where}", *args)
        names = columns.split(", ")
        return [CachedFile.from_row(dict(zip(names, row, strict=True))) for row in rows]

    def _query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return list(self._cache.db.conn.execute(sql, [self._platform, self._workspace, *args]))
