"""Rows of `cache.sqlite` as the store's typed values, and back: one mapping per kind of row."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bot.storage.model import LedgerEntry, LedgerStatus, SyncCursor, SyncMode
from handlers.records import Conversation, StoredFile
from handlers.source import Position

# The conversation column of a row about the whole workspace: its weekly snapshot, its admin reports' ledger.
WHOLE_WORKSPACE = "*workspace*"
# What a `StoredFile` is read from (`files f`).
FILE_COLUMNS = "f.id, f.name, f.size, f.kind, f.uploader, f.created, f.link"
LEDGER_COLUMNS = "platform, workspace, conversation, recipient, week, status, attempts, last_error, updated"


def conversation_of(row: Sequence[Any]) -> Conversation:
    conv_id, name, private, owners = row
    return Conversation(str(conv_id), str(name or ""), bool(private), _owners(owners))


def _owners(text: str | None) -> tuple[str, ...]:
    """Owners as saved (a JSON list); anything else is no owners, not a failure."""
    try:
        owners = json.loads(text or "[]")
    except ValueError:
        return ()
    return tuple(str(o) for o in owners) if isinstance(owners, list) else ()


def stored_file(row: Sequence[Any]) -> StoredFile:
    """A row of `FILE_COLUMNS`."""
    file_id, name, size, kind, uploader, created, link = row
    return StoredFile(
        id=str(file_id),
        name=str(name),
        size=int(size),
        kind=str(kind or "other"),
        uploader=str(uploader or ""),
        created=datetime.fromtimestamp(float(created), UTC),
        link=str(link or ""),
    )


def sync_cursor(mode: str | None, text: str | None) -> SyncCursor | None:
    """The pass under way, as saved: the mode column and the cursor's JSON (the names it has always had)."""
    if not mode or not text:
        return None
    saved = json.loads(text)
    position = Position(page=saved["page"], cursor=saved["cursor"], trail=tuple(saved["trail"]))
    return SyncCursor(SyncMode(mode), position, saved["since"], saved["max_created"])


def cursor_json(cursor: SyncCursor) -> str:
    position = cursor.position
    return json.dumps(
        {
            "page": position.page,
            "cursor": position.cursor,
            "trail": list(position.trail),
            "since": cursor.since,
            "max_created": cursor.max_created,
        }
    )


def ledger_entry(row: Sequence[Any]) -> LedgerEntry:
    platform, workspace, conversation, recipient, week, status, attempts, last_error, updated = row
    return LedgerEntry(
        platform=str(platform),
        workspace=str(workspace),
        conversation=None if conversation == WHOLE_WORKSPACE else str(conversation),
        recipient=str(recipient),
        week=str(week),
        status=LedgerStatus(status),
        attempts=int(attempts or 0),
        last_error=last_error,
        updated=float(updated or 0),
    )
