"""The bridge protocol's requests as typed values, validated against the pinned JSON schema.

`protocol/bridge.schema.json` and the examples in `protocol/fixtures/` are the single definition of the
protocol; the TypeScript app's tests load the same files, so the two sides cannot drift apart.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

PROTOCOL_DIR = Path(__file__).parent / "protocol"
# A request nests a few levels deep; a body nested far deeper is hostile, and would exhaust the stack of the
# JSON parser or of the schema validation (RecursionError) instead of getting a 400.
MAX_DEPTH = 16
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class BadRequest(Exception):
    """The body is not a valid bridge request; the message says why, without echoing the body."""


@dataclass(frozen=True)
class Room:
    id: str
    name: str | None
    type: str  # c: public channel, p: private group, d: direct message, l: livechat


@dataclass(frozen=True)
class Command:
    user_id: str
    username: str
    room: Room
    text: str


@dataclass(frozen=True)
class Action:
    user_id: str
    username: str
    room: Room | None
    action_id: str
    block_id: str | None
    value: str | None


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PROTOCOL_DIR / "bridge.schema.json").read_text())
    return loaded


@cache
def _validator(definition: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": schema()["$defs"]})


def validate(definition: str, body: object) -> None:
    """Raise `BadRequest` unless `body` matches `#/$defs/{definition}`."""
    error = next(iter(_validator(definition).iter_errors(body)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "body"
        raise BadRequest(f"invalid {definition}: {where}: {error.validator} check failed")


def parse_command(raw: bytes) -> Command:
    body = _json(raw)
    validate("command", body)
    return Command(
        user_id=body["user"]["id"], username=body["user"]["username"], room=_room(body["room"]), text=body["text"]
    )


def parse_action(raw: bytes) -> Action:
    body = _json(raw)
    validate("action", body)
    return Action(
        user_id=body["user"]["id"],
        username=body["user"]["username"],
        room=_room(body["room"]) if body.get("room") else None,
        action_id=body["actionId"],
        block_id=body.get("blockId"),
        value=body.get("value"),
    )


def _json(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("body is not JSON") from None
    except RecursionError:
        raise BadRequest("body is nested too deeply") from None
    if not isinstance(body, dict):
        raise BadRequest("body is not a JSON object")
    _check_values(body)
    return body


def _check_values(body: dict[str, Any]) -> None:
    """Refuse what would fail further on: nesting deeper than `MAX_DEPTH`, and strings holding a lone UTF-16
    surrogate (JSON may escape one, "\\ud800"; no platform API, database or log can encode it). Iterative:
    the point is to refuse what would overflow the stack."""
    pending: list[tuple[object, int]] = [(body, 1)]
    while pending:
        value, level = pending.pop()
        if level > MAX_DEPTH:
            raise BadRequest("body is nested too deeply")
        if isinstance(value, str) and _LONE_SURROGATE.search(value):
            raise BadRequest("body has a string that is not valid Unicode")
        if isinstance(value, dict):
            pending.extend((key, level) for key in value)
            pending.extend((child, level + 1) for child in value.values())
        elif isinstance(value, list):
            pending.extend((child, level + 1) for child in value)


def _room(room: dict[str, Any]) -> Room:
    return Room(id=room["id"], name=room.get("name"), type=room["type"])
