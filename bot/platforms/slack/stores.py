"""Bolt's SQLite installation store, with one connection per thread and an in-memory copy of its lookups.

Every Slack request looks tokens up: the workspace's bot installation and the clicking user's own token.
Opening a SQLite connection re-reads the schema, so connections are kept, one per thread. Under a burst of
commands the queries themselves were still most of the ack path: each one gives up the GIL and has to win
it back from a dozen busy request threads. So lookups are remembered, keyed by workspace *and user* (one
user's token is never another's answer — the trap of caching by bot token), and all forgotten on every
write through this store. Every write comes through it: the OAuth callback and Slack's `tokens_revoked` /
`app_uninstalled` events all arrive at this process (the CLI's commands only read).
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlite3 import SQLite3InstallationStore

T = TypeVar("T")


class ThreadLocalSQLite3InstallationStore(SQLite3InstallationStore):
    def __init__(self, *, database: str, client_id: str, **kwargs: Any) -> None:
        super().__init__(database=database, client_id=client_id, **kwargs)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._generation = 0  # bumped by every write: a lookup that raced a write is not remembered
        self._lookups: dict[Hashable, Any] = {}

    def connect(self) -> sqlite3.Connection:
        if not self.init_called:
            self.init()  # type: ignore[no-untyped-call]
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # `with conn:` in the base class commits or rolls back; it never closes, so reuse is safe.
            conn = sqlite3.connect(database=self.database, timeout=10)
            self._local.conn = conn
        return conn

    # -- lookups, remembered ----------------------------------------------------------------------
    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        return self._remembered(
            ("bot", enterprise_id, team_id, bool(is_enterprise_install)),
            functools.partial(
                super().find_bot,
                enterprise_id=enterprise_id,
                team_id=team_id,
                is_enterprise_install=is_enterprise_install,
            ),
        )

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        return self._remembered(
            ("installation", enterprise_id, team_id, user_id, bool(is_enterprise_install)),
            functools.partial(
                super().find_installation,
                enterprise_id=enterprise_id,
                team_id=team_id,
                user_id=user_id,
                is_enterprise_install=is_enterprise_install,
            ),
        )

    def _remembered(self, key: Hashable, read: Callable[[], T]) -> T:
        try:
            return self._lookups[key]  # type: ignore[no-any-return]  # a miss, too, is remembered (None)
        except KeyError:
            pass
        with self._lock:
            generation = self._generation
        value = read()
        with self._lock:
            if generation == self._generation:
                self._lookups[key] = value
        return value

    # -- writes: forget everything (they are rare: an OAuth install or an uninstall) ----------------
    def _forget(self) -> None:
        with self._lock:
            self._generation += 1
            self._lookups.clear()

    def save(self, installation: Installation) -> None:
        try:
            super().save(installation)
        finally:
            self._forget()

    def save_bot(self, bot: Bot) -> None:
        try:
            super().save_bot(bot)
        finally:
            self._forget()

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        try:
            super().delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        finally:
            self._forget()

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        try:
            super().delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)
        finally:
            self._forget()
