"""What the rest of the bot may ask of the store: `Protocol`s a second backend implements as they are.

Everything is scoped: the services ask `Store.workspace(platform, workspace)` for one workspace's view and
speak to that. Nothing here names a database: rows are `model`'s and `handlers.records`' values, failures
are `model.StorageError`s, and writes that belong together go inside `transaction()`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot.storage.model import (
    Forgotten,
    LedgerEntry,
    LedgerKey,
    LedgerStatus,
    Removed,
    SyncState,
    UserToken,
)
from handlers.records import Conversation, StoredFile
from handlers.report_command import ReportData
from handlers.source import FileInfo

if TYPE_CHECKING:  # types only: the cache's users never load the Slack and scheduler stores' libraries
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from slack_sdk.oauth.installation_store import InstallationStore
    from slack_sdk.oauth.state_store import OAuthStateStore


class Ledger(Protocol):
    """One workspace's report ledger: each delivery at most once. A delivery is claimed before anything is
    posted, and exactly one claimant wins — across job re-fires, restarts and concurrent processes."""

    def claim(self, key: LedgerKey) -> bool:
        """True for the one caller that may send it (recorded as `SENDING`)."""
        ...

    def finish(self, key: LedgerKey, status: LedgerStatus, *, attempts: int, error: str | None = None) -> None: ...

    def entries(self) -> list[LedgerEntry]:
        """Every delivery recorded, by conversation and recipient."""
        ...


class ReportStore(ReportData, Protocol):
    """One workspace's report data: aggregates computed by the store (a report never loads every file),
    subscriptions, and the weekly snapshots. One object per report run: it may remember what it read."""

    def subscribers(self, conversation: str) -> set[str]: ...

    def totals_before(self, moment: datetime) -> dict[str, tuple[int, int]]:
        """`totals()` as they stood at `moment`: the files created before it."""
        ...


class WorkspaceStore(Protocol):
    """Everything kept about one workspace of one platform."""

    @property
    def platform(self) -> str: ...

    @property
    def workspace(self) -> str: ...

    def transaction(self) -> AbstractContextManager[None]:
        """Everything inside lands together or not at all (the store's own transaction)."""
        ...

    # -- the conversations the bot is in ---------------------------------------------------------------
    def save_conversation(self, conversation: Conversation) -> None:
        """The bot is in it: saved (name, privacy, owners as given)."""
        ...

    def lose_conversations(self, keep: Collection[str]) -> list[str]:
        """The bot is no longer in any conversation it was in but `keep`: each is marked so, its files stop
        counting, its sync starts afresh should the bot come back; its snapshots and subscriptions stay.
        Returns their ids."""
        ...

    def conversations(self) -> list[Conversation]:
        """The conversations the bot is in, by name."""
        ...

    def left_conversations(self) -> list[Conversation]:
        """The conversations the bot was in and is no longer (kept for their snapshots and subscriptions)."""
        ...

    # -- files, and where they are ---------------------------------------------------------------------
    def save_files(self, conversation: str, files: Iterable[FileInfo], *, generation: int, now: float) -> int:
        """A page of files listed in `conversation`, each present there (seen by pass `generation`). Where a
        file object names the conversations it is shared in, that list is the truth for it. Returns how
        many were saved. Inside `transaction()`."""
        ...

    def sweep(self, conversation: str, *, generation: int) -> Removed:
        """After a full pass: the files of `conversation` that pass `generation` did not see leave it."""
        ...

    def delete_file(self, file_id: str) -> bool:
        """The file was deleted on the platform: gone from every conversation, and from the store."""
        ...

    def unshare(self, file_id: str, conversation: str) -> bool:
        """The file was removed from `conversation`; it stays wherever else it is."""
        ...

    def files(self, *, conversation: str | None = None) -> list[StoredFile]:
        """The files kept (each once), newest first; with `conversation`, those present there."""
        ...

    # -- sync, reports, forgetting ---------------------------------------------------------------------
    def sync_state(self, conversation: str) -> SyncState: ...

    def save_sync_state(self, conversation: str, state: SyncState) -> None: ...

    def record_snapshot(
        self, week: str, *, conversation: str | None, file_count: int, total_bytes: int, by_type: dict[str, int]
    ) -> None:
        """The week's figures of a conversation, or (`conversation` None) of the whole workspace, each
        file once."""
        ...

    def reports(self) -> ReportStore: ...

    @property
    def ledger(self) -> Ledger: ...

    def forget(self) -> Forgotten:
        """Everything kept about the workspace, deleted at once."""
        ...


class Store(Protocol):
    """The file cache, the reports' data and the report ledger of every workspace."""

    def workspace(self, platform: str, workspace: str) -> WorkspaceStore: ...

    def workspaces(self) -> list[tuple[str, str]]:
        """(platform, workspace) of every workspace anything is kept about."""
        ...

    def transaction(self) -> AbstractContextManager[None]: ...

    def prune(self, *, before_week: str) -> int:
        """Weekly snapshots and ledger rows of weeks before `before_week` ("2026-W35"): nothing reads them
        any more. Returns the rows deleted."""
        ...

    def interrupted(self, older_than_seconds: float = 600) -> list[LedgerEntry]:
        """Deliveries claimed but never recorded (the process died mid-send), in every workspace."""
        ...


class TokenStore(Protocol):
    """Rocket.Chat people's own OAuth tokens, and the OAuth states issued to their browsers."""

    def find(self, user_id: str) -> UserToken | None: ...

    def save(self, token: UserToken) -> None: ...

    def delete(self, user_id: str) -> None: ...

    def issue_state(self) -> str: ...

    def consume_state(self, state: str) -> bool:
        """True once for a state issued less than the states' lifetime ago."""
        ...


class Backend(Protocol):
    """Where a deployment keeps everything, and how each store is built from it."""

    def store(self) -> Store: ...

    def rocketchat_tokens(self, *, state_seconds: int) -> TokenStore: ...

    def slack_installations(self, client_id: str) -> InstallationStore:
        """slack_sdk's installation store (bot and user tokens), its lookups remembered per user."""
        ...

    def slack_oauth_states(self, *, expiration_seconds: int) -> OAuthStateStore: ...

    def slack_teams(self, client_id: str) -> list[str]:
        """The Slack workspaces with a bot installation; raises `InstallationsUnreadable` when they cannot
        be read just now."""
        ...

    def job_store(self) -> SQLAlchemyJobStore:
        """APScheduler's persistent job store."""
        ...
