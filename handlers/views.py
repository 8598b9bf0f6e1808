"""The view model: what an answer shows, fully described, as frozen values that each platform's renderer
maps to Block Kit or UIKit mechanically. Listings and notices are here; the reports' views are in
`report_views.py`, built of the same parts.

Every user-controlled part of a view is a typed value — a file (`FileLink`), a person (`Person`), a
conversation (`Conversation`), text a person typed (`Text`) — never markup: each renderer escapes these for
its own platform, in one place. Names the platform gives for ids are filled in before rendering, through
the names port (`names.py`). Everything else in a view is our own copy (`messages.py`), numbers and sizes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit

from handlers import messages

# -- the ids the platforms send back with a click: the same on every platform ------------------------------
ACTION_PREV = "files_prev"
ACTION_NEXT = "files_next"
ACTION_TYPE = "files_type"
ACTION_AUTHORIZE = "files_authorize"
NAVIGATION = (ACTION_PREV, ACTION_NEXT, ACTION_TYPE)
ALL_KINDS = "all"  # the type menu's choice for every kind


# -- user-controlled parts, typed ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    """Someone on the platform, by id, and by name once the names port gave one (untrusted)."""

    id: str
    name: str | None = None


@dataclass(frozen=True)
class Conversation:
    """A conversation by id, and by name (untrusted) when the platform gave one."""

    id: str
    name: str | None = None


@dataclass(frozen=True)
class PrivateConversations:
    """The private conversations the reader is not in, as one aggregate: never named."""


@dataclass(frozen=True)
class FileLink:
    """A file by name (untrusted) and the link the platform gave for it (untrusted; see `web_link`)."""

    name: str
    url: str


@dataclass(frozen=True)
class Text:
    """Text from outside — what a person typed, a type the platform named — shown as it is."""

    text: str


Part = str | Conversation | Person | Text  # a sentence: our copy (str) with names in it


# -- notices and listings ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Notice:
    """A short private message in our own copy; with `authorize_url`, an "Authorize" button too."""

    text: str
    authorize_url: str | None = None


@dataclass(frozen=True)
class MenuOption:
    value: str
    label: str


@dataclass(frozen=True)
class TypeMenu:
    """The type menu: its options, the one chosen (None: several kinds are), and the signed listing state
    its choice is applied to."""

    state: str
    options: tuple[MenuOption, ...]
    chosen: str | None


@dataclass(frozen=True)
class ListingRow:
    file: FileLink
    size: str
    kind: Text  # the platform's name for the file's type, or ours
    uploader: Person | None
    created: datetime
    where: Conversation | None


@dataclass(frozen=True)
class ListingView:
    """One page of a `/files` answer. `prev` and `next` are signed listing states for the buttons."""

    title: tuple[Part, ...]
    stats: str
    note: str | None
    rows: tuple[ListingRow, ...]
    empty: str | None  # what to say instead of rows, when there are none
    prev: str | None
    next: str | None
    menu: TypeMenu | None


# -- helpers the renderers share ----------------------------------------------------------------------------
# Kept as they are: what structures a URL. Everything else is percent-encoded (which means the same).
_LINK_SAFE = ":/?#&=%,;"
_UNRESERVED_MARKUP = str.maketrans({"_": "%5F", "~": "%7E"})  # `quote` never encodes these two


def web_link(url: str) -> str | None:
    """`url` as a link target that no markup can break out of, or None when it is not an http(s) link.

    Everything but letters, digits and the characters that structure a URL is percent-encoded: `>` and
    `|` (which end `<url|…>`), `)` and spaces (which end `[…](url)`), and the characters a chat client
    reads as markup (`_ ~ * @ ! $ + '`) — Rocket.Chat's parser, failing on a link, parses its target."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url.strip(), safe=_LINK_SAFE).translate(_UNRESERVED_MARKUP)


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def one_line(text: str) -> str:
    """A name on one line: control characters and line breaks become a space (no block markup can start)."""
    return _CONTROL.sub(" ", text)


def sentence_text(parts: Sequence[Part]) -> str:
    """A sentence as plain text (`#conversation`, `@person`), for text-only surfaces: dry runs, fallbacks."""
    return "".join(_plain(p) for p in parts)


def _plain(part: Part) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, Text):
        return one_line(part.text)
    if isinstance(part, Conversation):
        return f"#{one_line(part.name)}" if part.name else messages.THIS_CONVERSATION
    return f"@{one_line(part.name)}" if part.name else messages.SOMEONE
