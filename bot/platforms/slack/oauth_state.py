"""Slack's pending OAuth states: slack_sdk's SQLite store, bounded, atomic and quiet.

Anyone can open `GET /slack/install`, and each visit issues a state. slack_sdk's `SQLite3OAuthStateStore`
only ever deletes a state when it is consumed, so visits that never come back (a crawler, a flood) grow the
file without end; it also logs every state it issues and consumes at DEBUG. This store keeps slack_sdk's
table, so an existing file still works, and changes what it does with it.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from contextlib import closing
from typing import Any
from uuid import uuid4

from slack_sdk.oauth.state_store.sqlite3 import SQLite3OAuthStateStore

log = logging.getLogger(__name__)

# A person takes seconds to approve; a flood past this many pending states pushes out the oldest ones.
MAX_PENDING_STATES = 10_000


class BoundedSQLite3OAuthStateStore(SQLite3OAuthStateStore):
    """Expired states are deleted whenever a state is issued, at most `max_pending` are kept (the oldest
    go first), a state is consumed by one atomic DELETE (of two callbacks with the same state, one wins),
    and no state is ever logged."""

    def __init__(self, *, database: str, expiration_seconds: int, max_pending: int = MAX_PENDING_STATES) -> None:
        super().__init__(database=database, expiration_seconds=expiration_seconds, logger=log)
        self.max_pending = max_pending

    def connect(self) -> sqlite3.Connection:
        if not self.init_called:
            self.init()  # type: ignore[no-untyped-call]
        return sqlite3.connect(database=self.database, timeout=10)

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = str(uuid4())
        now = time.time()
        # `closing` closes the connection; `with conn` makes the three statements one transaction.
        with closing(self.connect()) as conn, conn:
            conn.execute("delete from oauth_states where expire_at <= ?", [now])
            conn.execute(
                "insert into oauth_states (state, expire_at) values (?, ?)", [state, now + self.expiration_seconds]
            )
            conn.execute(  # ids only grow (autoincrement): the newest `max_pending` stay
                "delete from oauth_states where id <= (select id from oauth_states order by id desc limit 1 offset ?)",
                [self.max_pending],
            )
        return state

    def consume(self, state: str) -> bool:
        try:
            with closing(self.connect()) as conn, conn:
                deleted = conn.execute(
                    "delete from oauth_states where state = ? and expire_at > ?", [state, time.time()]
                ).rowcount
        except sqlite3.Error as error:
            log.warning("OAuth state store failed: %s", type(error).__name__)
            return False
        return deleted == 1
