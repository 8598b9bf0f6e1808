"""Bolt's SQLite installation store, with one connection per thread instead of one per query.

Every request looks tokens up (no cache, by design), and opening a SQLite connection re-reads the schema:
with a fresh connection per query that was about half of the ack path under load. Same schema, same
queries, same file; only the connection is kept.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from slack_sdk.oauth.installation_store.sqlite3 import SQLite3InstallationStore


class ThreadLocalSQLite3InstallationStore(SQLite3InstallationStore):
    def __init__(self, *, database: str, client_id: str, **kwargs: Any) -> None:
        super().__init__(database=database, client_id=client_id, **kwargs)
        self._local = threading.local()

    def connect(self) -> sqlite3.Connection:
        if not self.init_called:
            self.init()  # type: ignore[no-untyped-call]
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # `with conn:` in the base class commits or rolls back; it never closes, so reuse is safe.
            conn = sqlite3.connect(database=self.database, timeout=10)
            self._local.conn = conn
        return conn
