"""Slack's SQLite files, kept by slack_sdk's own stores in their own schema: installations (bot and user
tokens) and pending OAuth states. Both use the one connection helper, and the workspaces the bot is
installed in are read here, where slack_sdk's tables are known.

The installation store remembers its lookups. Every Slack request looks tokens up: the workspace's bot
installation and the clicking user's own token; under a burst of commands those queries were most of the
ack path (each one gives up the GIL and has to win it back from a dozen busy request threads). Lookups are
remembered keyed by workspace *and user* (one user's token is never another's answer — the trap of caching
by bot token), and all forgotten on every write through the store. Every write comes through it: the OAuth
callback and Slack's `tokens_revoked` / `app_uninstalled` events all arrive at this process (the CLI's
commands only read).

The state store: slack_sdk's only ever deletes a state when it is consumed, so visits to `/slack/install`
that never come back (a crawler, a flood) would grow the file without end; it also logs every state at
DEBUG. Here expired states are deleted whenever a state is issued, at most `max_pending` are kept (the
oldest go first), a state is consumed by one atomic DELETE (of two callbacks with the same state, one
wins), and no state is ever logged. slack_sdk's table is kept, so an existing file still works.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Hashable
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar
from uuid import uuid4

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlite3 import SQLite3InstallationStore
from slack_sdk.oauth.state_store.sqlite3 import SQLite3OAuthStateStore

from bot.storage.model import InstallationsUnreadable, StorageUnavailable
from bot.storage.sqlite import connection
from bot.storage.sqlite.connection import Connections

log = logging.getLogger(__name__)

T = TypeVar("T")
# A person takes seconds to approve; a flood past this many pending states pushes out the oldest ones.
MAX_PENDING_STATES = 10_000


class SlackInstallationStore(SQLite3InstallationStore):
    def __init__(self, *, database: str, client_id: str, **kwargs: Any) -> None:
        super().__init__(database=database, client_id=client_id, **kwargs)
        # `with conn:` in the base class commits or rolls back; it never closes, so reuse is safe.
        self._connections = Connections(Path(database), autocommit=False)
        self._lock = threading.Lock()
        self._generation = 0  # bumped by every write: a lookup that raced a write is not remembered
        self._lookups: dict[Hashable, Any] = {}

    def connect(self) -> sqlite3.Connection:
        if not self.init_called:
            self.init()  # type: ignore[no-untyped-call]
        return self._connections.get()

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


def installed_teams(database: Path, client_id: str) -> list[str]:
    """Workspaces with a bot installation, from the installation store's `slack_bots` table."""
    if not database.exists():
        return []
    try:
        with closing(connection.connect(database, autocommit=False)) as conn, connection.errors_translated():
            rows = conn.execute(
                "select distinct team_id from slack_bots where client_id = ? and team_id != ''", [client_id]
            ).fetchall()
    except StorageUnavailable as error:
        # No installation yet: the store creates its tables lazily. Anything else (a locked file) is
        # not "no installations" — the sync would forget every workspace.
        if "no such table" in str(error):
            return []
        raise InstallationsUnreadable(str(error)) from None
    return [str(team) for (team,) in rows]


class SlackOAuthStateStore(SQLite3OAuthStateStore):
    def __init__(self, *, database: str, expiration_seconds: int, max_pending: int = MAX_PENDING_STATES) -> None:
        super().__init__(database=database, expiration_seconds=expiration_seconds, logger=log)
        self.max_pending = max_pending
        self._connections = Connections(Path(database), autocommit=False)

    def connect(self) -> sqlite3.Connection:
        if not self.init_called:
            self.init()  # type: ignore[no-untyped-call]
        return self._connections.get()

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = str(uuid4())
        now = time.time()
        with self.connect() as conn:  # one transaction: committed, or rolled back, together
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
            with self.connect() as conn:
                deleted = conn.execute(
                    "delete from oauth_states where state = ? and expire_at > ?", [state, time.time()]
                ).rowcount
        except sqlite3.Error as error:
            log.warning("OAuth state store failed: %s", type(error).__name__)
            return False
        return deleted == 1
