"""UIKit rendering of the neutral replies for Rocket.Chat (blocks the bridge App shows as-is).

Interactive elements carry no `appId`: the App stamps its own id on them (it is the only one who knows it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from handlers.cards import Listing, Notice, Reply, describe, empty_text, partial_note, size, stats_line
from handlers.kinds import MENU_LABELS, label
from handlers.source import FileInfo

ACTION_PREV = "files_prev"
ACTION_NEXT = "files_next"
ACTION_TYPE = "files_type"
ACTION_AUTHORIZE = "files_authorize"
AUTHORIZE_BLOCK = "files-authorize"
TITLE = "Files"

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")

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
    """Markdown control characters, so a file name can't become a link, mention or formatting."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


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
    name = escape(f.name)
    linked = f"[{name}]({f.link})" if f.link.startswith(("https://", "http://")) else name
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
