"""UIKit rendering of the views (`handlers/views.py`, `handlers/report_views.py`) for Rocket.Chat: blocks the
bridge App shows as-is. Every name from outside is escaped here, and only here; views come with their names
already given (`handlers/names.py`).

Interactive elements carry no `appId`: the App stamps its own id on them (it is the only one who knows it).
"""

from __future__ import annotations

from typing import Any

from handlers import messages
from handlers.answers import Answered, NeedsAuthorization, View
from handlers.report_views import FileList, FileRow, ReportNotice, ReportView, Subject, Table
from handlers.views import (
    ACTION_AUTHORIZE,
    ACTION_NEXT,
    ACTION_PREV,
    ACTION_TYPE,
    Conversation,
    ListingRow,
    ListingView,
    Notice,
    Part,
    Person,
    PrivateConversations,
    Text,
    TypeMenu,
    one_line,
    sentence_text,
    web_link,
)

AUTHORIZE_BLOCK = "files-authorize"
NAVIGATION_BLOCK = "files-nav"  # the buttons' block id when the listing has no type menu (whose state it is)

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


def answer(settled: Answered | NeedsAuthorization) -> dict[str, Any]:
    """The bridge answer: `{"text", "title", "blocks", "surface"}`."""
    if isinstance(settled, NeedsAuthorization):
        return _notice(settled.notice)
    return render(settled.view, settled.chart)


def render(view: View, chart_url: str | None = None) -> dict[str, Any]:
    """The bridge answer for a view; `chart_url` as for `report`."""
    if isinstance(view, Notice):
        return _notice(view)
    if isinstance(view, ListingView):
        return _listing(view)
    if isinstance(view, ReportNotice):
        return report_notice(view)
    return report(view, chart_url)


def nothing() -> dict[str, Any]:
    """The answer to a click with nothing to show: the Authorize link button, which the client opens by itself
    (Rocket.Chat still reports the click as a block action)."""
    return {"text": "", "title": messages.ANSWER_TITLE, "blocks": [], "surface": "none"}


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


def _conversation(conv: Conversation) -> str:
    return f"#{escape(conv.name)}" if conv.name else messages.THIS_CONVERSATION


def _person(person: Person, fallback: str) -> str:
    return f"@{escape(person.name)}" if person.name else fallback


def _part(part: Part) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, Text):
        return escape(part.text)
    if isinstance(part, Conversation):
        return _conversation(part)
    return _person(part, messages.SOMEONE)


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
                        "text": _plain(messages.AUTHORIZE_BUTTON),
                        "url": notice.authorize_url,
                        "style": "primary",
                    }
                ],
            }
        )
    return {"text": text, "title": messages.ANSWER_TITLE, "blocks": blocks, "surface": "notification"}


def _listing(view: ListingView) -> dict[str, Any]:
    title = "".join(_part(p) for p in view.title)
    blocks: list[Block] = [{"type": "section", "text": _mrkdwn(f"*{title}*\n{view.stats}")}]
    if view.note:
        blocks.append({"type": "context", "elements": [_mrkdwn(view.note)]})
    blocks.append({"type": "divider"})
    blocks.extend({"type": "section", "text": _mrkdwn(_row(row))} for row in view.rows)
    if view.empty:
        blocks.append({"type": "section", "text": _mrkdwn(view.empty)})
    if controls := _controls(view):
        blocks.append(controls)
    answer = {"text": f"{title} — {view.stats}", "title": messages.ANSWER_TITLE, "blocks": blocks}
    return {**answer, "surface": "contextualBar"}


def _row(row: ListingRow) -> str:
    uploader = _person(row.uploader, messages.UNKNOWN_UPLOADER) if row.uploader else messages.UNKNOWN_UPLOADER
    details = [uploader, row.created.date().isoformat()]
    if row.where:
        details.append(_conversation(row.where))
    return f"*{link(row.file.url, row.file.name)}* · {row.size} · {escape(row.kind.text)}\n" + " · ".join(details)


def _controls(view: ListingView) -> Block | None:
    elements: list[Block] = []
    if view.prev:
        elements.append(
            {"type": "button", "actionId": ACTION_PREV, "text": _plain(messages.PREV_BUTTON), "value": view.prev}
        )
    if view.next:
        elements.append(
            {"type": "button", "actionId": ACTION_NEXT, "text": _plain(messages.NEXT_BUTTON), "value": view.next}
        )
    if view.menu:
        elements.append(_menu(view.menu))
    if not elements:
        return None
    # The menu's listing state rides in the block id; the chosen option's value is just the kind.
    block_id = view.menu.state if view.menu else NAVIGATION_BLOCK
    return {"type": "actions", "blockId": block_id, "elements": elements}


