"""Block Kit rendering of the views (`handlers/views.py`, `handlers/report_views.py`), with slack_sdk's typed
models. Every name from outside is escaped here, and only here, for Slack's mrkdwn; people and
conversations are Slack mentions, which Slack names for each reader itself."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    ImageBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import SlackFile

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

log = logging.getLogger(__name__)

# Block Kit's limits, as slack_sdk's models state them (the same numbers as docs.slack.dev/reference/block-kit).
_MAX_VALUE = ButtonElement.value_max_length
_MAX_BLOCK_ID = Block.block_id_max_length
# A listing's row is one section, whose text Slack caps at 3,000 characters (SectionBlock.text_max_length):
# each untrusted part gets a share that keeps the whole row under it, however long the platform's strings are.
_MAX_LABEL = 600
_MAX_KIND = 60
_MAX_HREF = 1500
# What a Slack id looks like: anything else can't be made a mention (of someone, or of everyone).
_SLACK_ID = re.compile(r"[A-Z0-9]{2,20}")


def answer(settled: Answered | NeedsAuthorization) -> dict[str, Any]:
    """`{"text", "blocks"}` for `respond()` / `ack()`."""
    if isinstance(settled, NeedsAuthorization):
        return _notice(settled.notice)
    return render(settled.view, settled.chart)


def render(view: View, chart_file: str | None = None) -> dict[str, Any]:
    """`{"text", "blocks"}` for a view; `chart_file` as for `report`."""
    if isinstance(view, Notice):
        return _notice(view)
    if isinstance(view, ListingView):
        return _listing(view)
    if isinstance(view, ReportNotice):
        return report_notice(view)
    return report(view, chart_file)


def escape(text: str) -> str:
    """mrkdwn control characters, so a file name can't inject links or mentions (`<!channel>`, `<@U…>`,
    `<https://…|…>` all start with `<`). Use it with `verbatim` text objects, or Slack itself links bare
    URLs and parses some mentions (`@channel`) in the text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """`text` escaped for mrkdwn on one line, at most `limit` characters long: shortened with "…" at a
    character boundary of the original, so an entity such as `&amp;` is never cut in half."""
    flat = one_line(text)
    escaped = escape(flat)
    if len(escaped) <= limit:
        return escaped
    kept, used = [], 0
    for char in flat:
        piece = escape(char)
        if used + len(piece) > limit - 1:
            break
        kept.append(piece)
        used += len(piece)
    return "".join(kept) + "…"


def link_label(text: str, limit: int) -> str:
    """`text` as the label of a `<url|label>` link: escaped, on one line, clipped, with no `|` to split it."""
    return clip(text, limit).replace("|", "¦")


def link(url: str, text: str, *, limit: int) -> str:
    """A mrkdwn link to `url` if it is an http(s) link (percent-encoded so it can't end early) short enough
    to keep its section within Slack's limit, else the escaped, clipped text alone."""
    href = web_link(url)
    target = escape(href) if href else ""
    if not target or len(target) > _MAX_HREF:
        return clip(text, limit)
    return f"<{target}|{link_label(text, limit)}>"


def _person(person: Person, fallback: str) -> str:
    # Slack names the person for each reader. An id that isn't one can't become a mention of someone (or of
    # everyone) else.
    if _SLACK_ID.fullmatch(person.id):
        return f"<@{person.id}>"
    return escape(one_line(person.name)) if person.name else fallback


def _conversation(conv: Conversation) -> str:
    # Slack names the conversation for each reader; a name the bot holds is only a fallback.
    if _SLACK_ID.fullmatch(conv.id):
        return f"<#{conv.id}>"
    return f"#{escape(one_line(conv.name))}" if conv.name else messages.THIS_CONVERSATION


def _part(part: Part) -> str:
    if isinstance(part, str):
        return escape(part)
    if isinstance(part, Text):
        return escape(part.text)
    if isinstance(part, Conversation):
        return _conversation(part)
    return _person(part, messages.SOMEONE)


def _sentence(parts: Sequence[Part]) -> str:
    return "".join(_part(p) for p in parts)


def _notice(notice: Notice) -> dict[str, Any]:
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=notice.text))]
    if notice.authorize_url:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text=messages.AUTHORIZE_BUTTON,
                        action_id=ACTION_AUTHORIZE,
                        url=notice.authorize_url,
                        style="primary",
                    )
                ]
            )
        )
    return {"text": notice.text, "blocks": [b.to_dict() for b in blocks]}


def _listing(view: ListingView) -> dict[str, Any]:
    title = _sentence(view.title)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*{title}*\n{view.stats}"))]
    if view.note:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=view.note)]))
    blocks.append(DividerBlock())
    blocks.extend(SectionBlock(text=MarkdownTextObject(text=_row(row), verbatim=True)) for row in view.rows)
    if view.empty:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=view.empty)))
    if controls := _controls(view):
        blocks.append(controls)
    return {"text": f"{title} — {view.stats}", "blocks": [b.to_dict() for b in blocks]}


def _row(row: ListingRow) -> str:
    linked = link(row.file.url, row.file.name, limit=_MAX_LABEL)
    kind = clip(row.kind.text, _MAX_KIND)
    when = f"<!date^{int(row.created.timestamp())}^{{date_short}}|{row.created.date().isoformat()}>"
    details = [_person(row.uploader, messages.UNKNOWN_UPLOADER) if row.uploader else messages.UNKNOWN_UPLOADER, when]
    if row.where and _SLACK_ID.fullmatch(row.where.id):
        details.append(_conversation(row.where))
    return f"*{linked}*  ·  {escape(row.size)}  ·  {kind}\n" + "  ·  ".join(details)


