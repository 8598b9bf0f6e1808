"""The report ledger: one row per (platform, workspace, conversation, recipient, week), in the cache.

At most once: a delivery is *claimed* by inserting its row (status `sending`) before anything is posted, and
the primary key makes that insert succeed for exactly one claimant — across job re-fires, restarts and
concurrent processes. The row then becomes `sent`, `failed` (with the reason) or `skipped` (the recipient
is no longer a member). A process killed between posting and recording leaves `sending`: that report is
never posted again (a possible miss is preferred over a duplicate); `files-bot` logs such rows on start.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bot.storage.cache import WHOLE_WORKSPACE, FileCache

WORKSPACE_REPORT = WHOLE_WORKSPACE  # the conversation column of admin reports


@dataclass(frozen=True)
class LedgerKey:
    platform: str
    workspace: str
    conversation: str
    recipient: str
    week: str

    def values(self) -> list[str]:
        return [self.platform, self.workspace, self.conversation, self.recipient, self.week]


class Ledger:
    def __init__(self, cache: FileCache) -> None:
        self._cache = cache

    def claim(self, key: LedgerKey) -> bool:
        cursor = self._cache.db.conn.execute(
            "insert into report_ledger (platform, workspace, conversation, recipient, week, status, attempts, "
            "last_error, updated) values (?, ?, ?, ?, ?, 'sending', 0, null, ?) "
            "on conflict (platform, workspace, conversation, recipient, week) do nothing",
            [*key.values(), time.time()],
        )
        return cursor.rowcount == 1

    def finish(self, key: LedgerKey, status: str, *, attempts: int, error: str | None = None) -> None:
        self._cache.db.conn.execute(
            "update report_ledger set status = ?, attempts = ?, last_error = ?, updated = ? where platform = ? "
            "and workspace = ? and conversation = ? and recipient = ? and week = ?",
            [status, attempts, error, time.time(), *key.values()],
        )

    def rows(self, **where: str) -> list[dict[str, Any]]:
        clause = " and ".join(f"{k} = ?" for k in where) or "1 = 1"
        return list(
            self._cache.db.table("report_ledger").rows_where(
                clause, list(where.values()), order_by="conversation, recipient"
            )
        )

    def interrupted(self, older_than_seconds: float = 600) -> list[dict[str, Any]]:
        """Deliveries claimed but never recorded (the process died mid-send): not retried, only reported."""
        return list(
            self._cache.db.table("report_ledger").rows_where(
                "status = 'sending' and updated < ?", [time.time() - older_than_seconds]
            )
        )
