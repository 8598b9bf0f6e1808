"""The file-metadata cache: one SQLite file (`cache.sqlite` in the data dir), managed with sqlite-utils.

Created and migrated by the code on open (numbered migrations, recorded in `schema_migrations`), in WAL
mode so a report can read while a sync writes. A file is one row of `files`, keyed by (platform,
workspace, id), and one row of `presences` for each conversation it is shared in, among those the bot is
in: reports count a file in every conversation it is present in, and it stops counting in one as soon as
its presence there goes (unshared, gone at the reconcile, or the bot left the conversation). A file left
in no conversation is dropped: the cache never holds a file the bot can no longer see. Writes that belong
together (a page of files and the sync cursor after it) commit together, so a sync killed at any point
leaves the cache consistent and resumable.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from handlers.source import FileInfo

Migration = Callable[[sqlite_utils.Database], None]

# How long a statement waits for another process's lock before giving up with "database is locked".
BUSY_TIMEOUT_SECONDS = 10.0
# The conversation column of a row about the whole workspace: its weekly snapshot, its admin reports' ledger.
WHOLE_WORKSPACE = "*workspace*"


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


def _v2(db: sqlite_utils.Database) -> None:
    """Presences: where each file is, one row per conversation, replacing the single `conversation` column
    (a file's first home) and the per-file `deleted` flag. Files get an integer key for the join."""
    conn = db.conn
    conn.execute(
        """create table files_v2 (
             fid integer primary key,
             platform text not null, workspace text not null, id text not null,
             name text not null, size integer not null, kind text, mimetype text, uploader text,
             created real not null, link text, first_seen real, last_seen real,
             unique (platform, workspace, id))"""
    )
    # `without rowid`: the key is the row, and a conversation's presences are stored together.
    conn.execute(
        """create table presences (
             platform text not null, workspace text not null, conversation text not null,
             fid integer not null, seen_generation integer not null default 0,
             primary key (platform, workspace, conversation, fid)) without rowid"""
    )
    conn.execute("create index presences_by_file on presences (fid)")
    # Carried over: live files in conversations the bot is still in. Deleted files, and files of
    # conversations it had left, are not kept.
    conn.execute(
        """insert into files_v2 (platform, workspace, id, name, size, kind, mimetype, uploader, created, link,
                                 first_seen, last_seen)
           select f.platform, f.workspace, f.id, f.name, f.size, f.kind, f.mimetype, f.uploader, f.created,
                  f.link, f.first_seen, f.last_seen
           from files f join conversations c
             on c.platform = f.platform and c.workspace = f.workspace and c.id = f.conversation
           where f.deleted = 0 and c.bot_member = 1"""
    )
    conn.execute(
        """insert into presences (platform, workspace, conversation, fid, seen_generation)
           select f.platform, f.workspace, f.conversation, n.fid, coalesce(f.seen_generation, 0)
           from files f join files_v2 n on n.platform = f.platform and n.workspace = f.workspace and n.id = f.id"""
    )
    conn.execute("drop table files")
    conn.execute("alter table files_v2 rename to files")


MIGRATIONS: list[Migration] = [_v1, _v2]

# What a report or the sync reads and writes, in one place.
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
# Everything a workspace has, table by table: what `forget_workspace` deletes.
_WORKSPACE_TABLES = ("presences", "files", "conversations", "snapshots", "subscriptions", "report_ledger", "sync_state")


@dataclass(frozen=True)
class Removed:
    """What an unlink removed: presences, and files left in no conversation."""

    presences: int = 0
    files: int = 0


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

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every query inside sees the same committed state (WAL keeps writers going)."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("begin")
        conn.execute("select count(*) from schema_migrations").fetchone()  # the snapshot starts at a read
        try:
            yield
        finally:
            if conn.in_transaction:
                conn.execute("commit")

    def data_version(self) -> int:
        """Changes whenever another connection commits (inside `snapshot()`: stable, the snapshot's own):
        what a memo of an aggregate is valid for. This connection's own writes don't change it."""
        return int(self.db.conn.execute("pragma data_version").fetchone()[0])

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        """Part of the caller's transaction if there is one, else a transaction of its own."""
        if self.db.conn.in_transaction:
            yield
        else:
            with self.transaction():
                yield

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

    def lose_conversations(self, platform: str, workspace: str, keep: Collection[str]) -> list[str]:
        """The bot is no longer in these conversations (removed, archived, deleted): every conversation it
        was in but `keep`. Each is marked so, its files stop counting (their presences go, and files left in
        no conversation with them) and its sync starts afresh should the bot come back. Its weekly
        snapshots and subscriptions stay. Returns the ids."""
        with self._atomic():
            rows = self.db.conn.execute(
                "select id from conversations where platform = ? and workspace = ? and bot_member = 1",
                [platform, workspace],
            ).fetchall()
            lost = sorted(conv for (conv,) in rows if conv not in keep)
            for conv in lost:
                where = [platform, workspace, conv]
                self._unlink("platform = ? and workspace = ? and conversation = ?", where)
                self.db.conn.execute(
                    "delete from sync_state where platform = ? and workspace = ? and conversation = ?", where
                )
                self.db.conn.execute(
                    "update conversations set bot_member = 0 where platform = ? and workspace = ? and id = ?", where
                )
        return lost

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
        """Upsert a page of files listed in `conversation`, each present there (seen by pass `generation`).
        When the platform says where a file is shared (`FileInfo.conversations`, as the bot sees them), that
        list is the truth for it: it is also present in the other conversations the bot is in that the list
        names, and no longer in those it doesn't. Call inside `transaction()`."""
        page = list(files)
        if not page:
            return 0
        conn = self.db.conn
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
            self._place(platform, workspace, conversation, page)
        return len(page)

    def _place(self, platform: str, workspace: str, conversation: str, page: list[FileInfo]) -> None:
        """Bring the presences of the page's files in line with the conversations each file object names
        (files whose object names none are left as they are: the platform does not say)."""
        conn = self.db.conn
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

    def delete_file(self, platform: str, workspace: str, file_id: str) -> bool:
        """The file was deleted on the platform: gone from every conversation, and from the cache."""
        key = [platform, workspace, file_id]
        with self._atomic():
            removed = self._unlink(f"fid = {_FILE_KEY}", key)
            cursor = self.db.conn.execute("delete from files where platform = ? and workspace = ? and id = ?", key)
        return removed.files + cursor.rowcount == 1

    def unshare(self, platform: str, workspace: str, file_id: str, conversation: str) -> bool:
        """The file was removed from `conversation`; it stays wherever else it is shared."""
        with self._atomic():
            removed = self._unlink(
                f"platform = ? and workspace = ? and conversation = ? and fid = {_FILE_KEY}",
                [platform, workspace, conversation, platform, workspace, file_id],
            )
        return removed.presences == 1

    def sweep(self, platform: str, workspace: str, conversation: str, *, generation: int) -> Removed:
        """After a full pass: files of this conversation that the pass did not see are no longer in it."""
        return self._unlink(
            "platform = ? and workspace = ? and conversation = ? and seen_generation < ?",
            [platform, workspace, conversation, generation],
        )

    def _unlink(self, where: str, args: Sequence[object]) -> Removed:
        """Delete the presences matching `where` (a condition on `presences`, written in this module), then
        the files they leave in no conversation. Call inside a transaction."""
        conn = self.db.conn
        conn.execute("create temp table if not exists unlinked (fid integer primary key)")
        conn.execute("delete from temp.unlinked")
        conn.execute(f"insert or ignore into temp.unlinked select fid from presences where {where}", args)
        presences = conn.execute(f"delete from presences where {where}", args).rowcount
        files = conn.execute(
            "delete from files where fid in (select fid from temp.unlinked) "
            "and not exists (select 1 from presences p where p.fid = files.fid)"
        ).rowcount
        return Removed(presences, files)

    def files(self, platform: str, workspace: str, *, conversation: str | None = None) -> list[dict[str, Any]]:
        """The files the cache holds (each once), newest first; with `conversation`, those present there."""
        where, args = "platform = ? and workspace = ?", [platform, workspace]
        if conversation is not None:
            where += " and fid in (select fid from presences where platform = ? and workspace = ? and conversation = ?)"
            args += [platform, workspace, conversation]
        return list(self.db.table("files").rows_where(where, args, order_by="created desc"))

    # -- forgetting ---------------------------------------------------------------------------------------
    def forget_workspace(self, platform: str, workspace: str) -> dict[str, int]:
        """Everything kept about one workspace — files, where they are, conversations, snapshots,
        subscriptions, the report ledger, sync state — deleted at once. Returns the rows deleted by table."""
        deleted: dict[str, int] = {}
        with self._atomic():
            for table in _WORKSPACE_TABLES:
                cursor = self.db.conn.execute(
                    f"delete from {table} where platform = ? and workspace = ?", [platform, workspace]
                )
                deleted[table] = cursor.rowcount
        return deleted

    def prune(self, *, before_week: str) -> int:
        """Weekly snapshots and report-ledger rows of weeks before `before_week` ("2026-W35"; ISO weeks sort
        as text): nothing reads them any more. Returns the rows deleted."""
        with self._atomic():
            pruned = sum(
                self.db.conn.execute(f"delete from {table} where week < ?", [before_week]).rowcount
                for table in ("snapshots", "report_ledger")
            )
        return pruned

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
            "select conversation, bytes from snapshots where platform = ? and workspace = ? and week = ? "
            "and conversation != ?",
            [platform, workspace, week, WHOLE_WORKSPACE],
        )
        return {conv: total for conv, total in rows}

    def trend(self, platform: str, workspace: str, weeks: int = 12) -> list[tuple[str, int]]:
        """(week, total bytes) for the last `weeks` recorded weeks, oldest first: the whole workspace's own
        snapshot (each file once), or for a week without one, the sum of its conversations'."""
        rows = self.db.conn.execute(
            "select week, coalesce(max(case when conversation = ?1 then bytes end), "
            "sum(case when conversation != ?1 then bytes end)) "
            "from snapshots where platform = ?2 and workspace = ?3 group by week order by week desc limit ?4",
            [WHOLE_WORKSPACE, platform, workspace, weeks],
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