def _controls(view: ListingView) -> ActionsBlock | None:
    elements: list[Any] = []
    for text, action_id, token in (
        (messages.PREV_BUTTON, ACTION_PREV, view.prev),
        (messages.NEXT_BUTTON, ACTION_NEXT, view.next),
    ):
        if token and len(token) <= _MAX_VALUE:
            elements.append(ButtonElement(text=text, action_id=action_id, value=token))
        elif token:
            log.info("%s button left out: listing state too long for a button value", action_id)
    menu = view.menu
    block_id = menu.state if menu and len(menu.state) <= _MAX_BLOCK_ID else None
    if menu and block_id:
        # The menu's state rides in the block id: option values are capped at 150 characters.
        elements.append(_menu(menu))
    elif menu:
        log.info("type menu left out: listing state too long for a block id")
    if not elements:
        return None
    return ActionsBlock(elements=elements, block_id=block_id)


def _menu(menu: TypeMenu) -> StaticSelectElement:
    options = [Option(value=o.value, label=o.label) for o in menu.options]
    chosen = next((o for o in options if o.value == menu.chosen), None)
    return StaticSelectElement(
        placeholder=messages.TYPE_MENU, action_id=ACTION_TYPE, options=options, initial_option=chosen
    )


# -- reports ------------------------------------------------------------------------------------------------
# Block Kit limits: 50 blocks a message, 150 characters in a header, 3,000 in a section's text, 10 fields of
# 2,000 characters each. A report stays well within them by construction (tables show at most 10 rows, file
# names and links are bounded); `to_dict()` checks them all again before anything is sent.
_MAX_BLOCKS = 50
_MAX_HEADER = 150
_MAX_FIELD = 2000
_MAX_NAME = 300
_MAX_LINK = 1000


def report(view: ReportView, chart_file: str | None = None) -> dict[str, Any]:
    """`{"text", "blocks"}` for a report: `chat.postMessage` or `respond()`. `chart_file` is the id of the
    chart the bot uploaded (privately) for this view; without it the message says the chart is missing."""
    heading = PlainTextObject(text=_fit(sentence_text(view.heading), _MAX_HEADER), emoji=False)
    blocks: list[Block] = [HeaderBlock(text=heading)]
    if view.facts:
        blocks.append(SectionBlock(fields=[_mrkdwn(f"*{escape(f.label)}*\n{escape(f.value)}") for f in view.facts]))
    for section in view.sections:
        blocks.append(DividerBlock())
        blocks.extend(_table(section) if isinstance(section, Table) else _files(section))
    if view.chart and chart_file:
        blocks.append(
            ImageBlock(
                slack_file=SlackFile(id=chart_file),
                alt_text=view.chart.alt,
                title=PlainTextObject(text=view.chart.title),
            )
        )
    elif view.chart:
        blocks.append(ContextBlock(elements=[_mrkdwn(messages.CHART_UNAVAILABLE)]))
    blocks.extend(ContextBlock(elements=[_mrkdwn(escape(note))]) for note in view.notes)
    if len(blocks) > _MAX_BLOCKS:  # not reachable with today's views; never let Slack refuse a report for it
        blocks = blocks[:_MAX_BLOCKS]
    return {"text": escape(sentence_text(view.heading)), "blocks": [b.to_dict() for b in blocks]}


def report_notice(notice: ReportNotice) -> dict[str, Any]:
    text = _sentence(notice.sentence)
    return {"text": text, "blocks": [SectionBlock(text=_mrkdwn(text)).to_dict()]}


def _table(table: Table) -> list[Block]:
    fields = [_mrkdwn(_fit(f"{_subject(row.subject)}: {escape(row.value)}", _MAX_FIELD)) for row in table.rows]
    blocks: list[Block] = [SectionBlock(text=_mrkdwn(f"*{escape(table.title)}*"), fields=fields or None)]
    if table.more:
        blocks.append(ContextBlock(elements=[_mrkdwn(escape(table.more))]))
    return blocks


def _files(files: FileList) -> list[Block]:
    blocks: list[Block] = [SectionBlock(text=_mrkdwn(f"*{escape(files.title)}*"))]
    blocks.extend(SectionBlock(text=_mrkdwn(_file_row(row))) for row in files.files)
    return blocks


def _file_row(row: FileRow) -> str:
    name = _fit(row.file.name, _MAX_NAME)
    url = row.file.url if len(row.file.url) <= _MAX_LINK else ""
    details = [_report_person(row.uploader) if row.uploader else messages.UNKNOWN_UPLOADER, row.created.isoformat()]
    return f"*{link(url, name, limit=_MAX_LABEL)}*  ·  {escape(row.size)}\n" + "  ·  ".join(details)


def _subject(subject: Subject) -> str:
    if isinstance(subject, Person):
        return _report_person(subject)
    if isinstance(subject, Conversation):
        return _conversation(subject)
    if isinstance(subject, PrivateConversations):
        return f"_{messages.PRIVATE_AGGREGATE}_"
    return escape(subject)


def _report_person(person: Person) -> str:
    # The cache keeps an uploader as the platform named them: what is no Slack id is shown as it is, escaped.
    return _person(person, escape(one_line(person.id)))


def _mrkdwn(text: str) -> MarkdownTextObject:
    # verbatim: Slack must not link bare URLs or parse mentions in what a name says.
    return MarkdownTextObject(text=text, verbatim=True)


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
