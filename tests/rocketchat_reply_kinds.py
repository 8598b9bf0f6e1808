"""Every kind of answer the bot renders for Rocket.Chat, each at its worst: the one list that
tests/test_rocketchat_uikit_types.py type-checks against @rocket.chat/ui-kit. When the bot learns a new kind
of answer (the weekly and on-demand reports as UIKit messages, for one), add it to `reply_kinds()`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from bot.rocketchat import render
from bot.rocketchat.bridge import NO_BOT_ACCOUNT, UNKNOWN_ACTION
from handlers import files_command, grammar, report_command
from handlers.cards import Listing, Notice
from handlers.query import Kind
from handlers.source import FileInfo, SourceQuery

Answer = dict[str, Any]
# Markdown specials, right-to-left and wide characters, at the longest a file name gets (255).
LONGEST_NAME = ("[*_`#|<>~]{}()!+\\ " + "ملف" + "文件" + "x" * 255)[:255]
LONGEST_USER = "u" * 120 + "_*[]"
LONGEST_ROOM = "r" * 120 + "`#<>"
TOKEN = "eyJ2IjoxfQ." + "A" * 400  # signed button state: long, opaque


def file_row(n: int, name: str = LONGEST_NAME, *, link: str = "https://chat.example/file-upload/F/x") -> FileInfo:
    return FileInfo(
        id=f"F{n}",
        name=name,
        title=name,
        size=10**12 + n,
        mimetype="application/octet-stream",
        extension="bin",
        type_label=name[:40],
        uploader_id=f"U{n}",
        uploader_name=LONGEST_USER if n % 2 else None,
        created=datetime(2026, 1, 1, tzinfo=UTC),
        link=link,
        conversations=(f"R{n}",),
    )


def listing(
    query: SourceQuery,
    *,
    rows: list[FileInfo] | None = None,
    page: int = 1,
    pages: int | None = 1,
    prev_token: str | None = None,
    next_token: str | None = None,
    partial: bool = False,
) -> Listing:
    shown = rows if rows is not None else [file_row(n) for n in range(10)]
    return Listing(
        query=query,
        rows=shown,
        page=page,
        pages=pages,
        total=None if pages is None else 10**6,
        bytes_shown=sum(f.size for f in shown),
        total_bytes=None if pages is None else 10**15,
        scanned=1000 if partial else None,
        partial=partial,
        prev_token=prev_token,
        next_token=next_token,
        menu_token=TOKEN,
    )


def rendered(reply: Listing | Notice) -> Answer:
    return render.render(reply, lambda _: LONGEST_ROOM, lambda _: LONGEST_USER)


EVERY_FILTER = SourceQuery(
    conversation_id="R1",
    uploader_id="U1",
    kinds=frozenset(Kind),
    name=LONGEST_NAME,
    since=date(2020, 1, 1),
    until=date(2026, 12, 31),
    largest=True,
)

NOTICES = {
    "help": grammar.HELP,
    "tampered": files_command.TAMPERED,
    "stale": files_command.STALE,
    "not yours": files_command.NOT_YOURS,
    "missing permission": files_command.MISSING_PERMISSION,
    "unavailable": files_command.UNAVAILABLE,
    "conversation unavailable": files_command.CONVERSATION_UNAVAILABLE.format(ref="#" + LONGEST_ROOM),
    "unknown user": files_command.UNKNOWN_USER.format(ref="@" + LONGEST_USER),
    "rate limited": "The chat server is busy and asked me to slow down. Please try again in 30 seconds.",
    "report: not tracked": report_command.NOT_TRACKED,
    "report: not owner": report_command.NOT_OWNER,
    "report: not admin": report_command.NOT_ADMIN,
    "report: no bot account": NO_BOT_ACCOUNT,
    "unknown button": UNKNOWN_ACTION,
}


def reply_kinds() -> dict[str, Callable[[], Answer]]:
    """Name → the answer, as the bridge sends it."""
    kinds: dict[str, Callable[[], Answer]] = {
        "listing: first page": lambda: rendered(listing(SourceQuery(conversation_id="R1"), pages=9, next_token=TOKEN)),
        "listing: middle page": lambda: rendered(
            listing(SourceQuery(), page=5, pages=9, prev_token=TOKEN, next_token=TOKEN)
        ),
        "listing: last page": lambda: rendered(
            listing(SourceQuery(), rows=[file_row(1)], page=9, pages=9, prev_token=TOKEN)
        ),
        "listing: every filter": lambda: rendered(listing(EVERY_FILTER, pages=None, next_token=TOKEN, partial=True)),
        "listing: unknown total": lambda: rendered(listing(SourceQuery(largest=True), pages=None, next_token=TOKEN)),
        "listing: empty": lambda: rendered(listing(EVERY_FILTER, rows=[], pages=0)),
        "listing: link not http": lambda: rendered(listing(SourceQuery(), rows=[file_row(2, link="javascript:x")])),
        "notice: not authorized": lambda: rendered(
            Notice(files_command.NOT_AUTHORIZED, authorize_url="https://bot.example/rocketchat/install")
        ),
        "nothing to show": render.nothing,
    }
    kinds.update({f"listing: only {kind.value}": _only(kind) for kind in Kind})
    kinds.update({f"notice: {name}": _notice(text) for name, text in NOTICES.items()})
    return kinds


def _only(kind: Kind) -> Callable[[], Answer]:
    return lambda: rendered(listing(SourceQuery(kinds=frozenset({kind})), pages=3, next_token=TOKEN))


def _notice(text: str) -> Callable[[], Answer]:
    return lambda: rendered(Notice(text))
