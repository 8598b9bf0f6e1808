"""Block Kit rendering of the neutral replies, with slack_sdk's typed models."""

from __future__ import annotations

import dataclasses
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

from handlers.cards import Listing, Notice, Reply, describe, empty_text, partial_note, size, stats_line
from handlers.kinds import MENU_LABELS, label
from handlers.report_views import (
    CHART_UNAVAILABLE,
    PRIVATE_AGGREGATE,
    Conversation,
    FileList,
    FileRow,
    Part,
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

log = logging.getLogger(__name__)

ACTION_PREV = "files_prev"
ACTION_NEXT = "files_next"
ACTION_TYPE = "files_type"
ACTION_AUTHORIZE = "files_authorize"

# Block Kit's limits, as slack_sdk's models state them (the same numbers as docs.slack.dev/reference/block-kit).
_MAX_VALUE = ButtonElement.value_max_length
_MAX_BLOCK_ID = Block.block_id_max_length
# A row is one section, whose text Slack caps at 3,000 characters (SectionBlock.text_max_length): each untrusted
# part gets a share that keeps the whole row under it, however long the platform's strings are.
_MAX_NAME = 600
_MAX_KIND = 60
_MAX_HREF = 1500
_SLACK_ID = re.compile(r"[A-Za-z0-9]{1,64}")


def render(reply: Reply) -> dict[str, Any]:
    """`{"text", "blocks"}` for `respond()` / `ack()`."""
    if isinstance(reply, Notice):
        return _notice(reply)
    return _listing(reply)


def conversation_mention(conversation_id: str) -> str:
    # Slack renders the name only for viewers who can see the conversation.
    return f"<#{conversation_id}>"


def user_mention(user_id: str) -> str:
    return f"<@{user_id}>"


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


def link_label(text: str, limit: int = _MAX_NAME) -> str:
    """`text` as the label of a `<url|label>` link: escaped, on one line, clipped, with no `|` to split it."""
    return clip(text, limit).replace("|", "¦")


def link(url: str, text: str, *, limit: int = _MAX_NAME) -> str:
    """A mrkdwn link to `url` if it is an http(s) link (percent-encoded so it can't end early) short enough
    to keep its section within Slack's limit, else the escaped, clipped text alone."""
    href = web_link(url)
    target = escape(href) if href else ""
    if not target or len(target) > _MAX_HREF:
        return clip(text, limit)
    return f"<{target}|{link_label(text, limit)}>"


def _notice(notice: Notice) -> dict[str, Any]:
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=notice.text))]
    if notice.authorize_url:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Authorize files-bot",
                        action_id=ACTION_AUTHORIZE,
                        url=notice.authorize_url,
                        style="primary",
                    )
                ]
            )
        )
    return {"text": notice.text, "blocks": [b.to_dict() for b in blocks]}


def _listing(listing: Listing) -> dict[str, Any]:
    title = _title(listing)
    stats = stats_line(listing)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*{title}*\n{stats}"))]
    if note := partial_note(listing):
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    blocks.append(DividerBlock())
    if listing.rows:
        blocks.extend(SectionBlock(text=MarkdownTextObject(text=_row(f, listing), verbatim=True)) for f in listing.rows)
    else:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=empty_text(listing))))
    if controls := _controls(listing):
        blocks.append(controls)
    return {"text": f"{title} — {stats}", "blocks": [b.to_dict() for b in blocks]}


def _title(listing: Listing) -> str:
    # The name searched for is the user's own text: escaped like any other, so it can't become a mention.
    if listing.query.name:
        listing = dataclasses.replace(
            listing, query=dataclasses.replace(listing.query, name=escape(listing.query.name))
        )
    return describe(listing, conversation_mention, user_mention)


