"""Block Kit rendering of the neutral replies, with slack_sdk's typed models."""

from __future__ import annotations

import logging
from typing import Any

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

# Block Kit limits: button values 2000 characters, block ids 255.
_MAX_VALUE = 2000
_MAX_BLOCK_ID = 255


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
    title = describe(listing, conversation_mention, user_mention)
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


def _row(f: FileInfo, listing: Listing) -> str:
    name = escape(f.name).replace("|", "¦")
    linked = f"<{f.link}|{name}>" if f.link.startswith("https://") else name
    kind = f.type_label or label(f.kind)
    when = f"<!date^{int(f.created.timestamp())}^{{date_short}}|{f.created.date().isoformat()}>"
    where = listing.query.conversation_id or (f.conversations[0] if f.conversations else None)
    details = [user_mention(f.uploader_id) if f.uploader_id else "unknown uploader", when]
    if where:
        details.append(conversation_mention(where))
    return f"*{linked}*  ·  {size(f.size)}  ·  {escape(kind)}\n" + "  ·  ".join(details)


def _controls(listing: Listing) -> ActionsBlock | None:
    elements: list[Any] = []
    if listing.prev_token and len(listing.prev_token) <= _MAX_VALUE:
        elements.append(ButtonElement(text="◀ Prev", action_id=ACTION_PREV, value=listing.prev_token))
    if listing.next_token and len(listing.next_token) <= _MAX_VALUE:
        elements.append(ButtonElement(text="Next ▶", action_id=ACTION_NEXT, value=listing.next_token))
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
