"""What a platform adapter must provide for `/files`: a `FileSource` speaking neutral file records.

The handler decides *what* to list; the source only knows *how* its platform lists files and which
filters its API can apply natively (`Capabilities`). Whatever it cannot, the handler applies itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from handlers.kinds import classify
from handlers.query import ConversationRef, Kind, UserRef


@dataclass(frozen=True)
class FileInfo:
    """One file as the *caller* may see it. `conversations` lists only conversations visible to the caller."""

    id: str
    name: str
    title: str
    size: int
    mimetype: str
    extension: str
    type_label: str
    uploader_id: str
    uploader_name: str | None
    created: datetime
    link: str
    conversations: tuple[str, ...] = ()
    kind_hint: Kind | None = None  # when the platform knows better than MIME type and extension

    @property
    def kind(self) -> Kind | None:
        return self.kind_hint or classify(self.mimetype, self.extension)


@dataclass(frozen=True)
class Position:
    """Where a page starts. Page-numbered APIs use `page`; cursor APIs also carry the cursor for this
    page and the trail of cursors before it, so Prev works without any server-side state."""

    page: int = 1
    cursor: str | None = None
    trail: tuple[str, ...] = ()


@dataclass(frozen=True)
class WalkProgress:
    """How far a walk over the caller's conversations has got: `checked` of `total` read to the end."""

    checked: int
    total: int


@dataclass(frozen=True)
class SourcePage:
    """One API page. `pages`/`total` come with page-numbered paging, `next_cursor` with cursor paging;
    `walk` with a source that walks conversations one after another ("everywhere")."""

    files: list[FileInfo]
    page: int
    pages: int | None = None
    total: int | None = None
    next_cursor: str | None = None
    walk: WalkProgress | None = None


@dataclass(frozen=True)
class Capabilities:
    """Which parts of a `SourceQuery` the platform's API filters or sorts natively."""

    kinds: frozenset[Kind]
    several_kinds: bool
    uploader: bool
    dates: bool
    name: bool
    largest: bool
    max_page_size: int
    everywhere: bool = True  # one listing across all conversations; else the source walks them in turn


@dataclass(frozen=True)
class SourceQuery:
    """A query with every reference resolved to a platform id. `conversation_id=None` means everywhere."""

    conversation_id: str | None = None
    uploader_id: str | None = None
    kinds: frozenset[Kind] = frozenset()
    name: str | None = None
    since: date | None = None
    until: date | None = None
    largest: bool = False


class FileSource(Protocol):
    """A platform's file listing, acting with one user's own credentials."""

    capabilities: Capabilities

    def resolve_conversation(self, ref: ConversationRef) -> str:
        """The id of a conversation the caller can see; raises `ConversationUnavailable` otherwise."""
        ...

    def resolve_user(self, ref: UserRef) -> str:
        """The id of a user; raises `UnknownUser` otherwise."""
        ...

    def fetch(self, query: SourceQuery, position: Position, count: int) -> SourcePage:
        """One page of files matching the natively supported parts of `query`."""
        ...