def _row(f: FileInfo, listing: Listing) -> str:
    linked = link(f.link, f.name)
    kind = clip(f.type_label or label(f.kind), _MAX_KIND)
    when = f"<!date^{int(f.created.timestamp())}^{{date_short}}|{f.created.date().isoformat()}>"
    where = listing.query.conversation_id or (f.conversations[0] if f.conversations else None)
    uploader = _SLACK_ID.fullmatch(f.uploader_id)
    details = [user_mention(f.uploader_id) if uploader else "unknown uploader", when]
    if where and _SLACK_ID.fullmatch(where):
        details.append(conversation_mention(where))
    return f"*{linked}*  ·  {size(f.size)}  ·  {kind}\n" + "  ·  ".join(details)


def _controls(listing: Listing) -> ActionsBlock | None:
    elements: list[Any] = []
    for text, action_id, token in (
        ("◀ Prev", ACTION_PREV, listing.prev_token),
        ("Next ▶", ACTION_NEXT, listing.next_token),
    ):
        if token and len(token) <= _MAX_VALUE:
            elements.append(ButtonElement(text=text, action_id=action_id, value=token))
        elif token:
            log.info("%s button left out: listing state too long for a button value", action_id)
    block_id = listing.menu_token if listing.menu_token and len(listing.menu_token) <= _MAX_BLOCK_ID else None
    if block_id:
        # The menu's state rides in the block id: option values are capped at 150 characters.
        options = [Option(value="all", label="All types")]
        options += [Option(value=kind.value, label=text) for kind, text in MENU_LABELS.items()]
        current = next(
            (o for o in options if len(listing.active_kinds) == 1 and o.value in listing.active_kinds),
            options[0] if not listing.active_kinds else None,
        )
        elements.append(
            StaticSelectElement(placeholder="Type", action_id=ACTION_TYPE, options=options, initial_option=current)
        )
    elif listing.menu_token:
        log.info("type menu left out: listing state too long for a block id")
    if not elements:
        return None
    return ActionsBlock(elements=elements, block_id=block_id)


# -- reports ------------------------------------------------------------------------------------------------
# Block Kit limits: 50 blocks a message, 150 characters in a header, 3,000 in a section's text, 10 fields of
# 2,000 characters each. A report stays well within them by construction (tables show at most 10 rows, file
# names and links are bounded); `to_dict()` checks them all again before anything is sent.
_MAX_BLOCKS = 50
_MAX_HEADER = 150
_MAX_FIELD = 2000
_MAX_NAME = 300
_MAX_LINK = 1000
_SLACK_ID = re.compile(r"[A-Z0-9]{2,20}")


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
        blocks.append(ContextBlock(elements=[_mrkdwn(CHART_UNAVAILABLE)]))
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
    details = [_person(row.uploader) if row.uploader else "unknown uploader", row.created.isoformat()]
    return f"*{link(url, name)}*  ·  {escape(row.size)}\n" + "  ·  ".join(details)


def _subject(subject: Subject) -> str:
    if isinstance(subject, Person):
        return _person(subject)
    if isinstance(subject, Conversation):
        return _conversation(subject)
    if isinstance(subject, PrivateConversations):
        return f"_{PRIVATE_AGGREGATE}_"
    return escape(subject)


def _person(person: Person) -> str:
    # An id that isn't one can't become a mention of someone (or of everyone) else.
    return user_mention(person.id) if _SLACK_ID.fullmatch(person.id) else escape(one_line(person.id))


def _conversation(conv: Conversation) -> str:
    # Slack names the conversation for each reader; the name the cache holds is only a fallback.
    return conversation_mention(conv.id) if _SLACK_ID.fullmatch(conv.id) else f"#{escape(one_line(conv.name))}"


def _sentence(parts: Sequence[Part]) -> str:
    return "".join(escape(p) if isinstance(p, str) else _conversation(p) for p in parts)


def _mrkdwn(text: str) -> MarkdownTextObject:
    # verbatim: Slack must not link bare URLs or parse mentions in what a name says.
    return MarkdownTextObject(text=text, verbatim=True)


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
