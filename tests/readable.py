"""What a reader sees in a message, a `response_url` post or a bridge answer, as text for assertions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def readable(message: dict[str, Any]) -> str:
    """The message's text and every text in its blocks (headers, sections, fields, context, image titles),
    one per line."""
    return "\n".join([str(message.get("text") or ""), *texts(message.get("blocks") or [])])


def texts(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("text", "altText", "alt_text") and isinstance(value, str):
                yield value
            else:
                yield from texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)


def text_objects(node: object) -> Iterator[dict[str, Any]]:
    """Every text object (`{"type": "mrkdwn" | "plain_text", "text": …}`) in `node`."""
    if isinstance(node, dict):
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            yield node
        for value in node.values():
            yield from text_objects(value)
    elif isinstance(node, list):
        for item in node:
            yield from text_objects(item)
