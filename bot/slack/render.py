"""Block Kit rendering of the neutral replies, with slack_sdk's typed models."""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any
from urllib.parse import quote

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from handlers.cards import Listing, Notice, Reply, describe, empty_text, partial_note, size, stats_line
from handlers.kinds import MENU_LABELS, label
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
# What may stay as it is in a link's URL: RFC 3986's reserved and unreserved characters, and `%` for what is
# already encoded. Everything else, `|`, `<`, `>` and spaces among it, is percent-encoded, so no URL can end
# the link early or open another one.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%-._~"


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
    """mrkdwn control characters, so a file name can't inject links or mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """`text` escaped for mrkdwn on one line, at most `limit` characters long: shortened with "…" at a
    character boundary of the original, so an entity such as `&amp;` is never cut in half."""
    flat = " ".join(text.splitlines())
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
        blocks.extend(SectionBlock(text=MarkdownTextObject(text=_row(f, listing))) for f in listing.rows)
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
    name = clip(f.name, _MAX_NAME).replace("|", "¦")
    href = _href(f.link)
    linked = f"<{href}|{name}>" if href else name
    kind = clip(f.type_label or label(f.kind), _MAX_KIND)
    when = f"<!date^{int(f.created.timestamp())}^{{date_short}}|{f.created.date().isoformat()}>"
    where = listing.query.conversation_id or (f.conversations[0] if f.conversations else None)
    uploader = _SLACK_ID.fullmatch(f.uploader_id)
    details = [user_mention(f.uploader_id) if uploader else "unknown uploader", when]
    if where and _SLACK_ID.fullmatch(where):
        details.append(conversation_mention(where))
    return f"*{linked}*  ·  {size(f.size)}  ·  {kind}\n" + "  ·  ".join(details)


def _href(link: str) -> str | None:
    """The file's link as it may stand inside `<…|…>`, or None: only https, and not so long that the row
    would outgrow its section."""
    if not link.startswith("https://"):
        return None
    href = escape(quote(link, safe=_URL_SAFE))
    return href if len(href) <= _MAX_HREF else None


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
