"""The one way files-bot opens SQLite: a connection per thread and file, kept (opening one re-reads the
schema), that waits for another process's lock instead of failing at once; transactions; numbered
migrations recorded in `schema_migrations`; and sqlite3's errors turned into the store's own.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

from bot.storage.model import StorageError, StorageUnavailable

# How long a statement waits for another process's lock before giving up with "database is locked".
BUSY_TIMEOUT_SECONDS = 10.0

Migration = Callable[[sqlite3.Connection], None]
P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C", bound=type)


class Connections:
    """One connection per thread to the SQLite file at `path`. `autocommit`: every statement commits on its
    own unless inside `transaction()` (files-bot's own stores); otherwise sqlite3's implicit transactions,
    committed by `with conn:` (what slack_sdk's stores expect)."""

    def __init__(self, path: Path, *, autocommit: bool = True) -> None:
        self.path = path
        self._autocommit = autocommit
        self._local = threading.local()

    def get(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path, autocommit=self._autocommit)
            self._local.conn = conn
        return conn


def connect(path: Path, *, autocommit: bool = True) -> sqlite3.Connection:
    """A new connection (`Connections` keeps one per thread; this is for a single question)."""
    with errors_translated():
        if autocommit:
            return sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        return sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)


@contextmanager
def errors_translated() -> Iterator[None]:
    """sqlite3's errors as the store's: busy or full is `StorageUnavailable`, anything else `StorageError`."""
    try:
        yield
    except sqlite3.OperationalError as error:
        raise StorageUnavailable(str(error)) from error
    except sqlite3.Error as error:
        raise StorageError(str(error)) from error


def translating(cls: C) -> C:
    """Every public method of `cls` raises the store's errors, never sqlite3's."""
    for name, attribute in list(vars(cls).items()):
        if not name.startswith("_") and callable(attribute):
            setattr(cls, name, _translated(attribute))
    return cls


def _translated(method: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        with errors_translated():
            return method(*args, **kwargs)

    return call


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """`BEGIN IMMEDIATE` … `COMMIT` on an autocommit connection: everything inside lands together or not at
    all. Inside another transaction of the same connection, part of it."""
    if conn.in_transaction:
        yield
        return
    with errors_translated():
        conn.execute("begin immediate")
    try:
        yield
    except BaseException:
        # SQLite may already have rolled back by itself (disk full, for one); don't mask the real error.
        if conn.in_transaction:
            conn.execute("rollback")
        raise
    with errors_translated():
        conn.execute("commit")


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration]) -> None:
    """Apply the migrations not yet recorded in `schema_migrations` (version n is `migrations[n - 1]`), in
    one transaction: two processes starting at once apply each exactly once."""
    with errors_translated():
        conn.execute("create table if not exists schema_migrations (version integer primary key, applied real)")
    with transaction(conn), errors_translated():
        applied = {row[0] for row in conn.execute("select version from schema_migrations")}
        for version, migration in enumerate(migrations, 1):
            if version not in applied:
                migration(conn)
                conn.execute("insert into schema_migrations values (?, ?)", [version, time.time()])


def schema_version(conn: sqlite3.Connection) -> int:
    with errors_translated():
        row = conn.execute("select max(version) from schema_migrations").fetchone()
    return int(row[0] or 0)
