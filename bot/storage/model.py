"""The values the store speaks in: typed rows, enumerations and errors, free of any database's own types
(a conversation and a stored file are `handlers.records`' own: the reports read them too)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from handlers.source import Position


class SyncMode(StrEnum):
    """A sync pass: from the newest file down to the last watermark, or everything (the reconcile, which
    then removes from the conversation the files it did not see)."""

    INCREMENTAL = "incremental"
    FULL = "full"


class LedgerStatus(StrEnum):
    """Where one report delivery stands. `SENDING` is claimed and not yet recorded: a process that dies
    there leaves it so, and it is never sent again."""

    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # the recipient is no longer a member of the conversation


@dataclass(frozen=True)
class SyncCursor:
    """Where a pass that is under way goes on, committed with each page: a pass killed at any point resumes
    with its own parameters, not the next run's."""

    mode: SyncMode
    position: Position  # the next page to read
    since: float | None  # files created before this are already known (None: a full pass reads everything)
    max_created: float  # the newest file the pass has seen: the watermark once it ends


@dataclass(frozen=True)
class SyncState:
    """One conversation's sync: the newest file known (`watermark`), the number of its last full pass
    (`generation`: what a sweep compares with), and the pass under way, if any."""

    watermark: float | None = None
    generation: int = 0
    cursor: SyncCursor | None = None

    @property
    def mode(self) -> SyncMode | None:
        """The mode of the pass under way (None: none is)."""
        return self.cursor.mode if self.cursor else None


@dataclass(frozen=True)
class Removed:
    """What an unlink removed: presences, and files left in no conversation."""

    presences: int = 0
    files: int = 0


@dataclass(frozen=True)
class Forgotten:
    """What forgetting a workspace deleted, row counts by kind."""

    files: int = 0
    presences: int = 0
    conversations: int = 0
    snapshots: int = 0
    subscriptions: int = 0
    reports: int = 0  # report-ledger rows
    sync_states: int = 0


@dataclass(frozen=True)
class LedgerKey:
    """One report delivery, within a workspace: `conversation` None is the workspace (admin) report."""

    conversation: str | None
    recipient: str
    week: str  # "2026-W48"


@dataclass(frozen=True)
class LedgerEntry:
    platform: str
    workspace: str
    conversation: str | None  # None: the workspace (admin) report
    recipient: str
    week: str
    status: LedgerStatus
    attempts: int
    last_error: str | None
    updated: float


@dataclass(frozen=True)
class UserToken:
    """A person's own Rocket.Chat OAuth token (what `/files` lists with)."""

    user_id: str
    username: str
    access_token: str
    refresh_token: str | None
    expires_at: float | None

    def expired(self, now: float, margin: float = 60) -> bool:
        return self.expires_at is not None and now >= self.expires_at - margin


class StorageError(Exception):
    """The store failed as a whole (not one workspace's or conversation's problem): everything else would
    fail the same way. The text is the database's, never file data."""


class StorageUnavailable(StorageError):
    """The store is busy (another process holds it) or full: try again later; nothing half-written was kept."""


class InstallationsUnreadable(Exception):
    """The Slack installations could not be read just now (locked, say): not the same as "none". Not a
    `StorageError`: only Slack's sync stops, and it forgets nothing."""
