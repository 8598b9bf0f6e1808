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
from handlers import messages
from handlers.listing_views import Listing, listing_view
from handlers.names import Names, named
from handlers.query import Kind
from handlers.records import Conversation, StoredFile
from handlers.report_views import admin_view, channel_view, subscribed_notice
from handlers.reports import LARGEST, PRIVATE_OTHER, AdminReport, ChannelReport
from handlers.source import FileInfo, SourceQuery
from handlers.views import Notice

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


LONGEST_NAMES = Names(conversation=lambda _: LONGEST_ROOM, person=lambda _: LONGEST_USER)


def rendered(reply: Listing | Notice) -> Answer:
    view = listing_view(reply) if isinstance(reply, Listing) else reply
    return render.render(named(view, LONGEST_NAMES))


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
    "help": messages.HELP,
    "tampered, or an unknown button": messages.TAMPERED,
    "stale": messages.STALE,
    "not yours": messages.NOT_YOURS,
    "missing permission": messages.MISSING_PERMISSION,
    "unavailable": messages.UNAVAILABLE,
    "conversation unavailable": messages.CONVERSATION_UNAVAILABLE.format(ref="#" + LONGEST_ROOM),
    "unknown user": messages.UNKNOWN_USER.format(ref="@" + LONGEST_USER),
    "rate limited": messages.rate_limited(30),
    "report: not tracked": messages.NOT_TRACKED,
    "report: not owner": messages.NOT_OWNER,
    "report: not admin": messages.NOT_ADMIN,
    "report: no bot account": messages.NO_BOT_ACCOUNT,
    "busy": messages.BUSY,
    "sorry": messages.SORRY,
    "storage busy": messages.STORAGE_BUSY,
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
            Notice(messages.NOT_AUTHORIZED, authorize_url="https://bot.example/rocketchat/install")
        ),
        "nothing to show": render.nothing,
        "channel report: longest names, every kind, full lists": lambda: render.report(
            named(channel_view(_channel_report()), LONGEST_NAMES), None
        ),
        "admin report: 500 conversations, the private aggregate, the chart": lambda: render.report(
            named(admin_view(*_admin_report()), LONGEST_NAMES), "https://bot.example/rocketchat/chart/x.png"
        ),
        "admin report: no chart": lambda: render.report(admin_view(*_admin_report()), None),
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
