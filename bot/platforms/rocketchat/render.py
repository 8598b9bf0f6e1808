"""UIKit rendering of the neutral replies for Rocket.Chat (blocks the bridge App shows as-is).

Interactive elements carry no `appId`: the App stamps its own id on them (it is the only one who knows it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handlers.cards import Listing, Notice, Reply, describe, empty_text, partial_note, size, stats_line
from handlers.kinds import MENU_LABELS, label
from handlers.report_views import (
    CHART_UNAVAILABLE,
    PRIVATE_AGGREGATE,
    Conversation,
    FileList,
    FileRow,
    Person,
    PrivateConversations,
    ReportNotice,
    ReportView,
    Subject,
    Table,
    one_line,
    sentence_text,
    web_link,
)
from handlers.source import FileInfo

ACTION_PREV = "files_prev"
ACTION_NEXT = "files_next"
ACTION_TYPE = "files_type"
ACTION_AUTHORIZE = "files_authorize"
AUTHORIZE_BLOCK = "files-authorize"
TITLE = "Files"

# Rocket.Chat's message parser (`@rocket.chat/message-parser`, which also renders UIKit `mrkdwn`) has no
# general escape: a backslash escapes only * _ ~ ` # . — and, in the versions servers run today, not inside
# a link's label, where `\_@all\_` is still an italic mention. So the ASCII characters it reads as markup in
# a name become their fullwidth twins (U+FF01 to U+FF5E), which it reads as plain text in every context:
# `*` `_` `~` `` ` `` (emphasis, code; even an underscore inside a word opens italics in those versions),
# `[` `]` (links, images; `](` ends a label), `<` `>` `|` (`<url|label>` links, spoilers, timestamps),
# `@` `#` (mentions, @all and @here included), `\` (escapes). Checked against the parser itself, in the
# App's tests (rocketchat-app/test/markup.test.ts).
_MARKUP = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "*_~`[]<>|@#\\"})

Block = dict[str, Any]


Names = Callable[[str], str | None]


def render(reply: Reply, room_name: Names, user_name: Names) -> dict[str, Any]:
    """The bridge answer: `{"text", "title", "blocks", "surface"}`. The name lookups turn ids into
    `#room` / `@user` (only names the user's own requests returned)."""
    if isinstance(reply, Notice):
        return _notice(reply)
    return _listing(reply, room_name, user_name)


def nothing() -> dict[str, Any]:
    """The answer to a click with nothing to show: the Authorize link button, which the client opens by itself
    (Rocket.Chat still reports the click as a block action)."""
    return {"text": "", "title": TITLE, "blocks": [], "surface": "none"}


def escape(text: str) -> str:
    """A name for `mrkdwn` text: on one line, with every character the parser reads as markup made inert,
    so it can't become a mention, formatting or — inside a link's label — a link. Outside a label, a name
    that is a domain (`mockups.zip`) is still linked by the parser: reports keep names there `plain_text`."""
    return one_line(text).translate(_MARKUP)


def link(url: str, text: str) -> str:
    """`[text](url)` when `url` is an http(s) link (percent-encoded: no `)` or space can end it early),
    else the escaped text alone."""
    href = web_link(url)
    return f"[{escape(text)}]({href})" if href else escape(text)


def _plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": text}


def _notice(notice: Notice) -> dict[str, Any]:
    text = notice.text.replace("*", "")
    blocks: list[Block] = [{"type": "section", "text": _mrkdwn(notice.text)}]
    if notice.authorize_url:
        blocks.append(
            {
                "type": "actions",
                "blockId": AUTHORIZE_BLOCK,
                "elements": [
                    {
                        "type": "button",
                        "actionId": ACTION_AUTHORIZE,
                        "text": _plain("Authorize files-bot"),
                        "url": notice.authorize_url,
                        "style": "primary",
                    }
                ],
            }
        )
    return {"text": text, "title": TITLE, "blocks": blocks, "surface": "notification"}


def _listing(listing: Listing, room_name: Names, user_name: Names) -> dict[str, Any]:
    def room(room_id: str) -> str:
        name = room_name(room_id)
        return f"#{escape(name)}" if name else "this room"

    def user(user_id: str) -> str:
        name = user_name(user_id)
        return f"@{escape(name)}" if name else "that user"

    title = describe(listing, room, user)
    stats = stats_line(listing)
    blocks: list[Block] = [{"type": "section", "text": _mrkdwn(f"*{title}*\n{stats}")}]
    if note := partial_note(listing):
        blocks.append({"type": "context", "elements": [_mrkdwn(note)]})
    blocks.append({"type": "divider"})
    if listing.rows:
        blocks.extend({"type": "section", "text": _mrkdwn(_row(f, listing, room))} for f in listing.rows)
    else:
        blocks.append({"type": "section", "text": _mrkdwn(empty_text(listing))})
    blocks.append(_controls(listing))
    return {"text": f"{title} — {stats}", "title": TITLE, "blocks": blocks, "surface": "contextualBar"}


def _row(f: FileInfo, listing: Listing, room: Callable[[str], str]) -> str:
    linked = link(f.link, f.name)
    details = [f"@{escape(f.uploader_name)}" if f.uploader_name else "unknown uploader", f.created.date().isoformat()]
    where = listing.query.conversation_id or (f.conversations[0] if f.conversations else None)
    if where:
        details.append(room(where))
    return f"*{linked}* · {size(f.size)} · {escape(f.type_label or label(f.kind))}\n" + " · ".join(details)


def _controls(listing: Listing) -> Block:
    elements: list[Block] = []
    if listing.prev_token:
        elements.append(
            {"type": "button", "actionId": ACTION_PREV, "text": _plain("◀ Prev"), "value": listing.prev_token}
        )
    if listing.next_token:
        elements.append(
            {"type": "button", "actionId": ACTION_NEXT, "text": _plain("Next ▶"), "value": listing.next_token}
        )
    options = [{"text": _plain("All types"), "value": "all"}]
    options += [{"text": _plain(text), "value": kind.value} for kind, text in MENU_LABELS.items()]
    current = next(iter(listing.active_kinds)).value if len(listing.active_kinds) == 1 else "all"
    # The menu's listing state rides in the block id; the chosen option's value is just the kind.
    elements.append(
        {
            "type": "static_select",
            "actionId": ACTION_TYPE,
            "placeholder": _plain("Type"),
            "options": options,
            "initialValue": current,
        }
    )
    return {"type": "actions", "blockId": listing.menu_token or "files-nav", "elements": elements}


# -- reports ------------------------------------------------------------------------------------------------
# Names outside links go into `plain_text` objects, which Rocket.Chat never parses: in `mrkdwn`, even a
# plain file name like `mockups.zip` becomes a live link (it is a domain name).
REPORT_SURFACE = "contextualBar"
_MAX_NAME = 300
_MAX_LINK = 1000


def report(view: ReportView, names: Names, chart_url: str | None) -> dict[str, Any]:
    """The bridge answer for a report, shown in the contextual bar."""
    return {
        "text": report_text(view),
        "title": view.title,
        "blocks": report_blocks(view, names, chart_url),
        "surface": REPORT_SURFACE,
    }


def report_text(view: ReportView) -> str:
    """The message text that goes with a report's blocks. Rocket.Chat hides it behind the blocks but parses
    it (mentions) and shows it in notifications and previews, where a name would be markup again: so it
    names no one."""
    return view.summary


def report_blocks(view: ReportView, names: Names, chart_url: str | None) -> list[Block]:
    """UIKit blocks for a report: a message's `blocks` or a contextual bar's. `chart_url` shows the chart."""
    blocks: list[Block] = [{"type": "section", "text": _plain(sentence_text(view.heading))}]
    if view.facts:
        blocks.append({"type": "section", "fields": [_mrkdwn(f"*{f.label}*\n{f.value}") for f in view.facts]})
    for section in view.sections:
        blocks.append({"type": "divider"})
        blocks.extend(_table(section, names) if isinstance(section, Table) else _files(section, names))
    if view.chart and chart_url:
        chart = view.chart
        blocks.append({"type": "image", "imageUrl": chart_url, "altText": chart.alt, "title": _plain(chart.title)})
    elif view.chart:
        blocks.append({"type": "context", "elements": [_plain(CHART_UNAVAILABLE)]})
    blocks.extend({"type": "context", "elements": [_plain(note)]} for note in view.notes)
    return blocks


def report_notice(notice: ReportNotice) -> dict[str, Any]:
    return {
        "text": notice.summary,
        "title": TITLE,
        "blocks": [{"type": "section", "text": _plain(sentence_text(notice.sentence))}],
        "surface": "notification",
    }


def _table(table: Table, names: Names) -> list[Block]:
    blocks: list[Block] = [{"type": "section", "text": _mrkdwn(f"*{table.title}*")}]
    if table.rows:
        blocks[0]["fields"] = [_plain(f"{_subject(row.subject, names)}: {row.value}") for row in table.rows]
    if table.more:
        blocks.append({"type": "context", "elements": [_plain(table.more)]})
    return blocks


def _files(files: FileList, names: Names) -> list[Block]:
    blocks: list[Block] = [{"type": "section", "text": _mrkdwn(f"*{files.title}*")}]
    blocks.extend({"type": "section", "fields": _file_fields(row, names)} for row in files.files)
    return blocks


def _file_fields(row: FileRow, names: Names) -> list[dict[str, str]]:
    name = _fit(row.file.name, _MAX_NAME)
    url = row.file.url if len(row.file.url) <= _MAX_LINK else ""
    uploader = _person(row.uploader, names) if row.uploader else "unknown uploader"
    details = _plain(" · ".join([row.size, uploader, row.created.isoformat()]))
    return [_mrkdwn(f"*{link(url, name)}*") if web_link(url) else _plain(one_line(name)), details]


def _subject(subject: Subject, names: Names) -> str:
    if isinstance(subject, Person):
        return _person(subject, names)
    if isinstance(subject, Conversation):
        return f"#{one_line(subject.name)}"
    if isinstance(subject, PrivateConversations):
        return PRIVATE_AGGREGATE
    return subject


def _person(person: Person, names: Names) -> str:
    name = names(person.id)
    return f"@{one_line(name)}" if name else "someone"


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
