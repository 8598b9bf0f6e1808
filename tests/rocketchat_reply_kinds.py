"""Every kind of answer the bot renders for Rocket.Chat, each at its worst: the one list that
tests/test_rocketchat_uikit_types.py type-checks against @rocket.chat/ui-kit. When the bot learns a new kind
of answer, add it to `reply_kinds()`. Reports are here as the bridge answers them; the weekly DMs carry the
same blocks (`render.report_blocks`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from bot.platforms.rocketchat import render
from bot.platforms.rocketchat.bridge import NO_BOT_ACCOUNT, UNKNOWN_ACTION
from handlers import files_command, grammar, report_command
from handlers.cards import Listing, Notice
from handlers.query import Kind
from handlers.records import Conversation, StoredFile
from handlers.report_views import admin_view, channel_view, subscribed_notice
from handlers.reports import LARGEST, PRIVATE_OTHER, AdminReport, ChannelReport
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
        "channel report: longest names, every kind, full lists": lambda: render.report(
            channel_view(_channel_report()), lambda _: LONGEST_USER, None
        ),
        "admin report: 500 conversations, the private aggregate, the chart": lambda: render.report(
            admin_view(*_admin_report()), lambda _: LONGEST_USER, "https://bot.example/rocketchat/chart/x.png"
        ),
        "admin report: no chart": lambda: render.report(admin_view(*_admin_report()), lambda _: None, None),
        "report notice: subscribed": lambda: render.report_notice(subscribed_notice(_room(), on=True)),
        "report notice: unsubscribed": lambda: render.report_notice(subscribed_notice(_room(), on=False)),
    }
    kinds.update({f"listing: only {kind.value}": _only(kind) for kind in Kind})
    kinds.update({f"notice: {name}": _notice(text) for name, text in NOTICES.items()})
    return kinds


def _only(kind: Kind) -> Callable[[], Answer]:
    return lambda: rendered(listing(SourceQuery(kinds=frozenset({kind})), pages=3, next_token=TOKEN))


def _notice(text: str) -> Callable[[], Answer]:
    return lambda: rendered(Notice(text))


def _room(n: int = 1, *, private: bool = False) -> Conversation:
    return Conversation(f"R{n}", LONGEST_ROOM, private=private)


def _cached(n: int) -> StoredFile:
    return StoredFile(
        f"F{n}",
        LONGEST_NAME,
        10**12 + n,
        "pdfs",
        f"U{n}",
        datetime(2020, 1, 1, tzinfo=UTC),
        "https://chat.example/file-upload/F/x",
    )


def _channel_report() -> ChannelReport:
    kinds = {kind: (n + 1, 10**9 * (n + 1)) for n, kind in enumerate([*(k.value for k in Kind), "other"])}
    files = [_cached(n) for n in range(LARGEST)]
    return ChannelReport(_room(), "2026-W48", 10**6, 10**13, 10**12, kinds, files, files)


def _admin_report() -> tuple[AdminReport, list[Conversation]]:
    rooms = [_room(n, private=n % 2 == 0) for n in range(500)]
    report = AdminReport(
        week="2026-W48",
        file_count=10**6,
        bytes=10**13,
        by_conversation=[(r.id, 3, 10**9) for r in rooms] + [(PRIVATE_OTHER, 9, 10**9)],
        by_uploader=[(f"U{n}", 1, 10**6) for n in range(LARGEST)],
        by_type=[(kind, 1, 1) for kind in [*(k.value for k in Kind), "other"]],
        growers=[(r.id, 10**5) for r in rooms[:5]] + [(PRIVATE_OTHER, 1)],
        trend=[(f"2026-W{w:02d}", w * 10**9) for w in range(37, 49)],
        private_other=(9, 10**9),
    )
    return report, rooms
