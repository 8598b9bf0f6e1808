"""The store in one SQLite file (`cache.sqlite`): file metadata, where each file is, conversations, weekly
snapshots, subscriptions, the report ledger and the sync state.

Created and migrated on open (`schema.py`), in WAL mode so a report can read while a sync writes. A file is
one row of `files`, keyed by (platform, workspace, id), and one row of `presences` for each conversation it
is shared in, among those the bot is in: reports count a file in every conversation it is present in, and it
stops counting in one as soon as its presence there goes (unshared, gone at the reconcile, or the bot left
the conversation). A file left in no conversation is dropped: the store never holds a file the bot can no
longer see. Writes that belong together (a page of files and the sync cursor after it) commit together, so
a sync killed at any point leaves the store consistent and resumable.

The report ledger: one row per (platform, workspace, conversation, recipient, week). A delivery is claimed
by inserting its row (`sending`) before anything is posted; the primary key lets exactly one claimant in.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from bot.storage.model import (
    Forgotten,
    LedgerEntry,
    LedgerKey,
    LedgerStatus,
    Removed,
    SyncState,
)
from bot.storage.sqlite import connection
from bot.storage.sqlite.connection import Connections, translating
from bot.storage.sqlite.reports import SQLiteReports
from bot.storage.sqlite.rows import (
    FILE_COLUMNS,
    LEDGER_COLUMNS,
    WHOLE_WORKSPACE,
    conversation_of,
    cursor_json,
    ledger_entry,
    stored_file,
    sync_cursor,
)
from bot.storage.sqlite.schema import CACHE_MIGRATIONS
from handlers.records import Conversation, StoredFile
from handlers.source import FileInfo

_UPSERT_FILE = """
    insert into files (platform, workspace, id, name, size, kind, mimetype, uploader, created, link, first_seen,
                       last_seen)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    on conflict (platform, workspace, id) do update set
      name = excluded.name, size = excluded.size, kind = excluded.kind, mimetype = excluded.mimetype,
      link = excluded.link, last_seen = excluded.last_seen"""
_FILE_KEY = "(select fid from files where platform = ? and workspace = ? and id = ?)"
# Presences are written by file id: (platform, workspace, conversation, generation, then the file's key).
_UPSERT_PRESENCE = """
    insert into presences (platform, workspace, conversation, fid, seen_generation)
    select ?, ?, ?, fid, ? from files where platform = ? and workspace = ? and id = ?
    on conflict (platform, workspace, conversation, fid) do update set
      seen_generation = max(presences.seen_generation, excluded.seen_generation)"""
_ADD_PRESENCE = """
    insert into presences (platform, workspace, conversation, fid, seen_generation)
    select ?, ?, ?, fid, ? from files where platform = ? and workspace = ? and id = ?
    on conflict do nothing"""
_DROP_PRESENCE = (
    f"delete from presences where platform = ? and workspace = ? and conversation = ? and fid = {_FILE_KEY}"
)
# Where a page's files (their ids, as a JSON list) are present, other than the conversation being synced.
_ELSEWHERE = """
    select f.id, p.conversation from files f join presences p on p.fid = f.fid
    where f.platform = ? and f.workspace = ? and f.id in (select value from json_each(?)) and p.conversation != ?"""
# The conversations the bot is in, with the generation of their current (or last) sync pass.
_TRACKED = """
    select c.id, coalesce(s.generation, 0) from conversations c
    left join sync_state s on s.platform = c.platform and s.workspace = c.workspace and s.conversation = c.id
    where c.platform = ? and c.workspace = ? and c.bot_member = 1"""
_SAVE_CONVERSATION = """
    insert into conversations (platform, workspace, id, name, private, owners, bot_member, last_synced)
    values (?, ?, ?, ?, ?, ?, 1, null)
    on conflict (platform, workspace, id) do update set name = excluded.name,
      private = excluded.private, owners = excluded.owners, bot_member = excluded.bot_member"""
_CONVERSATIONS = (
    "select id, name, private, owners from conversations where platform = ? and workspace = ? and bot_member = ? "
    "order by name"
)
_SAVE_SYNC_STATE = """
    insert into sync_state (platform, workspace, conversation, watermark, cursor, generation, mode, updated)
    values (?, ?, ?, ?, ?, ?, ?, ?)
    on conflict (platform, workspace, conversation) do update set watermark = excluded.watermark,
      cursor = excluded.cursor, generation = excluded.generation, mode = excluded.mode, updated = excluded.updated"""
_SAVE_SNAPSHOT = """
    insert into snapshots (platform, workspace, conversation, week, file_count, bytes, by_type)
    values (?, ?, ?, ?, ?, ?, ?)
    on conflict (platform, workspace, conversation, week) do update set
      file_count = excluded.file_count, bytes = excluded.bytes, by_type = excluded.by_type"""
# Everything a workspace has, table by table: what `forget` deletes, and what each count is called.
_WORKSPACE_TABLES = {
    "presences": "presences",
    "files": "files",
    "conversations": "conversations",
    "snapshots": "snapshots",
    "subscriptions": "subscriptions",
    "report_ledger": "reports",
    "sync_state": "sync_states",
}


@translating
class SQLiteStore:
    """Thread-safe: one connection per thread."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.connections = Connections(path)
        conn = self.connections.get()
        with connection.errors_translated():
            conn.execute("pragma journal_mode=wal")
        connection.migrate(conn, CACHE_MIGRATIONS)

    @property
    def path(self) -> Path:
        return self.connections.path

    @property
    def schema_version(self) -> int:
        return connection.schema_version(self.connections.get())

    def workspace(self, platform: str, workspace: str) -> SQLiteWorkspace:
        return SQLiteWorkspace(self, platform, workspace)

    def workspaces(self) -> list[tuple[str, str]]:
        rows = self.connections.get().execute(
            "select distinct platform, workspace from conversations order by platform, workspace"
        )
        return [(str(platform), str(workspace)) for platform, workspace in rows]

    def transaction(self) -> AbstractContextManager[None]:
        return connection.transaction(self.connections.get())

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every query inside sees the same committed state (WAL keeps writers going)."""
        conn = self.connections.get()
        if conn.in_transaction:
            yield
            return
        with connection.errors_translated():
            conn.execute("begin")
            conn.execute("select count(*) from schema_migrations").fetchone()  # the snapshot starts at a read
        try:
            yield
        finally:
            if conn.in_transaction:
                with connection.errors_translated():
                    conn.execute("commit")

    def data_version(self) -> int:
        """Changes whenever another connection commits (inside `snapshot()`: stable, the snapshot's own):
        what a memo of an aggregate is valid for. This connection's own writes don't change it."""
        return int(self.connections.get().execute("pragma data_version").fetchone()[0])

    def prune(self, *, before_week: str) -> int:
        with self.transaction():
            conn = self.connections.get()
            return sum(
                conn.execute(f"delete from {table} where week < ?", [before_week]).rowcount
                for table in ("snapshots", "report_ledger")
            )

    def interrupted(self, older_than_seconds: float = 600) -> list[LedgerEntry]:
        rows = self.connections.get().execute(
            f"select {LEDGER_COLUMNS} from report_ledger where status = ? and updated < ? "
            "order by platform, workspace, conversation, recipient",
            [LedgerStatus.SENDING, time.time() - older_than_seconds],
        )
        return [ledger_entry(row) for row in rows]


@translating
class SQLiteWorkspace:
    def __init__(self, store: SQLiteStore, platform: str, workspace: str) -> None:
        self.store, self.platform, self.workspace = store, platform, workspace
        self._key = (platform, workspace)

    def __repr__(self) -> str:
        return f"SQLiteWorkspace({self.platform!r}, {self.workspace!r})"

    def _conn(self) -> sqlite3.Connection:
        return self.store.connections.get()

    def transaction(self) -> AbstractContextManager[None]:
        return self.store.transaction()

    # -- conversations -----------------------------------------------------------------------------------
    def save_conversation(self, conversation: Conversation) -> None:
        owners = json.dumps(sorted(conversation.owners))
        self._conn().execute(
            _SAVE_CONVERSATION, [*self._key, conversation.id, conversation.name, int(conversation.private), owners]
        )

    def lose_conversations(self, keep: Collection[str]) -> list[str]:
        with self.transaction():
            rows = self._conn().execute(
                "select id from conversations where platform = ? and workspace = ? and bot_member = 1", self._key
            )
            lost = sorted(conv for (conv,) in rows.fetchall() if conv not in keep)
            for conv in lost:
                where = [*self._key, conv]
                self._unlink("platform = ? and workspace = ? and conversation = ?", where)
                self._conn().execute(
                    "delete from sync_state where platform = ? and workspace = ? and conversation = ?", where
                )
                self._conn().execute(
                    "update conversations set bot_member = 0 where platform = ? and workspace = ? and id = ?", where
                )
        return lost

    def conversations(self) -> list[Conversation]:
        return [conversation_of(row) for row in self._conn().execute(_CONVERSATIONS, [*self._key, 1])]

    def left_conversations(self) -> list[Conversation]:
        return [conversation_of(row) for row in self._conn().execute(_CONVERSATIONS, [*self._key, 0])]

    # -- files ---------------------------------------------------------------------------------------------
    def save_files(self, conversation: str, files: Iterable[FileInfo], *, generation: int, now: float) -> int:
        page = list(files)
        if not page:
            return 0
        platform, workspace = self._key
        conn = self._conn()
        rows = []
        for f in page:
            kind = f.kind  # classified from MIME type and extension: once
            rows.append(
                (
                    platform,
                    workspace,
                    f.id,
                    f.name,
                    f.size,
                    kind.value if kind else "other",
                    f.mimetype,
                    f.uploader_id,
                    f.created.timestamp(),
                    f.link,
                    now,
                    now,
                )
            )
        conn.executemany(_UPSERT_FILE, rows)
        conn.executemany(
            _UPSERT_PRESENCE, [(platform, workspace, conversation, generation, platform, workspace, f.id) for f in page]
        )
        if any(f.conversations for f in page):
            self._place(conversation, page)
        return len(page)

    def _place(self, conversation: str, page: list[FileInfo]) -> None:
        """Bring the presences of the page's files in line with the conversations each file object names
        (files whose object names none are left as they are: the platform does not say)."""
        platform, workspace = self._key
        conn = self._conn()
        elsewhere: dict[str, set[str]] = {}
        ids = json.dumps([f.id for f in page])
        for file_id, conv in conn.execute(_ELSEWHERE, [platform, workspace, ids, conversation]):
            elsewhere.setdefault(file_id, set()).add(conv)
        tracked: dict[str, int] | None = None
        gone: list[tuple[object, ...]] = []
        added: list[tuple[object, ...]] = []
        for f in page:
            if not f.conversations or (f.conversations == (conversation,) and f.id not in elsewhere):
                continue  # the common case: where it was listed, and nowhere else
            shared = set(f.conversations) - {conversation}
            here = elsewhere.get(f.id, set())
            gone += [(platform, workspace, conv, platform, workspace, f.id) for conv in sorted(here - shared)]
            if tracked is None:
                tracked = dict(conn.execute(_TRACKED, [platform, workspace]).fetchall())
            # Another conversation's presence starts at that conversation's own pass: its next full pass
            # still decides.
            added += [
                (platform, workspace, conv, tracked[conv], platform, workspace, f.id)
                for conv in sorted((shared & tracked.keys()) - here)
            ]
        conn.executemany(_DROP_PRESENCE, gone)
        conn.executemany(_ADD_PRESENCE, added)

    def delete_file(self, file_id: str) -> bool:
        key = [*self._key, file_id]
        with self.transaction():
            removed = self._unlink(f"fid = {_FILE_KEY}", key)
            cursor = self._conn().execute("delete from files where platform = ? and workspace = ? and id = ?", key)
        return removed.files + cursor.rowcount == 1

    def unshare(self, file_id: str, conversation: str) -> bool:
        with self.transaction():
            removed = self._unlink(
                f"platform = ? and workspace = ? and conversation = ? and fid = {_FILE_KEY}",
                [*self._key, conversation, *self._key, file_id],
            )
        return removed.presences == 1

    def sweep(self, conversation: str, *, generation: int) -> Removed:
        with self.transaction():
            return self._unlink(
                "platform = ? and workspace = ? and conversation = ? and seen_generation < ?",
                [*self._key, conversation, generation],
            )

    def _unlink(self, where: str, args: Sequence[object]) -> Removed:
        """Delete the presences matching `where` (a condition on `presences`, written in this module), then
        the files they leave in no conversation. Call inside a transaction."""
        conn = self._conn()
        conn.execute("create temp table if not exists unlinked (fid integer primary key)")
        conn.execute("delete from temp.unlinked")
        conn.execute(f"insert or ignore into temp.unlinked select fid from presences where {where}", args)
        presences = conn.execute(f"delete from presences where {where}", args).rowcount
        files = conn.execute(
            "delete from files where fid in (select fid from temp.unlinked) "
            "and not exists (select 1 from presences p where p.fid = files.fid)"
        ).rowcount
        return Removed(presences, files)

    def files(self, *, conversation: str | None = None) -> list[StoredFile]:
        where, args = "f.platform = ? and f.workspace = ?", [*self._key]
        if conversation is not None:
            where += (
                " and f.fid in (select fid from presences where platform = ? and workspace = ? and conversation = ?)"
            )
            args += [*self._key, conversation]
        rows = self._conn().execute(f"select {FILE_COLUMNS} from files f where {where} order by f.created desc", args)
        return [stored_file(row) for row in rows]

    # -- sync state ----------------------------------------------------------------------------------------
    def sync_state(self, conversation: str) -> SyncState:
        row = (
            self._conn()
            .execute(
                "select watermark, cursor, generation, mode from sync_state "
                "where platform = ? and workspace = ? and conversation = ?",
                [*self._key, conversation],
            )
            .fetchone()
        )
        if row is None:
            return SyncState()
        watermark, cursor, generation, mode = row
        return SyncState(watermark, generation or 0, sync_cursor(mode, cursor))

    def save_sync_state(self, conversation: str, state: SyncState) -> None:
        cursor, mode = (None, None) if state.cursor is None else (cursor_json(state.cursor), state.cursor.mode.value)
        self._conn().execute(
            _SAVE_SYNC_STATE,
            [*self._key, conversation, state.watermark, cursor, state.generation, mode, time.time()],
        )

    # -- reports: snapshots, subscriptions, the ledger -----------------------------------------------------
    def record_snapshot(
        self, week: str, *, conversation: str | None, file_count: int, total_bytes: int, by_type: dict[str, int]
    ) -> None:
        where = WHOLE_WORKSPACE if conversation is None else conversation
        by_type_json = json.dumps(by_type, sort_keys=True)
        self._conn().execute(_SAVE_SNAPSHOT, [*self._key, where, week, file_count, total_bytes, by_type_json])

    def snapshot_bytes(self, week: str) -> dict[str, int]:
        """Bytes per conversation recorded for `week`."""
        rows = self._conn().execute(
            "select conversation, bytes from snapshots where platform = ? and workspace = ? and week = ? "
            "and conversation != ?",
            [*self._key, week, WHOLE_WORKSPACE],
        )
        return {str(conv): int(total) for conv, total in rows}

    def trend(self, weeks: int) -> list[tuple[str, int]]:
        """(week, total bytes) for the last `weeks` recorded weeks, oldest first: the whole workspace's own
        snapshot (each file once), or for a week without one, the sum of its conversations'."""
        rows = (
            self._conn()
            .execute(
                "select week, coalesce(max(case when conversation = ?1 then bytes end), "
                "sum(case when conversation != ?1 then bytes end)) "
                "from snapshots where platform = ?2 and workspace = ?3 group by week order by week desc limit ?4",
                [WHOLE_WORKSPACE, *self._key, weeks],
            )
            .fetchall()
        )
        return [(str(week), int(total)) for week, total in reversed(rows)]

    def subscribe(self, conversation: str, user: str, *, on: bool) -> None:
        if on:
            self._conn().execute(
                "insert into subscriptions values (?, ?, ?, ?, ?) on conflict do nothing",
                [*self._key, conversation, user, time.time()],
            )
        else:
            self._conn().execute(
                "delete from subscriptions where platform = ? and workspace = ? and conversation = ? and user = ?",
                [*self._key, conversation, user],
            )

    def subscribers(self, conversation: str) -> set[str]:
        rows = self._conn().execute(
            "select user from subscriptions where platform = ? and workspace = ? and conversation = ?",
            [*self._key, conversation],
        )
        return {str(user) for (user,) in rows}

    def reports(self) -> SQLiteReports:
        return SQLiteReports(self)

    @property
    def ledger(self) -> SQLiteLedger:
        return SQLiteLedger(self)

    # -- forgetting ------------------------------------------------------------------------------------------
    def forget(self) -> Forgotten:
        deleted: dict[str, int] = {}
        with self.transaction():
            for table, name in _WORKSPACE_TABLES.items():
                cursor = self._conn().execute(f"delete from {table} where platform = ? and workspace = ?", self._key)
                deleted[name] = cursor.rowcount
        return Forgotten(**deleted)


@translating
class SQLiteLedger:
    def __init__(self, workspace: SQLiteWorkspace) -> None:
        self._workspace = workspace
        self._key = (workspace.platform, workspace.workspace)

    def claim(self, key: LedgerKey) -> bool:
        cursor = self._workspace.store.connections.get().execute(
            "insert into report_ledger (platform, workspace, conversation, recipient, week, status, attempts, "
            "last_error, updated) values (?, ?, ?, ?, ?, ?, 0, null, ?) "
            "on conflict (platform, workspace, conversation, recipient, week) do nothing",
            [*self._where(key), LedgerStatus.SENDING, time.time()],
        )
        return cursor.rowcount == 1

    def finish(self, key: LedgerKey, status: LedgerStatus, *, attempts: int, error: str | None = None) -> None:
        self._workspace.store.connections.get().execute(
            "update report_ledger set status = ?, attempts = ?, last_error = ?, updated = ? where platform = ? "
            "and workspace = ? and conversation = ? and recipient = ? and week = ?",
            [status, attempts, error, time.time(), *self._where(key)],
        )

    def entries(self) -> list[LedgerEntry]:
        rows = self._workspace.store.connections.get().execute(
            f"select {LEDGER_COLUMNS} from report_ledger where platform = ? and workspace = ? "
            "order by conversation, recipient",
            self._key,
        )
        return [ledger_entry(row) for row in rows]

    def _where(self, key: LedgerKey) -> list[str]:
        conversation = WHOLE_WORKSPACE if key.conversation is None else key.conversation
        return [*self._key, conversation, key.recipient, key.week]
