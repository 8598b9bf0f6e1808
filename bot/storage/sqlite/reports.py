"""One workspace's report data from `cache.sqlite`: conversations, owners, subscriptions, snapshots and the
`FileStats` aggregates computed in SQL (on the store's keys), so a report never loads the files themselves.

A file counts in each conversation it is present in (`presences`); workspace-wide figures count it once.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.storage.sqlite.connection import translating
from bot.storage.sqlite.rows import FILE_COLUMNS, stored_file
from handlers.records import Conversation, StoredFile
from handlers.reports import Breakdown
from handlers.this_week import TREND_WEEKS

if TYPE_CHECKING:
    from bot.storage.sqlite.store import SQLiteWorkspace

_PRESENT = "presences p join files f on f.fid = p.fid where p.platform = ? and p.workspace = ?"
# A whole workspace's files: read in table order, which beats a lookup per row through the key's index.
_ALL_FILES = "files not indexed where platform = ? and workspace = ?"
# Files present only in conversations outside the reader's, each once, by uploader and type. (?1, ?2: the
# platform and workspace; ?3: the shown conversations as a JSON list.) Every conversation that holds a file
# and is not shown counts as hidden, whether the report knows of it or not: `present` lists them all, one
# index seek each (a skip scan), so only the hidden conversations' presences are read.
_UNSEEN = """
    with recursive present(conversation) as (
        select min(conversation) from presences where platform = ?1 and workspace = ?2
        union all
        select (select min(conversation) from presences
                where platform = ?1 and workspace = ?2 and conversation > present.conversation)
        from present where present.conversation is not null)
    select f.uploader, f.kind, count(*), coalesce(sum(f.size), 0) from files f
    where f.fid in (
        select p.fid from presences p
        where p.platform = ?1 and p.workspace = ?2 and p.conversation in (
            select conversation from present
            where conversation is not null and conversation not in (select value from json_each(?3)))
        group by p.fid
        having count(*) = (select count(*) from presences q where q.fid = p.fid))
    group by f.uploader, f.kind"""


@translating
class SQLiteReports:
    """One report run's reader: what every report of the run asks for is read once."""

    def __init__(self, workspace: SQLiteWorkspace) -> None:
        self._workspace = workspace
        self._key = (workspace.platform, workspace.workspace)
        self._totals: dict[str, tuple[int, int]] | None = None
        # Workspace-wide figures, the same for every reader: (the store's data version, by uploader, by type)
        self._everything: tuple[int, dict[str, tuple[int, int]], dict[str, tuple[int, int]]] | None = None
        self._conversations: list[Conversation] | None = None

    # -- conversations, subscriptions, snapshots ----------------------------------------------------------
    def conversations(self) -> list[Conversation]:
        """The conversations the bot is in (the only ones the store holds files for)."""
        if self._conversations is None:  # read once per report run, not once per question
            self._conversations = self._workspace.conversations()
        return self._conversations

    def owners(self, conversation: str) -> set[str]:
        found = next((c for c in self.conversations() if c.id == conversation), None)
        return set(found.owners) if found else set()

    def subscribers(self, conversation: str) -> set[str]:
        return self._workspace.subscribers(conversation)

    def subscribe(self, conversation: str, user: str, *, on: bool) -> None:
        self._workspace.subscribe(conversation, user, on=on)

    def previous_bytes(self, week: str) -> dict[str, int]:
        return self._workspace.snapshot_bytes(week)

    def trend(self) -> list[tuple[str, int]]:
        return self._workspace.trend(TREND_WEEKS)

    # -- FileStats --------------------------------------------------------------------------------------
    def totals(self) -> dict[str, tuple[int, int]]:
        if self._totals is None:  # asked for by several reports in one run
            rows = self._query(
                f"select p.conversation, count(*), coalesce(sum(f.size), 0) from {_PRESENT} group by p.conversation"
            )
            self._totals = {conv: (count, total) for conv, count, total in rows}
        return self._totals

    def totals_before(self, moment: datetime) -> dict[str, tuple[int, int]]:
        rows = self._query(
            f"select p.conversation, count(*), coalesce(sum(f.size), 0) from {_PRESENT} and f.created < ? "
            "group by p.conversation",
            moment.timestamp(),
        )
        return {conv: (count, total) for conv, count, total in rows}

    def file_totals(self) -> tuple[int, int]:
        # Every file in the store is present somewhere (the store drops a file left in no conversation).
        [(count, total)] = self._query(f"select count(*), coalesce(sum(size), 0) from {_ALL_FILES}")
        return int(count), int(total)

    def by_type(self, conversation: str) -> dict[str, tuple[int, int]]:
        rows = self._query(
            f"select f.kind, count(*), sum(f.size) from {_PRESENT} and p.conversation = ? group by f.kind",
            conversation,
        )
        return {kind: (count, total) for kind, count, total in rows}

    def breakdown(self, shown: Collection[str]) -> Breakdown:
        """Everything by uploader and by type (two scans, shared by every reader of this run), minus what is
        only where this reader is not shown (one query over the hidden conversations' presences). Read from
        one snapshot of the store: a sync committing in between must not put a hidden file back in."""
        with self._workspace.store.snapshot():
            by_uploader, by_type = self._workspace_wide()
            by_uploader, by_type, unseen = dict(by_uploader), dict(by_type), (0, 0)
            for uploader, kind, count, total in self._query(_UNSEEN, json.dumps(sorted(shown))):
                uploader, kind = _key(uploader), _kind(kind)
                by_uploader[uploader] = _plus(by_uploader.get(uploader), -count, -total)
                by_type[kind] = _plus(by_type.get(kind), -count, -total)
                unseen = _plus(unseen, count, total)
        return Breakdown(
            by_uploader={k: v for k, v in by_uploader.items() if v[0] > 0},
            by_type={k: v for k, v in by_type.items() if v[0] > 0},
            unseen=unseen,
        )

    def _workspace_wide(self) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
        version = self._workspace.store.data_version()
        if self._everything is None or self._everything[0] != version:
            sql = "select {0}, count(*), coalesce(sum(size), 0) from " + _ALL_FILES + " group by {0}"
            by_uploader = {_key(u): (int(n), int(b)) for u, n, b in self._query(sql.format("uploader"))}
            by_type = {_kind(k): (int(n), int(b)) for k, n, b in self._query(sql.format("kind"))}
            self._everything = (version, by_uploader, by_type)
        return self._everything[1], self._everything[2]

    def largest(self, conversation: str, limit: int) -> list[StoredFile]:
        return self._files("p.conversation = ? order by f.size desc, f.name limit ?", conversation, limit)

    def old_and_large(self, conversation: str, *, min_bytes: int, before: datetime, limit: int) -> list[StoredFile]:
        return self._files(
            "p.conversation = ? and f.size >= ? and f.created <= ? order by f.size desc limit ?",
            conversation,
            min_bytes,
            before.timestamp(),
            limit,
        )

    def _files(self, where: str, *args: Any) -> list[StoredFile]:
        return [stored_file(row) for row in self._query(f"select {FILE_COLUMNS} from {_PRESENT} and {where}", *args)]

    def _query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return list(self._workspace.store.connections.get().execute(sql, [*self._key, *args]))


def _key(uploader: object) -> str:
    return str(uploader or "")


def _kind(kind: object) -> str:
    return str(kind or "other")


def _plus(pair: tuple[int, int] | None, count: int, total: int) -> tuple[int, int]:
    files, size = pair or (0, 0)
    return files + count, size + total
