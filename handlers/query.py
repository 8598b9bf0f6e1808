"""The platform-neutral `/files` query: what the user asked for, nothing about how to fetch it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Kind(StrEnum):
    """A kind of file the user can filter by. Each platform maps these onto its own type filters."""

    IMAGES = "images"
    VIDEO = "video"
    AUDIO = "audio"
    PDFS = "pdfs"
    DOCS = "docs"
    SPREADSHEETS = "spreadsheets"
    PRESENTATIONS = "presentations"
    SNIPPETS = "snippets"
    ZIPS = "zips"
    TEXT = "text"


class Sort(StrEnum):
    NEWEST = "newest"
    LARGEST = "largest"


@dataclass(frozen=True)
class ConversationRef:
    """`#channel` as typed: an id when the platform resolved it (Slack escapes), else a name."""

    id: str | None = None
    name: str | None = None

    def canonical(self) -> str:
        return f"<#{self.id}>" if self.id else f"#{self.name}"


@dataclass(frozen=True)
class UserRef:
    """`@user` as typed: an id when the platform resolved it, else a username."""

    id: str | None = None
    name: str | None = None

    def canonical(self) -> str:
        return f"<@{self.id}>" if self.id else f"@{self.name}"


@dataclass(frozen=True)
class FileQuery:
    """Everything `/files` can filter on. An empty query means: the current conversation, newest first."""

    conversation: ConversationRef | None = None
    everywhere: bool = False
    uploader: UserRef | None = None
    mine: bool = False
    kinds: frozenset[Kind] = field(default_factory=frozenset)
    name: str | None = None
    since: date | None = None
    until: date | None = None
    sort: Sort = Sort.NEWEST

    @property
    def in_current_conversation(self) -> bool:
        """No `#channel` and no `everywhere`; `mine`/`@user` alone search everywhere the user can see."""
        return self.conversation is None and not self.everywhere and not self.mine and self.uploader is None

    def with_kinds(self, kinds: frozenset[Kind]) -> FileQuery:
        return dataclasses.replace(self, kinds=kinds)

    def pinned_to(self, conversation_id: str) -> FileQuery:
        """The same query with the implicit "current conversation" made explicit (for button state)."""
        if not self.in_current_conversation:
            return self
        return dataclasses.replace(self, conversation=ConversationRef(id=conversation_id))

    def canonical(self) -> str:
        """A text form that `grammar.parse` turns back into an equal query."""
        words: list[str] = []
        if self.conversation is not None:
            words.append(self.conversation.canonical())
        if self.everywhere:
            words.append("everywhere")
        if self.mine:
            words.append("mine")
        if self.uploader is not None:
            words.append(self.uploader.canonical())
        words.extend(sorted(k.value for k in self.kinds))
        if self.name is not None:
            words.append(quote_name(self.name))
        if self.since is not None:
            words.append(f"since:{self.since.isoformat()}")
        if self.until is not None:
            words.append(f"until:{self.until.isoformat()}")
        if self.sort is Sort.LARGEST:
            words.append("largest")
        return " ".join(words)


def quote_name(name: str) -> str:
    """`name:"…"` with the grammar's escapes, so any name survives a round trip."""
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'name:"{escaped}"'
