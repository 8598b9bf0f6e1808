"""The schemas of files-bot's own SQLite files, as numbered migrations (recorded in `schema_migrations`).

A migration is never edited once released: a file written by any earlier version opens, and is brought up
to date, by this one. (slack_sdk's files keep slack_sdk's own schema.)
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

from bot.storage.sqlite.connection import Migration


# -- cache.sqlite: files, presences, conversations, snapshots, subscriptions, report ledger, sync state --------
def cache_v1(conn: sqlite3.Connection) -> None:
    db = sqlite_utils.Database(conn)
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


def cache_v2(conn: sqlite3.Connection) -> None:
    """Presences: where each file is, one row per conversation, replacing the single `conversation` column
    (a file's first home) and the per-file `deleted` flag. Files get an integer key for the join."""
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


CACHE_MIGRATIONS: list[Migration] = [cache_v1, cache_v2]


# -- rocketchat-tokens.sqlite: people's own tokens, pending OAuth states ---------------------------------------
def tokens_v1(conn: sqlite3.Connection) -> None:
    """As the file was before it had migrations: `if not exists`, so such a file is taken as it is."""
    db = sqlite_utils.Database(conn)
    db.table("tokens").create(
        {
            "user_id": str,
            "username": str,
            "access_token": str,
            "refresh_token": str,
            "expires_at": float,
            "authorized_at": float,
        },
        pk="user_id",
        if_not_exists=True,
        not_null={"access_token"},
    )
    db.table("oauth_states").create({"state": str, "created_at": float}, pk="state", if_not_exists=True)
    db.table("oauth_states").create_index(["created_at"], if_not_exists=True)


TOKENS_MIGRATIONS: list[Migration] = [tokens_v1]
