"""The file-metadata cache: one SQLite file (`cache.sqlite` in the data dir), managed with sqlite-utils.

Created and migrated by the code on open (numbered migrations, recorded in `schema_migrations`), in WAL
mode so a report can read while a sync writes. Files are keyed by (platform, workspace, id): syncing the
same file twice updates one row. A file shared in several conversations is counted in the first one it was
seen in. Writes that belong together (a page of files and the sync cursor after it) commit together, so a
sync killed at any point leaves the cache consistent and resumable.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from handlers.source import FileInfo

Migration = Callable[[sqlite_utils.Database], None]

# How long a statement waits for another process's lock before giving up with "database is locked".
BUSY_TIMEOUT_SECONDS = 10.0


def _v1(db: sqlite_utils.Database) -> None:
    db.table("files").create(
        {
            "platform": str,
            "workspace": str,
            "id": str,
            "name": str,
            "size": int,
            "kind": str,
            "mimetype": str,
            "conversation": str,
            "uploader": str,
            "created": float,
            "link": str,
            "first_seen": float,
            "last_seen": float,
            "seen_generation": int,
            "deleted": int,
            "deleted_at": float,
        },
        pk=("platform", "workspace", "id"),
        not_null={"name", "size", "created"},
        defaults={"deleted": 0},
    )
    db.table("files").create_index(["platform", "workspace", "conversation", "deleted", "size"])
    db.table("files").create_index(["platform", "workspace", "deleted", "created"])
    db.table("conversations").create(
        {
            "platform": str,
            "workspace": str,
            "id": str,
            "name": str,
            "private": int,
            "owners": str,
            "bot_member": int,
            "last_synced": float,
        },
        pk=("platform", "workspace", "id"),
    )
    db.table("snapshots").create(
        {
            "platform": str,
            "workspace": str,
            "conversation": str,
            "week": str,
            "file_count": int,
            "bytes": int,
            "by_type": str,
        },
        pk=("platform", "workspace", "conversation", "week"),
    )
    db.table("subscriptions").create(
        {"platform": str, "workspace": str, "conversation": str, "user": str, "created": float},
        pk=("platform", "workspace", "conversation", "user"),
    )
    db.table("report_ledger").create(
        {
            "platform": str,
            "workspace": str,
            "conversation": str,
            "recipient": str,
            "week": str,
            "status": str,
            "attempts": int,
            "last_error": str,
            "updated": float,
        },
        pk=("platform", "workspace", "conversation", "recipient", "week"),
    )
    db.table("sync_state").create(
        {
            "platform": str,
            "workspace": str,
            "conversation": str,
            "watermark": float,
            "cursor": str,
            "generation": int,
            "mode": str,
            "updated": float,
        },
        pk=("platform", "workspace", "conversation"),
    )


MIGRATIONS: list[Migration] = [_v1]


@dataclass(frozen=True)
class SyncState:
    watermark: float | None
    cursor: dict[str, Any] | None
    generation: int
    mode: str | None  # "incremental" | "full" while a pass is under way, else None


class FileCache:
    """Thread-safe: one connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        db = self.db
        db.conn.execute("pragma journal_mode=wal")
        self._migrate(db)

    @property
    def db(self) -> sqlite_utils.Database:
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite_utils.Database(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None))
            self._local.db = db
        return db

    def _migrate(self, db: sqlite_utils.Database) -> None:
        db.conn.execute("create table if not exists schema_migrations (version integer primary key, applied real)")
        # Migrations use sqlite-utils' DDL helpers, which don't commit on their own; one transaction makes
        # two processes starting at once apply each migration exactly once.
        with self.transaction():
            applied = {row[0] for row in db.conn.execute("select version from schema_migrations")}
            for version, migration in enumerate(MIGRATIONS, 1):
                if version not in applied:
                    migration(db)
                    db.conn.execute("insert into schema_migrations values (?, ?)", [version, time.time()])

    @property
    def schema_version(self) -> int:
        row = self.db.conn.execute("select max(version) from schema_migrations").fetchone()
        return int(row[0] or 0)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """`BEGIN IMMEDIATE` … `COMMIT`: everything inside lands together or not at all."""
        conn = self.db.conn
        conn.execute("begin immediate")
        try:
            yield
        except BaseException:
            # SQLite may already have rolled back by itself (disk full, for one); don't mask the real error.
            if conn.in_transaction:
                conn.execute("rollback")
            raise
        conn.execute("commit")

    # -- conversations and files -----------------------------------------------------------------------
    def save_conversation(
        self,
        platform: str,
        workspace: str,
        conversation_id: str,
        *,
        name: str | None,
        private: bool,
        bot_member: bool,
        owners: Iterable[str] = (),
    ) -> None:
        self.db.conn.execute(
            """insert into conversations (platform, workspace, id, name, private, owners, bot_member, last_synced)
               values (?, ?, ?, ?, ?, ?, ?, null)
               on conflict (platform, workspace, id) do update set name = excluded.name,
                 private = excluded.private, owners = excluded.owners, bot_member = excluded.bot_member""",
            [
                platform,
                workspace,
                conversation_id,
                name or "",
                int(private),
                json.dumps(sorted(owners)),
                int(bot_member),
            ],
        )

    def save_files(
        self,
        platform: str,
        workspace: str,
        conversation: str,
        files: Iterable[FileInfo],
        *,
        generation: int,
        now: float,
    ) -> int:
        """Upsert a page of files; the first conversation a file was seen in stays its home."""
        rows = [
            (
                platform,
                workspace,
                f.id,
                f.name,
                f.size,
                f.kind.value if f.kind else "other",
                f.mimetype,
                conversation,
                f.uploader_id,
                f.created.timestamp(),
                f.link,
                now,
                now,
                generation,
            )
            for f in files
        ]
        self.db.conn.executemany(
            """insert into files (platform, workspace, id, name, size, kind, mimetype, conversation, uploader,
                                  created, link, first_seen, last_seen, seen_generation, deleted, deleted_at)
               values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, null)
               on conflict (platform, workspace, id) do update set
                 name = excluded.name, size = excluded.size, kind = excluded.kind, mimetype = excluded.mimetype,
                 link = excluded.link, last_seen = excluded.last_seen,
                 seen_generation = max(files.seen_generation, excluded.seen_generation),
                 deleted = 0, deleted_at = null""",
            rows,
        )
        return len(rows)

    def mark_deleted(self, platform: str, workspace: str, file_id: str, *, now: float) -> bool:
        cursor = self.db.conn.execute(
            "update files set deleted = 1, deleted_at = ? where platform = ? and workspace = ? and id = ? "
            "and deleted = 0",
            [now, platform, workspace, file_id],
        )
        return cursor.rowcount == 1

    def sweep(self, platform: str, workspace: str, conversation: str, *, generation: int, now: float) -> int:
        """After a full pass: files of this conversation not seen in it are gone from the platform."""
        cursor = self.db.conn.execute(
            "update files set deleted = 1, deleted_at = ? where platform = ? and workspace = ? "
            "and conversation = ? and deleted = 0 and seen_generation < ?",
            [now, platform, workspace, conversation, generation],
        )
        return cursor.rowcount

    def files(
        self, platform: str, workspace: str, *, conversation: str | None = None, include_deleted: bool = False
    ) -> list[dict[str, Any]]:
        where = ["platform = ?", "workspace = ?"]
        args: list[Any] = [platform, workspace]
        if conversation is not None:
            where.append("conversation = ?")
            args.append(conversation)
        if not include_deleted:
            where.append("deleted = 0")
        return list(self.db.table("files").rows_where(" and ".join(where), args, order_by="created desc"))

    # -- weekly snapshots -------------------------------------------------------------------------------------
    def record_snapshot(
        self,
        platform: str,
        workspace: str,
        conversation: str,
        week: str,
        *,
        file_count: int,
        total_bytes: int,
        by_type: dict[str, int],
    ) -> None:
        self.db.conn.execute(
            """insert into snapshots (platform, workspace, conversation, week, file_count, bytes, by_type)
               values (?, ?, ?, ?, ?, ?, ?)
               on conflict (platform, workspace, conversation, week) do update set
                 file_count = excluded.file_count, bytes = excluded.bytes, by_type = excluded.by_type""",
            [platform, workspace, conversation, week, file_count, total_bytes, json.dumps(by_type, sort_keys=True)],
        )

    def snapshot_bytes(self, platform: str, workspace: str, week: str) -> dict[str, int]:
        """Bytes per conversation recorded for `week`."""
        rows = self.db.conn.execute(
            "select conversation, bytes from snapshots where platform = ? and workspace = ? and week = ?",
            [platform, workspace, week],
        )
        return {conv: total for conv, total in rows}

    def trend(self, platform: str, workspace: str, weeks: int = 12) -> list[tuple[str, int]]:
        """(week, total bytes) for the last `weeks` recorded weeks, oldest first."""
        rows = self.db.conn.execute(
            "select week, sum(bytes) from snapshots where platform = ? and workspace = ? group by week "
            "order by week desc limit ?",
            [platform, workspace, weeks],
        ).fetchall()
        return [(week, int(total)) for week, total in reversed(rows)]

    def conversations(self, platform: str, workspace: str) -> list[dict[str, Any]]:
        return list(
            self.db.table("conversations").rows_where(
                "platform = ? and workspace = ?", [platform, workspace], order_by="name"
            )
        )

    def workspaces(self) -> list[tuple[str, str]]:
        return [
            (p, w)
            for p, w in self.db.conn.execute(
                "select distinct platform, workspace from conversations order by platform, workspace"
            )
        ]

    # -- subscriptions --------------------------------------------------------------------------------------
    def subscribe(self, platform: str, workspace: str, conversation: str, user: str, *, on: bool) -> None:
        if on:
            self.db.conn.execute(
                "insert into subscriptions values (?, ?, ?, ?, ?) on conflict do nothing",
                [platform, workspace, conversation, user, time.time()],
            )
        else:
            self.db.conn.execute(
                "delete from subscriptions where platform = ? and workspace = ? and conversation = ? and user = ?",
                [platform, workspace, conversation, user],
            )

    def subscribers(self, platform: str, workspace: str, conversation: str) -> set[str]:
        rows = self.db.conn.execute(
            "select user from subscriptions where platform = ? and workspace = ? and conversation = ?",
            [platform, workspace, conversation],
        )
        return {user for (user,) in rows}

    # -- sync state ----------------------------------------------------------------------------------------
    def sync_state(self, platform: str, workspace: str, conversation: str) -> SyncState:
        rows = list(
            self.db.table("sync_state").rows_where(
                "platform = ? and workspace = ? and conversation = ?", [platform, workspace, conversation], limit=1
            )
        )
        if not rows:
            return SyncState(None, None, 0, None)
        r = rows[0]
        return SyncState(
            r["watermark"], json.loads(r["cursor"]) if r["cursor"] else None, r["generation"] or 0, r["mode"]
        )

    def save_sync_state(self, platform: str, workspace: str, conversation: str, state: SyncState) -> None:
        # Raw SQL, not sqlite-utils' upsert: this runs inside `transaction()`, and sqlite-utils commits.
        self.db.conn.execute(
            """insert into sync_state (platform, workspace, conversation, watermark, cursor, generation, mode,
                                       updated)
               values (?, ?, ?, ?, ?, ?, ?, ?)
               on conflict (platform, workspace, conversation) do update set watermark = excluded.watermark,
                 cursor = excluded.cursor, generation = excluded.generation, mode = excluded.mode,
                 updated = excluded.updated""",
            [
                platform,
                workspace,
                conversation,
                state.watermark,
                json.dumps(state.cursor) if state.cursor else None,
                state.generation,
                state.mode,
                time.time(),
            ],
        )