def _menu(menu: TypeMenu) -> Block:
    select: Block = {
        "type": "static_select",
        "actionId": ACTION_TYPE,
        "placeholder": _plain(messages.TYPE_MENU),
        "options": [{"text": _plain(o.label), "value": o.value} for o in menu.options],
    }
    if menu.chosen is not None:
        select["initialValue"] = menu.chosen
    return select


# -- reports ------------------------------------------------------------------------------------------------
# Names outside links go into `plain_text` objects, which Rocket.Chat never parses: in `mrkdwn`, even a
# plain file name like `mockups.zip` becomes a live link (it is a domain name).
REPORT_SURFACE = "contextualBar"
_MAX_NAME = 300
_MAX_LINK = 1000


def report(view: ReportView, chart_url: str | None) -> dict[str, Any]:
    """The bridge answer for a report, shown in the contextual bar."""
    return {
        "text": report_text(view),
        "title": view.title,
        "blocks": report_blocks(view, chart_url),
        "surface": REPORT_SURFACE,
    }


def report_text(view: ReportView) -> str:
    """The message text that goes with a report's blocks. Rocket.Chat hides it behind the blocks but parses
    it (mentions) and shows it in notifications and previews, where a name would be markup again: so it
    names no one."""
    return view.summary


def report_blocks(view: ReportView, chart_url: str | None) -> list[Block]:
    """UIKit blocks for a report: a message's `blocks` or a contextual bar's. `chart_url` shows the chart."""
    blocks: list[Block] = [{"type": "section", "text": _plain(sentence_text(view.heading))}]
    if view.facts:
        blocks.append({"type": "section", "fields": [_mrkdwn(f"*{f.label}*\n{f.value}") for f in view.facts]})
    for section in view.sections:
        blocks.append({"type": "divider"})
        blocks.extend(_table(section) if isinstance(section, Table) else _files(section))
    if view.chart and chart_url:
        chart = view.chart
        blocks.append({"type": "image", "imageUrl": chart_url, "altText": chart.alt, "title": _plain(chart.title)})
    elif view.chart:
        blocks.append({"type": "context", "elements": [_plain(messages.CHART_UNAVAILABLE)]})
    blocks.extend({"type": "context", "elements": [_plain(note)]} for note in view.notes)
    return blocks


def report_notice(notice: ReportNotice) -> dict[str, Any]:
    return {
        "text": notice.summary,
        "title": messages.ANSWER_TITLE,
        "blocks": [{"type": "section", "text": _plain(sentence_text(notice.sentence))}],
        "surface": "notification",
    }


def _table(table: Table) -> list[Block]:
    blocks: list[Block] = [{"type": "section", "text": _mrkdwn(f"*{table.title}*")}]
    if table.rows:
        blocks[0]["fields"] = [_plain(f"{_subject(row.subject)}: {row.value}") for row in table.rows]
    if table.more:
        blocks.append({"type": "context", "elements": [_plain(table.more)]})
    return blocks


def _files(files: FileList) -> list[Block]:
    blocks: list[Block] = [{"type": "section", "text": _mrkdwn(f"*{files.title}*")}]
    blocks.extend({"type": "section", "fields": _file_fields(row)} for row in files.files)
    return blocks


def _file_fields(row: FileRow) -> list[dict[str, str]]:
    name = _fit(row.file.name, _MAX_NAME)
    url = row.file.url if len(row.file.url) <= _MAX_LINK else ""
    uploader = _plain_person(row.uploader) if row.uploader else messages.UNKNOWN_UPLOADER
    details = _plain(" · ".join([row.size, uploader, row.created.isoformat()]))
    return [_mrkdwn(f"*{link(url, name)}*") if web_link(url) else _plain(one_line(name)), details]


def _subject(subject: Subject) -> str:
    if isinstance(subject, Person):
        return _plain_person(subject)
    if isinstance(subject, Conversation):
        return sentence_text([subject])
    if isinstance(subject, PrivateConversations):
        return messages.PRIVATE_AGGREGATE
    return subject


def _plain_person(person: Person) -> str:
    return sentence_text([person])


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
