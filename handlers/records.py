"""What the bot keeps about conversations and files, as every layer names it: an adapter lists the bot's
conversations as `Conversation`s, the sync stores them, the store returns them and `StoredFile`s, the reports
read both. Names and links come from the platform: untrusted, escaped wherever they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Conversation:
    """A conversation the bot itself is in — the only kind it syncs and reports on."""

    id: str
    name: str
    private: bool
    owners: tuple[str, ...] = ()  # who may change its weekly report (a channel's creator, a room's owners)


@dataclass(frozen=True)
class StoredFile:
    """A file as the bot's own sync stored it (metadata only, never contents)."""

    id: str
    name: str
    size: int
    kind: str  # a `handlers.query.Kind` value, or "other"
    uploader: str  # a user id; "" when the platform did not say
    created: datetime
    link: str
