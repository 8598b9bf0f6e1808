"""Rocket.Chat people's own OAuth tokens and the pending OAuth states, in one SQLite file
(`rocketchat-tokens.sqlite`)."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from bot.storage.model import UserToken
from bot.storage.sqlite import connection
from bot.storage.sqlite.connection import Connections, translating
from bot.storage.sqlite.schema import TOKENS_MIGRATIONS

# Anyone can open `/rocketchat/install`, and each visit issues a state. Expired states are deleted as new
# ones are issued; a flood within their lifetime pushes out the oldest past this many.
MAX_PENDING_STATES = 10_000


@translating
class SQLiteTokenStore:
    """`state_seconds`: how long an issued state is good for."""

    def __init__(self, path: Path, *, state_seconds: int, max_pending_states: int = MAX_PENDING_STATES) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connections = Connections(path)
        self._state_seconds = state_seconds
        self._max_pending_states = max_pending_states
        connection.migrate(self._connections.get(), TOKENS_MIGRATIONS)

    def find(self, user_id: str) -> UserToken | None:
        row = (
            self._connections.get()
            .execute(
                "select user_id, username, access_token, refresh_token, expires_at from tokens where user_id = ?",
                [user_id],
            )
            .fetchone()
        )
        return None if row is None else UserToken(*row)

    def save(self, token: UserToken) -> None:
        self._connections.get().execute(
            """insert into tokens (user_id, username, access_token, refresh_token, expires_at, authorized_at)
               values (?, ?, ?, ?, ?, ?)
               on conflict (user_id) do update set username = excluded.username,
                 access_token = excluded.access_token, refresh_token = excluded.refresh_token,
                 expires_at = excluded.expires_at, authorized_at = excluded.authorized_at""",
            [token.user_id, token.username, token.access_token, token.refresh_token, token.expires_at, time.time()],
        )

    def delete(self, user_id: str) -> None:
        self._connections.get().execute("delete from tokens where user_id = ?", [user_id])

    def issue_state(self) -> str:
        state = secrets.token_urlsafe(24)
        conn = self._connections.get()
        conn.execute("delete from oauth_states where created_at < ?", [time.time() - self._state_seconds])
        conn.execute("insert into oauth_states (state, created_at) values (?, ?)", [state, time.time()])
        conn.execute(  # keeps the newest `max_pending_states` (walking the index, not sorting the table)
            "delete from oauth_states where created_at < "
            "(select created_at from oauth_states order by created_at desc limit 1 offset ?)",
            [self._max_pending_states - 1],
        )
        return state

    def consume_state(self, state: str) -> bool:
        # One atomic DELETE: of two concurrent callbacks with the same state, only one can win.
        cursor = self._connections.get().execute(
            "delete from oauth_states where state = ? and created_at >= ?", [state, time.time() - self._state_seconds]
        )
        return cursor.rowcount == 1
