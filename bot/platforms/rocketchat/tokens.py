"""Per-user Rocket.Chat OAuth tokens and pending OAuth states, in SQLite (sqlite-utils) in the data dir."""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

STATE_SECONDS = 600
# Anyone can open `/rocketchat/install`, and each visit issues a state. Expired states are deleted as new
# ones are issued; a flood within their lifetime pushes out the oldest past this many.
MAX_PENDING_STATES = 10_000


@dataclass(frozen=True)
class UserToken:
    user_id: str
    username: str
    access_token: str
    refresh_token: str | None
    expires_at: float | None

    def expired(self, now: float, margin: float = 60) -> bool:
        return self.expires_at is not None and now >= self.expires_at - margin


class TokenStore:
    def __init__(self, path: Path, max_pending_states: int = MAX_PENDING_STATES) -> None:
        self._path = path
        self._max_pending_states = max_pending_states
        self._local = threading.local()
        db = self._db()
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

    def _db(self) -> sqlite_utils.Database:
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite_utils.Database(sqlite3.connect(self._path, timeout=10, isolation_level=None))
            self._local.db = db
        return db

    def find(self, user_id: str) -> UserToken | None:
        rows = list(self._db().table("tokens").rows_where("user_id = ?", [user_id], limit=1))
        if not rows:
            return None
        r = rows[0]
        return UserToken(r["user_id"], r["username"], r["access_token"], r["refresh_token"], r["expires_at"])

    def save(self, token: UserToken) -> None:
        self._db().table("tokens").upsert(
            {
                "user_id": token.user_id,
                "username": token.username,
                "access_token": token.access_token,
                "refresh_token": token.refresh_token,
                "expires_at": token.expires_at,
                "authorized_at": time.time(),
            },
            pk="user_id",
        )

    def delete(self, user_id: str) -> None:
        self._db().table("tokens").delete_where("user_id = ?", [user_id])

    def issue_state(self) -> str:
        state = secrets.token_urlsafe(24)
        db = self._db()
        db.table("oauth_states").delete_where("created_at < ?", [time.time() - STATE_SECONDS])
        db.table("oauth_states").insert({"state": state, "created_at": time.time()})
        db.conn.execute(  # keeps the newest `max_pending_states` (walking the index, not sorting the table)
            "delete from oauth_states where created_at < "
            "(select created_at from oauth_states order by created_at desc limit 1 offset ?)",
            [self._max_pending_states - 1],
        )
        return state

    def consume_state(self, state: str) -> bool:
        """True once for a state we issued less than ten minutes ago."""
        # One atomic DELETE: of two concurrent callbacks with the same state, only one can win.
        cursor = self._db().conn.execute(
            "delete from oauth_states where state = ? and created_at >= ?", [state, time.time() - STATE_SECONDS]
        )
        return cursor.rowcount == 1
